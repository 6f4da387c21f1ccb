"""An adversary's linkers: given what a copy of the database shows, who did each anonymous act?

Everything here is plain functions over plain data, so each can be tried on a tiny
example (tests/unit/test_linking_methods.py); tests/functional/test_linking.py reads a
real copy into these shapes.

The idea every linker shares: put the writes a copy shows on one clock (transaction
ids, commit order, commit time, position in a table, a WAL frame...), mark the writes
that name a person (a *trace*: any row, live or dead, holding a person's id), and rank,
for each anonymous row (a ballot, a marker, a proposal's tag row...), the candidates by
how close their traces sit to it on that clock: the nearest trace *before* the row
first (a sign-in just before a vote), then the nearest after it. Ties are broken by
one random order of the candidates drawn per method, never in favour of the truth.

Also here: the random interleaving of people's visits, the exact binomial and
hypergeometric percentiles the scores are held to, and readers for PostgreSQL's
`pg_waldump` output, PostgreSQL's server log, SQLite's WAL file and SQLite pages.
"""

from __future__ import annotations

import math
import random
import re
import struct
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

Step = TypeVar("Step")

# Kinds of anonymous act.
VOTING, PROPOSING, COSIGNING = "voting", "proposing", "co-signing"
KINDS = (VOTING, PROPOSING, COSIGNING)


# The journey's order ------------------------------------------------------------------


def interleave_visits(
    visits: Mapping[str, Sequence[Sequence[Step]]],
    rng: random.Random,
    *,
    overlap: float = 0.04,
    most: int = 3,
) -> list[tuple[str, Step]]:
    """One random order of everyone's steps, each person's in their own order.

    Every person's visits (a visit: sign in, a few steps, sign out) are spread at random
    over the journey, people's visits in a random order; a visit starts when the previous
    one ends or, with probability `overlap` at each step, while up to `most` others are
    still going, and then their steps interleave at random. So people come and go as on a
    real server: never everyone signed in first, and often two people at once, which is
    what makes timing links hard to see and easy to miss.
    """
    # Visits in a random order, each person's still in their own order.
    slots = [person for person, own in visits.items() for _ in own]
    rng.shuffle(slots)
    taken: dict[str, int] = {}
    queue: list[tuple[str, list[Step]]] = []
    for person in slots:
        index = taken.get(person, 0)
        taken[person] = index + 1
        queue.append((person, list(visits[person][index])))
    queue.reverse()
    live: list[tuple[str, list[Step]]] = []
    order: list[tuple[str, Step]] = []
    while queue or live:
        if queue and (not live or (len(live) < most and rng.random() < overlap)):
            # Nobody has two visits going at once: their next waits for the last to end.
            ready = [i for i in range(len(queue) - 1, -1, -1) if queue[i][0] not in dict(live)]
            if ready:
                live.append(queue.pop(ready[0]))
        index = rng.randrange(len(live))
        person, steps = live[index]
        order.append((person, steps.pop(0)))
        if not steps:
            del live[index]
    return order


# The bounds --------------------------------------------------------------------------


def binomial_quantile(n: int, p: float, q: float = 0.999) -> int:
    """The smallest k with P(Binomial(n, p) <= k) >= q, exactly."""
    total = 0.0
    for k in range(n + 1):
        total += math.comb(n, k) * p**k * (1 - p) ** (n - k)
        if total >= q - 1e-12:
            return k
    return n


def hypergeometric_quantile(population: int, marked: int, drawn: int, q: float = 0.999) -> int:
    """The smallest k with P(X <= k) >= q, X the marked among `drawn` taken from
    `population` without replacement, exactly."""
    whole = math.comb(population, drawn)
    total = 0
    for k in range(min(marked, drawn) + 1):
        total += math.comb(marked, k) * math.comb(population - marked, drawn - k)
        if total / whole >= q - 1e-12:
            return k
    return min(marked, drawn)


# Linking -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Trace:
    """A write that names `person`, at `at` on some clock."""

    person: str
    at: float


Rankings = dict[str, list[str]]  # anonymous row -> candidates, likeliest first


