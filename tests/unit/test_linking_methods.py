"""The linkers of tests/common/linking.py, each on a tiny example whose answer is known."""

from __future__ import annotations

import random
import struct

import pytest

from tests.common import linking
from tests.common.linking import Trace


def test_the_bounds_are_the_exact_percentiles_named_in_the_issue():
    # P(Binomial(30, 1/60) <= 3) = 0.9985 < 0.999 <= P(... <= 4) = 0.99987.
    assert linking.binomial_quantile(30, 1 / 60) == 4
    assert linking.binomial_quantile(8, 1 / 60) == 2
    assert linking.hypergeometric_quantile(60, 30, 30) == 21
    assert linking.hypergeometric_quantile(60, 1, 1) == 1
    assert linking.binomial_quantile(0, 1 / 60) == 0


def test_a_trace_just_before_a_row_ranks_its_person_first():
    traces = [Trace("ana", 10), Trace("bo", 20), Trace("cy", 31)]
    rankings, decided = linking.rank_by_proximity(
        {"ballot": [21], "marker": [30]}, traces, ["ana", "bo", "cy"], random.Random(1)
    )
    assert rankings["ballot"][:2] == ["bo", "ana"]  # before it first, nearest first
    assert rankings["marker"] == ["bo", "ana", "cy"]  # cy's trace comes after the row
    assert decided == {"ballot", "marker"}


def test_ties_are_broken_at_random_not_by_the_truth():
    firsts = set()
    for seed in range(30):
        rankings, decided = linking.rank_by_proximity(
            {"row": [5]}, [Trace("ana", 1), Trace("bo", 1)], ["ana", "bo"], random.Random(seed)
        )
        firsts.add(rankings["row"][0])
        assert decided == set()
    assert firsts == {"ana", "bo"}


def test_rows_without_a_clock_rank_everyone_alike():
    rankings, decided = linking.rank_by_proximity(
        {"a": [], "b": []}, [Trace("ana", 1)], ["ana", "bo", "cy"], random.Random(3)
    )
    assert rankings["a"] == rankings["b"] and not decided


def test_order_alone_is_a_place_within_each_table():
    places = linking.table_positions(
        [("t", "t:1"), ("u", "u:1"), ("t", "t:2"), ("t", "t:3"), ("u", "u:2")]
    )
    assert places == {"t:1": 0.0, "t:2": 0.5, "t:3": 1.0, "u:1": 0.0, "u:2": 1.0}


def test_a_perfect_linker_is_caught_and_a_blind_one_is_not():
    candidates = [f"p{i:02d}" for i in range(60)]
    actors = set(candidates[:30])
    truth = {f"row{i}": p for i, p in enumerate(sorted(actors))}
    perfect = {key: [p, *(c for c in candidates if c != p)] for key, p in truth.items()}
    score = linking.score_rankings(
        "m", "open", "voting", perfect, truth, actors, candidates, {"p00"}, random.Random(1)
    )
    assert (score.linked, score.found, score.staged_first) == (30, 30, ["p00"])
    assert not score.passed
    rng = random.Random(2)
    blind = {key: rng.sample(candidates, 60) for key in truth}
    score = linking.score_rankings(
        "m", "open", "voting", blind, truth, actors, candidates, set(), random.Random(1), set()
    )
    assert score.linked <= 4 and score.passed


def test_the_interleaving_keeps_each_persons_order_and_never_signs_everyone_in_first():
    visits = {p: [["in", f"{p}-act", "out"], ["in", f"{p}-again", "out"]] for p in "abcdefghij"}
    order = linking.interleave_visits(visits, random.Random(7), overlap=0.3)
    for person, own in visits.items():
        assert [step for who, step in order if who == person] == own[0] + own[1]
    firsts = [i for i, (_, step) in enumerate(order) if step == "in"]
    acts = [i for i, (_, step) in enumerate(order) if step.endswith("-act")]
    assert min(acts) < max(firsts)
    # Someone else's steps fall inside some visit: people do overlap.
    assert any(
        order[i][0] != order[i + 1][0] and order[i][1] != "out" for i in range(len(order) - 1)
    )


WALDUMP = """\
rmgr: Heap        len (rec/tot):     54/   190, tx:        745, lsn: 0/01A2B3C8, prev 0/01A2B390, desc: INSERT off 3 flags 0x00, blkref #0: rel 1663/16384/16385 blk 0
rmgr: Heap        len (rec/tot):     54/    54, tx:        745, lsn: 0/01A2B488, prev 0/01A2B3C8, desc: LOCK off 5: xid 745: flags 0x00 LOCK_ONLY KEYSHR_LOCK , blkref #0: rel 1663/16384/16390 blk 2
rmgr: Transaction len (rec/tot):     34/    34, tx:        745, lsn: 0/01A2B4C0, prev 0/01A2B488, desc: COMMIT 2026-12-07 19:49:49.286123 UTC
rmgr: MultiXact   len (rec/tot):     54/    54, tx:        747, lsn: 0/01A2B500, prev 0/01A2B4C0, desc: CREATE_ID 3 offset 5 nmembers 2: 746 (keysh) 747 (keysh)
rmgr: Transaction len (rec/tot):     34/    34, tx:        747, lsn: 0/01A2B540, prev 0/01A2B500, desc: COMMIT 2026-12-07 19:49:50 UTC
"""  # noqa: E501


