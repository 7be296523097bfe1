"""Session-aware resampling: FX sessions, XNYS sessions, 24/7 days, weeks and months."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewind.data.calendars import get_calendar
from tradewind.data.resample import (
    OutsideSessionError,
    ResampleError,
    resample_bars,
    resample_with_report,
)
from tradewind.domain.errors import TradewindError

from ._calendar_fixtures import (
    BAR_COLUMNS,
    btc_hourly,
    eurusd_hourly,
    normalized,
    spx_daily,
    synthetic_bars,
)


def at(frame: pd.DataFrame, label: str) -> pd.Series:
    rows = frame.loc[frame["timestamp"] == pd.Timestamp(label, tz="UTC")]
    assert len(rows) == 1, f"expected one bar labelled {label}, found {len(rows)}"
    return rows.iloc[0]


def test_eurusd_hourly_to_fx_daily_gives_five_sessions_per_week() -> None:
    daily = resample_bars(eurusd_hourly(), to="1d", calendar="FX")
    assert list(daily.columns) == list(BAR_COLUMNS)
    assert len(daily) == 260  # 52 weeks x 5 sessions in 2017
    week = daily.loc[daily["timestamp"].between("2017-01-02", "2017-01-08")]
    assert [d.day_name() for d in week["timestamp"]] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
    ]
    weekdays = daily["timestamp"].dt.day_of_week
    assert weekdays.max() == 4


@pytest.mark.parametrize(
    ("monday", "sunday_open_utc", "close_utc"),
    [
        ("2017-01-02", "2017-01-01 22:00", "2017-01-02 22:00"),  # winter: EST
        ("2017-07-03", "2017-07-02 21:00", "2017-07-03 21:00"),  # summer: EDT
    ],
)
def test_sunday_opening_hour_lands_in_mondays_fx_session(
    monday: str, sunday_open_utc: str, close_utc: str
) -> None:
    hourly = eurusd_hourly()
    daily = resample_bars(hourly, to="1d", calendar="FX")
    bar = at(daily, monday)
    session = hourly.loc[
        (hourly["timestamp"] >= pd.Timestamp(sunday_open_utc, tz="UTC"))
        & (hourly["close_time"] <= pd.Timestamp(close_utc, tz="UTC"))
    ]
    assert session["timestamp"].iloc[0] == pd.Timestamp(sunday_open_utc, tz="UTC")
    assert bar["open"] == session["open"].iloc[0]
    assert bar["close"] == session["close"].iloc[-1]
    assert bar["high"] == session["high"].max()
    assert bar["low"] == session["low"].min()
    assert bar["volume"] == pytest.approx(session["volume"].sum())
    assert bar["close_time"] == pd.Timestamp(close_utc, tz="UTC")


def test_fx_daily_resampling_keeps_every_bar_and_total_volume() -> None:
    hourly = eurusd_hourly()
    result = resample_with_report(hourly, to="1d", calendar="FX")
    report = result.report
    assert report.bars_in == len(hourly)
    assert len(report.outside_session) == 0
    assert report.partial_head_bars == report.incomplete_tail_bars == 0
    assert result.frame["volume"].sum() == pytest.approx(hourly["volume"].sum())
    assert "260 1d bar(s) on FX" in report.summary()


def test_fx_daily_to_weekly_labels_mondays_and_closes_friday_17_new_york() -> None:
    daily = resample_bars(eurusd_hourly(), to="1d", calendar="FX")
    weekly = resample_bars(daily, to="1w", calendar="FX")
    assert len(weekly) == 52
    assert (weekly["timestamp"].dt.day_of_week == 0).all()
    first = weekly.iloc[0]
    assert first["close_time"] == pd.Timestamp("2017-01-06 22:00", tz="UTC")
    assert first["open"] == daily["open"].iloc[0]
    assert first["close"] == daily["close"].iloc[4]
    direct = resample_bars(eurusd_hourly(), to="1w", calendar="FX")
    pd.testing.assert_frame_equal(direct, weekly)


def test_unfinished_last_session_is_not_emitted_until_it_completes() -> None:
    hourly = eurusd_hourly()
    # Cut in the middle of Wednesday 2017-06-14's session (it closes 21:00 UTC).
    cut = hourly.loc[hourly["timestamp"] < pd.Timestamp("2017-06-14 12:00", tz="UTC")]
    partial = resample_with_report(cut, to="1d", calendar="FX")
    assert partial.frame["timestamp"].iloc[-1] == pd.Timestamp("2017-06-13", tz="UTC")
    assert partial.report.incomplete_tail_bars == 15  # 21:00 (Tue) .. 11:00 (Wed)
    full = resample_bars(hourly, to="1d", calendar="FX")
    pd.testing.assert_frame_equal(partial.frame, full.iloc[: len(partial.frame)])


def test_partially_covered_first_day_is_dropped_and_counted() -> None:
    hourly = btc_hourly(end="2017-07-10 23:00")  # the file starts 2017-07-01 11:00 UTC
    result = resample_with_report(hourly, to="1d", calendar="24/7")
    assert result.frame["timestamp"].iloc[0] == pd.Timestamp("2017-07-02", tz="UTC")
    assert result.report.partial_head_bars == 13
    assert len(result.frame) == 9
    assert (result.frame["close_time"] - result.frame["timestamp"] == pd.Timedelta("1D")).all()


def test_btc_hourly_to_4h_buckets_are_aligned_to_utc_midnight() -> None:
    hourly = btc_hourly(start="2017-07-02", end="2017-07-09 23:00")
    four = resample_bars(hourly, to="4h", calendar="24/7")
    assert len(four) == 8 * 6
    assert set(four["timestamp"].dt.hour) == {0, 4, 8, 12, 16, 20}
    assert (four["close_time"] - four["timestamp"] == pd.Timedelta("4h")).all()
    assert four["volume"].sum() == pytest.approx(hourly["volume"].sum())


def test_xnys_hourly_to_2h_buckets_are_anchored_at_the_open_and_cut_at_the_close() -> None:
    hourly = synthetic_bars("XNYS", "2017-11-21", "2017-11-25", "1h", seed=3)
    two = resample_bars(hourly, to="2h", calendar="XNYS")
    ny = two["timestamp"].dt.tz_convert("America/New_York")
    wednesday = two.loc[ny.dt.date == pd.Timestamp("2017-11-22").date()]
    assert [
        t.strftime("%H:%M") for t in wednesday["timestamp"].dt.tz_convert("America/New_York")
    ] == [
        "09:30",
        "11:30",
        "13:30",
        "15:30",
    ]
    assert wednesday["close_time"].iloc[-1] == pd.Timestamp("2017-11-22 21:00", tz="UTC")
    friday = two.loc[ny.dt.date == pd.Timestamp("2017-11-24").date()]
    assert list(friday["close_time"]) == [
        pd.Timestamp("2017-11-24 16:30", tz="UTC"),
        pd.Timestamp("2017-11-24 18:00", tz="UTC"),  # early close 13:00 New York
    ]


def test_xnys_hourly_to_daily_skips_holidays_and_honours_early_closes() -> None:
    hourly = synthetic_bars("XNYS", "2017-06-29", "2017-07-07 23:00", "1h", seed=4)
    daily = resample_bars(hourly, to="1d", calendar="XNYS")
    days = [t.strftime("%m-%d") for t in daily["timestamp"]]
    assert days == ["06-29", "06-30", "07-03", "07-05", "07-06", "07-07"]
    assert at(daily, "2017-07-03")["close_time"] == pd.Timestamp("2017-07-03 17:00", tz="UTC")
    assert at(daily, "2017-07-05")["close_time"] == pd.Timestamp("2017-07-05 20:00", tz="UTC")


def test_spx_daily_to_monthly_closes_with_the_months_last_session() -> None:
    daily = spx_daily(start="2017-01-01", end="2017-12-31")
    monthly = resample_bars(daily, to="1M", calendar="XNYS")
    assert len(monthly) == 12
    assert list(monthly["timestamp"].dt.day.unique()) == [1]
    december = at(monthly, "2017-12-01")
    assert december["close_time"] == pd.Timestamp("2017-12-29 21:00", tz="UTC")
    assert december["close"] == daily["close"].iloc[-1]
    assert december["high"] == daily.loc[daily["timestamp"].dt.month == 12, "high"].max()


def test_weekend_fx_bars_raise_or_are_reported_never_silently_dropped() -> None:
    hourly = eurusd_hourly(end="2017-01-13 21:00")
    saturday = pd.Timestamp("2017-01-07 12:00", tz="UTC")
    extra = pd.DataFrame(
        {
            "timestamp": [saturday],
            "close_time": [saturday + pd.Timedelta("1h")],
            **{name: [1.05] for name in ("open", "high", "low", "close", "volume")},
        }
    )
    frame = pd.concat([hourly, extra]).sort_values("timestamp", ignore_index=True)
    with pytest.raises(OutsideSessionError, match="2017-01-07 12:00") as info:
        resample_bars(frame, to="1d", calendar="FX")
    assert isinstance(info.value, TradewindError)
    result = resample_with_report(frame, to="1d", calendar="FX")
    assert list(result.report.outside_session) == [saturday]
    pd.testing.assert_frame_equal(result.frame, resample_bars(hourly, to="1d", calendar="FX"))
    assert "1 outside any session" in result.report.summary()


def test_daily_bar_on_a_holiday_is_outside_the_session() -> None:
    daily = spx_daily(start="2017-07-01", end="2017-07-31")
    holiday = pd.Timestamp("2017-07-04", tz="UTC")
    extra = daily.iloc[[0]].assign(timestamp=holiday, close_time=holiday + pd.Timedelta("20h"))
    frame = pd.concat([daily, extra]).sort_values("timestamp", ignore_index=True)
    result = resample_with_report(frame, to="1M", calendar="XNYS")
    assert list(result.report.outside_session) == [holiday]


def test_volume_missing_from_the_source_stays_nan() -> None:
    hourly = eurusd_hourly(end="2017-01-13 21:00").assign(volume=np.nan)
    daily = resample_bars(hourly, to="1d", calendar="FX")
    assert daily["volume"].isna().all()
    assert daily["close"].notna().all()


def test_target_that_splits_source_bars_is_rejected() -> None:
    with pytest.raises(ResampleError, match="whole multiple"):
        resample_bars(btc_hourly(end="2017-07-03"), to="90min", calendar="24/7")


def test_daily_bars_cannot_be_resampled_to_intraday() -> None:
    with pytest.raises(ResampleError, match="intraday"):
        resample_bars(spx_daily(start="2017-01-01", end="2017-02-01"), to="1h", calendar="XNYS")


def test_unsorted_or_malformed_frames_are_rejected_naming_the_row() -> None:
    hourly = eurusd_hourly(end="2017-01-06 21:00")
    shuffled = hourly.iloc[[0, 2, 1, 3]].reset_index(drop=True)
    with pytest.raises(ResampleError, match="row 2"):
        resample_bars(shuffled, to="1d", calendar="FX")
    with pytest.raises(ResampleError, match="close_time"):
        resample_bars(hourly.drop(columns="close_time"), to="1d", calendar="FX")
    naive = hourly.assign(timestamp=hourly["timestamp"].dt.tz_localize(None))
    with pytest.raises(ResampleError, match="timezone-aware"):
        resample_bars(naive, to="1d", calendar="FX")
    with pytest.raises(ResampleError, match="unsupported target"):
        resample_bars(hourly, to="2d", calendar="FX")


def test_empty_frame_resamples_to_an_empty_frame() -> None:
    empty = eurusd_hourly().iloc[:0]
    result = resample_with_report(empty, to="1d", calendar="FX")
    assert list(result.frame.columns) == list(BAR_COLUMNS)
    assert len(result.frame) == 0
    assert result.report.bars_in == 0


def test_resampled_bars_are_never_visible_before_their_last_input_closes() -> None:
    hourly = synthetic_bars("XNYS", "2017-03-01", "2017-03-31", "1h", seed=5)
    for target in ("2h", "1d", "1w", "1M"):
        out = resample_with_report(hourly, to=target, calendar="XNYS").frame
        # The latest input bar that falls in each output bucket closes at or before it.
        end = np.searchsorted(hourly["close_time"], out["close_time"], side="right") - 1
        assert (hourly["close_time"].to_numpy()[end] == out["close_time"].to_numpy()).all()


def test_normalized_helper_rejects_bars_outside_sessions() -> None:
    stamps = pd.DatetimeIndex(["2017-01-07 12:00"]).tz_localize("UTC")
    with pytest.raises(AssertionError):
        normalized(stamps, "FX", "1h", pd.DataFrame({"close": [1.0]}))
    assert get_calendar("FX").name == "FX"
