"""Regime vocabulary shared by intelligence, capital and risk: market, volatility, macro.

`MarketConditions` is the per-market reading that the intelligence layer computes from
bars and the capital layer sizes with. The volatility thresholds are ratios of the
current annualised volatility to the market's normal volatility, so that one table
serves a bond ETF (normal ~8%) and a crypto pair (normal ~60%) alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from tradewind.domain.vocabulary import CaseInsensitiveEnum

__all__ = [
    "VOLATILITY_STATE_UPPER_RATIOS",
    "MacroRegime",
    "MarketConditions",
    "MarketRegime",
    "VolatilityState",
    "volatility_state_for",
]


class MarketRegime(CaseInsensitiveEnum):
    """The regime of one market, from its trend, momentum and volatility."""

    BULL_TRENDING = "BULL_TRENDING"
    BEAR_TRENDING = "BEAR_TRENDING"
    RANGING = "RANGING"
    VOLATILE = "VOLATILE"
    CRISIS = "CRISIS"


class VolatilityState(CaseInsensitiveEnum):
    """Current volatility relative to the market's normal volatility."""

    VERY_LOW = "VERY_LOW"
    LOW = "LOW"
    NORMAL = "NORMAL"
    HIGH = "HIGH"
    EXTREME = "EXTREME"


class MacroRegime(CaseInsensitiveEnum):
    """Cross-asset macro regime (what the macro forecaster predicts)."""

    RISK_ON = "RISK_ON"
    RISK_OFF = "RISK_OFF"
    INFLATION = "INFLATION"
    DEFLATION = "DEFLATION"
    GROWTH = "GROWTH"
    RECESSION = "RECESSION"


VOLATILITY_STATE_UPPER_RATIOS: Final[tuple[tuple[VolatilityState, float], ...]] = (
    (VolatilityState.VERY_LOW, 0.5),
    (VolatilityState.LOW, 0.8),
    (VolatilityState.NORMAL, 1.25),
    (VolatilityState.HIGH, 2.0),
    (VolatilityState.EXTREME, math.inf),
)
"""`current / normal` volatility below each bound (exclusive) maps to that state."""


def volatility_state_for(volatility_pct: float, normal_volatility_pct: float) -> VolatilityState:
    """Classify annualised volatility (percent) against the market's normal (percent).

    Raises:
        ValueError: if either value is negative or not finite, or normal is zero.
    """
    if not (math.isfinite(volatility_pct) and volatility_pct >= 0):
        raise ValueError(f"volatility_pct {volatility_pct!r}: expected a finite value >= 0")
    if not (math.isfinite(normal_volatility_pct) and normal_volatility_pct > 0):
        raise ValueError(
            f"normal_volatility_pct {normal_volatility_pct!r}: expected a finite value > 0"
        )
    ratio = volatility_pct / normal_volatility_pct
    for state, upper in VOLATILITY_STATE_UPPER_RATIOS:
        if ratio < upper:
            return state
    return VolatilityState.EXTREME


@dataclass(frozen=True, slots=True)
class MarketConditions:
    """One market's state at an instant, as used for sizing and allocation.

    Fields (positional order as in the scaling document): `volatility_pct` annualised
    volatility in percent; `trend_strength` in [-1, 1] (the intelligence layer reports
    the unsigned strength in [0, 1]; callers may sign it); `regime`; `volatility_state`;
    `momentum_score` in [-1, 1] (sign = direction); `liquidity_score` in [0, 1];
    optional `timestamp`; `market`; `normal_volatility_pct`, the market's normal
    volatility in percent (30 = the middle of the document's 20-40% "normal" band).
    """

    volatility_pct: float
    trend_strength: float
    regime: MarketRegime
    volatility_state: VolatilityState
    momentum_score: float
    liquidity_score: float
    timestamp: datetime | None = None
    market: str = ""
    normal_volatility_pct: float = 30.0

    def __post_init__(self) -> None:
        checks = (
            ("volatility_pct", self.volatility_pct, 0.0, math.inf),
            ("trend_strength", self.trend_strength, -1.0, 1.0),
            ("momentum_score", self.momentum_score, -1.0, 1.0),
            ("liquidity_score", self.liquidity_score, 0.0, 1.0),
            ("normal_volatility_pct", self.normal_volatility_pct, 1e-12, math.inf),
        )
        for name, value, low, high in checks:
            if not (math.isfinite(value) and low <= value <= high):
                raise ValueError(f"MarketConditions.{name} {value!r}: expected in [{low}, {high}]")
        if not isinstance(self.regime, MarketRegime):
            raise ValueError(f"MarketConditions.regime {self.regime!r}: expected a MarketRegime")
        if not isinstance(self.volatility_state, VolatilityState):
            raise ValueError(
                f"MarketConditions.volatility_state {self.volatility_state!r}: "
                "expected a VolatilityState"
            )
