"""The durable journal: runs, signals, risk decisions, orders, fills, positions, equity
and risk state in SQLite (default) or PostgreSQL, with Alembic migrations.

Open with `Journal.open(path_or_url)`; see `tradewind.store.journal` for the durability
and exactly-once guarantees.
"""

from tradewind.store.errors import DuplicateOrderError, JournalError, UnknownRunError
from tradewind.store.journal import Journal
from tradewind.store.records import (
    EquityRecord,
    FillRecord,
    InstantLike,
    OrderRecord,
    PositionRecord,
    RiskAction,
    RiskDecisionRecord,
    RunInfo,
    RunMode,
    RunStatus,
    SignalRecord,
    StoredOrder,
    client_order_id,
)
from tradewind.store.runs import canonical_json

__all__ = [
    "DuplicateOrderError",
    "EquityRecord",
    "FillRecord",
    "InstantLike",
    "Journal",
    "JournalError",
    "OrderRecord",
    "PositionRecord",
    "RiskAction",
    "RiskDecisionRecord",
    "RunInfo",
    "RunMode",
    "RunStatus",
    "SignalRecord",
    "StoredOrder",
    "UnknownRunError",
    "canonical_json",
    "client_order_id",
]
