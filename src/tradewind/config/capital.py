"""`capital`: how the global capital router splits capital across markets."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from tradewind.config.fieldtypes import (
    CoarsePercent,
    ConfigModel,
    Fraction,
    Percent,
    PositivePercent,
    did_you_mean,
    raise_field_error,
)
from tradewind.domain.capital import AllocationStrategy
from tradewind.domain.regimes import MacroRegime

__all__ = [
    "ACTION_REGIME_NAMES",
    "AllocationStrategy",
    "CapitalConfig",
    "FactorWeights",
    "RegimeActionConfig",
]

ACTION_REGIME_NAMES: tuple[str, ...] = (*(r.value.lower() for r in MacroRegime), "crisis")
"""Regimes an action can name: the six macro regimes and crisis (most markets in CRISIS)."""


class FactorWeights(ConfigModel):
    """Weights of the market score used by ADAPTIVE/AGGRESSIVE routing; they sum to 1."""

    sharpe: Fraction = 0.30
    win_rate: Fraction = 0.20
    profit_factor: Fraction = 0.20
    opportunity_count: Fraction = 0.15
    correlation_diversity: Fraction = 0.15

    @model_validator(mode="after")
    def _sum_to_one(self) -> FactorWeights:
        values = self.model_dump()
        total = sum(values.values())
        if abs(total - 1.0) > 1e-6:
            parts = ", ".join(f"{name} {value:g}" for name, value in values.items())
            raise ValueError(f"factor weights sum to {total:g} ({parts}): expected a sum of 1")
        return self


class RegimeActionConfig(ConfigModel):
    """What capital does while a regime is in force (1 / false: nothing)."""

    exposure_factor: float = Field(
        1.0, gt=0, le=1, description="Multiplies every market's budget (exposure cap)."
    )
    stop_factor: float = Field(
        1.0, gt=0, le=1, description="Multiplies new protective stop distances (tighter)."
    )
    soft_stop: bool = Field(False, description="The session puts a SOFT stop in force.")


class CapitalConfig(ConfigModel):
    """Capital allocation across markets."""

    strategy: AllocationStrategy = AllocationStrategy.FIXED
    min_allocation_pct: Percent = 5.0
    max_allocation_pct: CoarsePercent = 50.0
    factor_weights: FactorWeights = Field(default_factory=FactorWeights)
    rebalance_threshold_pct: PositivePercent = Field(
        5.0, description="Relative drift (percent) from target that triggers a rebalance."
    )
    rebalance_every_bars: int = Field(
        21, ge=1, description="Rows of the run's timeline between two router decisions."
    )
    lookback_bars: int = Field(
        126, ge=2, description="Trailing rows the router measures markets over."
    )
    macro_regime: bool = Field(
        False,
        description="Feed the walk-forward macro regime to the router at each rebalance.",
    )
    regime_actions: dict[str, RegimeActionConfig] = Field(
        default_factory=dict,
        description="Regime (risk_on, risk_off, inflation, deflation, growth, recession, "
        "crisis) -> action while it is in force.",
    )

    @field_validator("regime_actions", mode="before")
    @classmethod
    def _known_regimes(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        out: dict[str, object] = {}
        for name, action in value.items():
            key = str(name).strip().lower()
            if key not in ACTION_REGIME_NAMES:
                raise ValueError(
                    f"regime {name!r}{did_you_mean(key, ACTION_REGIME_NAMES)}: expected one "
                    f"of {', '.join(ACTION_REGIME_NAMES)}"
                )
            if key in out:
                raise ValueError(f"regime {name!r} given twice: expected one action each")
            out[key] = action
        return out

    @model_validator(mode="after")
    def _min_below_max(self) -> CapitalConfig:
        if self.min_allocation_pct > self.max_allocation_pct:
            raise_field_error(
                "min_above_max",
                f"min_allocation_pct {self.min_allocation_pct:g} is above max_allocation_pct "
                f"{self.max_allocation_pct:g}: expected min <= max",
                "min_allocation_pct",
                self.min_allocation_pct,
            )
        return self
