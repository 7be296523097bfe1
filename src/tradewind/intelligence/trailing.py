"""Trailing correlation matrices on an engine panel, refreshed every few rows.

The engine needs, at each row, the correlation between symbols as known *before* that
row (for cross-market confirmation and the correlation-concentration risk rule).
Recomputing a full matrix per row costs rows x symbols^2 x window; refreshing every
`step_rows` rows keeps it to (rows / step) x symbols^2 x window with the same causality:
the matrix in force from row r uses returns of rows r - window .. r - 1 only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tradewind.intelligence.correlation import pairwise_correlation
from tradewind.intelligence.returns import IntelligenceInputError

__all__ = [
    "TrailingCorrelations",
    "fresh_log_returns",
    "pairwise_correlation",
    "trailing_correlations",
]


@dataclass(frozen=True, slots=True)
class TrailingCorrelations:
    """`matrices[b]` (N x N, NaN = not enough overlap) is in force for rows
    `start_rows[b] <= t < start_rows[b + 1]`; rows before `start_rows[0]` have none."""

    start_rows: np.ndarray
    matrices: np.ndarray

    def block_of_row(self, n_rows: int) -> np.ndarray:
        """Index of the matrix in force at each of `n_rows` rows (-1 = none yet)."""
        return np.searchsorted(self.start_rows, np.arange(n_rows), side="right") - 1

    @classmethod
    def empty(cls, n_symbols: int) -> TrailingCorrelations:
        return cls(np.zeros(0, dtype=np.int64), np.zeros((0, n_symbols, n_symbols)))


def fresh_log_returns(close: np.ndarray) -> np.ndarray:
    """Log return from each symbol's previous bar, placed at the row of its new bar.

    `close` is T x N with NaN where the symbol has no new bar at that row; the result is
    NaN there too, and at each symbol's first bar.
    """
    out = np.full(close.shape, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.where(close > 0, np.log(close), np.nan)
    for n in range(close.shape[1]):
        rows = np.flatnonzero(~np.isnan(logs[:, n]))
        if len(rows) > 1:
            out[rows[1:], n] = np.diff(logs[rows, n])
    return out


def trailing_correlations(
    returns: np.ndarray, window_rows: int, step_rows: int, min_periods: int | None = None
) -> TrailingCorrelations:
    """Correlation matrices refreshed every `step_rows` rows from the `window_rows`
    rows before each refresh (see module docstring).

    Raises:
        IntelligenceInputError: on a non-positive window or step.
    """
    if window_rows < 2 or step_rows < 1:
        raise IntelligenceInputError(
            f"trailing correlations: expected window_rows >= 2 and step_rows >= 1, "
            f"found {window_rows} and {step_rows}"
        )
    n_rows, n_symbols = returns.shape
    need = max(2, window_rows // 2) if min_periods is None else min_periods
    starts = np.arange(window_rows // 2, n_rows, step_rows, dtype=np.int64)
    if len(starts) == 0:
        return TrailingCorrelations.empty(n_symbols)
    matrices = np.empty((len(starts), n_symbols, n_symbols))
    for b, row in enumerate(starts):
        matrices[b] = pairwise_correlation(returns[max(0, row - window_rows) : row], need)
    return TrailingCorrelations(starts, matrices)
