"""The rolling indicators behind market conditions (see `tradewind.intelligence.conditions`).

Volatility, trend strength, momentum, drawdown and liquidity of T x N log closes, where
the rows are each column's consecutive bars.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np

from tradewind.intelligence.rolling_stats import (
    bar_volatility,
    lagged,
    rolling_clock_cov,
    rolling_reduce,
    rolling_sum,
    rolling_var,
)

__all__ = [
    "LIQUIDITY_SHORT_BARS",
    "NEUTRAL_LIQUIDITY",
    "ConditionWindows",
    "liquidity_columns",
    "rolling_indicators",
]

NEUTRAL_LIQUIDITY: Final = 1.0
LIQUIDITY_SHORT_BARS: Final = 5


@dataclass(frozen=True, slots=True)
class ConditionWindows:
    """The four window lengths, in bars, after validation."""

    vol: int
    trend: int
    momentum: int
    liquidity: int

    @property
    def longest(self) -> int:
        """Bars needed for every indicator at the last row (returns need one extra)."""
        return max(
            self.vol + 1, self.trend, self.momentum + 1, self.liquidity + LIQUIDITY_SHORT_BARS
        )


def rolling_indicators(
    logs: np.ndarray,
    volume: np.ndarray | None,
    periods_per_year: float,
    windows: ConditionWindows,
) -> dict[str, np.ndarray]:
    """Rolling indicators of T x N log closes (rows = each column's consecutive bars)."""
    bar_vol = bar_volatility(logs, windows.vol)
    n = windows.trend
    covariance = rolling_clock_cov(logs, n)
    variance = rolling_var(logs, n)
    clock_variance = n * (n + 1) / 12.0  # sample variance of n consecutive integers
    with np.errstate(divide="ignore", invalid="ignore"):
        r_squared = np.where(variance > 0, covariance**2 / (clock_variance * variance), 0.0)
    r_squared = np.where(np.isnan(covariance), np.nan, np.clip(r_squared, 0.0, 1.0))
    m = windows.momentum
    move = logs - lagged(logs, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(bar_vol > 0, move / (bar_vol * math.sqrt(m)), 0.0)
    momentum = np.where(np.isnan(move) | np.isnan(bar_vol), np.nan, np.tanh(z / 2.0))
    drawdown = (1.0 - np.exp(logs - rolling_reduce(logs, n, "max"))) * 100.0
    return {
        "volatility_pct": bar_vol * math.sqrt(periods_per_year) * 100.0,
        "trend_strength": r_squared,
        "momentum_score": momentum,
        "drawdown_pct": drawdown,
        **liquidity_columns(volume, logs.shape, windows.liquidity),
    }


def liquidity_columns(
    volume: np.ndarray | None, shape: tuple[int, ...], window: int
) -> dict[str, np.ndarray]:
    """`liquidity_score` and `liquidity_known` (neutral where volume is absent or unusable)."""
    if volume is None:
        return {
            "liquidity_score": np.full(shape, NEUTRAL_LIQUIDITY),
            "liquidity_known": np.zeros(shape, dtype=bool),
        }
    recent = rolling_sum(volume, LIQUIDITY_SHORT_BARS) / LIQUIDITY_SHORT_BARS
    usual = lagged(rolling_reduce(volume, window, "median"), LIQUIDITY_SHORT_BARS)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = recent / usual
    known = np.isfinite(ratio) & (usual > 0)
    return {
        "liquidity_score": np.where(known, np.clip(ratio, 0.0, 1.0), NEUTRAL_LIQUIDITY),
        "liquidity_known": known,
    }
