"""Every row of every table, as a copy of the database would show it, to compare and grep."""

from __future__ import annotations

from collections import Counter
from typing import Any
from uuid import UUID

from tortoise import connections

Row = tuple[tuple[str, str], ...]


def _postgres() -> bool:
    return bool(connections.get("default").capabilities.dialect == "postgres")


async def table_names() -> list[str]:
    connection = connections.get("default")
    if _postgres():
        _, rows = await connection.execute_query(
            "SELECT table_name AS name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
    else:
        _, rows = await connection.execute_query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    return sorted(str(row["name"]) for row in rows)


def as_text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


async def every_row() -> dict[str, Counter[Row]]:
    """Each table's rows, every value as text (bytes as hex), order ignored."""
    connection = connections.get("default")
    found: dict[str, Counter[Row]] = {}
    for table in await table_names():
        _, rows = await connection.execute_query(f'SELECT * FROM "{table}"')
        found[table] = Counter(
            tuple(sorted((column, as_text(value)) for column, value in dict(row).items()))
            for row in rows
        )
    return found


def new_rows(
    before: dict[str, Counter[Row]], after: dict[str, Counter[Row]]
) -> dict[str, list[Row]]:
    """Rows present after but not before (written or changed), by table."""
    changed = {}
    for table, rows in after.items():
        added = rows - before.get(table, Counter())
        if added:
            changed[table] = list(added.elements())
    return changed


def gone_rows(
    before: dict[str, Counter[Row]], after: dict[str, Counter[Row]]
) -> dict[str, list[Row]]:
    return new_rows(after, before)


def forms_of(person_id: UUID) -> set[str]:
    """How a person's id can appear in a row: as text, as hex, as bytes (hex)."""
    return {str(person_id), person_id.hex, person_id.bytes.hex()}


def mentioning(rows: dict[str, list[Row]], needles: set[str]) -> list[tuple[str, Row]]:
    return [
        (table, row)
        for table, found in rows.items()
        for row in found
        if any(needle in value for _, value in row for needle in needles)
    ]


async def system_columns(table: str) -> set[tuple[str, str, str]]:
    """PostgreSQL only: (xmin, xmax, ctid) of every live row, which any write or row lock
    (a foreign key's KEY SHARE included) would change."""
    _, rows = await connections.get("default").execute_query(
        f'SELECT xmin::text AS a, xmax::text AS b, ctid::text AS c FROM "{table}"'
    )
    return {(str(row["a"]), str(row["b"]), str(row["c"])) for row in rows}
