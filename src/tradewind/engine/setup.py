"""What a backtest runs: markets, their strategies, aggregation, sizing, costs and risk."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from tradewind.capital.regime import RegimePlan
from tradewind.capital.router import RouterConfig
from tradewind.capital.scaling import AutonomousScalingConfig, CapitalEngineConfig
from tradewind.execution.models import CommissionModel, FillModel
from tradewind.risk.limits import RiskLimits
from tradewind.signals.aggregate import AggregationRule
from tradewind.strategies.api import StrategyConfig, StrategySpec

__all__ = [
    "CapitalPlan",
    "Correlation",
    "Costs",
    "EngineSpec",
    "MarketRun",
    "ScalingPlan",
    "Sizing",
    "StrategyRun",
]


@dataclass(frozen=True, slots=True)
class StrategyRun:
    """One strategy with its parameters, as it runs on every symbol of its market."""

    spec: StrategySpec  # type: ignore[type-arg]
    config: StrategyConfig

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True, slots=True)
class Sizing:
    """How large a position a target asks for: `units` of the instrument, or a
    `fraction` of equity at the signal's close (rounded down to the lot)."""

    mode: str = "units"
    value: float = 1.0

    @property
    def code(self) -> int:
        return 1 if self.mode == "fraction" else 0


@dataclass(frozen=True, slots=True)
class Costs:
    """Instrument grid and trading costs of a market's symbols (quote currency)."""

    lot: float = 0.0
    multiplier: float = 1.0
    min_notional: float = 0.0
    commission_model: CommissionModel = CommissionModel.NONE
    commission_bps: float = 0.0
    commission_per_unit: float = 0.0
    commission_min: float = 0.0
    spread: float = 0.0
    slippage_bps: float = 0.0


@dataclass(frozen=True, slots=True)
class MarketRun:
    """A market in a run: its symbols, strategies and how their signals combine.

    `allocation` is the market's share of equity risk enforces (NaN = none);
    `stop_loss_pct` / `take_profit_pct` are fractions of the entry price (NaN = none)
    applied when a strategy's signal carries no stop or target of its own.
    """

    name: str
    symbols: tuple[str, ...]
    strategies: tuple[StrategyRun, ...]
    rule: AggregationRule = field(default_factory=AggregationRule)
    allocation: float = np.nan
    sizing: Sizing = field(default_factory=Sizing)
    stop_loss_pct: float = np.nan
    take_profit_pct: float = np.nan
    costs: Costs = field(default_factory=Costs)


@dataclass(frozen=True, slots=True)
class Correlation:
    """The trailing correlations the engine keeps between symbols, and their two uses.

    Matrices come from each symbol's bar-to-bar log returns over the `window_rows` rows
    before a refresh, refreshed every `step_rows` rows. `risk_threshold` decides which
    positions count toward the correlation-concentration limit; with
    `confirm_required` > 0 an entry needs that many other markets, correlated at least
    `confirm_threshold`, to agree (see `tradewind.signals.confirmation`).
    """

    window_rows: int = 50
    step_rows: int = 5
    risk_threshold: float = 0.7
    confirm_required: int = 0
    confirm_threshold: float = 0.7


@dataclass(frozen=True, slots=True)
class ScalingPlan:
    """The autonomous scaling engine sizing every entry (its base capital is the run's
    initial cash). `drift_bars` is the trailing window of the expected return fed to
    the Sharpe step (0 = no expected return, the step is skipped)."""

    base_config: CapitalEngineConfig
    autonomous_config: AutonomousScalingConfig
    drift_bars: int = 60


@dataclass(frozen=True, slots=True)
class CapitalPlan:
    """How capital moves during a run: the router re-splits equity across markets every
    `rebalance_every_rows` rows from the `lookback_rows` before (None = each market's
    fixed allocation), and `scaling` sizes entries (None = each market's `Sizing`);
    `regime` feeds the walk-forward macro regime to the router and applies the regime
    actions (None = neither)."""

    router: RouterConfig | None = None
    rebalance_every_rows: int = 21
    lookback_rows: int = 126
    scaling: ScalingPlan | None = None
    regime: RegimePlan | None = None

    def __post_init__(self) -> None:
        if self.rebalance_every_rows < 1 or self.lookback_rows < 2:
            raise ValueError(
                f"CapitalPlan: rebalance_every_rows {self.rebalance_every_rows} and "
                f"lookback_rows {self.lookback_rows}: expected >= 1 and >= 2"
            )


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """Everything the engine needs besides the data."""

    markets: tuple[MarketRun, ...]
    limits: RiskLimits
    initial_cash: float = 1_000_000.0
    fill_model: FillModel = FillModel.NEXT_OPEN
    base_currency: str = "USD"
    quote_currencies: Mapping[str, str] = field(default_factory=dict)
    """Quote currency per symbol when it is not `base_currency`."""
    correlation: Correlation = field(default_factory=Correlation)
    capital: CapitalPlan | None = None
    """Capital routing and autonomous sizing (None = fixed allocations and sizing)."""
