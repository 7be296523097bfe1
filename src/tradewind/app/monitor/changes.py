"""`journal_versions`: one cheap query telling the web layer which topics changed.

Each value is built from maxima of primary keys (or, for the tables keyed by run and
sequence number, SQLite's rowid / a row count on PostgreSQL) and of timestamps, so any
write of that topic changes it; reads change nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal_column, select

from tradewind.store import Journal
from tradewind.store.control_records import ControlAckRow, ControlCommandRow, HeartbeatRow
from tradewind.store.models import (
    AllocationRow,
    EquityRow,
    FillRow,
    OrderRow,
    RiskStateRow,
    RunRow,
    SignalRow,
)
from tradewind.store.promotion_records import PromotionRow

__all__ = ["TOPICS", "journal_versions"]

TOPICS = ("controls", "sessions", "fills", "signals", "runs", "risk", "promotions")
"""The keys of `journal_versions`."""


def journal_versions(journal: Journal) -> dict[str, str]:
    """A version string per topic: controls (commands and acks), sessions (heartbeats),
    fills (and orders), signals, runs (started, finished), risk (risk states, equity,
    allocations) and promotions. Equal strings: nothing of that topic was written.

    Raises:
        JournalError: the journal cannot be read.
    """
    sqlite = journal.backend == "sqlite"
    parts: dict[str, list[Any]] = {
        "controls": [_max(ControlCommandRow.command_id), _max(ControlAckRow.ack_id)],
        "sessions": [_max(HeartbeatRow.beat_at), _count(HeartbeatRow)],
        "fills": [_max(FillRow.fill_id), _appended(OrderRow, sqlite)],
        "signals": [_appended(SignalRow, sqlite)],
        "runs": [
            _count(RunRow),
            _max(RunRow.created_at),
            _max(RunRow.finished_at),
            select(func.count(RunRow.finished_at)).scalar_subquery(),
        ],
        "risk": [
            _max(RiskStateRow.state_id),
            _max(EquityRow.point_id),
            _appended(AllocationRow, sqlite),
        ],
        "promotions": [_max(PromotionRow.promotion_id)],
    }
    columns = [column for topic in TOPICS for column in parts[topic]]
    with journal.engine.connect() as connection:
        values = list(connection.execute(select(*columns)).one())
    versions: dict[str, str] = {}
    for topic in TOPICS:
        count = len(parts[topic])
        versions[topic] = ":".join("" if v is None else str(v) for v in values[:count])
        values = values[count:]
    return versions


def _max(column: Any) -> Any:
    return select(func.max(column)).scalar_subquery()


def _count(model: Any) -> Any:
    return select(func.count()).select_from(model).scalar_subquery()


def _appended(model: Any, sqlite: bool) -> Any:
    # Tables keyed by (run, seq) have no journal-wide id: SQLite's rowid grows with every
    # insert (O(1) to read); PostgreSQL counts the rows.
    if sqlite:
        return select(func.max(literal_column("rowid"))).select_from(model).scalar_subquery()
    return _count(model)
