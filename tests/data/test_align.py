"""Alignment of crypto (24/7), FX (24/5) and XNYS symbols on one timeline, no look-ahead."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tradewind.data.align import AlignedPanel, AlignmentError, AlignPolicy, align
from tradewind.data.calendars import get_calendar
from tradewind.data.resample import resample_bars
from tradewind.domain.errors import TradewindError

from ._calendar_fixtures import (
    PRICE_COLUMNS,
    assert_no_lookahead,
    btc_daily,
    btc_hourly,
    eurusd_hourly,
    normalized,
    spx_daily,
    synthetic_bars,
)

YEAR = ("2017-01-01", "2017-12-31")


def daily_frames() -> dict[str, pd.DataFrame]:
    """Real 2017 daily bars: BTC (24/7), EUR-USD (FX sessions from 1h) and SPX (XNYS)."""
    return {
        "BTC-USD": btc_daily(*YEAR),
        "EUR-USD": resample_bars(eurusd_hourly(), to="1d", calendar="FX"),
        "SPX": spx_daily(*YEAR),
    }


def hourly_frames() -> dict[str, pd.DataFrame]:
    """One November 2017 week of BTC 1h, EUR-USD 1h (real) and XNYS 1h (synthetic prices)."""
    start, end = "2017-11-19", "2017-11-26 23:00"
    return {
        "BTC-USD": btc_hourly(start, end),
        "EUR-USD": eurusd_hourly(start, end),
        "SPY": synthetic_bars("XNYS", start, end, "1h", seed=7),
    }


def row(panel: AlignedPanel, label: str) -> int:
    position = panel.timeline.get_indexer(pd.DatetimeIndex([pd.Timestamp(label, tz="UTC")]))[0]
    assert position >= 0, f"row {label} is not on the timeline"
    return int(position)


def cell(panel: AlignedPanel, label: str, symbol: str, name: str = "close") -> float:
    return float(getattr(panel, name)[row(panel, label), panel.symbols.index(symbol)])


def source_close(frame: pd.DataFrame, label: str) -> float:
    rows = frame.loc[frame["timestamp"] == pd.Timestamp(label, tz="UTC"), "close"]
    return float(rows.iloc[0])


# -- daily timeline --------------------------------------------------------------------


def test_daily_intersection_keeps_only_rows_where_every_market_traded() -> None:
    frames = daily_frames()
    panel = align(frames, timeframe="1d")
    days = set(panel.timeline.strftime("%Y-%m-%d"))
    xnys = pd.DatetimeIndex(get_calendar("XNYS").sessions(*YEAR).index).strftime("%Y-%m-%d")
    assert days == set(xnys)  # XNYS sessions are the binding constraint
    for dropped in ("2017-01-07", "2017-01-08", "2017-04-14", "2017-07-04", "2017-11-23"):
        assert dropped not in days
    assert "2017-11-24" in days  # early close still a session
    assert cell(panel, "2017-11-24", "SPX") == source_close(frames["SPX"], "2017-11-24")
    assert cell(panel, "2017-11-24", "EUR-USD") == source_close(frames["EUR-USD"], "2017-11-24")
    assert assert_no_lookahead(panel, frames) == 3 * len(panel.timeline)
    report = panel.report
    assert report.rows_kept == 251
    assert (
        report.rows_in_grid == report.rows_kept + report.rows_not_common + report.rows_before_data
    )
    assert all(c.fresh == 251 and c.forward_filled == 0 for c in report.symbol_counts.values())


def test_daily_decision_instant_is_next_midnight_utc() -> None:
    panel = align(daily_frames(), timeframe="1d")
    assert (panel.decision_times - panel.timeline == pd.Timedelta("1D")).all()
    # A crypto day closes exactly at the decision instant: age zero, still visible.
    btc = panel.symbols.index("BTC-USD")
    assert (panel.age[:, btc] == np.timedelta64(0, "ns")).all()
    spx = panel.symbols.index("SPX")
    friday = row(panel, "2017-11-24")
    assert panel.age[friday, spx] == np.timedelta64(6, "h")  # 18:00 UTC early close


def test_daily_ffill_carries_equities_over_the_weekend_then_goes_stale() -> None:
    frames = daily_frames()
    panel = align(frames, timeframe="1d", policy=AlignPolicy.FFILL, max_staleness="3D")
    friday = source_close(frames["SPX"], "2017-11-24")
    assert cell(panel, "2017-11-25", "SPX") == friday
    assert cell(panel, "2017-11-26", "SPX") == friday
    assert cell(panel, "2017-11-27", "SPX") == source_close(frames["SPX"], "2017-11-27")
    # Christmas Monday: Friday 22 Dec closed 21:00 UTC, 75 h before Tuesday 00:00.
    assert cell(panel, "2017-12-24", "SPX") == source_close(frames["SPX"], "2017-12-22")
    assert np.isnan(cell(panel, "2017-12-25", "SPX"))
    spx = panel.symbols.index("SPX")
    assert panel.bar_time[row(panel, "2017-12-25"), spx] == np.iinfo(np.int64).min
    # FX carries its Friday close over the weekend too.
    fx_friday = source_close(frames["EUR-USD"], "2017-11-24")
    assert cell(panel, "2017-11-26", "EUR-USD") == fx_friday
    # Every calendar day is a row; the counts add up per symbol.
    assert len(panel.timeline) == 365
    for counts in panel.report.symbol_counts.values():
        assert counts.fresh + counts.forward_filled + counts.stale + counts.missing == 365
    assert panel.report.symbol_counts["SPX"].stale > 0
    assert_no_lookahead(panel, frames)


def test_shorter_staleness_blanks_sunday_for_equities() -> None:
    frames = daily_frames()
    panel = align(frames, timeframe="1d", policy="ffill", max_staleness=pd.Timedelta("2D"))
    assert not np.isnan(cell(panel, "2017-11-25", "SPX"))  # Saturday: 30 h old
    assert np.isnan(cell(panel, "2017-11-26", "SPX"))  # Sunday: 54 h old


def test_weekly_and_monthly_timelines_show_the_last_closed_bar() -> None:
    frames = daily_frames()
    weekly = align(frames, timeframe="1w")
    assert (weekly.timeline.day_of_week == 0).all()
    assert cell(weekly, "2017-11-20", "SPX") == source_close(frames["SPX"], "2017-11-24")
    monthly = align(frames, timeframe="1M")
    assert (monthly.timeline.day == 1).all()
    assert cell(monthly, "2017-06-01", "EUR-USD") == source_close(frames["EUR-USD"], "2017-06-30")
    assert_no_lookahead(weekly, frames)
    assert_no_lookahead(monthly, frames)


# -- hourly timeline -------------------------------------------------------------------


def test_equity_last_half_hour_bar_is_visible_at_the_16_00_decision_not_15_00() -> None:
    frames = hourly_frames()
    panel = align(frames, timeframe="1h", policy="ffill", max_staleness="20h")
    spy = panel.symbols.index("SPY")
    decisions = pd.Series(range(len(panel.decision_times)), index=panel.decision_times)
    at_1500 = decisions[pd.Timestamp("2017-11-22 15:00", tz="America/New_York")]
    at_1600 = decisions[pd.Timestamp("2017-11-22 16:00", tz="America/New_York")]
    last_bar = pd.Timestamp("2017-11-22 15:30", tz="America/New_York")
    assert panel.bar_time[at_1600, spy] == last_bar.value
    # At 15:00 New York only the 13:30-14:30 bar has closed (14:30-15:30 closes later).
    expected_1500 = pd.Timestamp("2017-11-22 13:30", tz="America/New_York")
    assert panel.bar_time[at_1500, spy] == expected_1500.value
    shown_last = panel.bar_time[:, spy] == last_bar.value
    assert panel.decision_times[shown_last].min() == last_bar + pd.Timedelta("30min")
    assert_no_lookahead(panel, frames)


def test_hourly_intersection_keeps_equity_hours_and_honours_early_close() -> None:
    frames = hourly_frames()
    panel = align(frames, timeframe="1h")
    local_days = panel.timeline.tz_convert("America/New_York").strftime("%Y-%m-%d")
    per_day = pd.Series(local_days).value_counts()
    assert per_day["2017-11-22"] == 6  # bars close 10:30, 11:30, ..., 15:30, 16:00
    assert per_day["2017-11-24"] == 3  # early close 13:00: 10:30, 11:30, 12:30, 13:00
    assert "2017-11-23" not in per_day  # Thanksgiving
    assert "2017-11-25" not in per_day
    assert "2017-11-26" not in per_day
    assert_no_lookahead(panel, frames)


def test_hourly_ffill_carries_fx_through_the_weekend_within_staleness() -> None:
    frames = hourly_frames()
    panel = align(frames, timeframe="1h", policy="ffill", max_staleness="48h")
    fx = panel.symbols.index("EUR-USD")
    saturday_noon = row(panel, "2017-11-25 12:00")
    assert panel.bar_time[saturday_noon, fx] == pd.Timestamp("2017-11-24 21:00", tz="UTC").value
    assert panel.age[saturday_noon, fx] == np.timedelta64(15, "h")
    sunday_late = row(panel, "2017-11-26 21:00")  # decided 22:00 UTC = FX reopen, 48 h old
    assert panel.bar_time[sunday_late, fx] == pd.Timestamp("2017-11-24 21:00", tz="UTC").value
    assert_no_lookahead(panel, frames)


# -- look-ahead regression and property ------------------------------------------------


@pytest.mark.parametrize(
    ("timeframe", "policy", "staleness"),
    [("1d", "intersection", None), ("1d", "ffill", "3D"), ("1h", "ffill", "6h")],
)
def test_appending_future_bars_never_changes_earlier_rows(
    timeframe: str, policy: str, staleness: str | None
) -> None:
    frames = daily_frames() if timeframe == "1d" else hourly_frames()
    cut = pd.Timestamp("2017-06-15" if timeframe == "1d" else "2017-11-22 18:00", tz="UTC")
    past = {s: f.loc[f["close_time"] <= cut].reset_index(drop=True) for s, f in frames.items()}
    start = min(f["timestamp"].iloc[0] for f in frames.values())
    before = align(past, timeframe=timeframe, policy=policy, max_staleness=staleness, start=start)
    after = align(frames, timeframe=timeframe, policy=policy, max_staleness=staleness, start=start)
    known = before.decision_times <= cut
    assert known.sum() > 5
    rows_after = after.decision_times.get_indexer(before.decision_times[known])
    assert (rows_after >= 0).all()
    assert (after.decision_times[after.decision_times <= cut] == before.decision_times[known]).all()
    for name in (*PRICE_COLUMNS, "bar_time", "age"):
        np.testing.assert_array_equal(
            getattr(before, name)[known], getattr(after, name)[rows_after], err_msg=name
        )


_CALENDARS = ("24/7", "FX", "XNYS")
_TIMEFRAMES = {"24/7": ("1h", "4h", "1d"), "FX": ("1h", "1d"), "XNYS": ("1h", "1d")}


@st.composite
def bar_sets(draw: st.DrawFn) -> tuple[dict[str, pd.DataFrame], str, str]:
    frames = {}
    for index in range(draw(st.integers(1, 3))):
        calendar = draw(st.sampled_from(_CALENDARS))
        timeframe = draw(st.sampled_from(_TIMEFRAMES[calendar]))
        start = pd.Timestamp("2017-03-01", tz="UTC") + pd.Timedelta(
            hours=draw(st.integers(0, 24 * 20))
        )
        stamps = get_calendar(calendar).expected_bar_times(
            start, start + pd.Timedelta(days=12), timeframe
        )
        if len(stamps) == 0:
            continue
        keep = draw(st.lists(st.booleans(), min_size=len(stamps), max_size=len(stamps)).filter(any))
        chosen = stamps[np.asarray(keep)]
        prices = pd.DataFrame({"close": np.arange(len(chosen), dtype=float) + index * 1000.0})
        prices["open"] = prices["high"] = prices["low"] = prices["close"]
        frames[f"S{index}-{calendar}-{timeframe}"] = normalized(chosen, calendar, timeframe, prices)
    if not frames:
        frames["S9"] = synthetic_bars("24/7", "2017-03-01", "2017-03-03", "1d")
    return frames, draw(st.sampled_from(("1h", "2h", "1d"))), draw(st.sampled_from(("i", "f")))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bar_sets())
def test_property_no_cell_ever_shows_a_bar_before_its_close(
    case: tuple[dict[str, pd.DataFrame], str, str],
) -> None:
    frames, timeframe, policy = case
    if policy == "i":
        panel = align(frames, timeframe=timeframe)
    else:
        panel = align(frames, timeframe=timeframe, policy="ffill", max_staleness="30h")
    assert_no_lookahead(panel, frames)
    # Under ffill every cell is exactly the latest closed bar (or NaN when too old).
    if policy == "f":
        for column, symbol in enumerate(panel.symbols):
            closes = pd.DatetimeIndex(frames[symbol]["close_time"]).as_unit("ns").asi8
            latest = np.searchsorted(closes, panel.decision_times.asi8, side="right") - 1
            age = panel.decision_times.asi8 - closes[np.clip(latest, 0, None)]
            expected = (latest >= 0) & (age <= pd.Timedelta("30h").value)
            assert np.array_equal(panel.has_bar[:, column], expected)


# -- report, accessors, validation -----------------------------------------------------


def test_report_records_the_policy_and_is_json_ready() -> None:
    panel = align(daily_frames(), timeframe="1d", policy="ffill", max_staleness="3D")
    record = panel.report.as_dict()
    assert record["policy"] == "ffill"
    assert record["timeframe"] == "1d"
    assert record["max_staleness_s"] == 3 * 86_400
    assert record["first_common_row"] == "2017-01-03T00:00:00+00:00"
    assert set(record["symbols"]) == {"BTC-USD", "EUR-USD", "SPX"}
    json.dumps(record)
    text = panel.report.summary()
    for expected in ("policy ffill", "SPX", "stale->NaN"):
        assert expected in text


def test_rows_before_any_data_are_dropped_and_counted() -> None:
    frames = {"SPX": spx_daily("2017-03-01", "2017-03-31")}
    panel = align(frames, timeframe="1d", policy="ffill", max_staleness="3D", start="2017-02-20")
    assert panel.report.rows_before_data == 9  # 20..28 February
    assert panel.timeline[0] == pd.Timestamp("2017-03-01", tz="UTC")


def test_panel_fields_share_memory_and_are_read_only() -> None:
    panel = align(daily_frames(), timeframe="1d")
    close = panel.field("close")
    assert list(close.columns) == list(panel.symbols)
    assert np.shares_memory(close.to_numpy(), panel.close)
    with pytest.raises(ValueError, match="read-only"):
        panel.close[0, 0] = 1.0
    assert str(panel.field("bar_time")["SPX"].dtype) == "datetime64[ns, UTC]"
    assert str(panel.field("age")["SPX"].dtype) == "timedelta64[ns]"
    long = panel.to_long()
    assert len(long) == int(panel.has_bar.sum())
    assert list(long.columns[:3]) == ["timestamp", "decision_time", "symbol"]
    with pytest.raises(AlignmentError, match="unknown panel field"):
        panel.field("vwap")


def test_policy_must_be_fully_specified() -> None:
    frames = daily_frames()
    with pytest.raises(AlignmentError, match="requires max_staleness"):
        align(frames, timeframe="1d", policy="ffill")
    with pytest.raises(AlignmentError, match="ffill policy only"):
        align(frames, timeframe="1d", max_staleness="3D")
    with pytest.raises(AlignmentError, match="invalid align policy"):
        align(frames, timeframe="1d", policy="nearest")
    with pytest.raises(AlignmentError, match="invalid max_staleness"):
        align(frames, timeframe="1d", policy="ffill", max_staleness="soon")
    with pytest.raises(AlignmentError, match="invalid timeframe"):
        align(frames, timeframe="fortnight")


def test_malformed_frames_are_rejected_naming_symbol_and_row() -> None:
    good = spx_daily("2017-03-01", "2017-03-31")
    with pytest.raises(AlignmentError, match="empty mapping"):
        align({}, timeframe="1d")
    with pytest.raises(AlignmentError, match=r"SPX.*close_time") as info:
        align({"SPX": good.drop(columns="close_time")}, timeframe="1d")
    assert isinstance(info.value, TradewindError)
    swapped = good.iloc[[0, 2, 1, 3]].reset_index(drop=True)
    with pytest.raises(AlignmentError, match="SPX, row 2: close_time must not decrease"):
        align({"SPX": swapped}, timeframe="1d")
    naive = good.assign(close_time=good["close_time"].dt.tz_localize(None))
    with pytest.raises(AlignmentError, match="timezone-aware"):
        align({"SPX": naive}, timeframe="1d")
    backwards = good.assign(close_time=good["timestamp"])
    with pytest.raises(AlignmentError, match="SPX, row 0: expected timestamp < close_time"):
        align({"SPX": backwards}, timeframe="1d")


def test_empty_symbol_is_missing_everywhere_under_ffill() -> None:
    frames = {"SPX": spx_daily("2017-03-01", "2017-03-31"), "NEW": spx_daily().iloc[:0]}
    panel = align(frames, timeframe="1d", policy="ffill", max_staleness="3D")
    assert panel.report.symbol_counts["NEW"].missing == len(panel.timeline)
    assert np.isnan(panel.close[:, 1]).all()
    assert panel.report.first_common_row is None
    assert len(align(frames, timeframe="1d").timeline) == 0  # intersection: nothing common


def test_many_symbols_align_in_one_vectorized_pass() -> None:
    base = synthetic_bars("24/7", "2016-01-01", "2017-02-10 23:00", "1h", seed=1)
    frames = {f"S{i:03d}": base for i in range(100)}
    panel = align(frames, timeframe="1h", policy="ffill", max_staleness="2h")
    assert panel.shape == (len(base), 100)
    assert np.array_equal(panel.close[:, 0], base["close"].to_numpy())
    assert np.array_equal(panel.close[:, 99], panel.close[:, 0])