def rank_by_proximity(
    rows: Mapping[str, Iterable[float]],
    traces: Iterable[Trace],
    candidates: Sequence[str],
    rng: random.Random,
) -> tuple[Rankings, set[str]]:
    """For each anonymous row (its positions on the clock), the candidates ordered by
    their nearest trace before it (nearest first), then by their nearest trace after it;
    candidates without a trace last. Ties: one random order of the candidates. Also the
    rows whose first place the clock decided (not the tie-break)."""
    priority = {c: i for i, c in enumerate(rng.sample(list(candidates), len(candidates)))}
    by_person: dict[str, list[float]] = {}
    for trace in traces:
        by_person.setdefault(trace.person, []).append(trace.at)
    ranked: Rankings = {}
    decided: set[str] = set()
    for key, positions in rows.items():
        at = list(positions)

        def score(candidate: str, at: list[float] = at) -> tuple[int, float, int]:
            marks = by_person.get(candidate, [])
            before = [a - t for a in at for t in marks if t <= a]
            if before:
                return (0, min(before), priority[candidate])
            after = [t - a for a in at for t in marks if t > a]
            if after:
                return (1, min(after), priority[candidate])
            return (2, 0.0, priority[candidate])

        scored = sorted((score(c), c) for c in candidates)
        ranked[key] = [c for _, c in scored]
        if len(scored) < 2 or scored[0][0][:2] != scored[1][0][:2]:
            decided.add(key)
    return ranked, decided


