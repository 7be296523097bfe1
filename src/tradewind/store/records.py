"""What the journal stores: run vocabulary and one frozen record type per table.

Records are plain carriers. Amount fields accept `Decimal`, `int`, `float` (through its
shortest repr), numeric strings or numpy numbers and are read back as `Decimal`; instants
accept aware datetimes or integer nanoseconds since the epoch (truncated to microseconds)
and are read back as aware UTC datetimes. The journal validates every value when it writes
and names the table, column and row of a bad one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol, TypeAlias, TypeVar

from tradewind.domain.decimals import DecimalLike
from tradewind.domain.order_enums import OrderStatus

__all__ = [
    "EquityRecord",
    "FillRecord",
    "FrameLike",
    "InstantLike",
    "OrderRecord",
    "PositionRecord",
    "RiskAction",
    "RiskDecisionRecord",
    "Rows",
    "RunInfo",
    "RunMode",
    "RunStatus",
    "SignalRecord",
    "StoredOrder",
    "client_order_id",
    "client_order_ids",
]

InstantLike: TypeAlias = datetime | int
"""An aware datetime, or integer nanoseconds since the epoch (UTC)."""

R = TypeVar("R")


class FrameLike(Protocol):
    """A pandas DataFrame, as far as the journal needs one (named columns)."""

    @property
    def columns(self) -> Any: ...

    def __getitem__(self, key: Any, /) -> Any: ...


Rows: TypeAlias = Iterable[R | Mapping[str, Any]] | Mapping[str, Any] | FrameLike
"""Rows for a bulk write: records or mappings one per row, or columns (a mapping of field
name to numpy array / list, where a scalar is repeated for every row, or a DataFrame)."""


class RunMode(StrEnum):
    """How a run trades."""

    BACKTEST = "backtest"
    PAPER = "paper"
    ADVISORY = "advisory"
    """Signals are logged as suggestions; orders, if any, are paper-tracked only."""
    LIVE = "live"


class RunStatus(StrEnum):
    """Where a run is in its life."""

    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


class RiskAction(StrEnum):
    """What the pre-trade risk check did with a requested order."""

    APPROVE = "approve"
    REDUCE = "reduce"
    DENY = "deny"


def client_order_id(run_id: str, seq: int) -> str:
    """The deterministic client order id of order `seq` of a run: `{run_id}-{seq:08d}`."""
    return f"{run_id}-{seq:08d}"


def client_order_ids(run_id: str, seqs: Iterable[int]) -> list[str]:
    """`client_order_id(run_id, seq)` of every seq (for bulk writes)."""
    prefix = f"{run_id}-"
    return [f"{prefix}{seq:08d}" for seq in seqs]


@dataclass(frozen=True, slots=True)
class RunInfo:
    """A stored run (config_json is the effective configuration, canonical JSON)."""

    run_id: str
    mode: RunMode
    status: RunStatus
    created_at: datetime
    finished_at: datetime | None
    config_json: str
    config_hash: str
    code_version: str
    summary: dict[str, Any] | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SignalRecord:
    """A strategy signal, or (`aggregated=True`) the aggregation decision for a symbol.

    `direction` is long/short/flat (or +1/-1/0); `strength` and `confidence` in [0, 1];
    `decision` says what aggregation made of it (`CONSENSUS 2/3 -> LONG`) and
    `contributors` lists the strategies behind an aggregated view. Advisory signals are
    suggestions shown to a person, never sent as orders.
    """

    ts: InstantLike
    market: str
    symbol: str
    strategy: str
    direction: str | int
    strength: float
    confidence: float
    stop: DecimalLike | None = None
    target: DecimalLike | None = None
    advisory: bool = False
    aggregated: bool = False
    decision: str = ""
    contributors: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskDecisionRecord:
    """The pre-trade risk check's verdict on a requested quantity (`reason_code` is the
    risk layer's IntEnum value; `client_order_id` is set when an order followed)."""

    ts: InstantLike
    market: str
    symbol: str
    strategies: str
    requested_qty: DecimalLike
    approved_qty: DecimalLike
    action: RiskAction | str
    reason_code: int
    reason: str = ""
    client_order_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderRecord:
    """An order as created by the engine; its client order id is `{run_id}-{seq:08d}`.

    `quantity` is unsigned (`side` gives the direction); `price` is the limit price and
    `trigger_price` the stop trigger (None or NaN when not applicable). `strategies` is
    the attribution (comma-separated strategy names).
    """

    seq: int
    ts_created: InstantLike
    market: str
    symbol: str
    side: str
    order_type: str
    quantity: DecimalLike
    price: DecimalLike | None = None
    trigger_price: DecimalLike | None = None
    status: OrderStatus | str = OrderStatus.INITIALIZED
    filled_qty: DecimalLike = 0
    strategies: str = ""
    reason: str = ""
    venue: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredOrder:
    """An order read back from the journal, with its current status."""

    client_order_id: str
    seq: int
    ts_created: datetime
    market: str
    symbol: str
    side: str
    order_type: str
    quantity: Decimal
    price: Decimal | None
    trigger_price: Decimal | None
    status: OrderStatus
    filled_qty: Decimal
    strategies: str
    reason: str
    venue: str | None
    venue_order_id: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class FillRecord:
    """One execution; `(venue, trade_id)` identifies it across the whole journal, so a
    simulated venue derives its trade ids from the client order id."""

    trade_id: str
    venue: str
    client_order_id: str | None
    ts: InstantLike
    market: str
    symbol: str
    side: str
    qty: DecimalLike
    price: DecimalLike
    commission: DecimalLike = 0
    strategies: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionRecord:
    """A position snapshot: signed `qty`, average entry price and P&L in quote currency."""

    ts: InstantLike
    market: str
    symbol: str
    qty: DecimalLike
    avg_price: DecimalLike
    realized_pnl: DecimalLike
    unrealized_pnl: DecimalLike


@dataclass(frozen=True, slots=True, kw_only=True)
class EquityRecord:
    """One point of the equity curve (base currency); `leverage` is gross exposure over
    equity and `drawdown` the fraction below the high-water mark (0 at a new high)."""

    ts: InstantLike
    equity: DecimalLike
    cash: DecimalLike
    gross_exposure: DecimalLike
    net_exposure: DecimalLike
    leverage: float
    drawdown: float
