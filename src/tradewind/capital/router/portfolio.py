"""RISK_PARITY and HRP raw shares from each market's periodic returns, via skfolio.

RISK_PARITY is skfolio's `RiskBudgeting` with equal risk budgets and the variance risk
measure (every market contributes the same share of portfolio variance); HRP is
skfolio's `HierarchicalRiskParity` (variance risk measure). Both are fitted on the rows
where every market has a return. Returns given as pandas Series with a real index
(dates) are joined on that index; arrays (or Series with a default RangeIndex) are
aligned on their last rows, i.e. they are assumed to end at the same period.

When the history cannot support an estimate (a market without returns, fewer than two
markets, fewer than `min_history` common rows, a constant series, or a solver failure)
no weights are returned and the reason says why; the router then falls back to BALANCED.
skfolio is imported on first use (it takes seconds to import).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tradewind.capital.router.errors import RouterInputError
from tradewind.capital.router.inputs import MetricsTable
from tradewind.domain.capital import AllocationStrategy

__all__ = ["PortfolioWeights", "portfolio_weights", "returns_panel"]


@dataclass(frozen=True, slots=True)
class PortfolioWeights:
    """skfolio weights per market (None when it could not run, with the reason)."""

    weights: np.ndarray | None
    rows: int
    fallback_reason: str | None = None
    warnings: tuple[str, ...] = ()


def returns_panel(table: MetricsTable) -> pd.DataFrame | str:
    """The common-rows return frame (columns = markets), or why there is none.

    Raises:
        RouterInputError: some markets give dated Series and others positional returns.
    """
    missing = [m for m, r in zip(table.markets, table.returns, strict=True) if r is None]
    if missing:
        return f"no returns for {', '.join(missing)}"
    series = [r for r in table.returns if r is not None]
    positional = [isinstance(s.index, pd.RangeIndex) for s in series]
    if all(positional):
        length = min(len(s) for s in series)
        data = {
            m: s.to_numpy()[len(s) - length :] for m, s in zip(table.markets, series, strict=True)
        }
        frame = pd.DataFrame(data)
    elif not any(positional):
        for market, single in zip(table.markets, series, strict=True):
            if not single.index.is_unique:
                raise RouterInputError(
                    f"market_metrics[{market!r}]['returns'] has duplicate index labels: "
                    f"expected one return per period"
                )
        frame = pd.concat(series, axis=1, join="inner", keys=list(table.markets))
    else:
        raise RouterInputError(
            "market_metrics returns mix dated Series and positional arrays: expected one kind"
        )
    return frame.dropna(axis=0, how="any")


def portfolio_weights(
    table: MetricsTable, strategy: AllocationStrategy, min_history: int
) -> PortfolioWeights:
    """Fit RISK_PARITY or HRP on the markets' common return rows.

    Raises:
        RouterInputError: `strategy` is not RISK_PARITY or HRP, or the returns mix kinds.
    """
    if strategy not in (AllocationStrategy.RISK_PARITY, AllocationStrategy.HRP):
        raise RouterInputError(f"strategy {strategy}: expected RISK_PARITY or HRP")
    if len(table) < 2:
        return PortfolioWeights(None, 0, f"{strategy} needs at least 2 markets")
    panel = returns_panel(table)
    if isinstance(panel, str):
        return PortfolioWeights(None, 0, panel)
    rows = len(panel)
    if rows < min_history:
        return PortfolioWeights(
            None,
            rows,
            f"only {rows} common return rows, {strategy} needs min_history {min_history}",
        )
    constant = [str(m) for m in panel.columns[panel.std(axis=0).to_numpy() <= 0.0]]
    if constant:
        return PortfolioWeights(None, rows, f"constant returns for {', '.join(constant)}")
    return _fit(panel, strategy)


def _fit(panel: pd.DataFrame, strategy: AllocationStrategy) -> PortfolioWeights:
    from skfolio import RiskMeasure
    from skfolio.exceptions import SkfolioError
    from skfolio.optimization import HierarchicalRiskParity, RiskBudgeting

    model: RiskBudgeting | HierarchicalRiskParity
    if strategy is AllocationStrategy.RISK_PARITY:
        model = RiskBudgeting(risk_measure=RiskMeasure.VARIANCE)
    else:
        model = HierarchicalRiskParity(risk_measure=RiskMeasure.VARIANCE)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.fit(panel)
        except SkfolioError as error:
            return PortfolioWeights(None, len(panel), f"skfolio {strategy} failed: {error}")
    weights = np.clip(np.asarray(model.weights_, dtype=np.float64), 0.0, None)
    notes = tuple(dict.fromkeys(str(w.message) for w in caught))
    if not np.isfinite(weights).all() or weights.sum() <= 0.0:
        return PortfolioWeights(None, len(panel), f"skfolio {strategy} gave no usable weights")
    return PortfolioWeights(weights / weights.sum(), len(panel), None, notes)
