"""Stationary bootstrap confidence intervals of daily-return statistics.

The stationary bootstrap (Politis and Romano, 1994) resamples a return series in blocks
of random, geometrically distributed length (mean `mean_block_rows`), wrapping around
the end, so each resample keeps the series' short-range dependence (volatility
clustering, positions held over several days) and is itself stationary. A comparison
applies the same resampled rows to the variant and to its baseline (paired), so the
interval of the difference reflects only how the two differ on the same days.

Intervals are percentile intervals; resamples are seeded, so a figure is reproducible.
`compare_features` runs the paired bootstrap for named features against their
references per evaluation window and over all windows pooled, with a verdict from the
Sharpe difference's interval.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "BOTH_WINDOWS",
    "DEFAULT_MEAN_BLOCK_ROWS",
    "DEFAULT_RESAMPLES",
    "FeatureComparison",
    "Interval",
    "PairedBootstrap",
    "compare_features",
    "paired_bootstrap",
    "stationary_indices",
    "verdict_of",
]

DEFAULT_RESAMPLES = 2000
DEFAULT_MEAN_BLOCK_ROWS = 10
"""Two trading weeks: about the holding period of the strategies measured."""


@dataclass(frozen=True, slots=True)
class Interval:
    """A point estimate (on the series as observed) and its percentile interval."""

    estimate: float
    low: float
    high: float

    @property
    def above_zero(self) -> bool:
        return self.low > 0.0

    @property
    def below_zero(self) -> bool:
        return self.high < 0.0


@dataclass(frozen=True, slots=True)
class PairedBootstrap:
    """Intervals of one variant's statistics and of its differences to a baseline."""

    total_return: Interval
    sharpe: Interval
    max_drawdown: Interval
    return_difference: Interval
    sharpe_difference: Interval
    resamples: int
    mean_block_rows: int
    level: float


def stationary_indices(
    n_rows: int, resamples: int, mean_block_rows: float, rng: np.random.Generator
) -> np.ndarray:
    """`resamples x n_rows` row indices of stationary-bootstrap resamples.

    Raises:
        ValueError: `n_rows` or `resamples` below 1, or `mean_block_rows` below 1.
    """
    if n_rows < 1 or resamples < 1:
        raise ValueError(f"n_rows {n_rows} and resamples {resamples}: expected at least 1 each")
    if not mean_block_rows >= 1:
        raise ValueError(f"mean_block_rows {mean_block_rows!r}: expected at least 1")
    positions = np.arange(n_rows)
    fresh = rng.random((resamples, n_rows)) < 1.0 / mean_block_rows
    fresh[:, 0] = True
    starts = rng.integers(0, n_rows, size=(resamples, n_rows))
    # Each row continues the block opened at the latest fresh position before it.
    opened_at = np.maximum.accumulate(np.where(fresh, positions, 0), axis=1)
    first = np.take_along_axis(starts, opened_at, axis=1)
    indices: np.ndarray = (first + positions - opened_at) % n_rows
    return indices


