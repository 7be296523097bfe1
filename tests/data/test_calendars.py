"""Trading calendars: 24/7, 24/5 FX and XNYS with holidays, early closes and DST."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewind.data.calendars import (
    AlwaysOpenCalendar,
    CalendarError,
    CalendarRangeError,
    ExchangeCalendar,
    ForexCalendar,
    UnknownCalendarError,
    get_calendar,
    supported_calendars,
)
from tradewind.domain.errors import TradewindError
from tradewind.ports.calendar import TradingCalendar

from ._calendar_fixtures import btc_hourly, eurusd_hourly


def utc(*stamps: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(list(stamps)).tz_localize("UTC")


def ny(*stamps: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(list(stamps)).tz_localize("America/New_York").tz_convert("UTC")


def labels(*days: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(list(days)).tz_localize("UTC")


# -- resolving codes -------------------------------------------------------------------


def test_get_calendar_returns_cached_instances_of_each_kind() -> None:
    assert isinstance(get_calendar("24/7"), AlwaysOpenCalendar)
    assert isinstance(get_calendar("FX"), ForexCalendar)
    assert isinstance(get_calendar("XNYS"), ExchangeCalendar)
    assert get_calendar("XNYS") is get_calendar("xnys") is get_calendar("NYSE")
    assert get_calendar("fx") is get_calendar("FX")
    for code in ("24/7", "FX", "XNYS", "CMES"):
        assert isinstance(get_calendar(code), TradingCalendar)
        assert get_calendar(code).name == code


def test_unknown_calendar_names_the_code_and_lists_supported_ones() -> None:
    with pytest.raises(UnknownCalendarError) as info:
        get_calendar("NOPE")
    message = str(info.value)
    assert "'NOPE'" in message
    for code in ("24/7", "FX", "XNYS", "CMES"):
        assert code in message
    assert isinstance(info.value, TradewindError)
    assert supported_calendars()[:2] == ("24/7", "FX")
    assert supported_calendars().count("24/7") == 1


# -- XNYS: holidays, early closes, DST ---------------------------------------------------


def test_xnys_2017_has_251_sessions_and_skips_holidays() -> None:
    sessions = get_calendar("XNYS").sessions("2017-01-01", "2017-12-31")
    assert len(sessions) == 251
    for holiday in ("2017-01-02", "2017-04-14", "2017-07-04", "2017-11-23", "2017-12-25"):
        assert pd.Timestamp(holiday) not in sessions.index
    assert pd.DatetimeIndex(sessions.index).tz is None
    assert str(sessions["open"].dtype) == "datetime64[ns, UTC]"


def test_xnys_daily_bars_close_at_the_session_close_including_early_closes() -> None:
    closes = get_calendar("XNYS").bar_close_times(
        labels("2017-11-22", "2017-11-24", "2017-07-03", "2017-07-04", "2017-11-23"), "1d"
    )
    expected = utc("2017-11-22 21:00", "2017-11-24 18:00", "2017-07-03 17:00")
    assert list(closes[:3]) == list(expected)
    assert closes[3:].isna().all()  # holidays are not sessions


@pytest.mark.parametrize(
    ("day", "close_utc"),
    [
        ("2017-03-10", "2017-03-10 21:00"),  # Friday before DST starts (EST)
        ("2017-03-13", "2017-03-13 20:00"),  # Monday after (EDT)
        ("2017-11-03", "2017-11-03 20:00"),  # Friday before DST ends (EDT)
        ("2017-11-06", "2017-11-06 21:00"),  # Monday after (EST)
    ],
)
def test_xnys_close_follows_new_york_dst(day: str, close_utc: str) -> None:
    assert get_calendar("XNYS").bar_close_times(labels(day), "1d")[0] == pd.Timestamp(
        close_utc, tz="UTC"
    )


def test_xnys_instant_exactly_at_close_belongs_to_no_session() -> None:
    cal = get_calendar("XNYS")
    instants = ny("2017-11-22 09:30", "2017-11-22 15:59:59", "2017-11-22 16:00", "2017-11-22 09:29")
    assert cal.is_open(instants).tolist() == [True, True, False, False]
    found = cal.session_labels(instants)
    assert list(found[:2]) == [pd.Timestamp("2017-11-22")] * 2
    assert found[2:].isna().all()


def test_xnys_hourly_bars_start_at_the_open_and_end_at_the_close() -> None:
    cal = get_calendar("XNYS")
    day = cal.expected_bar_times(ny("2017-11-22 00:00")[0], ny("2017-11-22 23:00")[0], "1h")
    assert list(day) == list(ny(*(f"2017-11-22 {h:02d}:30" for h in range(9, 16))))
    closes = cal.bar_close_times(day, "1h")
    assert closes[-1] == ny("2017-11-22 16:00")[0]  # 15:30 bar is half an hour long
    assert closes[0] == ny("2017-11-22 10:30")[0]
    early = cal.expected_bar_times(ny("2017-11-24 00:00")[0], ny("2017-11-24 23:00")[0], "1h")
    assert list(cal.bar_close_times(early, "1h"))[-1] == pd.Timestamp("2017-11-24 18:00", tz="UTC")
    assert len(early) == 4  # 09:30, 10:30, 11:30, 12:30 (-> 13:00)


def test_xnys_intraday_open_outside_any_session_has_no_close() -> None:
    closes = get_calendar("XNYS").bar_close_times(ny("2017-11-23 10:00", "2017-11-22 08:00"), "1h")
    assert closes.isna().all()


def test_xnys_weekly_and_monthly_bars_close_with_the_last_session_of_the_period() -> None:
    cal = get_calendar("XNYS")
    weekly = cal.bar_close_times(labels("2017-11-20", "2017-11-22"), "1w")
    assert list(weekly) == [pd.Timestamp("2017-11-24 18:00", tz="UTC")] * 2
    monthly = cal.bar_close_times(labels("2017-12-01", "2017-06-15"), "1M")
    assert list(monthly) == list(utc("2017-12-29 21:00", "2017-06-30 20:00"))
    weeks = cal.expected_bar_times("2017-12-18", "2018-01-07", "1w")
    assert list(weeks) == list(labels("2017-12-18", "2017-12-25", "2018-01-01"))


def test_xnys_covers_1990_data_and_rejects_earlier_than_1985() -> None:
    cal = get_calendar("XNYS")
    assert cal.bar_close_times(labels("1990-01-02"), "1d")[0] == pd.Timestamp(
        "1990-01-02 21:00", tz="UTC"
    )
    with pytest.raises(CalendarRangeError, match="XNYS"):
        cal.is_open(utc("1980-06-02 15:00"))
    with pytest.raises(CalendarRangeError):
        cal.sessions("1980-01-01", "1980-12-31")


def test_exchange_breaks_close_the_market_at_lunch() -> None:
    hkex = get_calendar("XHKG")
    # 2017-11-22: 09:30-12:00 and 13:00-16:00 Hong Kong (UTC+8).
    instants = utc("2017-11-22 02:00", "2017-11-22 04:30", "2017-11-22 06:00")
    assert hkex.is_open(instants).tolist() == [True, False, True]
    assert pd.isna(hkex.session_labels(instants)[1])


def test_cmes_trades_sunday_evening_but_not_saturday() -> None:
    cme = get_calendar("CMES")
    instants = utc("2017-11-18 15:00", "2017-11-19 23:30", "2017-11-20 15:00")
    assert cme.is_open(instants).tolist() == [False, True, True]
    assert list(cme.session_labels(instants)[1:]) == [pd.Timestamp("2017-11-20")] * 2


# -- FX 24/5 -----------------------------------------------------------------------------


def test_fx_sessions_run_17_to_17_new_york_monday_to_friday() -> None:
    sessions = get_calendar("FX").sessions("2017-03-06", "2017-03-19")
    assert [d.day_name() for d in sessions.index][:5] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
    ]
    assert len(sessions) == 10
    monday = sessions.loc["2017-03-13"]
    assert monday["open"] == pd.Timestamp("2017-03-12 21:00", tz="UTC")  # Sunday 17:00 EDT
    assert monday["close"] == pd.Timestamp("2017-03-13 21:00", tz="UTC")
    assert sessions.loc["2017-03-10", "close"] == pd.Timestamp("2017-03-10 22:00", tz="UTC")


@pytest.mark.parametrize(
    ("day", "close_utc"),
    [
        ("2017-03-10", "2017-03-10 22:00"),
        ("2017-03-13", "2017-03-13 21:00"),
        ("2017-11-03", "2017-11-03 21:00"),
        ("2017-11-06", "2017-11-06 22:00"),
    ],
)
def test_fx_daily_close_is_17_new_york_across_dst(day: str, close_utc: str) -> None:
    assert get_calendar("FX").bar_close_times(labels(day), "1d")[0] == pd.Timestamp(
        close_utc, tz="UTC"
    )


def test_fx_is_closed_from_friday_17_to_sunday_17_new_york() -> None:
    fx = get_calendar("FX")
    instants = ny(
        "2017-03-10 16:59",  # Friday, open
        "2017-03-10 17:00",  # Friday close: closed
        "2017-03-11 12:00",  # Saturday
        "2017-03-12 16:59",  # Sunday before the open
        "2017-03-12 17:00",  # Sunday open (21:00 UTC, first day of EDT)
    )
    assert fx.is_open(instants).tolist() == [True, False, False, False, True]
    found = fx.session_labels(instants)
    assert found[0] == pd.Timestamp("2017-03-10")
    assert found[1:4].isna().all()
    assert found[4] == pd.Timestamp("2017-03-13")  # Sunday evening belongs to Monday


def test_fx_sunday_22_utc_winter_hour_belongs_to_monday() -> None:
    fx = get_calendar("FX")
    assert fx.session_labels(utc("2017-01-01 22:00"))[0] == pd.Timestamp("2017-01-02")
    assert fx.session_labels(utc("2017-01-01 21:59")).isna().all()
    assert fx.bar_close_times(utc("2017-01-06 21:00"), "1h")[0] == pd.Timestamp(
        "2017-01-06 22:00", tz="UTC"
    )


def test_fx_week_has_120_hourly_bars() -> None:
    bars = get_calendar("FX").expected_bar_times("2017-01-01", "2017-01-07", "1h")
    assert len(bars) == 120
    assert bars[0] == pd.Timestamp("2017-01-01 22:00", tz="UTC")
    assert bars[-1] == pd.Timestamp("2017-01-06 21:00", tz="UTC")


# -- 24/7 --------------------------------------------------------------------------------


def test_crypto_daily_bar_closes_at_next_midnight_utc() -> None:
    cal = get_calendar("24/7")
    assert cal.bar_close_times(labels("2017-11-25"), "1d")[0] == pd.Timestamp(
        "2017-11-26", tz="UTC"
    )
    found = cal.session_labels(utc("2017-11-25 00:00", "2017-11-25 23:59:59", "2017-11-26 00:00"))
    assert list(found) == list(pd.DatetimeIndex(["2017-11-25", "2017-11-25", "2017-11-26"]))
    assert cal.is_open(utc("2017-11-25 03:00", "2017-11-26 00:00")).all()
    assert len(cal.expected_bar_times("2017-11-01", "2017-11-30", "1d")) == 30


def test_crypto_hourly_close_is_open_plus_one_hour_on_real_btc_data() -> None:
    frame = btc_hourly()
    delta = frame["close_time"] - frame["timestamp"]
    assert (delta == pd.Timedelta(hours=1)).all()


def test_every_real_eurusd_hour_lies_in_an_fx_session() -> None:
    frame = eurusd_hourly()
    fx = get_calendar("FX")
    assert fx.is_open(frame["timestamp"]).all()
    assert (frame["close_time"] - frame["timestamp"] == pd.Timedelta(hours=1)).all()


# -- inputs ------------------------------------------------------------------------------


def test_nat_instants_are_closed_and_have_no_session() -> None:
    cal = get_calendar("FX")
    instants = pd.DatetimeIndex([pd.NaT, "2017-01-03 12:00"]).tz_localize("UTC")
    assert cal.is_open(instants).tolist() == [False, True]
    assert pd.isna(cal.session_labels(instants)[0])
    assert pd.isna(cal.bar_close_times(instants, "1h")[0])


def test_naive_and_other_zone_instants_are_read_correctly() -> None:
    cal = get_calendar("XNYS")
    naive = pd.DatetimeIndex(["2017-11-22 15:00"])  # read as UTC: 10:00 New York
    tokyo = pd.DatetimeIndex(["2017-11-23 00:00"]).tz_localize("Asia/Tokyo")  # 15:00 UTC
    assert cal.is_open(naive).all()
    assert cal.is_open(tokyo).all()


def test_queries_are_vectorized_over_a_million_instants() -> None:
    instants = pd.date_range("2010-01-01", periods=1_000_000, freq="5min", tz="UTC")
    found = get_calendar("XNYS").session_labels(instants)
    assert len(found) == 1_000_000
    assert np.count_nonzero(found.notna()) == np.count_nonzero(
        get_calendar("XNYS").is_open(instants)
    )


def test_unsupported_timeframes_are_rejected_clearly() -> None:
    cal = get_calendar("XNYS")
    with pytest.raises(CalendarError, match="expected_bar_times supports"):
        cal.expected_bar_times("2017-01-01", "2017-02-01", "2w")
    with pytest.raises(CalendarError, match="invalid timeframe"):
        cal.bar_close_times(labels("2017-01-03"), "banana")
    with pytest.raises(CalendarError, match="start <= end"):
        cal.expected_bar_times("2017-02-01", "2017-01-01", "1h")
