"""`risk`: global limits, per-market and per-strategy overrides, drawdown ladder, hours."""

from __future__ import annotations

from datetime import time
from typing import Annotated

from pydantic import BeforeValidator, Field, model_validator

from tradewind.config.fieldtypes import (
    ClockTime,
    CoarsePercent,
    ConfigModel,
    ExposurePercent,
    Fraction,
    PositivePercent,
    StrategyName,
    TimeZoneName,
    raise_field_error,
)
from tradewind.config.vocabulary import CaseInsensitiveEnum
from tradewind.domain.trading_state import ShutdownMode

__all__ = [
    "AccountType",
    "DrawdownLadder",
    "GlobalRiskConfig",
    "RiskConfig",
    "RiskLimits",
    "ShutdownMode",
    "TradingHoursRule",
    "Weekday",
]


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


# The domain's ShutdownMode, accepted in any letter case (`SOFT`, `soft`).
ShutdownModeField = Annotated[ShutdownMode, BeforeValidator(_lower)]


class AccountType(CaseInsensitiveEnum):
    """`cash`: buys are paid from the cash on hand and nothing is sold short; `margin`:
    the account may borrow up to `max_leverage` and sell short."""

    CASH = "cash"
    MARGIN = "margin"


class Weekday(CaseInsensitiveEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


class RiskLimits(ConfigModel):
    """Limits for one market or one strategy; a missing value inherits the global one."""

    max_exposure_pct: ExposurePercent | None = None
    max_leverage: float | None = Field(None, gt=0, le=100)
    max_open_positions: int | None = Field(None, ge=1)
    max_position_size_pct: PositivePercent | None = None
    max_position_size_usd: float | None = Field(None, gt=0)
    max_drawdown_pct: CoarsePercent | None = None
    daily_loss_limit_pct: PositivePercent | None = None


class DrawdownLadder(ConfigModel):
    """Fractions of `max_drawdown_pct` at which to warn, cut size, and pause new entries."""

    warn: Fraction = Field(0.8, gt=0)
    reduce: Fraction = Field(0.9, gt=0)
    pause: Fraction = Field(1.0, gt=0)

    @model_validator(mode="after")
    def _increasing(self) -> DrawdownLadder:
        if not self.warn < self.reduce < self.pause:
            raise_field_error(
                "ladder_order",
                f"drawdown ladder must increase: expected warn < reduce < pause, got "
                f"warn {self.warn:g}, reduce {self.reduce:g}, pause {self.pause:g}",
                "warn" if self.warn >= self.reduce else "reduce",
                self.warn if self.warn >= self.reduce else self.reduce,
            )
        return self


class TradingHoursRule(ConfigModel):
    """New entries are allowed only between `start` and `end` (local to `timezone`) on
    `days`; `start` later than `end` means a window across midnight."""

    markets: list[str] | None = Field(None, description="Market names; omitted = all markets.")
    days: list[Weekday] = Field(
        default_factory=lambda: [Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI],
        min_length=1,
    )
    start: ClockTime
    end: ClockTime
    timezone: TimeZoneName = "UTC"

    @model_validator(mode="after")
    def _non_empty(self) -> TradingHoursRule:
        if self.start == self.end:
            raise_field_error(
                "empty_window",
                f"trading hours start and end are both {self.start:%H:%M}: "
                "expected a window of non-zero length",
                "end",
                f"{self.end:%H:%M}",
            )
        return self


class GlobalRiskConfig(ConfigModel):
    """Account-wide limits, applied on top of every per-market and per-strategy limit."""

    account: AccountType = AccountType.CASH
    max_exposure_pct: ExposurePercent = 100.0
    max_leverage: float = Field(1.0, gt=0, le=100)
    max_open_positions: int = Field(20, ge=1)
    max_position_size_pct: PositivePercent = 10.0
    max_position_size_usd: float | None = Field(None, gt=0)
    max_drawdown_pct: CoarsePercent = 20.0
    drawdown_ladder: DrawdownLadder = Field(default_factory=DrawdownLadder)
    daily_loss_limit_pct: PositivePercent = 5.0
    daily_reset_time: ClockTime = time(0, 0)
    timezone: TimeZoneName = "UTC"
    max_correlated_exposure_pct: CoarsePercent = 50.0
    correlation_threshold: Fraction = 0.7
    trading_hours: list[TradingHoursRule] = Field(default_factory=list)
    shutdown_mode: ShutdownModeField = ShutdownMode.SOFT

    @model_validator(mode="after")
    def _leverage_needs_margin(self) -> GlobalRiskConfig:
        if self.account is AccountType.CASH and self.max_leverage > 1.0:
            raise_field_error(
                "leverage_needs_margin",
                f"max_leverage {self.max_leverage:g} needs a margin account: expected at "
                "most 1 with account: cash (a cash account cannot borrow), or set "
                "risk.global.account: margin",
                "max_leverage",
                self.max_leverage,
            )
        return self

    @model_validator(mode="after")
    def _exposure_within_leverage(self) -> GlobalRiskConfig:
        if self.max_exposure_pct > 100.0 * self.max_leverage + 1e-9:
            raise_field_error(
                "exposure_above_leverage",
                f"max_exposure_pct {self.max_exposure_pct:g} needs leverage "
                f"{self.max_exposure_pct / 100:g}x: expected at most {100 * self.max_leverage:g} "
                f"with max_leverage {self.max_leverage:g}",
                "max_exposure_pct",
                self.max_exposure_pct,
            )
        return self


class RiskConfig(ConfigModel):
    """The `risk` section. `global` is a Python keyword, hence the `global_` attribute."""

    global_: GlobalRiskConfig = Field(default_factory=GlobalRiskConfig, alias="global")
    markets: dict[str, RiskLimits] = Field(default_factory=dict)
    strategies: dict[StrategyName, RiskLimits] = Field(default_factory=dict)