def paired_bootstrap(
    returns: np.ndarray,
    baseline: np.ndarray,
    periods_per_year: float,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    mean_block_rows: int = DEFAULT_MEAN_BLOCK_ROWS,
    level: float = 0.95,
    seed: int = 0,
) -> PairedBootstrap:
    """Intervals of total return, annualised Sharpe and max drawdown of `returns` and of
    the return and Sharpe differences to `baseline` (same rows, simple returns per row).

    Raises:
        ValueError: the two series differ in length, are empty or hold non-finite
            values, or `level` is not in (0, 1).
    """
    a, b = np.asarray(returns, dtype=np.float64), np.asarray(baseline, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1 or not len(a):
        raise ValueError(
            f"returns {a.shape} and baseline {b.shape}: expected two equal, non-empty 1-D series"
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("returns and baseline: expected finite values on every row")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level {level!r}: expected a fraction in (0, 1)")
    draws = _draws(a, b, periods_per_year, resamples, mean_block_rows, seed)
    tail = (1.0 - level) / 2.0

    def interval(point: float, values: np.ndarray) -> Interval:
        low, high = np.quantile(values, [tail, 1.0 - tail])
        return Interval(point, float(low), float(high))

    ret_a, ret_b = _total_return(a[None])[0], _total_return(b[None])[0]
    sharpe_a = _sharpe(a[None], periods_per_year)[0]
    sharpe_b = _sharpe(b[None], periods_per_year)[0]
    return PairedBootstrap(
        total_return=interval(float(ret_a), draws[0]),
        sharpe=interval(float(sharpe_a), draws[1]),
        max_drawdown=interval(float(_max_drawdown(a[None])[0]), draws[2]),
        return_difference=interval(float(ret_a - ret_b), draws[0] - draws[3]),
        sharpe_difference=interval(float(sharpe_a - sharpe_b), draws[1] - draws[4]),
        resamples=resamples,
        mean_block_rows=mean_block_rows,
        level=level,
    )


_CHUNK_RESAMPLES = 250  # bounds memory: a chunk is 250 x rows of each array


def _draws(
    a: np.ndarray,
    b: np.ndarray,
    periods_per_year: float,
    resamples: int,
    mean_block_rows: int,
    seed: int,
) -> np.ndarray:
    """5 x resamples: return, Sharpe and max drawdown of `a`, return and Sharpe of `b`."""
    rng = np.random.default_rng(seed)
    out = np.empty((5, resamples))
    for start in range(0, resamples, _CHUNK_RESAMPLES):
        count = min(_CHUNK_RESAMPLES, resamples - start)
        rows = stationary_indices(len(a), count, mean_block_rows, rng)
        ra, rb = a[rows], b[rows]
        part = slice(start, start + count)
        out[0, part], out[1, part] = _total_return(ra), _sharpe(ra, periods_per_year)
        out[2, part] = _max_drawdown(ra)
        out[3, part], out[4, part] = _total_return(rb), _sharpe(rb, periods_per_year)
    return out


def _total_return(returns: np.ndarray) -> np.ndarray:
    result: np.ndarray = np.expm1(np.log1p(returns).sum(axis=1))
    return result


def _sharpe(returns: np.ndarray, periods_per_year: float) -> np.ndarray:
    deviation = returns.std(axis=1, ddof=1) if returns.shape[1] > 1 else np.zeros(len(returns))
    mean = returns.mean(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(deviation > 0, mean / deviation, 0.0) * np.sqrt(periods_per_year)
    result: np.ndarray = ratio
    return result


def _max_drawdown(returns: np.ndarray) -> np.ndarray:
    level = np.cumprod(1.0 + returns, axis=1)
    peak = np.maximum.accumulate(np.maximum(level, 1.0), axis=1)
    result: np.ndarray = (level / peak - 1.0).min(axis=1)
    return result


BOTH_WINDOWS = "both windows"


@dataclass(frozen=True, slots=True)
class FeatureComparison:
    """One feature against its reference on one window (or both, pooled): the variant's
    return, Sharpe and max drawdown, the differences to the reference, each with its
    bootstrap interval, and the verdict ("beats", "worse" or "no significant
    difference", from the Sharpe difference's interval)."""

    feature: str
    window: str
    variant: str
    reference: str
    total_return: Interval
    sharpe: Interval
    max_drawdown: Interval
    return_difference: Interval
    sharpe_difference: Interval
    verdict: str


def compare_features(
    returns: Mapping[tuple[str, str], np.ndarray],
    periods_per_year: Mapping[str, float],
    comparisons: Sequence[tuple[str, str, str]],
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> tuple[FeatureComparison, ...]:
    """Each `(feature, variant, reference)` of `comparisons` whose two series exist on
    every window of `periods_per_year` (`returns` by (window, variant), the same rows for
    every variant of a window): per window, then over all windows pooled."""
    out: list[FeatureComparison] = []
    windows = list(periods_per_year)
    for feature, variant, reference in comparisons:
        if not all((w, v) in returns for w in windows for v in (variant, reference)):
            continue
        parts = [(w, returns[w, variant], returns[w, reference]) for w in windows]
        pooled_rows = sum(len(a) for _, a, _ in parts)
        pooled_ppy = sum(periods_per_year[w] * len(a) for w, a, _ in parts) / pooled_rows
        parts.append(
            (
                BOTH_WINDOWS,
                np.concatenate([a for _, a, _ in parts]),
                np.concatenate([b for _, _, b in parts]),
            )
        )
        for window, ours, theirs in parts:
            ppy = periods_per_year.get(window, pooled_ppy)
            boot = paired_bootstrap(ours, theirs, ppy, resamples=resamples, seed=seed)
            out.append(
                FeatureComparison(
                    feature=feature,
                    window=window,
                    variant=variant,
                    reference=reference,
                    total_return=boot.total_return,
                    sharpe=boot.sharpe,
                    max_drawdown=boot.max_drawdown,
                    return_difference=boot.return_difference,
                    sharpe_difference=boot.sharpe_difference,
                    verdict=verdict_of(boot.sharpe_difference),
                )
            )
    return tuple(out)


def verdict_of(difference: Interval) -> str:
    """The verdict on a difference: beats (its interval lies above zero), worse (below
    zero), else no significant difference."""
    if difference.above_zero:
        return "beats"
    if difference.below_zero:
        return "worse"
    return "no significant difference"
