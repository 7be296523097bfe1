"""Quality report: gaps against the calendar, closed-session bars, stale runs, outliers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewind.data.catalog import Catalog
from tradewind.data.quality import quality_report
from tradewind.data.schema import DataError
from tradewind.domain.market import QuoteType

from ._bar_fixtures import make_bars


def _xnys_days(start: str, end: str) -> pd.DatetimeIndex:
    from tradewind.data.calendars import get_calendar

    return get_calendar("XNYS").expected_bar_times(start, end, "1d")


def test_xnys_holiday_is_not_a_gap() -> None:
    days = _xnys_days("2024-07-01", "2024-07-31")  # contains Independence Day
    assert pd.Timestamp("2024-07-04", tz="UTC") not in days
    report = quality_report(make_bars(days), calendar="XNYS", timeframe="1d")
    assert report.missing_bars == 0
    assert report.gap_count == 0
    assert report.coverage_pct == 100.0


def test_planted_gaps_are_found_largest_first() -> None:
    days = _xnys_days("2024-01-02", "2024-06-28")
    keep = np.ones(len(days), dtype=bool)
    keep[10:15] = False  # 5 missing sessions
    keep[40] = False  # 1 missing session
    report = quality_report(make_bars(days[keep]), calendar="XNYS", timeframe="1d")
    assert report.missing_bars == 6
    assert report.gap_count == 2
    assert report.largest_gaps[0].bars == 5
    assert report.largest_gaps[0].start == days[10]
    assert report.largest_gaps[0].end == days[14]
    assert report.expected_bars == len(days)


def test_bar_on_a_closed_session_is_unexpected() -> None:
    days = list(_xnys_days("2024-07-01", "2024-07-10").strftime("%Y-%m-%d"))
    frame = make_bars(sorted([*days, "2024-07-04"]))
    report = quality_report(frame, calendar="XNYS", timeframe="1d")
    assert report.unexpected_bars == 1
    assert report.unexpected_examples == (pd.Timestamp("2024-07-04", tz="UTC"),)


def test_planted_stale_run_and_outlier_are_found() -> None:
    rng = np.random.default_rng(3)
    days = pd.date_range("2023-01-01", periods=400, freq="D", tz="UTC")
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(days))))
    close[100:107] = close[100]  # 7 identical closes
    close[250:] *= 1.5  # a one-day +40 % jump
    report = quality_report(make_bars(days, close), calendar="24/7", timeframe="1d")
    assert report.stale_runs == 1
    assert report.longest_stale is not None
    assert report.longest_stale.length == 7
    assert report.longest_stale.start == days[100]
    assert report.outliers == 1
    assert report.top_outliers[0].timestamp == days[250]
    assert report.top_outliers[0].change == pytest.approx(np.log(1.5), rel=0.1)
    assert "stale runs: 1" in report.summary()


def test_short_identical_runs_are_not_stale() -> None:
    days = pd.date_range("2023-01-01", periods=50, freq="D", tz="UTC")
    close = 100 + np.arange(50.0)
    close[10:14] = close[10]  # 4 identical < 5
    assert quality_report(make_bars(days, close), calendar="24/7", timeframe="1d").stale_runs == 0


def test_yield_outliers_use_differences() -> None:
    days = pd.date_range("2023-01-02", periods=200, freq="D", tz="UTC")
    rng = np.random.default_rng(1)
    yields = 0.001 + np.cumsum(rng.normal(0, 0.0002, len(days)))  # crosses zero
    yields[120] += 0.01
    frame = make_bars(days, yields, spread=0.0)
    report = quality_report(frame, calendar="24/7", timeframe="1d", quote_type=QuoteType.YIELD)
    assert {o.timestamp for o in report.top_outliers} >= {days[120]}


def test_real_bitcoin_series_has_its_known_march_2019_gap(catalog: Catalog) -> None:
    bars = catalog.load_bars("BTC-USD", timeframe="1d")
    report = quality_report(bars, calendar="24/7", timeframe="1d")
    assert report.missing_bars == 12
    assert report.largest_gaps[0].start == pd.Timestamp("2019-03-20", tz="UTC")
    assert report.largest_gaps[0].end == pd.Timestamp("2019-03-31", tz="UTC")


def test_empty_frame_and_bad_parameters() -> None:
    empty = make_bars([])
    assert quality_report(empty, calendar="24/7", timeframe="1d").rows == 0
    with pytest.raises(DataError, match="stale_run_min >= 2"):
        quality_report(empty, calendar="24/7", timeframe="1d", stale_run_min=1)
