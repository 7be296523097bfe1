"""Real bundled bars shared by the strategy tests (loaded once per session)."""

from __future__ import annotations

import numpy as np
import pytest

from tradewind.data.catalog import Catalog
from tradewind.strategies.api import BarWindow


def _bundled(symbol: str, timeframe: str = "1d") -> BarWindow:
    return BarWindow.from_arrays(
        Catalog(include_bundled=True).load_arrays(symbol, timeframe=timeframe)
    )


@pytest.fixture(scope="session")
def spx() -> BarWindow:
    """S&P 500 index, daily OHLCV, 1999-2018."""
    return _bundled("SPX")


@pytest.fixture(scope="session")
def btc() -> BarWindow:
    """BTC-USD, daily OHLCV, 2014-2020."""
    return _bundled("BTC-USD")


@pytest.fixture(scope="session")
def vix() -> BarWindow:
    """VIX, daily close only (open/high/low/volume NaN)."""
    return _bundled("VIX")


def random_walk_bars(n: int, seed: int = 42, decimals: int = 4) -> BarWindow:
    """The peer benchmark's walk (`bench/gen_data.py` formula), rounded to a tick."""
    rng = np.random.default_rng(seed)
    returns = rng.normal(0.0, 0.001, n) + (rng.random(n) < 0.001) * rng.normal(0.0, 0.03, n)
    close = np.round(100.0 * np.exp(np.cumsum(returns)), decimals)
    open_ = np.r_[100.0, close[:-1]]
    high = np.maximum(open_, close) + 0.01
    low = np.minimum(open_, close) - 0.01
    volume = rng.integers(100, 10_000, n).astype(np.float64)
    stamps = np.datetime64("2020-01-01T00:00", "ns") + np.arange(n) * np.timedelta64(60, "s")
    return BarWindow(stamps, open_, high, low, close, volume)
