"""The durable journal: runs, signals, risk decisions, orders, fills, positions, equity,
risk state and capital decisions (sizing, allocations, capital events and status), and
parameter sweeps with their trials, in SQLite (default) or PostgreSQL, with Alembic
migrations.

Open with `Journal.open(path_or_url)`; see `tradewind.store.journal` for the durability
and exactly-once guarantees.
"""

from tradewind.store.capital_records import (
    AllocationBound,
    AllocationRecord,
    CapitalEventKind,
    CapitalEventRecord,
    CapitalStatusView,
    SizingDecisionRecord,
    SizingMethod,
)
from tradewind.store.control_records import (
    ControlAck,
    ControlAction,
    ControlCommand,
    ControlRecord,
    DriftCheckRecord,
    Heartbeat,
    PromotionRecord,
)
from tradewind.store.documents import json_document
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
from tradewind.store.sweep_records import SweepRecord, SweepTrialEntry

__all__ = [
    "AllocationBound",
    "AllocationRecord",
    "CapitalEventKind",
    "CapitalEventRecord",
    "CapitalStatusView",
    "ControlAck",
    "ControlAction",
    "ControlCommand",
    "ControlRecord",
    "DriftCheckRecord",
    "DuplicateOrderError",
    "EquityRecord",
    "FillRecord",
    "Heartbeat",
    "InstantLike",
    "Journal",
    "JournalError",
    "OrderRecord",
    "PositionRecord",
    "PromotionRecord",
    "RiskAction",
    "RiskDecisionRecord",
    "RunInfo",
    "RunMode",
    "RunStatus",
    "SignalRecord",
    "SizingDecisionRecord",
    "SizingMethod",
    "StoredOrder",
    "SweepRecord",
    "SweepTrialEntry",
    "UnknownRunError",
    "canonical_json",
    "client_order_id",
    "json_document",
]
