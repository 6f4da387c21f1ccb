"""Opening and counting a round: a pure function, run in the worker process."""

from __future__ import annotations

import functools
import os
import pickle
import secrets
from collections import Counter

from nacl.public import PrivateKey, SealedBox

from anonymity import offload
from anonymity.ballots import Opened, open_and_count, pad, revision_tag


def sealed_to(key: PrivateKey, content: bytes, tag: str, supersedes: str | None = None) -> bytes:
    return bytes(SealedBox(key.public_key).encrypt(pad(content, supersedes)))


def counted(contents: list[bytes], prefix: bytes) -> int:
    """A count, as a domain gives one: top-level, with its own picklable arguments."""
    return sum(1 for content in contents if content.startswith(prefix))


def a_round() -> tuple[PrivateKey, list[tuple[bytes, str]], list[tuple[str, str]], list[bytes]]:
    """Sealed ballots of 20 members, of whom one changed their vote twice; (tag, receipt
    hash) of every first ballot, and of a ballot of another round."""
    key = PrivateKey.generate()
    sealed, receipts, final = [], [], []
    for index in range(20):
        tag = secrets.token_hex(32)
        sealed.append((sealed_to(key, b"yes %d" % index, tag), tag))
        receipts.append((tag, f"hash {index:02d}"))
        final.append(b"yes %d" % index)
    personal_key = secrets.token_bytes(32)
    first, second, third = (revision_tag(personal_key, "r", n) for n in range(3))
    sealed += [
        (sealed_to(key, b"no, first", first), first),
        (sealed_to(key, b"no, second", second, supersedes=first), second),
        (sealed_to(key, b"no, last", third, supersedes=second), third),
    ]
    receipts += [(first, "hash of the member who changed"), ("not counted", "hash elsewhere")]
    return key, sealed, receipts, [*final, b"no, last"]


def test_opening_keeps_the_last_ballot_of_each_member_shuffled_and_counts_them():
    key, sealed, receipts, final = a_round()
    count = functools.partial(counted, prefix=b"yes")

    opened = open_and_count(bytes(key), sealed, receipts, count)

    assert Counter(opened.contents) == Counter(final)
    assert opened.tally == 20
    assert opened.ids == sorted(opened.ids) and len(set(opened.ids)) == len(final)
    assert opened.receipts == sorted(hash_ for tag, hash_ in receipts if tag != "not counted")
    # Shuffled: 21 ballots in the order they were sealed would come back in that order.
    again = [open_and_count(bytes(key), sealed, receipts, None).contents for _ in range(3)]
    assert any(contents != final for contents in again)
    assert all(run.count(b"no, last") == 1 for run in again)


def test_without_a_count_there_is_no_tally():
    key, sealed, receipts, _ = a_round()
    assert open_and_count(bytes(key), sealed, receipts, None).tally is None


def test_everything_crossing_to_the_worker_and_back_pickles():
    key, sealed, receipts, _ = a_round()
    count = functools.partial(counted, prefix=b"yes")
    pickle.dumps((bytes(key), sealed, receipts, count))
    result = open_and_count(bytes(key), sealed, receipts, count)
    assert pickle.loads(pickle.dumps(result)) == result


async def test_the_work_runs_in_another_process_and_gives_the_same_answer():
    key, sealed, receipts, final = a_round()
    count = functools.partial(counted, prefix=b"yes")

    opened: Opened = await offload.run_in_process(
        open_and_count, bytes(key), sealed, receipts, count
    )

    assert await offload.run_in_process(os.getpid) != os.getpid()
    assert Counter(opened.contents) == Counter(final) and opened.tally == 20


async def test_inline_runs_on_the_event_loop_for_comparison():
    offload.inline = True
    try:
        assert await offload.run_in_process(os.getpid) == os.getpid()
    finally:
        offload.inline = False
