"""Correlation matrices, pairs, regime and breakdowns on wide return panels.

Every function here takes returns that the caller already validated (see `analyzer`):
rows are instants, columns are symbols, NaN where a symbol has no return. Correlations
are pairwise-complete: each pair uses the rows where both symbols have a value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from tradewind.intelligence.returns import IntelligenceInputError

__all__ = [
    "average_correlation_series",
    "breakdown_pairs",
    "correlated_pairs",
    "diversification_score",
    "mean_off_diagonal",
    "min_overlap",
    "pairwise_correlation",
]

_BAND_BLOCK = 256  # window ends per block in `average_correlation_series`


def min_overlap(window: int) -> int:
    """Fewest overlapping returns a window's correlation needs (about half the window)."""
    return max(3, (window + 1) // 2)


def pairwise_correlation(values: np.ndarray, min_periods: int) -> np.ndarray:
    """Pearson correlation of every column pair over the rows where both are finite.

    `values` is (rows, columns); the result is (columns, columns) with NaN where a pair
    overlaps on fewer than `min_periods` rows or a column is constant on the overlap.
    Four matrix products replace the per-pair loop of `DataFrame.corr`.
    """
    mask = np.isfinite(values)
    if mask.all():
        return _complete_correlation(values, min_periods)
    weights = mask.astype(np.float64)
    counts = weights.sum(axis=0)
    means = np.divide(
        np.where(mask, values, 0.0).sum(axis=0),
        counts,
        out=np.zeros(values.shape[1]),
        where=counts > 0,
    )
    # Centring by the column mean first keeps the sums small (less cancellation below).
    x = np.where(mask, values - means, 0.0)
    n = weights.T @ weights
    sx = x.T @ weights
    sxx = (x * x).T @ weights
    sxy = x.T @ x
    with np.errstate(invalid="ignore", divide="ignore"):
        cov = sxy - sx * sx.T / n
        var = sxx - sx * sx / n
        corr = cov / np.sqrt(var * var.T)
    corr[(n < min_periods) | ~np.isfinite(corr)] = np.nan
    return _tidy(corr)


def _complete_correlation(values: np.ndarray, min_periods: int) -> np.ndarray:
    size = values.shape[1]
    if values.shape[0] < min_periods:
        return np.full((size, size), np.nan)
    x = values - values.mean(axis=0)
    norms = np.sqrt((x * x).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = (x.T @ x) / np.outer(norms, norms)
    corr[~np.isfinite(corr)] = np.nan
    return _tidy(corr)


def _tidy(corr: np.ndarray) -> np.ndarray:
    np.clip(corr, -1.0, 1.0, out=corr)
    diagonal = np.diagonal(corr).copy()
    np.fill_diagonal(corr, np.where(np.isnan(diagonal), np.nan, 1.0))
    return corr


def mean_off_diagonal(corr: np.ndarray) -> float:
    """Mean of the finite off-diagonal entries; NaN when there are none."""
    off = ~np.eye(corr.shape[0], dtype=bool) & np.isfinite(corr)
    return float(corr[off].mean()) if off.any() else float("nan")


def correlated_pairs(corr: pd.DataFrame, threshold: float) -> list[dict[str, object]]:
    """Pairs (upper triangle) with |correlation| >= threshold, strongest first."""
    values = corr.to_numpy(dtype=np.float64)
    upper = np.triu(np.ones(values.shape, dtype=bool), k=1)
    with np.errstate(invalid="ignore"):
        keep = upper & (np.abs(values) >= threshold)
    rows, cols = np.nonzero(keep)
    strength = values[rows, cols]
    order = np.argsort(-np.abs(strength), kind="stable")
    names = [str(c) for c in corr.columns]
    return [
        {
            "symbol1": names[rows[k]],
            "symbol2": names[cols[k]],
            "correlation": float(strength[k]),
        }
        for k in order
    ]


def breakdown_pairs(
    long_corr: np.ndarray,
    short_corr: np.ndarray,
    symbols: Sequence[str],
    *,
    threshold: float,
    min_drop: float,
    at: object,
) -> list[dict[str, object]]:
    """Pairs strongly correlated over the long window whose short-window correlation weakened.

    `drop` is measured towards zero and beyond: `sign(long) * (long - short)`, so a
    strongly negative pair turning positive is a breakdown too. Largest drop first.
    """
    upper = np.triu(np.ones(long_corr.shape, dtype=bool), k=1)
    with np.errstate(invalid="ignore"):
        drop = np.sign(long_corr) * (long_corr - short_corr)
        keep = upper & (np.abs(long_corr) >= threshold) & (drop >= min_drop)
    rows, cols = np.nonzero(keep)
    order = np.argsort(-drop[rows, cols], kind="stable")
    return [
        {
            "symbol1": symbols[rows[k]],
            "symbol2": symbols[cols[k]],
            "long_corr": float(long_corr[rows[k], cols[k]]),
            "short_corr": float(short_corr[rows[k], cols[k]]),
            "drop": float(drop[rows[k], cols[k]]),
            "at": at,
        }
        for k in order
    ]


def diversification_score(weights: Mapping[str, float], corr: pd.DataFrame) -> float:
    """1 minus the weight-averaged pairwise correlation, clipped to [0, 1].

    `score = 1 - max(0, sum_{i != j} w_i w_j rho_ij / sum_{i != j} w_i w_j)` with
    `w = |weight|` (gross exposure). Uncorrelated or negatively correlated holdings
    score 1, identical series 0; a single holding scores 0 (nothing to diversify).
    Pairs with an unknown (NaN) correlation are left out of the average.

    Raises:
        IntelligenceInputError: a symbol is missing from the matrix, a weight is not
            finite, all weights are zero, or no pair has a known correlation.
    """
    names = list(weights)
    missing = [s for s in names if s not in corr.index or s not in corr.columns]
    if missing:
        raise IntelligenceInputError(
            f"portfolio symbol {missing[0]!r}: expected a symbol of the correlation matrix "
            f"({len(corr.columns)} symbols), found none"
        )
    w = np.abs(np.array([float(weights[s]) for s in names]))
    if not np.isfinite(w).all() or w.sum() <= 0:
        raise IntelligenceInputError(
            f"portfolio weights {dict(weights)}: expected finite weights, not all zero"
        )
    held = w > 0
    if held.sum() < 2:
        return 0.0
    names_held = [s for s, h in zip(names, held, strict=True) if h]
    rho = corr.loc[names_held, names_held].to_numpy(dtype=np.float64)
    w = w[held] / w[held].sum()
    pair_weight = np.outer(w, w)
    known = np.isfinite(rho) & ~np.eye(len(w), dtype=bool)
    if not known.any():
        raise IntelligenceInputError(
            f"portfolio {names_held}: no pair has a known correlation (all NaN)"
        )
    average = float((pair_weight * np.where(known, rho, 0.0)).sum() / pair_weight[known].sum())
    return float(np.clip(1.0 - max(0.0, average), 0.0, 1.0))


def average_correlation_series(returns: pd.DataFrame, window: int) -> pd.Series:
    """Mean off-diagonal correlation of the trailing `window` rows, at every row.

    Uses the identity `sum_ij corr_ij = sum_t (sum_i u_it)^2 / (w - 1)` with `u` the
    returns standardised inside each window, so no per-window matrix is formed: the
    cross-sectional sums come from banded matrix products, O(rows x window x symbols).
    Exact when the window has no gaps; a missing return counts as the symbol's window
    mean (it shrinks that pair's correlation slightly towards zero). A symbol enters a
    window with at least `min_overlap(window)` returns; NaN while fewer than two do.
    """
    values = returns.to_numpy(dtype=np.float64, na_value=np.nan)
    rows, _ = values.shape
    min_periods = min_overlap(window)
    rolling = returns.rolling(window, min_periods=min_periods)
    mean = rolling.mean().to_numpy(dtype=np.float64, na_value=np.nan)
    std = rolling.std().to_numpy(dtype=np.float64, na_value=np.nan)
    count = rolling.count().to_numpy(dtype=np.float64, na_value=np.nan)
    included = np.isfinite(std) & (std > 0) & (count >= min_periods)
    scale = np.where(included, 1.0 / np.where(included, std, 1.0), 0.0)
    shift = np.where(included, mean, 0.0) * scale
    mask = np.isfinite(values)
    pad = np.zeros((window - 1, values.shape[1]))
    x = np.vstack([pad, np.where(mask, values, 0.0)])
    m = np.vstack([pad, mask.astype(np.float64)])
    total = np.zeros(rows)
    for start in range(0, rows, _BAND_BLOCK):
        stop = min(rows, start + _BAND_BLOCK)
        # Padded rows start..stop+window-1 hold every row of windows ending at start..stop-1.
        block_x = x[start : stop + window - 1]
        block_m = m[start : stop + window - 1]
        y = block_x @ scale[start:stop].T - block_m @ shift[start:stop].T
        offset = np.arange(y.shape[0])[:, None] - np.arange(stop - start)[None, :]
        in_band = (offset >= 0) & (offset < window)
        total[start:stop] = np.where(in_band, y * y, 0.0).sum(axis=0)
    k = included.sum(axis=1).astype(np.float64)
    own = np.where(included, count - 1.0, 0.0).sum(axis=1)
    effective = np.divide(own, k, out=np.zeros(rows), where=k > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        average = (total - own) / effective / (k * (k - 1.0))
    average[(k < 2) | ~np.isfinite(average)] = np.nan
    return pd.Series(np.clip(average, -1.0, 1.0), index=returns.index, name="average_correlation")
