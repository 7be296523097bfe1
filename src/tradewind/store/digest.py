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
from datetime import UTC
from typing import Any

from sqlalchemy import Boolean, Connection, String, select
from sqlalchemy.orm import InstrumentedAttribute

from tradewind.store.column_types import Amount, Instant
from tradewind.store.models import (
    EquityRow,
    FillRow,
    OrderEventRow,
    OrderRow,
    PositionRow,
    RiskDecisionRow,
    RiskStateRow,
    RunRow,
    SignalRow,
)
from tradewind.store.values import amount_text

__all__ = ["DIGEST_EXCLUDED_COLUMNS", "journal_digest"]

DIGEST_EXCLUDED_COLUMNS = frozenset(
    {
        "run_id",
        "created_at",
        "finished_at",
        "code_version",
        "event_id",
        "fill_id",
        "snapshot_id",
        "point_id",
        "state_id",
    }
)
"""Columns that never enter the digest (wall clock, code version, ids, the run id)."""

_CHUNK_ROWS = 10_000

_TABLES: tuple[tuple[type[Any], InstrumentedAttribute[Any]], ...] = (
    (RunRow, RunRow.run_id),
    (SignalRow, SignalRow.seq),
    (RiskDecisionRow, RiskDecisionRow.seq),
    (OrderRow, OrderRow.seq),
    (OrderEventRow, OrderEventRow.event_id),
    (FillRow, FillRow.fill_id),
    (PositionRow, PositionRow.snapshot_id),
    (EquityRow, EquityRow.point_id),
    (RiskStateRow, RiskStateRow.state_id),
)


def journal_digest(connection: Connection, run_id: str) -> str:
    """The hex SHA-256 digest of everything stored for `run_id` (see the module doc)."""
    digest = hashlib.sha256()
    dialect = connection.dialect.name
    for model, order_by in _TABLES:
        table = model.__table__
        columns = [column for column in table.columns if column.name not in DIGEST_EXCLUDED_COLUMNS]
        digest.update(f"#{table.name} {','.join(c.name for c in columns)}\n".encode())
        query = select(*columns).where(table.c.run_id == run_id).order_by(order_by)
        # Raw driver values, canonicalized column by column: per-value type processing
        # would dominate the time of a large backtest.
        sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
        stored = connection.exec_driver_sql(sql).fetchall()
        if not stored:
            continue
        canonical = [
            _canonical_column(column.type, values, dialect, run_id)
            for column, values in zip(columns, zip(*stored, strict=True), strict=True)
        ]
        rows = list(zip(*canonical, strict=True))
        for start in range(0, len(rows), _CHUNK_ROWS):
            text = json.dumps(
                rows[start : start + _CHUNK_ROWS], ensure_ascii=False, separators=(",", ":")
            )
            digest.update(text[1:-1].replace("],[", "]\n[").encode())
            digest.update(b"\n")
    return digest.hexdigest()


def _canonical_column(column_type: Any, values: tuple[Any, ...], dialect: str, run_id: str) -> Any:
    if isinstance(column_type, Amount | Instant) and dialect == "sqlite":
        return values  # SQLite stores amounts and instants as canonical text already
    if isinstance(column_type, Amount):
        return [None if value is None else amount_text(value) for value in values]
    if isinstance(column_type, Instant):
        return [
            None if value is None else value.astimezone(UTC).isoformat(timespec="microseconds")
            for value in values
        ]
    if isinstance(column_type, Boolean):
        return [None if value is None else bool(value) for value in values]
    if isinstance(column_type, String):  # Text is a String
        return [None if value is None else value.replace(run_id, "{run}") for value in values]
    return values  # integers and floats (JSON writes floats by repr)