def table_positions(order: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Rows (table, row) in the order a copy shows them -> their place within their own
    table, from 0 (first) to 1 (last): the only clock that order alone gives."""
    per_table: dict[str, list[str]] = {}
    for table, row in order:
        per_table.setdefault(table, []).append(row)
    places = {}
    for rows in per_table.values():
        for index, row in enumerate(rows):
            places[row] = index / (len(rows) - 1) if len(rows) > 1 else 0.5
    return places


@dataclass
class Score:
    method: str
    copy: str
    kind: str
    actors: int  # n: candidates who did this kind of act
    linked: int  # actors whose own row is ranked first
    linked_bound: int
    found: int  # actors among the method's n likeliest participants
    found_bound: int
    staged_first: list[str] = field(default_factory=list)
    rows: int = 0

    @property
    def passed(self) -> bool:
        return (
            self.linked <= self.linked_bound
            and self.found <= self.found_bound
            and not self.staged_first
        )


def score_rankings(
    method: str,
    copy: str,
    kind: str,
    rankings: Rankings,
    truth: Mapping[str, str],
    actors: set[str],
    candidates: Sequence[str],
    staged: set[str],
    rng: random.Random,
    decided: set[str] | None = None,
) -> Score:
    """How well `rankings` (of the anonymous rows of one kind) found who acted.

    (a) actors with one of their own rows ranked first, against the 99.9th percentile
    of Binomial(n, 1/N); (b) actors among the n candidates whose best place in any row's
    ranking is highest (ties at random), against the 99.9th percentile of
    Hypergeometric(N, n, n); (c) staged actors ranked first on a row of their own by the
    clock itself (`decided`), not by the tie-break."""
    n, population = len(actors), len(candidates)
    first = {key: ranking[0] for key, ranking in rankings.items() if ranking}
    linked = {truth[key] for key, person in first.items() if truth.get(key) == person}
    clear = {
        truth[key]
        for key, person in first.items()
        if truth.get(key) == person and (decided is None or key in decided)
    }
    best: dict[str, int] = {}
    for ranking in rankings.values():
        for place, candidate in enumerate(ranking):
            best[candidate] = min(best.get(candidate, place), place)
    priority = {c: i for i, c in enumerate(rng.sample(list(candidates), population))}
    likeliest = sorted(candidates, key=lambda c: (best.get(c, population), priority[c]))[:n]
    return Score(
        method=method,
        copy=copy,
        kind=kind,
        actors=n,
        linked=len(linked & actors),
        linked_bound=binomial_quantile(n, 1 / population),
        found=len(set(likeliest) & actors),
        found_bound=hypergeometric_quantile(population, n, n),
        staged_first=sorted(clear & staged),
        rows=len(rankings),
    )


def score_table(scores: Iterable[Score]) -> str:
    lines = [
        f"{'method':<34} {'copy':<6} {'act':<10} {'rows':>4} {'n':>3} "
        f"{'first':>5}/{'max':<3} {'top-n':>5}/{'max':<3} staged-first"
    ]
    for s in scores:
        verdict = "" if s.passed else "  <-- LINKS"
        lines.append(
            f"{s.method:<34} {s.copy:<6} {s.kind:<10} {s.rows:>4} {s.actors:>3} "
            f"{s.linked:>5}/{s.linked_bound:<3} {s.found:>5}/{s.found_bound:<3} "
            f"{','.join(s.staged_first) or '-'}{verdict}"
        )
    return "\n".join(lines)


# Values that name someone ----------------------------------------------------------------


def persons_named(values: Iterable[object], names: Mapping[str, str]) -> set[str]:
    """The persons whose identifying values (`names`: value -> person) are among `values`
    (as text, or inside longer text such as JSON)."""
    found = set()
    for value in values:
        text = value.hex() if isinstance(value, bytes | bytearray | memoryview) else str(value)
        if text in names:
            found.add(names[text])
            continue
        for name, person in names.items():
            if len(name) >= 16 and name in text:
                found.add(person)
    return found


def long_texts(values: Iterable[object], shared: set[str] | None = None) -> set[str]:
    """The distinctive values of a row: text of 16 characters or more (ids, tags, hashes),
    without those shared by many rows (a round's id)."""
    found = set()
    for value in values:
        if isinstance(value, str) and len(value) >= 16 and value not in (shared or set()):
            found.add(value)
    return found


# PostgreSQL: pg_waldump ------------------------------------------------------------------

_WAL_RECORD = re.compile(
    r"rmgr: (?P<rmgr>\S+)\s+len \(rec/tot\):\s*\d+/\s*\d+, tx:\s*(?P<xid>\d+), "
    r"lsn: (?P<lsn>[0-9A-F]+/[0-9A-F]+), prev [0-9A-F]+/[0-9A-F]+, desc: (?P<desc>.*)$"
)
_COMMIT = re.compile(r"^COMMIT (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) ?(\w+)?")
_BLOCK = re.compile(r"blkref #\d+: rel \d+/\d+/(\d+)(?: fork \w+)? blk (\d+)")
_OFFSET = re.compile(r"\boff (\d+)")
_MULTI = re.compile(r"CREATE_ID (\d+) offset \d+ nmembers \d+: (.*)$")


def lsn_number(text: str) -> int:
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


@dataclass(frozen=True)
class WalRecord:
    rmgr: str
    xid: int
    lsn: int
    desc: str
    relfilenode: int | None = None
    block: int | None = None
    offset: int | None = None

    @property
    def commit_time(self) -> float | None:
        if self.rmgr != "Transaction":
            return None
        found = _COMMIT.match(self.desc)
        if not found:
            return None
        stamp = datetime.fromisoformat(found.group(1) + "+00:00")
        return stamp.timestamp()


def parse_waldump(text: str) -> list[WalRecord]:
    records = []
    for line in text.splitlines():
        found = _WAL_RECORD.match(line.strip())
        if not found:
            continue
        desc = found.group("desc")
        block = _BLOCK.search(desc)
        offset = _OFFSET.search(desc)
        records.append(
            WalRecord(
                rmgr=found.group("rmgr"),
                xid=int(found.group("xid")),
                lsn=lsn_number(found.group("lsn")),
                desc=desc,
                relfilenode=int(block.group(1)) if block else None,
                block=int(block.group(2)) if block else None,
                offset=int(offset.group(1)) if offset else None,
            )
        )
    return records


def commit_order(records: Iterable[WalRecord]) -> dict[int, tuple[int, float]]:
    """Each committed transaction id -> (its place among commits, its commit time)."""
    order: dict[int, tuple[int, float]] = {}
    for record in records:
        stamp = record.commit_time
        if stamp is not None and record.xid not in order:
            order[record.xid] = (len(order), stamp)
    return order


def multixact_members(records: Iterable[WalRecord]) -> dict[int, list[int]]:
    """Multixact id -> the transaction ids it stands for, from MultiXact CREATE_ID records."""
    found = {}
    for record in records:
        match = _MULTI.search(record.desc) if record.rmgr == "MultiXact" else None
        if match:
            found[int(match.group(1))] = [int(x) for x in re.findall(r"(\d+) \(", match.group(2))]
    return found


def record_at(records: Sequence[WalRecord], lsn: int) -> WalRecord | None:
    """The record that holds the byte at `lsn` (the last one starting at or before it)."""
    low, high = 0, len(records)
    while low < high:
        middle = (low + high) // 2
        if records[middle].lsn <= lsn:
            low = middle + 1
        else:
            high = middle
    return records[low - 1] if low else None


def segment_start(name: str, segment_size: int) -> int:
    """The LSN at which a WAL segment file (24 hex digits) starts."""
    log, seg = int(name[8:16], 16), int(name[16:24], 16)
    return log * 0x1_0000_0000 + seg * segment_size


# PostgreSQL: the server log --------------------------------------------------------------

_LOG_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) (\w+)")


def server_log_lines(path: Path, since: int) -> list[str]:
    """The lines written to the server's log file since byte `since` (a small reader of our
    own: tests/common/postgres.py has no `server_log_since` yet)."""
    with path.open("rb") as log:
        log.seek(since)
        return log.read().decode(errors="replace").splitlines()


def log_time(line: str) -> float | None:
    found = _LOG_TIME.match(line)
    if not found:
        return None
    return datetime.fromisoformat(found.group(1) + "+00:00").timestamp()


def database_errors(lines: Iterable[str], database: str) -> list[str]:
    """Lines reporting an error (or worse) in this database."""
    marks = ("ERROR:", "FATAL:", "PANIC:")
    return [line for line in lines if f"@{database} " in line and any(m in line for m in marks)]


# SQLite: the WAL file and pages ---------------------------------------------------------


@dataclass(frozen=True)
class WalFrame:
    page: int
    commit: bool
    generation: int  # salt-1, one more at each restart of the WAL from its beginning
    index: int
    image: bytes


def sqlite_wal_frames(data: bytes) -> list[WalFrame]:
    """Every frame still in a SQLite -wal file, in the order written (older generations,
    left past the end of a restarted WAL, first)."""
    if len(data) < 32 or data[:4] not in (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83"):
        return []
    page_size = struct.unpack(">I", data[8:12])[0]
    frames = []
    index, start = 0, 32
    while start + 24 + page_size <= len(data):
        page, size_after, salt1, _ = struct.unpack(">IIII", data[start : start + 16])
        image = data[start + 24 : start + 24 + page_size]
        frames.append(WalFrame(page, size_after != 0, salt1, index, image))
        index += 1
        start += 24 + page_size
    return sorted(frames, key=lambda f: (f.generation, f.index))


def varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's variable-length integer at `at`: (value, next position)."""
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    raise AssertionError("unreachable")


def record_values(payload: bytes) -> list[object]:
    """The values of a SQLite record (as far as the payload at hand goes)."""
    header_size, at = varint(payload, 0)
    types = []
    while at < header_size:
        kind, at = varint(payload, at)
        types.append(kind)
    values: list[object] = []
    at = header_size
    sizes = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8, 8: 0, 9: 0}
    for kind in types:
        size = sizes[kind] if kind < 12 else (kind - 12) // 2
        chunk = payload[at : at + size]
        if len(chunk) < size:
            break
        if kind == 0:
            values.append(None)
        elif kind in (8, 9):
            values.append(kind - 8)
        elif kind == 7:
            values.append(struct.unpack(">d", chunk)[0])
        elif kind < 12:
            values.append(int.from_bytes(chunk, "big", signed=True))
        elif kind % 2:
            values.append(chunk.decode(errors="replace"))
        else:
            values.append(bytes(chunk))
        at += size
    return values


def table_leaf_cells(image: bytes, first_page: bool = False) -> list[tuple[int, list[object]]]:
    """(rowid, values) of each cell of a table b-tree leaf page; [] for any other page."""
    base = 100 if first_page else 0
    if len(image) < base + 8 or image[base] != 0x0D:
        return []
    count = struct.unpack(">H", image[base + 3 : base + 5])[0]
    cells = []
    for i in range(count):
        try:
            pointer = struct.unpack(">H", image[base + 8 + 2 * i : base + 10 + 2 * i])[0]
            size, at = varint(image, pointer)
            rowid, at = varint(image, at)
            local = image[at : at + size]
            cells.append((rowid, record_values(local)))
        except (IndexError, KeyError, struct.error):
            continue
    return cells


def sqlite_page_cells(data: bytes, page_size: int) -> list[tuple[int, int, list[object]]]:
    """(page number, rowid, values) of every table cell of a database file, in file order."""
    found = []
    for number, start in enumerate(range(0, len(data), page_size), start=1):
        image = data[start : start + page_size]
        for rowid, values in table_leaf_cells(image, first_page=number == 1):
            found.append((number, rowid, values))
    return found


def first_seen(
    frames: Sequence[WalFrame], wanted: Callable[[list[object]], Iterable[str]]
) -> tuple[dict[str, int], dict[str, list[int]]]:
    """Walk the WAL's frames in order, numbering commits; for every cell, the keys that
    `wanted(values)` names. Returns, per key, the commit at which a cell naming it first
    appeared, and every commit at which a new version of such a cell appeared."""
    seen_cells: set[tuple[int, tuple[object, ...]]] = set()
    first: dict[str, int] = {}
    every: dict[str, list[int]] = {}
    commit = 0
    for frame in frames:
        for rowid, values in table_leaf_cells(frame.image, first_page=frame.page == 1):
            cell = (rowid, tuple(v if not isinstance(v, bytes) else v.hex() for v in values))
            if cell in seen_cells:
                continue
            seen_cells.add(cell)
            for key in wanted(values):
                first.setdefault(key, commit)
                every.setdefault(key, []).append(commit)
        if frame.commit:
            commit += 1
    return first, every


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def as_float_time(value: Any) -> float | None:
    """A stored date or timestamp as seconds since the epoch (UTC); None if it is neither."""
    if isinstance(value, str) and re.match(r"^\d{4}-\d\d-\d\d", value):
        try:
            stamp = datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
        except ValueError:
            return None
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=datetime.now().astimezone().tzinfo)
        return stamp.timestamp()
    return None
