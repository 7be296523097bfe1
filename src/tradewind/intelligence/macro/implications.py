"""What each macro regime implies for markets, sizing, strategy choice and leverage.

This is a policy table written from conventional cross-asset practice, not a measured
result: the figures (`size_multiplier`, `max_leverage`) are starting points for the
capital and risk layers, which own the final numbers and may switch the table off.

| regime    | preferred markets              | size | max lev. | strategy focus                 |
|-----------|--------------------------------|------|----------|--------------------------------|
| RISK_ON   | equities, crypto, commodities  | 1.00 | 2.0      | trend, momentum, breakouts     |
| GROWTH    | equities, commodities, futures | 1.00 | 1.5      | trend in cyclicals             |
| INFLATION | commodities, futures, forex    | 0.75 | 1.0      | commodity trend, short duration |
| DEFLATION | bonds, forex                   | 0.50 | 1.0      | long duration, mean reversion  |
| RISK_OFF  | bonds, volatility, forex       | 0.50 | 1.0      | hedges, short holding periods  |
| RECESSION | bonds, volatility, forex       | 0.25 | 0.5      | capital preservation           |
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tradewind.domain.market import MarketClass
from tradewind.domain.regimes import MacroRegime

__all__ = ["REGIME_IMPLICATIONS", "RegimeImplications", "implications_for"]


@dataclass(frozen=True, slots=True)
class RegimeImplications:
    """How to trade a regime.

    `size_multiplier` scales normal position size (1.0 = normal); `max_leverage` is gross
    exposure over equity. Both are policy, not measurements.
    """

    preferred_markets: tuple[MarketClass, ...]
    sizing_posture: str
    size_multiplier: float
    strategy_focus: str
    leverage_guidance: str
    max_leverage: float

    def as_dict(self) -> dict[str, Any]:
        """The forecaster's `implications` dict (markets as a list of MarketClass)."""
        return {
            "preferred_markets": list(self.preferred_markets),
            "sizing_posture": self.sizing_posture,
            "size_multiplier": self.size_multiplier,
            "strategy_focus": self.strategy_focus,
            "leverage_guidance": self.leverage_guidance,
            "max_leverage": self.max_leverage,
        }


_M = MarketClass

REGIME_IMPLICATIONS: Mapping[MacroRegime, RegimeImplications] = {
    MacroRegime.RISK_ON: RegimeImplications(
        preferred_markets=(_M.EQUITIES, _M.CRYPTO, _M.COMMODITIES),
        sizing_posture="full: normal position sizes",
        size_multiplier=1.0,
        strategy_focus="trend following, momentum and breakouts; buy pullbacks",
        leverage_guidance="normal leverage, up to 2x gross",
        max_leverage=2.0,
    ),
    MacroRegime.GROWTH: RegimeImplications(
        preferred_markets=(_M.EQUITIES, _M.COMMODITIES, _M.FUTURES),
        sizing_posture="full: normal position sizes",
        size_multiplier=1.0,
        strategy_focus="trend following in cyclical equities and industrial commodities",
        leverage_guidance="moderate leverage, up to 1.5x gross",
        max_leverage=1.5,
    ),
    MacroRegime.INFLATION: RegimeImplications(
        preferred_markets=(_M.COMMODITIES, _M.FUTURES, _M.FOREX),
        sizing_posture="moderate: three quarters of normal size",
        size_multiplier=0.75,
        strategy_focus="commodity trend, short bond duration, currencies of commodity exporters",
        leverage_guidance="no leverage beyond 1x gross; rate moves widen ranges",
        max_leverage=1.0,
    ),
    MacroRegime.DEFLATION: RegimeImplications(
        preferred_markets=(_M.BONDS, _M.FOREX),
        sizing_posture="reduced: half of normal size",
        size_multiplier=0.5,
        strategy_focus="long duration bonds, mean reversion, short commodity trend",
        leverage_guidance="no leverage beyond 1x gross",
        max_leverage=1.0,
    ),
    MacroRegime.RISK_OFF: RegimeImplications(
        preferred_markets=(_M.BONDS, _M.VOLATILITY, _M.FOREX),
        sizing_posture="reduced: half of normal size",
        size_multiplier=0.5,
        strategy_focus="hedges, mean reversion and short holding periods; safe-haven FX",
        leverage_guidance="no leverage beyond 1x gross; cut on volatility spikes",
        max_leverage=1.0,
    ),
    MacroRegime.RECESSION: RegimeImplications(
        preferred_markets=(_M.BONDS, _M.VOLATILITY, _M.FOREX),
        sizing_posture="defensive: a quarter of normal size",
        size_multiplier=0.25,
        strategy_focus="capital preservation, long duration, short-side equity trend",
        leverage_guidance="de-lever: at most 0.5x gross",
        max_leverage=0.5,
    ),
}
"""One entry per MacroRegime (the table in the module docstring)."""


def implications_for(regime: MacroRegime) -> RegimeImplications:
    """The table entry for a regime."""
    return REGIME_IMPLICATIONS[regime]
