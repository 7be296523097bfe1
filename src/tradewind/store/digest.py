"""The journal digest: SHA-256 over a canonical, ordered dump of one run's rows.

Each table contributes a header line (`#table col,col,...`) and one compact JSON array
per row, in a fixed row order (sequence number or insertion order). Values are
canonical: amounts as fixed-point text without trailing zeros, instants as
`YYYY-MM-DDTHH:MM:SS.ffffff+00:00`, floats by `repr`. The run id is replaced by `{run}`
wherever it appears (client order ids, trade ids), and wall-clock columns, the code
version and surrogate ids are left out, so the same inputs give the same digest run
after run, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Boolean, Column, Connection, String, Table, func, select

from tradewind.store.column_checks import DIGEST
from tradewind.store.column_types import Amount, Instant
from tradewind.store.models import Base
from tradewind.store.values import amount_text

__all__ = ["DIGEST_EXCLUDED_COLUMNS", "digest_tables", "journal_digest"]

_CHUNK_ROWS = 10_000


def _digested(item: Table | Column[Any]) -> bool:
    return item.info.get(DIGEST, True) is not False


def digest_tables() -> tuple[tuple[Table, list[Column[Any]], Column[Any]], ...]:
    """Each table a digest covers, in declaration order, with its digested columns (all
    but `run_id` and the columns the models leave out) and the column that orders its
    rows: `seq` where the table has one, else its first primary-key column."""
    found = []
    for table in Base.metadata.tables.values():
        if not _digested(table):
            continue
        columns = [c for c in table.columns if c.name != "run_id" and _digested(c)]
        order_by = table.c.seq if "seq" in table.c else next(iter(table.primary_key))
        found.append((table, columns, order_by))
    return tuple(found)


_TABLES = digest_tables()

DIGEST_EXCLUDED_COLUMNS = frozenset(
    column.name
    for table in Base.metadata.tables.values()
    if _digested(table)
    for column in table.columns
    if column.name == "run_id" or not _digested(column)
)
"""Columns that never enter the digest (wall clock, code version, ids, the run id)."""


def journal_digest(connection: Connection, run_id: str) -> str:
    """The hex SHA-256 digest of everything stored for `run_id` (see the module doc)."""
    digest = hashlib.sha256()
    dialect = connection.dialect.name
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for table, columns, order_by in _TABLES:
            digest.update(f"#{table.name} {','.join(c.name for c in columns)}\n".encode())
            # The run id is replaced in SQL and the raw driver rows are read with a plain
            # cursor: per-value work in Python would dominate the time of a large backtest.
            selected = [
                func.replace(c, run_id, "{run}").label(c.name) if isinstance(c.type, String) else c
                for c in columns
            ]
            query = select(*selected).where(table.c.run_id == run_id).order_by(order_by)
            cursor.execute(str(query.compile(connection, compile_kwargs={"literal_binds": True})))
            stored = list(cursor.fetchall())
            if not stored:
                continue
            rows = _canonical_rows([c.type for c in columns], stored, dialect)
            for start in range(0, len(rows), _CHUNK_ROWS):
                text = json.dumps(
                    rows[start : start + _CHUNK_ROWS], ensure_ascii=False, separators=(",", ":")
                )
                digest.update(text[1:-1].replace("],[", "]\n[").encode())
                digest.update(b"\n")
    finally:
        cursor.close()
    return digest.hexdigest()


def _canonical_rows(types: list[Any], rows: list[Any], dialect: str) -> list[Any]:
    """`rows` with every value in canonical form (the rows themselves when they already are)."""
    canonical = [_canonical_column(column_type, dialect) for column_type in types]
    if not any(canonical):
        return rows
    columns = list(zip(*rows, strict=True))
    for index, convert in enumerate(canonical):
        if convert is not None:
            columns[index] = tuple(
                None if value is None else convert(value) for value in columns[index]
            )
    return list(zip(*columns, strict=True))


def _canonical_column(column_type: Any, dialect: str) -> Callable[[Any], Any] | None:
    """How a column's driver values become canonical; None when they already are (SQLite
    stores amounts and instants as canonical text; JSON writes floats by repr)."""
    if isinstance(column_type, Amount | Instant) and dialect == "sqlite":
        return None
    if isinstance(column_type, Amount):
        return amount_text
    if isinstance(column_type, Instant):
        return _instant_text
    if isinstance(column_type, Boolean):
        return bool
    return None


def _instant_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")
