"""`autonomous_scaling`: compounding, volatility leverage, regime allocation, sizing."""

from __future__ import annotations

import itertools

from pydantic import Field, model_validator

from tradewind.config.fieldtypes import ConfigModel, Fraction, PositivePercent, raise_field_error
from tradewind.domain.capital import CompoundingStrategy

__all__ = ["AutonomousScalingConfig", "CompoundingStrategy", "RegimeAllocations"]


class RegimeAllocations(ConfigModel):
    """Fraction of normal exposure used in each detected market regime."""

    BULL_TRENDING: Fraction = 1.0
    BEAR_TRENDING: Fraction = 0.3
    RANGING: Fraction = 0.6
    VOLATILE: Fraction = 0.4
    CRISIS: Fraction = 0.1


class AutonomousScalingConfig(ConfigModel):
    """Autonomous capital scaling. Leverage is `(normal_vol / current_vol) **
    volatility_sensitivity` clamped to [min_leverage, max_leverage]; the global risk
    limits still apply on top."""

    enabled: bool = False
    base_capital: float = Field(10_000.0, gt=0, description="Starting capital in base_currency.")
    compounding_strategy: CompoundingStrategy = CompoundingStrategy.MODERATE
    enable_drawdown_protection: bool = True
    halt_threshold_pct: PositivePercent = Field(
        25.0, description="Drawdown from peak (percent) at which scaling halts."
    )
    milestones: list[float] = Field(
        default_factory=list, description="Capital levels (base_currency) reported when reached."
    )
    min_leverage: float = Field(0.5, gt=0, le=100)
    max_leverage: float = Field(2.0, gt=0, le=100)
    volatility_sensitivity: float = Field(1.0, ge=0, le=10)
    normal_volatility_pct: float = Field(
        20.0, gt=0, le=500, description="Annualized volatility (percent) considered normal."
    )
    risk_free_rate: float = Field(0.05, ge=-0.05, le=0.5, description="Annual, as a fraction.")
    target_sharpe_ratio: float = Field(2.0, gt=0)
    min_size_multiplier: float = Field(0.3, gt=0, description="Lower clamp of sharpe/target.")
    max_size_multiplier: float = Field(1.5, gt=0, description="Upper clamp of sharpe/target.")
    regime_allocations: RegimeAllocations = Field(default_factory=RegimeAllocations)
    win_rate_increase_above: Fraction = Field(
        0.60, description="Win rate above which the reinvested share grows."
    )
    win_rate_decrease_below: Fraction = Field(
        0.45, description="Win rate below which the reinvested share shrinks."
    )
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
        if any(a >= b for a, b in itertools.pairwise(self.milestones)):
            raise_field_error(
                "not_increasing",
                f"milestones {self.milestones}: expected strictly increasing amounts",
                "milestones",
                self.milestones,
            )
        return self
