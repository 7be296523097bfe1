"""Settings of the capital engine and of the autonomous scaling layer (immutable, validated).

`CapitalEngineConfig` drives compounding, drawdown protection, milestones and the base
position; `AutonomousScalingConfig` drives the sizing factors (volatility leverage, regime
allocation, Sharpe adjustment), adaptive compounding and real-time optimization. Both
reject bad values in `__post_init__` with a `ValueError` that names the field, what was
expected and what was found. The engine never mutates them: parameters that the
optimizer tunes live in the engine's state (`AutonomousScalingEngine.current_parameters`).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from tradewind.capital.scaling._checks import check_range
from tradewind.domain.capital import CompoundingStrategy, SizingMethod
from tradewind.domain.regimes import MarketRegime

__all__ = [
    "DEFAULT_MILESTONES",
    "DEFAULT_REGIME_ALLOCATIONS",
    "DEFAULT_REINVEST_SHARES",
    "AutonomousScalingConfig",
    "CapitalEngineConfig",
    "SizingMethod",
    "parse_regime",
]

DEFAULT_REINVEST_SHARES: Final[Mapping[CompoundingStrategy, float]] = MappingProxyType(
    {
        CompoundingStrategy.CONSERVATIVE: 0.50,
        CompoundingStrategy.MODERATE: 0.75,
        CompoundingStrategy.AGGRESSIVE: 0.90,
        CompoundingStrategy.FULL_COMPOUND: 1.0,
    }
)
"""Share of each net profit reinvested into tradeable capital, per strategy."""

DEFAULT_MILESTONES: Final[tuple[float, ...]] = (
    1_000.0,
    2_500.0,
    5_000.0,
    10_000.0,
    25_000.0,
    50_000.0,
    100_000.0,
    250_000.0,
    500_000.0,
    1_000_000.0,
    2_500_000.0,
    5_000_000.0,
    10_000_000.0,
)
"""Capital milestones (account currency): 1K, 2.5K, 5K, 10K ... 10M."""

DEFAULT_REGIME_ALLOCATIONS: Final[Mapping[MarketRegime, float]] = MappingProxyType(
    {
        MarketRegime.BULL_TRENDING: 1.0,
        MarketRegime.BEAR_TRENDING: 0.3,
        MarketRegime.RANGING: 0.6,
        MarketRegime.VOLATILE: 0.4,
        MarketRegime.CRISIS: 0.1,
    }
)
"""Position multiplier per market regime (the scaling document's table)."""

_MAX_REGIME_ALLOCATION: Final = 3.0


def _parse_strategy(value: CompoundingStrategy | str) -> CompoundingStrategy:
    try:
        return CompoundingStrategy(value)
    except ValueError:
        choices = ", ".join(s.value for s in CompoundingStrategy)
        raise ValueError(
            f"CapitalEngineConfig.compounding_strategy {value!r}: expected one of {choices}"
        ) from None


def parse_regime(value: object, field: str) -> MarketRegime:
    """A MarketRegime from a member or its name in any case; ValueError naming `field`."""
    try:
        return MarketRegime(str(value) if not isinstance(value, MarketRegime) else value)
    except ValueError:
        choices = ", ".join(r.value for r in MarketRegime)
        raise ValueError(f"{field} {value!r}: expected one of {choices}") from None


def _default_allocations() -> dict[MarketRegime | str, float]:
    return dict(DEFAULT_REGIME_ALLOCATIONS.items())


def _check_pair(owner: str, low_name: str, low: float, high_name: str, high: float) -> None:
    if low > high:
        raise ValueError(
            f"{owner}.{low_name} {low:g} is above {owner}.{high_name} {high:g}: "
            f"expected {low_name} <= {high_name}"
        )


def _check_bounds(owner: str, name: str, bounds: tuple[float, float]) -> tuple[float, float]:
    if len(bounds) != 2:
        raise ValueError(f"{owner}.{name} {bounds!r}: expected a (low, high) pair")
    low = check_range(f"{owner}.{name}[0]", bounds[0], 0.0, low_open=True)
    high = check_range(f"{owner}.{name}[1]", bounds[1], 0.0, low_open=True)
    if low >= high:
        raise ValueError(f"{owner}.{name} {bounds!r}: expected low < high")
    return (low, high)


@dataclass(frozen=True, slots=True)
class CapitalEngineConfig:
    """Settings of the base capital engine.

    Attributes:
        compounding_strategy: conservative / moderate / aggressive / full_compound (any
            case; stored as `CompoundingStrategy`).
        reinvest_share: share of each net profit added to tradeable capital, in [0, 1];
            None = the strategy's default (0.50 / 0.75 / 0.90 / 1.0).
        enable_drawdown_protection: size down as drawdown from peak grows; halt at
            `halt_threshold_pct`.
        halt_threshold_pct: drawdown from peak (percent) that halts sizing, in (0, 100].
        warning_threshold_pct: drawdown (percent) of the WARNING level, in (0, halt).
        enable_milestones: track capital milestones.
        milestones: strictly increasing positive amounts (account currency).
        base_position_pct: base position as a fraction of sizing capital, in (0, 1]
            (0.05 = 5%; the name follows the document although the unit is a fraction).

    Raises:
        ValueError: naming the field, on any out-of-range value.
    """

    compounding_strategy: CompoundingStrategy | str = CompoundingStrategy.MODERATE
    reinvest_share: float | None = None
    enable_drawdown_protection: bool = True
    halt_threshold_pct: float = 20.0
    warning_threshold_pct: float = 10.0
    enable_milestones: bool = True
    milestones: tuple[float, ...] = DEFAULT_MILESTONES
    base_position_pct: float = 0.05

    def __post_init__(self) -> None:
        owner = "CapitalEngineConfig"
        object.__setattr__(self, "compounding_strategy", _parse_strategy(self.compounding_strategy))
        if self.reinvest_share is not None:
            check_range(f"{owner}.reinvest_share", self.reinvest_share, 0.0, 1.0)
        check_range(
            f"{owner}.halt_threshold_pct", self.halt_threshold_pct, 0.0, 100.0, low_open=True
        )
        check_range(
            f"{owner}.warning_threshold_pct",
            self.warning_threshold_pct,
            0.0,
            self.halt_threshold_pct,
            low_open=True,
        )
        if self.warning_threshold_pct >= self.halt_threshold_pct:
            raise ValueError(
                f"{owner}.warning_threshold_pct {self.warning_threshold_pct:g}: expected "
                f"below halt_threshold_pct {self.halt_threshold_pct:g}"
            )
        milestones = tuple(
            check_range(f"{owner}.milestones[{i}]", m, 0.0, low_open=True)
            for i, m in enumerate(self.milestones)
        )
        if any(a >= b for a, b in itertools.pairwise(milestones)):
            raise ValueError(f"{owner}.milestones {milestones}: expected strictly increasing")
        object.__setattr__(self, "milestones", milestones)
        check_range(f"{owner}.base_position_pct", self.base_position_pct, 0.0, 1.0, low_open=True)

    @property
    def strategy(self) -> CompoundingStrategy:
        """The compounding strategy as an enum member."""
        return CompoundingStrategy(self.compounding_strategy)

    @property
    def effective_reinvest_share(self) -> float:
        """`reinvest_share`, or the strategy's default when it is None."""
        if self.reinvest_share is not None:
            return float(self.reinvest_share)
        return DEFAULT_REINVEST_SHARES[self.strategy]


@dataclass(frozen=True, slots=True)
class AutonomousScalingConfig:
    """Settings of the autonomous layer: the document's fields and defaults, plus ours.

    Document fields: `enable_volatility_leverage`, `min_leverage` 0.5, `max_leverage`
    2.0, `volatility_leverage_sensitivity` 1.0 (exponent of `normal_vol / current_vol`),
    `enable_risk_adjustment`, `risk_free_rate` 0.05 (annual fraction),
    `target_sharpe_ratio` 2.0, `enable_regime_allocation`, `regime_allocations`
    (regime -> multiplier in [0, 3]; keys may be strings in any case; regimes left out
    keep their default), `enable_adaptive_compounding`, `performance_based_reinvestment`
    (adaptive compounding runs only when both are on), `enable_realtime_optimization`,
    `optimization_window_days` 30.

    Added: `normal_volatility_pct` (percent; None = the conditions' own
    `normal_volatility_pct`, 30 by default); `min_size_multiplier` / `max_size_multiplier`
    (clamp of `sharpe / target`); win-rate thresholds of adaptive compounding and of the
    optimizer; `sizing_method` and the Kelly / ATR settings (`kelly_fraction` scales the
    full Kelly fraction, `max_kelly_fraction` caps the share of capital, `atr_risk_pct`
    is the fraction of capital risked per trade); the optimizer's bounds and steps
    (`regime_allocation_step` is relative, at most 0.10; `sensitivity_step` absolute;
    a change is judged on `rollback_evaluation_trades` trades it affected).

    Raises:
        ValueError: naming the field, on any out-of-range value or inverted pair.
    """

    enable_volatility_leverage: bool = True
    min_leverage: float = 0.5
    max_leverage: float = 2.0
    volatility_leverage_sensitivity: float = 1.0
    enable_risk_adjustment: bool = True
    risk_free_rate: float = 0.05
    target_sharpe_ratio: float = 2.0
    enable_regime_allocation: bool = True
    regime_allocations: Mapping[MarketRegime | str, float] = field(
        default_factory=_default_allocations
    )
    enable_adaptive_compounding: bool = True
    performance_based_reinvestment: bool = True
    enable_realtime_optimization: bool = True
    optimization_window_days: int = 30
    normal_volatility_pct: float | None = None
    min_size_multiplier: float = 0.3
    max_size_multiplier: float = 1.5
    win_rate_increase_above: float = 0.60
    win_rate_decrease_below: float = 0.45
    min_trades_for_optimization: int = 20
    sizing_method: SizingMethod | str = SizingMethod.AUTONOMOUS
    kelly_fraction: float = 0.5
    max_kelly_fraction: float = 0.25
    kelly_min_trades: int = 20
    kelly_lookback_trades: int = 100
    atr_risk_pct: float = 0.01
    atr_stop_multiple: float = 2.0
    adaptive_min_trades: int = 10
    adaptive_window_trades: int = 20
    reinvest_share_step: float = 0.05
    min_reinvest_share: float = 0.25
    max_reinvest_share: float = 1.0
    regime_allocation_bounds: tuple[float, float] = (0.1, 1.2)
    regime_allocation_step: float = 0.05
    min_trades_per_regime: int = 5
    sensitivity_bounds: tuple[float, float] = (0.5, 2.0)
    sensitivity_step: float = 0.1
    min_trades_per_volatility_group: int = 5
    rollback_evaluation_trades: int = 10

    def __post_init__(self) -> None:
        owner = "AutonomousScalingConfig"
        self._check_numbers(owner)
        self._check_counts(owner)
        allocations = dict(DEFAULT_REGIME_ALLOCATIONS)
        for key, value in dict(self.regime_allocations).items():
            regime = parse_regime(key, f"{owner}.regime_allocations key")
            allocations[regime] = check_range(
                f"{owner}.regime_allocations[{regime.value}]", value, 0.0, _MAX_REGIME_ALLOCATION
            )
        object.__setattr__(self, "regime_allocations", MappingProxyType(allocations))
        try:
            method = SizingMethod(str(self.sizing_method).strip().lower())
        except ValueError:
            choices = ", ".join(m.value for m in SizingMethod)
            raise ValueError(
                f"{owner}.sizing_method {self.sizing_method!r}: expected one of {choices}"
            ) from None
        object.__setattr__(self, "sizing_method", method)
        for name in ("regime_allocation_bounds", "sensitivity_bounds"):
            object.__setattr__(self, name, _check_bounds(owner, name, getattr(self, name)))

    def _check_numbers(self, owner: str) -> None:
        ranges: tuple[tuple[str, float, float, bool], ...] = (
            ("min_leverage", 0.0, 100.0, True),
            ("max_leverage", 0.0, 100.0, True),
            ("volatility_leverage_sensitivity", 0.0, 10.0, False),
            ("risk_free_rate", -1.0, 1.0, False),
            ("target_sharpe_ratio", 0.0, 100.0, True),
            ("min_size_multiplier", 0.0, 100.0, False),
            ("max_size_multiplier", 0.0, 100.0, True),
            ("win_rate_increase_above", 0.0, 1.0, False),
            ("win_rate_decrease_below", 0.0, 1.0, False),
            ("kelly_fraction", 0.0, 1.0, True),
            ("max_kelly_fraction", 0.0, 1.0, True),
            ("atr_risk_pct", 0.0, 1.0, True),
            ("atr_stop_multiple", 0.0, 100.0, True),
            ("reinvest_share_step", 0.0, 1.0, False),
            ("min_reinvest_share", 0.0, 1.0, False),
            ("max_reinvest_share", 0.0, 1.0, False),
            ("regime_allocation_step", 0.0, 0.10, True),
            ("sensitivity_step", 0.0, 1.0, True),
        )
        for name, low, high, low_open in ranges:
            check_range(f"{owner}.{name}", getattr(self, name), low, high, low_open=low_open)
        if self.normal_volatility_pct is not None:
            check_range(
                f"{owner}.normal_volatility_pct",
                self.normal_volatility_pct,
                0.0,
                math.inf,
                low_open=True,
            )
        pairs = (
            ("min_leverage", "max_leverage"),
            ("min_size_multiplier", "max_size_multiplier"),
            ("win_rate_decrease_below", "win_rate_increase_above"),
            ("min_reinvest_share", "max_reinvest_share"),
        )
        for low_name, high_name in pairs:
            _check_pair(
                owner, low_name, getattr(self, low_name), high_name, getattr(self, high_name)
            )

    def _check_counts(self, owner: str) -> None:
        minimums = (
            ("optimization_window_days", 1),
            ("min_trades_for_optimization", 1),
            ("kelly_min_trades", 1),
            ("kelly_lookback_trades", 1),
            ("adaptive_min_trades", 1),
            ("adaptive_window_trades", 1),
            ("min_trades_per_regime", 1),
            ("min_trades_per_volatility_group", 1),
            ("rollback_evaluation_trades", 1),
        )
        for name, minimum in minimums:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise ValueError(f"{owner}.{name} {value!r}: expected an integer >= {minimum}")

    @property
    def method(self) -> SizingMethod:
        """`sizing_method` as an enum member."""
        return SizingMethod(self.sizing_method)

    def allocation_for(self, regime: MarketRegime) -> float:
        """The configured multiplier of `regime`."""
        return float(self.regime_allocations[regime])
