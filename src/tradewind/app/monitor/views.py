"""What the dashboard shows: plain frozen records computed from the journal.

Money is in the run's base currency (USD in practice) as floats: these records are
for display, never for orders. Percentages carry `_pct` and are in percent (5.0 = 5 %).
Instants are aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tradewind.domain.errors import TradewindError

__all__ = [
    "AllocationView",
    "AuditAck",
    "AuditEntry",
    "EquityPoint",
    "LeadLagView",
    "MarketView",
    "MminView",
    "MonitorError",
    "Overview",
    "PositionView",
    "RiskView",
    "RunComparison",
    "RunRef",
    "RunSummary",
    "SessionView",
    "SignalView",
    "StrategyView",
    "VenueStatusView",
]


class MonitorError(TradewindError):
    """A read the dashboard asked for cannot be answered (an unknown run, a bad limit);
    the message names the run or argument and what was expected."""


@dataclass(frozen=True, slots=True)
class RunRef:
    """A journaled run; `running` says a session of it beats now (fresh heartbeat, not
    ended). A backtest is never running."""

    run_id: str
    mode: str
    status: str
    created_at: datetime
    finished_at: datetime | None
    running: bool


@dataclass(frozen=True, slots=True)
class VenueStatusView:
    """A market's venue: `state` is connected, degraded, down (from the session, or no
    heartbeat for a while), stopped (the session ended) or unknown (no heartbeat at all).
    """

    market: str
    venue: str
    state: str
    reason: str
    last_bar: datetime | None
    latency_ms: float | None
    heartbeat_age_s: float | None
    run_id: str | None


@dataclass(frozen=True, slots=True)
class PositionView:
    """An open position folded from the run's fills (average cost). `qty` is unsigned,
    `side` long or short; current price, P&L and notional are None without a mark."""

    market: str
    symbol: str
    side: str
    qty: float
    entry_price: float
    current_price: float | None
    pnl: float | None
    pnl_pct: float | None
    notional_usd: float | None


@dataclass(frozen=True, slots=True)
class SignalView:
    """A journaled signal (or aggregation decision): direction long, short or flat;
    confidence and strength in [0, 1]."""

    ts: datetime
    market: str
    symbol: str
    strategy: str
    direction: str
    confidence: float
    strength: float
    decision: str


@dataclass(frozen=True, slots=True)
class StrategyView:
    """A strategy of a market: its promotion stage and whether it may trade."""

    name: str
    stage: str
    enabled: bool


@dataclass(frozen=True, slots=True)
class AllocationView:
    """A market's capital share (`share` a fraction of equity, `amount_usd` the same in
    money); `bound` is min or max when that constraint set it, else empty."""

    market: str
    strategy: str
    share: float
    amount_usd: float
    bound: str
    explanation: str


@dataclass(frozen=True, slots=True)
class MarketView:
    """One market's tab row: run, controls, strategies, positions, signals (newest
    first, at most 20), P&L, exposure against allocation and venue status.

    `unrealized_pnl` is None when a position has no mark; `exposure_usd` counts a
    position without a mark at its entry price.
    """

    name: str
    market_class: str
    run: RunRef | None
    enabled: bool
    stage: str
    stop: str | None
    strategies: tuple[StrategyView, ...]
    positions: tuple[PositionView, ...]
    signals: tuple[SignalView, ...]
    realized_pnl_today: float
    unrealized_pnl: float | None
    exposure_usd: float
    allocation_usd: float | None
    allocation_pct: float | None
    venue: VenueStatusView


@dataclass(frozen=True, slots=True)
class RiskView:
    """The risk monitor of the shown run as of its last risk state (bar clock).

    `ladder` maps warn, reduce and pause to the drawdown (in percent) at which each
    step of the drawdown ladder applies (empty without a config).
    """

    as_of: datetime | None
    trading_state: str
    drawdown_state: str
    drawdown_pct: float
    leverage: float
    gross_exposure_usd: float
    net_exposure_usd: float
    equity_usd: float
    daily_pnl_usd: float
    daily_loss_pct: float
    daily_loss_limit_pct: float | None
    high_water_mark_usd: float
    ladder: dict[str, float]


@dataclass(frozen=True, slots=True)
class SessionView:
    """A session's latest heartbeat: `running` when fresh and not ended; `row` is the
    session row it reported, if any."""

    run_id: str
    mode: str
    host: str
    pid: int
    beat_at: datetime
    age_s: float
    running: bool
    row: int | None


@dataclass(frozen=True, slots=True)
class Overview:
    """Everything the dashboard's market tabs show, read at `as_of` (wall clock)."""

    journal: str
    as_of: datetime
    markets: tuple[MarketView, ...]
    market_classes: tuple[str, ...]
    risk: RiskView | None
    allocations: tuple[AllocationView, ...]
    sessions: tuple[SessionView, ...]
    run: RunRef | None

    def for_class(self, market_class: str | None) -> tuple[MarketView, ...]:
        """The markets of `market_class` (a `MarketClass` value, e.g. `crypto`); None:
        every market."""
        if market_class is None:
            return self.markets
        return tuple(m for m in self.markets if m.market_class == market_class)


@dataclass(frozen=True, slots=True)
class EquityPoint:
    """A point of an equity curve: seconds since the epoch (UTC), equity, and the
    drawdown below the high-water mark in percent (0 at a new high)."""

    time_s: int
    equity_usd: float
    drawdown_pct: float


@dataclass(frozen=True, slots=True)
class RunSummary:
    """A run on the runs page: counts and headline figures (None when unknown);
    `report` is a report path the run's summary names, if any."""

    run_id: str
    mode: str
    status: str
    created_at: datetime
    finished_at: datetime | None
    markets: tuple[str, ...]
    orders: int
    fills: int
    final_equity_usd: float | None
    return_pct: float | None
    max_drawdown_pct: float | None
    report: str | None


@dataclass(frozen=True, slots=True)
class RunComparison:
    """Runs side by side: `rows` holds (metric name, formatted value per run)."""

    runs: tuple[RunSummary, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True, slots=True)
class AuditAck:
    """A session's acknowledgement of a control command, `latency_ms` after it was
    issued."""

    run_id: str
    outcome: str
    at: datetime
    latency_ms: int


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A journaled control command (market None: every market) with its acks."""

    id: int
    issued_at: datetime
    action: str
    market: str | None
    user: str
    reason: str
    source: str
    acks: tuple[AuditAck, ...]


@dataclass(frozen=True, slots=True)
class LeadLagView:
    """A lead-lag relation: `leader` moves `lag_bars` bars before `follower`, with this
    correlation and false-discovery-adjusted `q_value`."""

    leader: str
    follower: str
    lag_bars: int
    correlation: float
    q_value: float
    cross_market: bool


@dataclass(frozen=True, slots=True)
class MminView:
    """The MMIN tab: macro regime with its probabilities (summing to 1, empty without
    macro data), the correlation matrix of `symbols` over `correlation_window_bars`
    (square, symmetric; a pair without data is 0.0) and the lead-lag table."""

    as_of: datetime
    regime: str | None
    regime_probabilities: dict[str, float]
    symbols: tuple[str, ...]
    correlation: tuple[tuple[float, ...], ...]
    lead_lag: tuple[LeadLagView, ...]
    correlation_window_bars: int
