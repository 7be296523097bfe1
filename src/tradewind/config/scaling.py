"""`autonomous_scaling`: compounding, volatility leverage, regime allocation, sizing."""

from __future__ import annotations

import itertools
from typing import Annotated

from pydantic import AfterValidator, AliasChoices, Field, model_validator

from tradewind.config.fieldtypes import (
    ConfigModel,
    Fraction,
    PercentRange,
    PositivePercent,
    raise_field_error,
)
from tradewind.domain.capital import CompoundingStrategy, SizingMethod

__all__ = [
    "AutonomousScalingConfig",
    "CompoundingStrategy",
    "RegimeAllocations",
    "SizingMethod",
]


RegimeMultiplier = Annotated[float, Field(ge=0, le=3)]
#: Annualised volatility, percent: 1 to 500 (0.2 is a fraction meant as 20%).
VolatilityPercent = Annotated[float, AfterValidator(PercentRange(1.0, 500.0))]


class RegimeAllocations(ConfigModel):
    """Multiplier of the position in each detected market regime (1 = full size)."""

    BULL_TRENDING: RegimeMultiplier = 1.0
    BEAR_TRENDING: RegimeMultiplier = 0.3
    RANGING: RegimeMultiplier = 0.6
    VOLATILE: RegimeMultiplier = 0.4
    CRISIS: RegimeMultiplier = 0.1


class AutonomousScalingConfig(ConfigModel):
    """Autonomous capital scaling: when enabled it sizes every entry (backtest, paper,
    live). Position = base x volatility leverage x regime multiplier x Sharpe factor,
    capped by the market's available budget; see docs/capital.md."""

    enabled: bool = False
    base_capital: float = Field(
        10_000.0,
        gt=0,
        description="Capital ROI and milestones count from (backtests use initial_cash).",
    )
    compounding_strategy: CompoundingStrategy = CompoundingStrategy.MODERATE
    base_position_pct: PositivePercent = Field(
        5.0, description="Base position, percent of the capital the engine may use."
    )
    sizing_method: SizingMethod = SizingMethod.AUTONOMOUS
    kelly_fraction: Fraction = 0.5
    max_kelly_fraction: Fraction = 0.25
    atr_risk_pct: PositivePercent = Field(1.0, description="Capital risked per ATR-sized trade.")
    atr_stop_multiple: float = Field(2.0, gt=0, le=20)
    enable_drawdown_protection: bool = True
    warning_threshold_pct: PositivePercent = 10.0
    halt_threshold_pct: PositivePercent = Field(
        20.0, description="Drawdown from peak (percent) at which sizing halts until reset."
    )
    milestones: list[float] = Field(
        default_factory=list,
        description="Capital levels (base_currency) to track; empty = the built-in ladder.",
    )
    enable_volatility_leverage: bool = True
    min_leverage: float = Field(0.5, gt=0, le=100)
    max_leverage: float = Field(2.0, gt=0, le=100)
    volatility_leverage_sensitivity: float = Field(
        1.0,
        ge=0,
        le=10,
        validation_alias=AliasChoices("volatility_leverage_sensitivity", "volatility_sensitivity"),
    )
    normal_volatility_pct: VolatilityPercent | None = Field(
        None,
        description="Normal annualised volatility (percent); none = each market's own history.",
    )
    enable_risk_adjustment: bool = True
    risk_free_rate: float = Field(0.05, ge=-0.05, le=0.5, description="Annual, as a fraction.")
    target_sharpe_ratio: float = Field(2.0, gt=0)
    min_size_multiplier: float = Field(0.3, gt=0, description="Lower clamp of sharpe/target.")
    max_size_multiplier: float = Field(1.5, gt=0, description="Upper clamp of sharpe/target.")
    expected_return_bars: int = Field(
        60, ge=0, description="Trailing bars of the expected return (0 = skip the Sharpe step)."
    )
    enable_regime_allocation: bool = True
    regime_allocations: RegimeAllocations = Field(default_factory=RegimeAllocations)
    enable_adaptive_compounding: bool = True
    win_rate_increase_above: Fraction = Field(
        0.60, description="Win rate above which the reinvested share grows."
    )
    win_rate_decrease_below: Fraction = Field(
        0.45, description="Win rate below which the reinvested share shrinks."
    )
    enable_realtime_optimization: bool = True
    optimization_window_days: int = Field(30, ge=1)
    min_trades_for_optimization: int = Field(20, ge=1)

    @model_validator(mode="after")
    def _ranges(self) -> AutonomousScalingConfig:
        pairs = (
            ("min_leverage", "max_leverage", self.min_leverage, self.max_leverage),
            (
                "min_size_multiplier",
                "max_size_multiplier",
                self.min_size_multiplier,
                self.max_size_multiplier,
            ),
            (
                "win_rate_decrease_below",
                "win_rate_increase_above",
                self.win_rate_decrease_below,
                self.win_rate_increase_above,
            ),
        )
        for low_name, high_name, low, high in pairs:
            if low > high:
                raise_field_error(
                    "min_above_max",
                    f"{low_name} {low:g} is above {high_name} {high:g}: "
                    f"expected {low_name} <= {high_name}",
                    low_name,
                    low,
                )
        if self.warning_threshold_pct >= self.halt_threshold_pct:
            raise_field_error(
                "min_above_max",
                f"warning_threshold_pct {self.warning_threshold_pct:g} is not below "
                f"halt_threshold_pct {self.halt_threshold_pct:g}: expected warning < halt",
                "warning_threshold_pct",
                self.warning_threshold_pct,
            )
        if any(a >= b for a, b in itertools.pairwise(self.milestones)):
            raise_field_error(
                "not_increasing",
                f"milestones {self.milestones}: expected strictly increasing amounts",
                "milestones",
                self.milestones,
            )
        return self