def test_pg_waldump_records_commits_and_multixacts_are_read():
    records = linking.parse_waldump(WALDUMP)
    assert [(r.rmgr, r.xid) for r in records][:2] == [("Heap", 745), ("Heap", 745)]
    lock = records[1]
    assert (lock.relfilenode, lock.block, lock.offset) == (16390, 2, 5)
    commits = linking.commit_order(records)
    assert commits[745][0] == 0 and commits[747][0] == 1
    assert commits[747][1] - commits[745][1] == pytest.approx(50 - 49.286123)
    assert linking.multixact_members(records) == {3: [746, 747]}
    assert linking.record_at(records, 0x01A2B3C8 + 10) is records[0]
    assert linking.record_at(records, 0x01A2B3C0) is None
    assert linking.segment_start("000000010000000000000002", 16 * 2**20) == 2 * 16 * 2**20


def test_database_errors_are_found_in_the_servers_log():
    lines = [
        "2026-12-07 19:49:49.286 UTC [1] postgres@chorus_a ERROR:  duplicate key value",
        "2026-12-07 19:49:49.286 UTC [1] postgres@chorus_b ERROR:  another database",
        "2026-12-07 19:49:50.000 UTC [2] LOG:  checkpoint complete",
    ]
    assert linking.database_errors(lines, "chorus_a") == lines[:1]
    later, earlier = linking.log_time(lines[2]), linking.log_time(lines[0])
    assert later is not None and earlier is not None
    assert later - earlier == pytest.approx(50 - 49.286)


def leaf_page(cells: list[tuple[int, list[object]]], size: int = 512) -> bytes:
    """A SQLite table leaf page holding these (rowid, [text values])."""
    page = bytearray(size)
    end = size
    pointers = []
    for rowid, values in cells:
        body = b"".join(str(v).encode() for v in values)
        header = bytes([1 + len(values)]) + bytes(13 + 2 * len(str(v).encode()) for v in values)
        record = header + body
        cell = bytes([len(record), rowid]) + record
        end -= len(cell)
        page[end : end + len(cell)] = cell
        pointers.append(end)
    page[0] = 0x0D
    page[3:5] = struct.pack(">H", len(cells))
    for i, pointer in enumerate(pointers):
        page[8 + 2 * i : 10 + 2 * i] = struct.pack(">H", pointer)
    return bytes(page)


def test_sqlite_pages_and_wal_frames_give_the_order_of_writes():
    size = 512
    first = leaf_page([(1, ["session-of-ana-0000", "ana"])], size)
    second = leaf_page([(1, ["session-of-ana-0000", "ana"]), (2, ["ballot-tag-0000000001"])])
    assert linking.table_leaf_cells(second) == [
        (1, ["session-of-ana-0000", "ana"]),
        (2, ["ballot-tag-0000000001"]),
    ]
    header = struct.pack(">IIIIIIII", 0x377F0682, 3007000, size, 0, 9, 1, 0, 0)

    def frame(page: int, commit: bool, image: bytes) -> bytes:
        return struct.pack(">IIIIII", page, 2 if commit else 0, 9, 1, 0, 0) + image

    wal = header + frame(2, True, first) + frame(2, True, second)
    frames = linking.sqlite_wal_frames(wal)
    assert [(f.page, f.commit) for f in frames] == [(2, True), (2, True)]

    def wanted(values: list[object]) -> list[str]:
        return [v for v in ("ana", "ballot-tag-0000000001") if v in values]

    seen, every = linking.first_seen(frames, wanted)
    assert seen == {"ana": 0, "ballot-tag-0000000001": 1}
    assert every == {"ana": [0], "ballot-tag-0000000001": [1]}
    assert [c[:2] for c in linking.sqlite_page_cells(b"\0" * size + second, size)] == [
        (2, 1),
        (2, 2),
    ]


def test_persons_are_found_in_values_and_inside_longer_text():
    names = {"0b3bcef4-425f-4c7b-b399-95a39ae81ad3": "ana", "Ana": "ana"}
    assert linking.persons_named(['{"person_id": "0b3bcef4-425f-4c7b-b399-95a39ae81ad3"}'], names)
    assert linking.persons_named(["Ana"], names) == {"ana"}
    assert not linking.persons_named(["Anastasia", None, 3], names)
