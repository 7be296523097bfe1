"""`capital`: how the global capital router splits capital across markets."""

from __future__ import annotations

from pydantic import Field, model_validator

from tradewind.config.fieldtypes import (
    CoarsePercent,
    ConfigModel,
    Fraction,
    Percent,
    PositivePercent,
    raise_field_error,
)
from tradewind.domain.capital import AllocationStrategy

__all__ = ["AllocationStrategy", "CapitalConfig", "FactorWeights"]


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
