"""Statistics of a long run stay cheap next to the backtest itself."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tradewind.research import TradeArrays, compute_stats


@pytest.mark.slow
def test_stats_of_a_million_points_and_30k_trades_take_well_under_a_second() -> None:
    rng = np.random.default_rng(7)
    n, k = 1_000_000, 30_000
    ts = np.int64(1_500_000_000_000_000_000) + np.arange(n, dtype=np.int64) * 60_000_000_000
    equity = 1e6 * np.cumprod(1 + rng.normal(2e-6, 1e-3, n))
    entry = np.sort(rng.integers(0, n - 100, k))
    exit_ = entry + rng.integers(1, 100, k)
    trades = TradeArrays(
        ts[entry],
        ts[exit_],
        rng.integers(0, 20, k),
        rng.integers(0, 6, k),
        1 << rng.integers(0, 4, k),
        rng.normal(0, 10, k),
        rng.uniform(50, 150, k),
        rng.uniform(50, 150, k),
        rng.normal(10, 100, k),
        np.ones(k),
    )
    gross = np.abs(rng.normal(5e5, 1e5, n))
    compute_stats(ts, equity, trades, gross_exposure=gross)  # warm the numba cache

    timings = []
    for _ in range(3):
        started = time.perf_counter()
        stats = compute_stats(ts, equity, trades, gross_exposure=gross)
        timings.append(time.perf_counter() - started)

    assert stats.bars == n
    assert stats.trades == k
    # Measured about 30 ms on the 2-core CI box; the bound leaves room for a loaded machine.
    assert min(timings) < 0.25
