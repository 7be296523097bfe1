"""Validation of the router's inputs: per-market metrics and the correlation matrix.

Market metrics arrive as the source document's plain dicts; they become one array per
metric, in the caller's market order, so scoring is vectorized across markets. Keys
other than the ones below are ignored (callers pass richer dicts).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Real
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import pandas as pd

from tradewind.capital.router.errors import RouterInputError

__all__ = [
    "NEUTRAL_METRICS",
    "MetricsTable",
    "correlation_diversity",
    "parse_market_metrics",
]

NEUTRAL_METRICS: Final[Mapping[str, float]] = MappingProxyType(
    {"sharpe_ratio": 0.0, "win_rate": 0.5, "profit_factor": 1.0, "opportunity_count": 0.0}
)
"""What a missing metric means: no edge (Sharpe 0, coin-flip, break-even, no setups)."""

_NEUTRAL_DIVERSITY: Final = 0.5


@dataclass(frozen=True, slots=True)
class MetricsTable:
    """Validated metrics, one entry per market in the caller's order."""

    markets: tuple[str, ...]
    sharpe_ratio: np.ndarray
    win_rate: np.ndarray
    profit_factor: np.ndarray
    opportunity_count: np.ndarray
    returns: tuple[pd.Series | None, ...]

    def __len__(self) -> int:
        return len(self.markets)


def parse_market_metrics(market_metrics: Mapping[str, Mapping[str, Any]]) -> MetricsTable:
    """Validate `{market: {"sharpe_ratio", "win_rate", "profit_factor",
    "opportunity_count", "returns"?}}`; missing keys take `NEUTRAL_METRICS`.

    Raises:
        RouterInputError: a market name is empty, its metrics are not a mapping, or a
            value is bad (NaN, infinite Sharpe, win rate outside [0, 1], negative profit
            factor or opportunity count, returns that are not 1-D numbers); the message
            names market and key.
    """
    if not isinstance(market_metrics, Mapping):
        raise RouterInputError(
            f"market_metrics {type(market_metrics).__name__}: expected a mapping market -> metrics"
        )
    markets: list[str] = []
    columns: dict[str, list[float]] = {key: [] for key in NEUTRAL_METRICS}
    returns: list[pd.Series | None] = []
    for market, metrics in market_metrics.items():
        if not isinstance(market, str) or not market.strip():
            raise RouterInputError(f"market name {market!r}: expected a non-empty string")
        if not isinstance(metrics, Mapping):
            raise RouterInputError(
                f"market_metrics[{market!r}] {type(metrics).__name__}: expected a mapping"
            )
        markets.append(market)
        for key, default in NEUTRAL_METRICS.items():
            columns[key].append(_metric(market, key, metrics.get(key, default)))
        returns.append(_returns(market, metrics.get("returns")))
    return MetricsTable(
        markets=tuple(markets),
        sharpe_ratio=np.array(columns["sharpe_ratio"], dtype=np.float64),
        win_rate=np.array(columns["win_rate"], dtype=np.float64),
        profit_factor=np.array(columns["profit_factor"], dtype=np.float64),
        opportunity_count=np.array(columns["opportunity_count"], dtype=np.float64),
        returns=tuple(returns),
    )


def correlation_diversity(
    markets: tuple[str, ...], correlations: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray]:
    """`1 - mean |corr|` of each market to the other markets, and that mean |corr|.

    Pairs missing from the matrix (or NaN) are skipped; a market with no known pair
    gets the neutral diversity 0.5 and a NaN mean.

    Raises:
        RouterInputError: `correlations` is not a DataFrame, has duplicate labels, or
            holds a value outside [-1, 1]; the message names the pair.
    """
    size = len(markets)
    if correlations is None or size == 0:
        return np.full(size, _NEUTRAL_DIVERSITY), np.full(size, np.nan)
    if not isinstance(correlations, pd.DataFrame):
        raise RouterInputError(
            f"correlations {type(correlations).__name__}: expected a pandas DataFrame "
            f"market x market or None"
        )
    if not (correlations.index.is_unique and correlations.columns.is_unique):
        raise RouterInputError("correlations: expected unique market labels on both axes")
    subset = correlations.reindex(index=list(markets), columns=list(markets))
    try:
        values = subset.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
    except (TypeError, ValueError):
        raise RouterInputError("correlations: expected numeric values in [-1, 1]") from None
    _check_correlation_range(values, markets)
    np.fill_diagonal(values, np.nan)
    known = np.isfinite(values)
    counts = known.sum(axis=1)
    sums = np.where(known, np.abs(values), 0.0).sum(axis=1)
    mean_abs = np.divide(sums, counts, out=np.full(size, np.nan), where=counts > 0)
    diversity = np.where(counts > 0, 1.0 - mean_abs, _NEUTRAL_DIVERSITY)
    return diversity, mean_abs


def _check_correlation_range(values: np.ndarray, markets: tuple[str, ...]) -> None:
    bad = ~np.isnan(values) & ~((values >= -1.0 - 1e-9) & (values <= 1.0 + 1e-9))
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise RouterInputError(
            f"correlations[{markets[row]!r}][{markets[col]!r}] {float(values[row, col])!r}: "
            f"expected a correlation in [-1, 1]"
        )


def _metric(market: str, key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise RouterInputError(f"market_metrics[{market!r}][{key!r}] {value!r}: expected a number")
    number = float(value)
    if math.isnan(number):
        raise RouterInputError(f"market_metrics[{market!r}][{key!r}] is NaN: expected a number")
    if key == "win_rate" and not 0.0 <= number <= 1.0:
        raise RouterInputError(
            f"market_metrics[{market!r}]['win_rate'] {number:g}: expected a fraction in [0, 1]"
        )
    if key == "sharpe_ratio" and not math.isfinite(number):
        raise RouterInputError(
            f"market_metrics[{market!r}]['sharpe_ratio'] {number:g}: expected a finite value"
        )
    # An infinite profit factor (no losing trade) is meaningful; scoring saturates it.
    if key in ("profit_factor", "opportunity_count") and number < 0.0:
        raise RouterInputError(
            f"market_metrics[{market!r}][{key!r}] {number:g}: expected a value >= 0"
        )
    if key == "opportunity_count" and not math.isfinite(number):
        raise RouterInputError(
            f"market_metrics[{market!r}]['opportunity_count'] {number:g}: expected a finite count"
        )
    return number


def _returns(market: str, value: object) -> pd.Series | None:
    if value is None:
        return None
    if isinstance(value, pd.Series):
        series = value
    elif isinstance(value, np.ndarray | list | tuple):
        array = np.asarray(value)
        if array.ndim != 1:
            raise RouterInputError(
                f"market_metrics[{market!r}]['returns'] has shape {array.shape}: "
                f"expected one return per period (1-D)"
            )
        series = pd.Series(array)
    else:
        raise RouterInputError(
            f"market_metrics[{market!r}]['returns'] {type(value).__name__}: expected a "
            f"pandas Series or 1-D numpy array of periodic returns"
        )
    try:
        numeric = series.astype(np.float64)
    except (TypeError, ValueError):
        raise RouterInputError(
            f"market_metrics[{market!r}]['returns']: expected numeric returns"
        ) from None
    if np.isinf(numeric.to_numpy()).any():
        raise RouterInputError(
            f"market_metrics[{market!r}]['returns'] holds an infinite value: expected "
            f"finite returns (NaN marks a missing period)"
        )
    return numeric
