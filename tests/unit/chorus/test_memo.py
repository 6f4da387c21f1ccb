import asyncio
import time

from chorus import memo
from chorus.jobs import PeriodicJob, run_safely
from chorus.memo import Memo


async def test_a_value_is_kept_for_its_lifetime_only():
    kept = Memo(lifetime=0.05)
    kept.put("round", "read", memo.generation())
    assert kept.get("round") == "read"
    await asyncio.sleep(0.06)
    assert kept.get("round") is None


def test_any_change_in_this_process_forgets_everything_at_once():
    kept = Memo(lifetime=60)
    kept.put("round", "read", memo.generation())
    kept.put("voted", True, memo.generation())
    memo.changed()
    # Gone from memory, not only unused: who voted does not outlive a round's close.
    assert len(kept) == 0
    assert kept.get("round") is None and kept.get("voted") is None


async def test_values_leave_memory_when_their_lifetime_ends_even_if_nothing_else_comes():
    kept = Memo(lifetime=0.05)
    kept.put("voted", True, memo.generation())
    await asyncio.sleep(0.03)
    kept.put("round", "read", memo.generation())
    await asyncio.sleep(0.03)
    assert len(kept) == 1  # the first has gone, by itself
    await asyncio.sleep(0.03)
    assert len(kept) == 0


def test_without_an_event_loop_values_past_their_lifetime_leave_as_new_ones_come():
    kept = Memo(lifetime=0.01)
    kept.put("first", 1, memo.generation())
    time.sleep(0.02)
    kept.put("second", 2, memo.generation())
    assert len(kept) == 1 and kept.get("second") == 2


def test_a_value_read_while_something_changed_is_not_kept():
    kept = Memo(lifetime=60)
    began = memo.generation()
    memo.changed()  # written while the value was being read
    kept.put("round", "stale", began)
    assert kept.get("round") is None


def test_a_lifetime_of_zero_keeps_nothing():
    kept = Memo(lifetime=0)
    kept.put("round", "read", memo.generation())
    assert kept.get("round") is None


def test_it_starts_again_empty_rather_than_grow_past_its_size():
    kept = Memo(lifetime=60, size=3)
    for key in range(3):
        kept.put(key, key, memo.generation())
    kept.put("one more", 1, memo.generation())
    assert [kept.get(key) for key in range(3)] == [None, None, None]
    assert kept.get("one more") == 1


async def test_get_or_read_reads_once_while_the_value_is_kept():
    kept, reads = Memo(lifetime=60), []

    async def read() -> str:
        reads.append(1)
        return "round"

    assert await kept.get_or_read("key", read) == "round"
    assert await kept.get_or_read("key", read) == "round"
    assert len(reads) == 1
    memo.changed()
    await kept.get_or_read("key", read)
    assert len(reads) == 2


async def test_every_job_run_forgets_everything_even_when_it_fails():
    kept = Memo(lifetime=60)

    async def moves_rounds_on() -> None:
        raise RuntimeError("half done")

    kept.put("round", "voting", memo.generation())
    await run_safely(PeriodicJob("rounds", 60, moves_rounds_on))
    assert kept.get("round") is None


async def test_values_no_change_can_make_wrong_outlive_changes_but_not_their_lifetime():
    pages = Memo(lifetime=0.05, follows_changes=False)
    pages.put(("page", "en", "/privacy"), "<html>")
    memo.changed()
    assert pages.get(("page", "en", "/privacy")) == "<html>"
    await asyncio.sleep(0.06)
    assert len(pages) == 0


def test_a_change_forgets_only_what_was_read_from_what_changed():
    kept = Memo(lifetime=60)
    first, second = memo.round_key("first"), memo.round_key("second")
    kept.put("first", "read", memo.generation(first))
    kept.put("second", "read", memo.generation(second, memo.CHARTER))
    kept.put("list", "read", memo.generation(memo.ROUNDS))
    memo.changed(first)
    # Gone from memory at once, not only unused.
    assert len(kept) == 2 and kept.get("first") is None
    assert kept.get("second") == "read" and kept.get("list") == "read"
    memo.changed(memo.CHARTER)
    assert kept.get("second") is None and kept.get("list") == "read"


def test_a_value_read_while_one_of_its_keys_changed_is_not_kept():
    kept = Memo(lifetime=60)
    began = memo.generation(memo.round_key("first"), memo.ROUNDS)
    memo.changed(memo.round_key("other"))  # another round: no matter
    kept.put("page", "fresh", began)
    assert kept.get("page") == "fresh"
    began = memo.generation(memo.round_key("first"), memo.ROUNDS)
    memo.changed(memo.ROUNDS)
    kept.put("page", "stale", began)
    assert kept.get("page") is None


def test_what_a_request_announced_is_announced_again_after_its_writes():
    kept = Memo(lifetime=60)
    with memo.announced() as told:
        memo.changed(memo.round_key("first"))
        # Read meanwhile by another request, before the write was committed.
        kept.put("first", "old", memo.generation(memo.round_key("first")))
        kept.put("second", "read", memo.generation(memo.round_key("second")))
    assert told == [(memo.round_key("first"),)]
    memo.changed_again(told)
    assert kept.get("first") is None and kept.get("second") == "read"


def test_generation_counters_do_not_grow_without_bound():
    kept = Memo(lifetime=60)
    kept.put("list", "read", memo.generation(memo.ROUNDS))
    for number in range(memo.KEPT_KEYS + 1):
        memo.changed(memo.round_key(str(number)))
    assert len(memo._generations) <= memo.KEPT_KEYS
    assert kept.get("list") is None  # starting again forgets everything, to be safe
