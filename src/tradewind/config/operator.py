"""`operator`: what live trading adds around the engine's risk rules.

Rails checked before every live order (fat finger, price collar, open orders), the
dead man's switch, the promotion gate's evidence thresholds, the drift monitor and
notifications. A market trades live only with `markets.<name>.operator: true`, a
promotion to `operator` in the journal and the operator's confirmation at start.
"""

from __future__ import annotations

from datetime import time

from pydantic import Field

from tradewind.config.fieldtypes import ClockTime, ConfigModel, PositivePercent
from tradewind.config.vocabulary import CaseInsensitiveEnum

__all__ = [
    "DeadManConfig",
    "DriftConfig",
    "NoticeKind",
    "NotificationsConfig",
    "OperatorConfig",
    "PromotionConfig",
    "RailsConfig",
]


class NoticeKind(CaseInsensitiveEnum):
    """What the operator is notified about."""

    LIVE_START = "live_start"
    FILL = "fill"
    RISK_DENIALS = "risk_denials"
    LADDER = "ladder"
    SHUTDOWN = "shutdown"
    FEED_DOWN = "feed_down"
    FEED_UP = "feed_up"
    RECONCILIATION = "reconciliation"
    DEAD_MAN = "dead_man"
    DRIFT = "drift"
    DAILY_SUMMARY = "daily_summary"


class RailsConfig(ConfigModel):
    """Checks on every live order after the engine's risk rules; each denial is
    journaled with its reason code. None switches a rail off."""

    max_order_notional_usd: float | None = Field(
        100_000.0, gt=0, description="Largest notional one order may have (fat finger), USD."
    )
    max_notional_per_minute_usd: float | None = Field(
        500_000.0, gt=0, description="Notional all orders together may send in 60 s, USD."
    )
    price_collar_pct: PositivePercent | None = Field(
        5.0,
        description="Largest distance of an order's price (limit, stop, or the market "
        "order's reference) from the last trade, percent.",
    )
    max_open_orders: int | None = Field(
        50, ge=1, description="Working orders across all live markets at most."
    )


class DeadManConfig(ConfigModel):
    """What happens when the session loses a venue or stops heartbeating."""

    heartbeat_interval_s: float = Field(
        1.0, gt=0, le=60, description="How often a live session journals its heartbeat."
    )
    venue_down_after_s: float = Field(
        30.0,
        gt=0,
        description="A venue unreachable this long counts as lost: its working entry "
        "orders are canceled (at once where it cancels on disconnect, else on reconnect).",
    )
    venue_cancel_after_s: float = Field(
        60.0,
        ge=5,
        description="Where the venue offers a countdown (Kraken's CancelAllOrdersAfter), "
        "it cancels every order this long after the last heartbeat.",
    )


class PromotionConfig(ConfigModel):
    """Evidence a market (or strategy) needs before `tradewind promote` moves it on."""

    min_paper_days: float = Field(14.0, ge=0, description="Days of paper trading at least.")
    min_paper_trades: int = Field(20, ge=0, description="Paper fills at least.")
    max_drawdown_pct: PositivePercent | None = Field(
        None, description="Paper drawdown at most, percent (default risk.global.max_drawdown_pct)."
    )
    require_drift_check: bool = Field(
        True, description="A drift check within bounds must exist for the paper runs."
    )


class DriftConfig(ConfigModel):
    """Replaying a paper or live run's period through the backtest path and comparing."""

    enabled: bool = True
    every_rows: int = Field(50, ge=1, description="Rows between two drift checks.")
    max_pnl_gap_pct: PositivePercent = Field(
        2.0, description="P&L difference from the backtest at most, percent of start equity."
    )
    max_fill_gap_pct: PositivePercent = Field(
        20.0, description="Fills without a counterpart in the backtest at most, percent."
    )
    max_signal_gap_pct: PositivePercent = Field(
        10.0, description="Signals that differ from the backtest's at most, percent."
    )
    max_slippage_bps: float = Field(
        25.0, gt=0, description="Mean adverse fill price difference from the backtest, bps."
    )
    soft_stop: bool = Field(
        False, description="A breach also puts a SOFT stop in force (else it only alerts)."
    )


class NotificationsConfig(ConfigModel):
    """Notices through apprise; the URLs come from TRADEWIND_NOTIFY_URLS only."""

    enabled: bool = True
    events: list[NoticeKind] = Field(default_factory=lambda: list(NoticeKind))
    max_per_minute: int = Field(
        20, ge=1, le=600, description="Notices sent per minute at most; the rest coalesce."
    )
    daily_summary_time: ClockTime = Field(
        time(21, 0), description="When the daily summary goes out (UTC, HH:MM)."
    )


class OperatorConfig(ConfigModel):
    """Operator mode: rails, dead man's switch, promotion gate, drift, notifications."""

    control_poll_ms: int = Field(
        200, ge=20, le=1000, description="How often a session reads the control channel, ms."
    )
    rails: RailsConfig = Field(default_factory=RailsConfig)
    dead_man: DeadManConfig = Field(default_factory=DeadManConfig)
    promotion: PromotionConfig = Field(default_factory=PromotionConfig)
    drift: DriftConfig = Field(default_factory=DriftConfig)
    notifications: NotificationsConfig = Field(default_factory=NotificationsConfig)
