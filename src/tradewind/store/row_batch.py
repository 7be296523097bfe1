"""`RowBatch`: everything one row of a paper, advisory or live session produces, written
by `Journal.write_row` in one transaction.

The records are the ones the per-table writers take (records or mappings with the same
field names): `OrderRecord`, `RiskDecisionRecord`, `FillRecord`, `StatusUpdate`,
`SignalRecord`, `EquityRecord` and the capital records, plus the row's risk state, which
is saved last as the row marker (with `"row": row` added).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tradewind.domain.order_enums import OrderStatus
from tradewind.store.capital_records import (
    AllocationRecord,
    CapitalEventRecord,
    SizingDecisionRecord,
)
from tradewind.store.records import (
    EquityRecord,
    FillRecord,
    InstantLike,
    OrderRecord,
    RiskDecisionRecord,
    SignalRecord,
)

__all__ = ["CapitalStatus", "RowBatch", "StatusUpdate"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusUpdate:
    """Set an order's status (and venue order id) as of `ts`, as `update_order_status`
    does; in a row batch it is a set, so an order already in this state is left alone."""

    client_order_id: str
    status: OrderStatus | str
    ts: InstantLike
    detail: str = ""
    venue_order_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CapitalStatus:
    """The scaling engine's status as of `ts` (see `Journal.save_capital_status`)."""

    ts: InstantLike
    summary: str
    status: Mapping[Any, Any]


def _none() -> tuple[Any, ...]:
    return ()


@dataclass(frozen=True, slots=True, kw_only=True)
class RowBatch:
    """What row `row` (at instant `ts`) of a session produced.

    Idempotency keys (a record whose key is already stored is skipped): orders by client
    order id, fills by (venue, trade id), risk decisions by client order id (decisions
    without one are kept), signals by (ts, market, symbol, strategy), equity by ts;
    status updates are sets. Capital records have no key of their own: like everything
    else they are covered by the row marker (a row already marked is skipped whole).
    `risk_state` must be JSON-compatible and must not hold a different `"row"`.
    """

    row: int
    ts: InstantLike
    risk_state: Mapping[str, Any]
    orders: Sequence[OrderRecord | Mapping[str, Any]] = field(default_factory=_none)
    risk_decisions: Sequence[RiskDecisionRecord | Mapping[str, Any]] = field(default_factory=_none)
    fills: Sequence[FillRecord | Mapping[str, Any]] = field(default_factory=_none)
    status_updates: Sequence[StatusUpdate | Mapping[str, Any]] = field(default_factory=_none)
    signals: Sequence[SignalRecord | Mapping[str, Any]] = field(default_factory=_none)
    equity: Sequence[EquityRecord | Mapping[str, Any]] = field(default_factory=_none)
    sizing_decisions: Sequence[SizingDecisionRecord | Mapping[str, Any]] = field(
        default_factory=_none
    )
    allocations: Sequence[AllocationRecord | Mapping[str, Any]] = field(default_factory=_none)
    capital_events: Sequence[CapitalEventRecord | Mapping[str, Any]] = field(default_factory=_none)
    capital_status: CapitalStatus | None = None
