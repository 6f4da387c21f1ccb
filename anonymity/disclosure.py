"""Disclosure control: which counts of a table may be shown without giving anyone away.

A count is about people: "2 people from service X said they felt unsafe" points at
those two when the group is small. A hidden count is not safe either if it can
be worked out: a shown total minus the shown cells is the hidden one, and one
publication subtracted from the next is what the newest people said. DESIGN,
anonymity point 7. Everything here is pure: tables in, what may be shown out.

The rules, for a threshold k (a release never shows a changed number: a cell
is its true count or SUPPRESSED):

1. Small cells are hidden: every count below k, **zero included**. A shown zero
   discloses too: "nobody in this group chose A" is "everyone in this group
   chose something else", so a row of one shown count and shown zeros tells a
   trafficker who knows who is in that group what each of them answered. Shown
   zeros would also tell an attacker that every hidden cell holds at least one
   person, which pins cells down (three hidden cells that sum to three hold one
   each). Hiding zeros costs detail in sparse tables; we accept that.
2. Totals are cells too: a row, column or grand total below k is hidden. If the
   grand total is below k, nothing is shown at all.
3. Complementary suppression. A table with its totals is a grid in which every
   row and column is a *line*: its entries add up to its last entry, the total
   (the row of column totals and the column of row totals end in the grand
   total). In every line:
   a. never exactly one hidden entry (it would be the total minus the rest);
   b. if the total is shown, the hidden entries hold at least k together, so
      "total minus what is shown" only tells that those cells hold k or more;
   c. no hidden entry is pinned down by combining lines, even knowing that no
      count is below zero. One more person in a hidden cell must be balanced by
      one fewer in another hidden cell of its row, one more in another of that
      one's column, and so on around a cycle back to the start: picture a graph
      with a node per line and a link per hidden entry, joining its row and its
      column. One fewer needs a count of at least one, so a hidden zero can only
      go up. A hidden entry has at least two possible values exactly when such a
      balanced cycle runs through it; otherwise the sums pin it down. Two ways
      that happens: a bridge between two blocks of hidden cells (adding up the
      lines on one side leaves it alone), or a column of total 5 whose hidden
      cells a row needs all of (then each holds all it can). Checked with
      strongly connected components and bridges, linear in the grid.
   Each fix hides the smallest shown count that helps (inner cells before
   totals on ties; for 3c one that closes a cycle through the pinned entry),
   repeated until nothing changes. Each step hides one more entry, so it ends;
   no search over patterns: a 12 x 12 table takes about half a millisecond.
4. Publications over time. Feedback grows, and a reader may keep every
   publication. `next_release` publishes nothing (None) until there are k
   answers, then nothing new until the grand total grew by at least k since the
   last publication. The new release hides entries that protect, under rules
   1-3, both the current table and the table of what came since the last
   publication (the growth). So every number shown grew by at least k since the
   last publication, and so since any earlier one (a zero growth is small too:
   "none of the newest answers said A" is as telling); subtracting one release
   from another, total minus shown, gives only sums of k or more. Checking only
   what subtraction reveals would not do: the reader knows counts only grow.
   With k = 3, {a: 6, b: -, c: -, total 10} and then {a: -, b: -, c: 7, total
   13} give a >= 6 and a + b = 6 now, so a = 6, b = 0 and c was 4; protecting
   the growth (0, 0, 3) hides everything but the total. The second release may
   show fewer cells than the first; later ones show them again once they grew
   enough. The counts only grow (a lower count raises ValueError): after a
   deletion (retention), publish what comes next as a new table (`last=None`)
   of answers none of which were published before, e.g. a new period.

What this does not promise: the pattern of hidden cells itself depends on the
counts, and the rules are public. Someone who reruns them on every table that fits
a release can, rarely, narrow a hidden entry down to one value: in exhaustive
searches of small tables (up to 3 x 3, at most 18 people) one table in 60 for k of
2 or 3, one in 400 for k from 4 to 8 (two column totals of 4 with k = 5). The tests
play the reader who uses what was published, arithmetic, that no count is below
zero and, across publications, that counts only grow; three or more
publications together were searched exhaustively for small one-way tables only.

Tables: a one-way table is a mapping from category to count; a two-way table a
mapping from (row, column) to count, where a missing pair counts zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SUPPRESSED = None
"""What a hidden count is shown as."""

Shown = int | None
Cell = tuple[int, int]
"""An entry of the grid (a table with its totals): (row, column)."""
Grid = list[list[int]]


@dataclass(frozen=True)
class Release:
    """What may be shown of a one-way table: each count, or SUPPRESSED."""

    counts: Mapping[str, Shown]
    total: Shown


@dataclass(frozen=True)
class CrossRelease:
    """What may be shown of a two-way table, its row, column and grand totals."""

    counts: Mapping[tuple[str, str], Shown]
    row_totals: Mapping[str, Shown]
    column_totals: Mapping[str, Shown]
    total: Shown


# -- One-way tables -------------------------------------------------------------------------


def release(counts: Mapping[str, int], k: int) -> Release:
    """What may be shown of `counts` with threshold k (see the module's rules)."""
    labels = _categories([counts])
    grid = _one_way_grid(counts, labels, k)
    return _one_way_release(labels, grid, _protect(grid, k))


def next_release(
    last: Mapping[str, int] | None, current: Mapping[str, int], k: int
) -> Release | None:
    """The release to publish now, or None to keep showing the last one (rule 4).

    `last` is the true counts at the last publication, None before the first.
    """
    labels = _categories([current, last or {}])
    grid = _one_way_grid(current, labels, k)
    before = None if last is None else _one_way_grid(last, labels, k)
    hidden = _next_hidden(grid, before, k)
    return None if hidden is None else _one_way_release(labels, grid, hidden)


def _one_way_grid(counts: Mapping[str, int], labels: list[str], k: int) -> Grid:
    # A one-way table is a table of one row: its column totals repeat its cells,
    # which the line rules keep hidden or shown together.
    _check(counts.values(), k)
    return _grid([[counts.get(label, 0) for label in labels]], len(labels))


def _one_way_release(labels: list[str], grid: Grid, hidden: set[Cell]) -> Release:
    return Release(
        counts={label: _show(grid, hidden, (0, j)) for j, label in enumerate(labels)},
        total=_show(grid, hidden, (0, len(labels))),
    )


# -- Two-way tables -------------------------------------------------------------------------


def release_cross(counts: Mapping[tuple[str, str], int], k: int) -> CrossRelease:
    """What may be shown of a two-way table with threshold k (see the module's rules)."""
    rows, columns = _axes([counts])
    grid = _two_way_grid(counts, rows, columns, k)
    return _two_way_release(rows, columns, grid, _protect(grid, k))


def next_release_cross(
    last: Mapping[tuple[str, str], int] | None, current: Mapping[tuple[str, str], int], k: int
) -> CrossRelease | None:
    """The two-way release to publish now, or None to keep showing the last one (rule 4).

    `last` is the true counts at the last publication, None before the first.
    """
    rows, columns = _axes([current, last or {}])
    grid = _two_way_grid(current, rows, columns, k)
    before = None if last is None else _two_way_grid(last, rows, columns, k)
    hidden = _next_hidden(grid, before, k)
    return None if hidden is None else _two_way_release(rows, columns, grid, hidden)


def _two_way_grid(
    counts: Mapping[tuple[str, str], int], rows: list[str], columns: list[str], k: int
) -> Grid:
    _check(counts.values(), k)
    return _grid([[counts.get((r, c), 0) for c in columns] for r in rows], len(columns))


def _two_way_release(
    rows: list[str], columns: list[str], grid: Grid, hidden: set[Cell]
) -> CrossRelease:
    last_row, last_column = len(rows), len(columns)
    return CrossRelease(
        counts={
            (r, c): _show(grid, hidden, (i, j))
            for i, r in enumerate(rows)
            for j, c in enumerate(columns)
        },
        row_totals={r: _show(grid, hidden, (i, last_column)) for i, r in enumerate(rows)},
        column_totals={c: _show(grid, hidden, (last_row, j)) for j, c in enumerate(columns)},
        total=_show(grid, hidden, (last_row, last_column)),
    )


# -- The grid and its rules -----------------------------------------------------------------


def _categories(tables: Iterable[Mapping[str, int]]) -> list[str]:
    """Every category of these tables, in the order first seen."""
    return list(dict.fromkeys(label for table in tables for label in table))


def _axes(tables: Iterable[Mapping[tuple[str, str], int]]) -> tuple[list[str], list[str]]:
    """Every row and every column label of these tables, in the order first seen."""
    pairs = [pair for table in tables for pair in table]
    return list(dict.fromkeys(r for r, _ in pairs)), list(dict.fromkeys(c for _, c in pairs))


def _check(counts: Iterable[int], k: int) -> None:
    if k < 1:
        raise ValueError(f"the threshold k must be at least 1, not {k}")
    if any(count < 0 for count in counts):
        raise ValueError("counts cannot be negative")


def _grid(inner: list[list[int]], width: int) -> Grid:
    """The table with a total at the end of each row and a row of column totals below."""
    rows = [[*row, sum(row)] for row in inner]
    return [*rows, [sum(row[j] for row in rows) for j in range(width + 1)]]


def _show(grid: Grid, hidden: set[Cell], cell: Cell) -> Shown:
    row, column = cell
    return SUPPRESSED if cell in hidden else grid[row][column]


def _protect(grid: Grid, k: int, hidden: Iterable[Cell] = ()) -> set[Cell]:
    """The smallest-first pattern of hidden entries, at least `hidden`, that rules 1-3 accept."""
    height, width = len(grid), len(grid[0])
    cells = [(r, c) for r in range(height) for c in range(width)]
    if grid[-1][-1] < k:
        return set(cells)
    pattern = set(hidden) | {(r, c) for r, c in cells if grid[r][c] < k}
    # Line i < height is row i, line height + j is column j.
    lines = [[(r, c) for c in range(width)] for r in range(height)]
    lines += [[(r, c) for r in range(height)] for c in range(width)]
    todo = list(range(len(lines)))
    while True:
        while todo:
            cell = _line_gap(grid, pattern, lines[todo.pop()], k)
            if cell is not None:
                pattern.add(cell)
                todo += [cell[0], height + cell[1]]  # only its two lines can have changed
        cell = _pinned_gap(grid, pattern)
        if cell is None:
            return pattern
        pattern.add(cell)
        todo += [cell[0], height + cell[1]]


def _line_gap(grid: Grid, hidden: set[Cell], line: list[Cell], k: int) -> Cell | None:
    """The entry to hide next so that this line gives nothing away (rules 3a, 3b)."""
    *parts, total = line
    shown = [cell for cell in parts if cell not in hidden]
    hidden_parts = [cell for cell in parts if cell in hidden]
    if len(hidden_parts) + (total in hidden) == 1:
        if shown:
            return _smallest(grid, shown)
        return total if total not in hidden else None
    if total not in hidden and hidden_parts and sum(grid[r][c] for r, c in hidden_parts) < k:
        # The total is at least k and the hidden parts hold less, so a shown part is positive.
        return _smallest(grid, shown)
    return None


def _pinned_gap(grid: Grid, hidden: set[Cell]) -> Cell | None:
    """A shown entry to hide so that a hidden entry pinned down gets room to move (rule 3c)."""
    pinned = _first_pinned(grid, hidden)
    if pinned is None:
        return None
    height, width = len(grid), len(grid[0])
    arcs = _arcs(grid, hidden - {pinned})
    start, end = _ends(grid, pinned)
    ways = [(start, end), (end, start)] if grid[pinned[0]][pinned[1]] > 0 else [(start, end)]
    across = set()
    for tail, head in ways:
        # Moving one person along tail -> head needs a way back from head to tail. A
        # shown entry (at least k, so it can go up and down) between a node that head
        # reaches and a node that reaches tail makes one.
        onward, back = _reach(arcs, head), _reach(_reversed(arcs), tail)
        across |= {
            (r, c)
            for r in range(height)
            for c in range(width)
            if (r in onward and height + c in back) or (r in back and height + c in onward)
        }
    shown = [cell for cell in across if cell not in hidden]
    if not shown:  # not seen in practice; widen the pinned entry's lines instead
        r, c = pinned
        shown = [cell for cell in _line_cells(height, width, r, c) if cell not in hidden]
    if not shown:
        shown = [(r, c) for r in range(height) for c in range(width) if (r, c) not in hidden]
    return _smallest(grid, shown)


def _first_pinned(grid: Grid, hidden: set[Cell]) -> Cell | None:
    """A hidden entry that the sums and non-negative counts leave one value, or None.

    An entry has another possible value exactly when one person more (or, if it is
    at least one, one fewer) in it can be balanced around a cycle of arcs: each
    hidden entry is an arc from its row to its column or back, the way one more
    person in it moves (one fewer moves the other way). A hidden zero can only go
    up: one arc. So a zero is free when its arc lies in a strongly connected
    component; an entry of one or more when the entries of one or more alone put
    it on a cycle (both ways then), or else when a path joins its ends without it.
    """
    arcs = _arcs(grid, hidden)
    component = _components(arcs)
    positive = {cell for cell in hidden if grid[cell[0]][cell[1]] > 0}
    bridges = _bridges(_undirected(grid, positive))
    for cell in sorted(hidden):
        start, end = _ends(grid, cell)
        if cell not in positive:
            free = component[start] == component[end]
        elif _edge(grid, cell) not in bridges:
            free = True
        else:
            without = _arcs(grid, hidden - {cell})
            free = end in _reach(without, start) or start in _reach(without, end)
        if not free:
            return cell
    return None


def _ends(grid: Grid, cell: Cell) -> tuple[int, int]:
    """(from, to) for one more person in `cell`: rows are nodes 0.., columns follow.

    One more in an inner cell (or the grand total) must be balanced by one fewer
    in its row and its column; one more in a row or column total the other way.
    """
    height, width = len(grid), len(grid[0])
    row, column = cell[0], height + cell[1]
    is_margin = (cell[0] == height - 1) != (cell[1] == width - 1)
    return (column, row) if is_margin else (row, column)


def _edge(grid: Grid, cell: Cell) -> tuple[int, int]:
    return cell[0], len(grid) + cell[1]


def _arcs(grid: Grid, hidden: set[Cell]) -> dict[int, list[int]]:
    """The ways one person can move through hidden entries (see _first_pinned)."""
    arcs: dict[int, list[int]] = {}
    for cell in hidden:
        start, end = _ends(grid, cell)
        arcs.setdefault(start, []).append(end)
        arcs.setdefault(end, [])
        if grid[cell[0]][cell[1]] > 0:
            arcs[end].append(start)
    return arcs


def _undirected(grid: Grid, cells: set[Cell]) -> dict[int, list[int]]:
    neighbours: dict[int, list[int]] = {}
    for cell in cells:
        one, other = _edge(grid, cell)
        neighbours.setdefault(one, []).append(other)
        neighbours.setdefault(other, []).append(one)
    return neighbours


def _reversed(arcs: dict[int, list[int]]) -> dict[int, list[int]]:
    back: dict[int, list[int]] = {node: [] for node in arcs}
    for node, heads in arcs.items():
        for head in heads:
            back[head].append(node)
    return back


def _reach(arcs: dict[int, list[int]], start: int) -> set[int]:
    """The nodes reachable from `start`, `start` included."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in arcs.get(todo.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _components(arcs: dict[int, list[int]]) -> dict[int, int]:
    """Strongly connected components (Tarjan): node -> component number."""
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    component: dict[int, int] = {}

    def visit(node: int) -> None:
        order[node] = low[node] = len(order)
        stack.append(node)
        for nxt in arcs[node]:
            if nxt not in order:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt not in component:
                low[node] = min(low[node], order[nxt])
        if low[node] == order[node]:
            while True:
                member = stack.pop()
                component[member] = node
                if member == node:
                    break

    for node in arcs:
        if node not in order:
            visit(node)
    return component


def _bridges(neighbours: dict[int, list[int]]) -> set[tuple[int, int]]:
    """The edges on no cycle (Tarjan's low-link numbering), as (row node, column node)."""
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    found: set[tuple[int, int]] = set()

    def visit(node: int, parent: int) -> None:
        order[node] = low[node] = len(order)
        for nxt in neighbours[node]:
            if nxt == parent:  # the graph is simple: one edge per (row, column)
                continue
            if nxt in order:
                low[node] = min(low[node], order[nxt])
                continue
            visit(nxt, node)
            low[node] = min(low[node], low[nxt])
            if low[nxt] > order[node]:
                found.add((min(node, nxt), max(node, nxt)))

    for node in neighbours:
        if node not in order:
            visit(node, -1)
    return found


def _line_cells(height: int, width: int, row: int, column: int) -> list[Cell]:
    return [(row, c) for c in range(width)] + [(r, column) for r in range(height)]


def _smallest(grid: Grid, cells: list[Cell]) -> Cell:
    """The cell whose hiding costs least: the smallest count, inner cells before totals."""
    height, width = len(grid), len(grid[0])
    return min(
        cells,
        key=lambda cell: (
            grid[cell[0]][cell[1]],
            cell[0] == height - 1 or cell[1] == width - 1,
            cell,
        ),
    )


def _next_hidden(grid: Grid, last: Grid | None, k: int) -> set[Cell] | None:
    """The hidden entries of the next publication, or None when it must wait (rule 4)."""
    total = grid[-1][-1]
    if total < k or (last is not None and total - last[-1][-1] < k):
        return None  # fewer than k people, or fewer than k more since the last publication
    hidden = _protect(grid, k)
    if last is None:
        return hidden
    growth = _difference(grid, last)
    while True:  # hiding more for one table can ask for more in the other
        size = len(hidden)
        hidden = _protect(grid, k, _protect(growth, k, hidden))
        if len(hidden) == size:
            return hidden


def _difference(new: Grid, old: Grid) -> Grid:
    rows = [[a - b for a, b in zip(n, o, strict=True)] for n, o in zip(new, old, strict=True)]
    if any(value < 0 for row in rows for value in row):
        raise ValueError("counts went down since the last publication")
    return rows
