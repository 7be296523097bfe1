"""The MMIN's capital allocation: the global capital router over market classes.

Each market class is measured over the analysed window as the equal-weight basket of its
symbols (bar-to-bar returns): Sharpe ratio, win rate and profit factor of the basket, the
class's signals at the latest bar as its opportunity count, and the correlations of the
baskets; the macro regime (when forecast) tilts the scores. The strategy is the config's
`capital.strategy` unless FIXED, else the one the MMIN mode names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tradewind.capital.router import GlobalCapitalRouter, RouterConfig
from tradewind.config import AllocationStrategy, MMINMode, TradewindConfig
from tradewind.domain.market import MarketClass
from tradewind.mmin.results import CapitalAllocation, MarketSignal

__all__ = ["STRATEGY_OF_MODE", "route_capital"]

STRATEGY_OF_MODE: dict[MMINMode, AllocationStrategy] = {
    MMINMode.CONSERVATIVE: AllocationStrategy.BALANCED,
    MMINMode.BALANCED: AllocationStrategy.BALANCED,
    MMINMode.ADAPTIVE: AllocationStrategy.ADAPTIVE,
    MMINMode.AGGRESSIVE: AllocationStrategy.AGGRESSIVE,
}


def route_capital(
    closes: pd.DataFrame,
    classes: Mapping[str, MarketClass],
    signals: Sequence[MarketSignal],
    *,
    mode: MMINMode,
    periods_per_year: float,
    config: TradewindConfig | None = None,
    macro_regime: str | None = None,
) -> CapitalAllocation:
    """Percent of capital per market class (see module docstring); what the bounds
    leave unallocated is cash."""
    baskets = _basket_returns(closes, classes)
    if baskets.empty:
        return CapitalAllocation(method="none", weights_pct={}, cash_pct=100.0)
    router = GlobalCapitalRouter(_router_config(mode, config))
    opportunities = pd.Series([s.market for s in signals], dtype=object).value_counts()
    metrics = {
        market: _metrics(baskets[market], periods_per_year, int(opportunities.get(market, 0)))
        for market in baskets.columns
    }
    correlations = baskets.corr() if len(baskets.columns) > 1 else None
    shares = router.allocation_fractions(metrics, correlations, macro_regime)
    weights = {market: round(100.0 * share, 4) for market, share in shares.items()}
    return CapitalAllocation(
        method=f"{router.strategy.value.lower()} router",
        weights_pct=weights,
        cash_pct=round(100.0 - sum(weights.values()), 4),
        explanation=router.last_explanation,
    )


def _router_config(mode: MMINMode, config: TradewindConfig | None) -> RouterConfig:
    if config is None:
        return RouterConfig(strategy=STRATEGY_OF_MODE[mode])
    capital = config.capital
    strategy = capital.strategy
    if strategy is AllocationStrategy.FIXED:
        strategy = STRATEGY_OF_MODE[mode]
    return RouterConfig(
        strategy=strategy,
        min_allocation=capital.min_allocation_pct / 100.0,
        max_allocation=capital.max_allocation_pct / 100.0,
        factor_weights=capital.factor_weights.model_dump(),
        rebalance_threshold=capital.rebalance_threshold_pct / 100.0,
    )


def _basket_returns(closes: pd.DataFrame, classes: Mapping[str, MarketClass]) -> pd.DataFrame:
    returns = closes.where(closes > 0).pct_change(fill_method=None).iloc[1:]
    by_class = returns.T.groupby([classes[str(s)].value for s in returns.columns]).mean().T
    filled: pd.DataFrame = by_class.dropna(axis=1, how="all").fillna(0.0)
    return filled


def _metrics(returns: pd.Series, periods_per_year: float, opportunities: int) -> dict[str, Any]:
    deviation = float(returns.std(ddof=1))
    sharpe = float(returns.mean()) / deviation * np.sqrt(periods_per_year) if deviation else 0.0
    gains, losses = returns[returns > 0].sum(), -returns[returns < 0].sum()
    moved = returns[returns != 0]
    return {
        "sharpe_ratio": sharpe,
        "win_rate": float((moved > 0).mean()) if len(moved) else 0.5,
        "profit_factor": float(gains / losses) if losses > 0 else 1.0,
        "opportunity_count": opportunities,
        "returns": returns,
    }
