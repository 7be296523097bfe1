"""`execution` and `backtest`: fills, costs, sizing and protective exits; run settings.

The top-level `execution` section applies to every market; `markets.<name>.execution`
replaces it for that market (whole section, not field by field).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field

from tradewind.config.fieldtypes import (
    ConfigModel,
    StopLossPercent,
    StrategyName,
    TakeProfitPercent,
)
from tradewind.config.vocabulary import CaseInsensitiveEnum

__all__ = [
    "BacktestConfig",
    "CommissionConfig",
    "CommissionKind",
    "ExecutionConfig",
    "FillModelName",
    "SizingConfig",
    "SizingMode",
    "StrategyParams",
]


class FillModelName(CaseInsensitiveEnum):
    """When a market order decided at a bar's close fills: the next bar's open, or this
    bar's close."""

    NEXT_OPEN = "next_open"
    THIS_CLOSE = "this_close"


class CommissionKind(CaseInsensitiveEnum):
    NONE = "none"
    BPS = "bps"
    PER_SHARE = "per_share"
    FX_SPREAD = "fx_spread"


class CommissionConfig(ConfigModel):
    """Trading costs: `bps` of notional, `per_unit` (with `min_per_order`), or half the
    `spread` (price units) per side for FX."""

    model: CommissionKind = CommissionKind.NONE
    bps: float = Field(0.0, ge=0, le=1000)
    per_unit: float = Field(0.0, ge=0)
    min_per_order: float = Field(0.0, ge=0)
    spread: float = Field(0.0, ge=0)


class SizingMode(CaseInsensitiveEnum):
    UNITS = "units"
    FRACTION = "fraction"


class SizingConfig(ConfigModel):
    """Position size per target: `units` of the instrument, or a `fraction` of equity."""

    mode: SizingMode = SizingMode.FRACTION
    value: float = Field(0.1, gt=0)


class ExecutionConfig(ConfigModel):
    """How a market's orders are sized, filled and charged."""

    sizing: SizingConfig = Field(default_factory=SizingConfig)
    commission: CommissionConfig = Field(default_factory=CommissionConfig)
    slippage_bps: float = Field(0.0, ge=0, le=1000)
    stop_loss_pct: StopLossPercent | None = Field(
        None, description="Protective stop, percent below (long) or above (short) the entry."
    )
    take_profit_pct: TakeProfitPercent | None = Field(
        None, description="Take-profit, percent above (long) or below (short) the entry."
    )
    lot_size: float = Field(0.0, ge=0, description="Smallest quantity step; 0 = fractional.")
    min_notional: float = Field(0.0, ge=0)


class BacktestConfig(ConfigModel):
    """Settings of `tradewind backtest` runs."""

    initial_cash: float = Field(1_000_000.0, gt=0)
    fill_model: FillModelName = FillModelName.NEXT_OPEN
    journal: str = Field(
        "tradewind-data/journal.sqlite",
        description="SQLite path or database URL of the journal; ':memory:' keeps none.",
    )
    report_dir: Path = Path("reports")


#: Strategy parameters per strategy name, e.g. {sma_cross: {fast: 20, slow: 100}}.
StrategyParams = dict[StrategyName, dict[str, Any]]
