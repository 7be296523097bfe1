"""Rolling-window statistics over the columns of T x N float arrays (NaN = missing).

Each value at row t uses rows up to and including t only, so appending rows never changes
earlier results; a window with a missing value yields NaN.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "bar_volatility",
    "column_centre",
    "column_median",
    "lagged",
    "rolling_clock_cov",
    "rolling_reduce",
    "rolling_sum",
    "rolling_var",
]


def rolling_sum(values: np.ndarray, n: int) -> np.ndarray:
    """Sum over the last `n` rows of each column; NaN unless all `n` values are present."""
    present = ~np.isnan(values)
    sums = np.cumsum(np.where(present, values, 0.0), axis=0)
    counts = np.cumsum(present, axis=0)
    out = np.full(values.shape, np.nan)
    if len(values) >= n:
        window_sums = sums[n - 1 :].copy()
        window_sums[1:] -= sums[:-n]
        window_counts = counts[n - 1 :].copy()
        window_counts[1:] -= counts[:-n]
        out[n - 1 :] = np.where(window_counts == n, window_sums, np.nan)
    return out


def column_centre(values: np.ndarray) -> np.ndarray:
    """Each column's first present value (0 for an empty column).

    The first value, not the mean, so that appending bars never changes earlier results.
    """
    present = ~np.isnan(values)
    if not len(values):
        return np.zeros(values.shape[1:])
    first = np.take_along_axis(values, np.argmax(present, axis=0)[None, :], axis=0)[0]
    centre: np.ndarray = np.where(present.any(axis=0), first, 0.0)
    return centre


def rolling_var(values: np.ndarray, n: int) -> np.ndarray:
    """Sample variance (ddof 1) over the last `n` rows; NaN unless all are present."""
    # Shifting each column by a constant keeps the sums small (accurate) at any level.
    shifted = values - column_centre(values)
    total = rolling_sum(shifted, n)
    squares = rolling_sum(shifted * shifted, n)
    variance: np.ndarray = np.maximum((squares - total * total / n) / (n - 1), 0.0)
    return variance


def rolling_clock_cov(values: np.ndarray, n: int) -> np.ndarray:
    """Sample covariance of each column with the bar clock over the last `n` rows."""
    shifted = values - column_centre(values)
    clock = np.arange(len(values), dtype=np.float64)[:, None]
    total = rolling_sum(shifted, n)
    weighted = rolling_sum(clock * shifted, n)
    centre = clock - (n - 1) / 2.0
    result: np.ndarray = (weighted - centre * total) / (n - 1)
    return result


def column_median(values: np.ndarray, min_count: int) -> np.ndarray:
    """Median of each column's present values; NaN with fewer than `min_count`."""
    counts = np.count_nonzero(~np.isnan(values), axis=0)
    ordered = np.sort(values, axis=0)  # NaN sorts last
    low = np.take_along_axis(ordered, np.maximum(counts - 1, 0)[None, :] // 2, axis=0)[0]
    high = np.take_along_axis(ordered, (counts // 2)[None, :], axis=0)[0] if len(values) else low
    return np.where(counts >= max(min_count, 1), (low + high) / 2.0, np.nan)


def rolling_reduce(values: np.ndarray, n: int, reduce: str) -> np.ndarray:
    """max or median over the last `n` rows (NaN if any is missing)."""
    out = np.full(values.shape, np.nan)
    if len(values) >= n:
        windows = np.lib.stride_tricks.sliding_window_view(values, n, axis=0)
        out[n - 1 :] = windows.max(axis=-1) if reduce == "max" else np.median(windows, axis=-1)
    return out


def lagged(values: np.ndarray, lag: int) -> np.ndarray:
    out = np.full(values.shape, np.nan)
    if lag < len(values):
        out[lag:] = values[: len(values) - lag]
    return out


def bar_volatility(logs: np.ndarray, window: int) -> np.ndarray:
    """Rolling standard deviation of log returns (per bar, not annualised)."""
    returns = logs - lagged(logs, 1)
    deviation: np.ndarray = np.sqrt(rolling_var(returns, window))
    return deviation
