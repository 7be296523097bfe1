"""`RouterConfig`: every knob of the global capital router, validated on construction.

Shares are fractions of total capital (0.05 = 5%). Factor and opportunity weights sum
to 1. The macro regime table multiplies a market's score by a preference per market
class (crypto, forex, equities, commodities, bonds, volatility, futures); a market whose
name is not a class (or an alias such as "stocks") gets 1.0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any, Final

from tradewind.capital.router.errors import RouterInputError
from tradewind.domain.capital import AllocationStrategy
from tradewind.domain.errors import DomainError
from tradewind.domain.market import MarketClass
from tradewind.domain.regimes import MacroRegime

__all__ = [
    "DEFAULT_FACTOR_WEIGHTS",
    "DEFAULT_OPPORTUNITY_WEIGHTS",
    "DEFAULT_REGIME_PREFERENCES",
    "FACTOR_NAMES",
    "OPPORTUNITY_FACTORS",
    "RouterConfig",
    "market_class_of",
    "parse_macro_regime",
]

FACTOR_NAMES: Final = (
    "sharpe",
    "win_rate",
    "profit_factor",
    "opportunity_count",
    "correlation_diversity",
)
"""Market score factors, in the order scores and explanations list them."""

DEFAULT_FACTOR_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "sharpe": 0.30,
        "win_rate": 0.20,
        "profit_factor": 0.20,
        "opportunity_count": 0.15,
        "correlation_diversity": 0.15,
    }
)

OPPORTUNITY_FACTORS: Final = (
    "technical_setup",
    "regime_alignment",
    "correlation_support",
    "volume_profile",
    "risk_reward_ratio",
)

DEFAULT_OPPORTUNITY_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {
        # The setup and its payoff are the trade's own edge, so they carry most weight;
        # regime and correlation are context; volume only confirms.
        "technical_setup": 0.30,
        "risk_reward_ratio": 0.25,
        "regime_alignment": 0.20,
        "correlation_support": 0.15,
        "volume_profile": 0.10,
    }
)

DEFAULT_REGIME_PREFERENCES: Final[Mapping[MacroRegime, Mapping[str, float]]] = MappingProxyType(
    {
        MacroRegime.RISK_ON: MappingProxyType(
            {"crypto": 1.4, "equities": 1.3, "commodities": 1.0, "forex": 0.9, "bonds": 0.6}
        ),
        MacroRegime.RISK_OFF: MappingProxyType(
            {"bonds": 1.5, "forex": 1.1, "commodities": 0.9, "equities": 0.6, "crypto": 0.5}
        ),
        MacroRegime.INFLATION: MappingProxyType(
            {"commodities": 1.5, "crypto": 1.1, "forex": 1.0, "equities": 0.9, "bonds": 0.5}
        ),
        MacroRegime.DEFLATION: MappingProxyType(
            {"bonds": 1.5, "forex": 1.1, "equities": 0.8, "crypto": 0.7, "commodities": 0.5}
        ),
        MacroRegime.GROWTH: MappingProxyType(
            {"equities": 1.4, "crypto": 1.3, "commodities": 1.1, "forex": 1.0, "bonds": 0.7}
        ),
        MacroRegime.RECESSION: MappingProxyType(
            {"bonds": 1.5, "forex": 1.2, "commodities": 0.7, "equities": 0.5, "crypto": 0.4}
        ),
    }
)
"""Score multiplier per market class under each macro regime (absent class: 1.0)."""


def parse_macro_regime(value: MacroRegime | str | None) -> MacroRegime | None:
    """A `MacroRegime` from itself, its value in any letter case, or None.

    Raises:
        RouterInputError: the text names no macro regime.
    """
    if value is None or isinstance(value, MacroRegime):
        return value
    try:
        return MacroRegime(value)
    except ValueError:
        expected = ", ".join(r.value for r in MacroRegime)
        raise RouterInputError(
            f"macro_regime {value!r}: expected one of {expected} or None"
        ) from None


def market_class_of(market: str) -> MarketClass | None:
    """The market class a market name denotes ("crypto", "stocks", ...), else None."""
    try:
        return MarketClass.parse(market)
    except DomainError:
        return None


@dataclass(frozen=True, slots=True)
class RouterConfig:
    """How the global capital router splits capital across markets.

    Attributes:
        strategy: allocation strategy (any letter case when given as text).
        min_allocation: smallest share of a funded market (fraction, 0 <= x <= max).
        max_allocation: largest share of any market (fraction, 0 < x <= 1).
        fixed_allocation: market -> share for FIXED (each in [0, 1], sum <= 1); not
            forced into [min, max].
        factor_weights: weights of the market score factors (`FACTOR_NAMES`), sum 1.
        rebalance_threshold: relative drift that makes `suggest_rebalance` move capital.
        top_n, top_shares: AGGRESSIVE funds the `top_n` best scores with these shares.
        opportunity_weights: weights of `OPPORTUNITY_FACTORS` in `score_opportunity`.
        regime_preferences: macro regime -> market class -> score multiplier (> 0).
        min_history: fewest common return rows RISK_PARITY/HRP need before they run.
        sharpe_full_score: Sharpe ratio that scores 1 (linear from 0).
        profit_factor_full_score: profit factor that scores 1 (linear from 1).
        opportunity_half_count: opportunity count that scores 0.5 (`n / (n + half)`).
        risk_reward_full_score: reward/risk ratio that scores 1 (linear from 0).
        min_score: floor of a market score, so every market keeps a positive share.

    Raises:
        RouterInputError: on any value out of range; the message names the field.
    """

    strategy: AllocationStrategy = AllocationStrategy.ADAPTIVE
    min_allocation: float = 0.05
    max_allocation: float = 0.50
    fixed_allocation: Mapping[str, float] = field(default_factory=dict)
    factor_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_FACTOR_WEIGHTS)
    rebalance_threshold: float = 0.05
    top_n: int = 3
    top_shares: tuple[float, ...] = (0.5, 0.3, 0.2)
    opportunity_weights: Mapping[str, float] = field(
        default_factory=lambda: DEFAULT_OPPORTUNITY_WEIGHTS
    )
    regime_preferences: Mapping[MacroRegime, Mapping[str, float]] = field(
        default_factory=lambda: DEFAULT_REGIME_PREFERENCES
    )
    min_history: int = 60
    sharpe_full_score: float = 3.0
    profit_factor_full_score: float = 3.0
    opportunity_half_count: float = 5.0
    risk_reward_full_score: float = 3.0
    min_score: float = 0.01

    def __post_init__(self) -> None:
        _set(self, "strategy", _parse_strategy(self.strategy))
        self._check_bounds()
        _set(self, "fixed_allocation", _fixed_shares(self.fixed_allocation))
        _set(self, "factor_weights", _weights("factor_weights", self.factor_weights, FACTOR_NAMES))
        _set(
            self,
            "opportunity_weights",
            _weights("opportunity_weights", self.opportunity_weights, OPPORTUNITY_FACTORS),
        )
        _set(self, "regime_preferences", _regime_table(self.regime_preferences))
        _set(self, "top_shares", _top_shares(self.top_n, self.top_shares))
        self._check_scales()

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> RouterConfig:
        """Build from a plain dict: our field names, the source document's keys
        (`allocation_strategy`, `min_allocation_per_market`, `max_allocation_per_market`,
        `allocation_metrics` with `*_weight` keys, `scoring_factors`) or the capital
        config's percent keys (`min_allocation_pct`, `max_allocation_pct`,
        `rebalance_threshold_pct`).

        Raises:
            RouterInputError: unknown key, a field given twice, or a bad value.
        """
        kwargs: dict[str, Any] = {}
        own = {f.name for f in fields(cls)}
        for key, value in mapping.items():
            name, converted = _translate(key, value, own)
            if name in kwargs:
                raise RouterInputError(f"router config gives {name!r} twice (last as {key!r})")
            kwargs[name] = converted
        return cls(**kwargs)

    def regime_multiplier(self, market: str, regime: MacroRegime | None) -> float:
        """Score multiplier of `market` under `regime` (1.0 without a regime or class)."""
        if regime is None:
            return 1.0
        market_class = market_class_of(market)
        if market_class is None:
            return 1.0
        return self.regime_preferences.get(regime, {}).get(market_class.value, 1.0)

    def _check_bounds(self) -> None:
        lo, hi = self.min_allocation, self.max_allocation
        if not (_finite(lo) and 0.0 <= lo <= 1.0):
            raise RouterInputError(f"min_allocation {lo!r}: expected a fraction in [0, 1]")
        if not (_finite(hi) and 0.0 < hi <= 1.0):
            raise RouterInputError(f"max_allocation {hi!r}: expected a fraction in (0, 1]")
        if lo > hi:
            raise RouterInputError(
                f"min_allocation {lo:g} is above max_allocation {hi:g}: expected min <= max"
            )
        threshold = self.rebalance_threshold
        if not (_finite(threshold) and 0.0 < threshold <= 1.0):
            raise RouterInputError(
                f"rebalance_threshold {threshold!r}: expected a fraction in (0, 1]"
            )

    def _check_scales(self) -> None:
        if isinstance(self.min_history, bool) or not isinstance(self.min_history, int):
            raise RouterInputError(f"min_history {self.min_history!r}: expected an integer")
        if self.min_history < 3:
            raise RouterInputError(f"min_history {self.min_history}: expected at least 3 rows")
        positive = {
            "sharpe_full_score": self.sharpe_full_score,
            "opportunity_half_count": self.opportunity_half_count,
            "risk_reward_full_score": self.risk_reward_full_score,
            "min_score": self.min_score,
        }
        for name, value in positive.items():
            if not (_finite(value) and value > 0):
                raise RouterInputError(f"{name} {value!r}: expected a finite value > 0")
        pf = self.profit_factor_full_score
        if not (_finite(pf) and pf > 1.0):
            raise RouterInputError(f"profit_factor_full_score {pf!r}: expected a value > 1")


_ALIASES: Final[Mapping[str, str]] = {
    "allocation_strategy": "strategy",
    "min_allocation_per_market": "min_allocation",
    "max_allocation_per_market": "max_allocation",
    "allocation_metrics": "factor_weights",
    "scoring_factors": "opportunity_weights",
}
_PERCENT_KEYS: Final[Mapping[str, str]] = {
    "min_allocation_pct": "min_allocation",
    "max_allocation_pct": "max_allocation",
    "rebalance_threshold_pct": "rebalance_threshold",
}


def _translate(key: str, value: Any, own: set[str]) -> tuple[str, Any]:
    if key in _PERCENT_KEYS:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise RouterInputError(f"router config {key} {value!r}: expected a number")
        return _PERCENT_KEYS[key], value / 100.0
    name = _ALIASES.get(key, key)
    if name not in own:
        accepted = sorted(own | set(_ALIASES) | set(_PERCENT_KEYS))
        raise RouterInputError(
            f"unknown router config key {key!r}: expected one of {', '.join(accepted)}"
        )
    if name == "factor_weights" and isinstance(value, Mapping):
        value = {_factor_key(str(k)): v for k, v in value.items()}
    if name == "top_shares" and not isinstance(value, str):
        value = tuple(value)
    return name, value


def _factor_key(key: str) -> str:
    # The source document spells the weights `sharpe_ratio_weight`, `win_rate_weight`, ...
    bare = key.removesuffix("_weight")
    return "sharpe" if bare == "sharpe_ratio" else bare


def _set(config: RouterConfig, name: str, value: object) -> None:
    object.__setattr__(config, name, value)


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _parse_strategy(value: object) -> AllocationStrategy:
    if isinstance(value, AllocationStrategy):
        return value
    if isinstance(value, str):
        try:
            return AllocationStrategy(value)
        except ValueError:
            pass
    expected = ", ".join(s.value for s in AllocationStrategy)
    raise RouterInputError(f"strategy {value!r}: expected one of {expected}")


def _fixed_shares(shares: Mapping[str, float]) -> Mapping[str, float]:
    if not isinstance(shares, Mapping):
        raise RouterInputError(f"fixed_allocation {shares!r}: expected a market -> share mapping")
    for market, share in shares.items():
        if not isinstance(market, str) or not market.strip():
            raise RouterInputError(f"fixed_allocation market {market!r}: expected a name")
        if not (_finite(share) and 0.0 <= share <= 1.0):
            raise RouterInputError(
                f"fixed_allocation[{market!r}] {share!r}: expected a fraction in [0, 1]"
            )
    total = float(sum(shares.values()))
    if total > 1.0 + 1e-9:
        raise RouterInputError(f"fixed_allocation shares sum to {total:g}: expected at most 1")
    return MappingProxyType({market: float(share) for market, share in shares.items()})


def _weights(name: str, weights: Mapping[str, float], keys: tuple[str, ...]) -> Mapping[str, float]:
    if not isinstance(weights, Mapping) or set(weights) != set(keys):
        found = sorted(weights) if isinstance(weights, Mapping) else weights
        raise RouterInputError(f"{name} keys {found!r}: expected exactly {', '.join(keys)}")
    for key in keys:
        value = weights[key]
        if not (_finite(value) and value >= 0.0):
            raise RouterInputError(f"{name}[{key!r}] {value!r}: expected a finite weight >= 0")
    total = float(sum(weights[key] for key in keys))
    if abs(total - 1.0) > 1e-6:
        parts = ", ".join(f"{key} {weights[key]:g}" for key in keys)
        raise RouterInputError(f"{name} sum to {total:g} ({parts}): expected a sum of 1")
    return MappingProxyType({key: float(weights[key]) for key in keys})


def _regime_table(
    table: Mapping[MacroRegime, Mapping[str, float]],
) -> Mapping[MacroRegime, Mapping[str, float]]:
    if not isinstance(table, Mapping):
        raise RouterInputError(f"regime_preferences {table!r}: expected a mapping by regime")
    parsed: dict[MacroRegime, Mapping[str, float]] = {}
    for regime_key, preferences in table.items():
        regime = parse_macro_regime(regime_key)
        if regime is None or not isinstance(preferences, Mapping):
            raise RouterInputError(
                f"regime_preferences[{regime_key!r}]: expected a regime -> "
                f"{{market class: multiplier}} mapping"
            )
        by_class: dict[str, float] = {}
        for class_name, multiplier in preferences.items():
            market_class = market_class_of(str(class_name))
            if market_class is None:
                expected = ", ".join(c.value for c in MarketClass)
                raise RouterInputError(
                    f"regime_preferences[{regime.value}] market class {class_name!r}: "
                    f"expected one of {expected}"
                )
            if not (_finite(multiplier) and multiplier > 0.0):
                raise RouterInputError(
                    f"regime_preferences[{regime.value}][{class_name!r}] {multiplier!r}: "
                    f"expected a finite multiplier > 0"
                )
            by_class[market_class.value] = float(multiplier)
        parsed[regime] = MappingProxyType(by_class)
    return MappingProxyType(parsed)


def _top_shares(top_n: int, shares: tuple[float, ...]) -> tuple[float, ...]:
    if isinstance(top_n, bool) or not isinstance(top_n, int) or top_n < 1:
        raise RouterInputError(f"top_n {top_n!r}: expected an integer >= 1")
    values = tuple(shares)
    if len(values) != top_n:
        raise RouterInputError(
            f"top_shares {values!r}: expected {top_n} shares, one per top_n market"
        )
    if not all(_finite(v) and v > 0.0 for v in values):
        raise RouterInputError(f"top_shares {values!r}: expected positive fractions")
    total = float(sum(values))
    if abs(total - 1.0) > 1e-6:
        raise RouterInputError(f"top_shares {values!r} sum to {total:g}: expected a sum of 1")
    return tuple(float(v) for v in values)
