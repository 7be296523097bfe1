"""Builders of normalized bar frames for the calendar, alignment and resampling tests.

Real bundled data (BTC-USD and EUR-USD hourly, BTC-USD and SPX daily) is read from
the shared datasets folder and given `close_time` by the real calendars; synthetic
prices are only used where no real series exists (XNYS hourly bars).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradewind.data.align import AlignedPanel
from tradewind.data.calendars import get_calendar

PRICE_COLUMNS = ("open", "high", "low", "close", "volume")
BAR_COLUMNS = ("timestamp", "close_time", *PRICE_COLUMNS)


def datasets_dir() -> Path:
    """The shared datasets folder: $TRADEWIND_DATASETS, ../shared/datasets or /work/shared."""
    candidates = [
        os.environ.get("TRADEWIND_DATASETS"),
        Path(__file__).resolve().parents[3] / "shared" / "datasets",
        "/work/shared/datasets",
    ]
    for candidate in candidates:
        if candidate and Path(candidate, "manifest.json").is_file():
            return Path(candidate)
    pytest.skip("shared datasets folder not found (set TRADEWIND_DATASETS)")


def normalized(
    timestamps: pd.DatetimeIndex, calendar: str, timeframe: str, source: pd.DataFrame
) -> pd.DataFrame:
    """Normalized bar frame: calendar close times plus OHLCV (absent columns all NaN)."""
    # tz_convert("UTC") unifies zoneinfo UTC (from Parquet) with pandas' own UTC, which
    # pd.concat would otherwise treat as different zones.
    stamps = pd.DatetimeIndex(timestamps).as_unit("ns").tz_convert("UTC")
    closes = get_calendar(calendar).bar_close_times(stamps, timeframe)
    if closes.isna().any():
        first = stamps[np.asarray(closes.isna())][0]
        raise AssertionError(f"bar {first} is outside every {calendar} session")
    data: dict[str, Any] = {"timestamp": stamps, "close_time": closes}
    for name in PRICE_COLUMNS:
        column = source[name] if name in source else np.full(len(stamps), np.nan)
        data[name] = np.asarray(column, dtype=np.float64)
    frame: pd.DataFrame = pd.DataFrame(data)
    return frame


@cache
def _read(relative: str) -> pd.DataFrame:
    return pd.read_parquet(datasets_dir() / relative)


def load_real(
    relative: str, calendar: str, timeframe: str, start: Any = None, end: Any = None
) -> pd.DataFrame:
    """A real dataset file as a normalized frame, optionally cut to timestamps in [start, end]."""
    raw = _read(relative)
    keep = np.ones(len(raw), dtype=bool)
    if start is not None:
        keep &= np.asarray(raw["timestamp"] >= pd.Timestamp(start, tz="UTC"))
    if end is not None:
        keep &= np.asarray(raw["timestamp"] <= pd.Timestamp(end, tz="UTC"))
    raw = raw.loc[keep].reset_index(drop=True)
    frame: pd.DataFrame = normalized(pd.DatetimeIndex(raw["timestamp"]), calendar, timeframe, raw)
    return frame


def btc_hourly(start: Any = None, end: Any = None) -> pd.DataFrame:
    return load_real("intraday/crypto/BTC-USD_1h.parquet", "24/7", "1h", start, end)


def eurusd_hourly(start: Any = None, end: Any = None) -> pd.DataFrame:
    return load_real("intraday/forex/EUR-USD_1h.parquet", "FX", "1h", start, end)


def btc_daily(start: Any = None, end: Any = None) -> pd.DataFrame:
    return load_real("daily/crypto/BTC-USD.parquet", "24/7", "1d", start, end)


def spx_daily(start: Any = None, end: Any = None) -> pd.DataFrame:
    return load_real("daily/equities/SPX.parquet", "XNYS", "1d", start, end)


def synthetic_bars(
    calendar: str, start: Any, end: Any, timeframe: str, *, seed: int = 0
) -> pd.DataFrame:
    """A gap-free series on the calendar's expected bars with random-walk prices."""
    stamps = get_calendar(calendar).expected_bar_times(start, end, timeframe)
    rng = np.random.default_rng(seed)
    close = 100.0 + np.cumsum(rng.normal(0.0, 1.0, len(stamps)))
    source = pd.DataFrame(
        {
            "open": close - rng.uniform(-0.5, 0.5, len(stamps)),
            "high": close + 1.0,
            "low": close - 1.0,
            "close": close,
            "volume": rng.uniform(1.0, 10.0, len(stamps)),
        }
    )
    frame: pd.DataFrame = normalized(stamps, calendar, timeframe, source)
    return frame


def assert_no_lookahead(panel: AlignedPanel, frames: dict[str, pd.DataFrame]) -> int:
    """Every shown cell is a real bar of that symbol that closed at or before the row's
    decision instant, and its prices are that bar's. Returns the number of cells checked."""
    decisions = panel.decision_times.asi8
    checked = 0
    for column, symbol in enumerate(panel.symbols):
        frame = frames[symbol]
        stamps = pd.DatetimeIndex(frame["timestamp"]).as_unit("ns").asi8
        closes = pd.DatetimeIndex(frame["close_time"]).as_unit("ns").asi8
        shown = panel.has_bar[:, column]
        position = np.searchsorted(stamps, panel.bar_time[shown, column])
        assert np.array_equal(stamps[position], panel.bar_time[shown, column])
        assert np.all(closes[position] <= decisions[shown]), f"{symbol} shows a bar before close"
        for name in PRICE_COLUMNS:
            expected = frame[name].to_numpy(dtype=np.float64)[position]
            np.testing.assert_array_equal(getattr(panel, name)[shown, column], expected)
        age = panel.age[shown, column].astype(np.int64)
        assert np.array_equal(age, decisions[shown] - closes[position])
        checked += int(shown.sum())
    return checked
