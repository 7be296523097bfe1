"""`OandaMarketData` and `OandaCandles` against the shipped OANDA emulator: complete bars
only, paging, polling with `since`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.venue_errors import VenueError
from tradewind.venues.oanda import OandaCandles, OandaMarketData
from tradewind.venues.oanda.data import fx_week_open_ns

from .rig import MINUTE_MS, MONDAY_MS, Rig, running

EUR_USD = InstrumentId("EUR-USD", "OANDA")
M1, M5 = Timeframe.parse("1m"), Timeframe.parse("5m")
MONDAY = datetime.fromtimestamp(MONDAY_MS / 1000, tz=UTC)


@pytest.fixture
def rig() -> Iterator[Rig]:
    with running() as started:
        started.minutes(MONDAY_MS + MINUTE_MS, 11, "1.20000")  # 12 minute bars in all
        yield started


def _data(rig: Rig, **overrides: object) -> OandaMarketData:
    data = OandaMarketData(rig.config(**overrides))
    data.connect()
    return data


def test_history_pages_through_complete_bars_only(rig: Rig) -> None:
    frame = _data(rig, page_limit=5).history(EUR_USD, M1, MONDAY)
    assert len(frame) == 12
    assert frame["timestamp"].iloc[0] == MONDAY
    assert (frame["close_time"] - frame["timestamp"]).unique().tolist() == [timedelta(minutes=1)]
    assert frame["close"].iloc[-1] == pytest.approx(1.2)


def test_the_forming_candle_is_never_a_bar(rig: Rig) -> None:
    frame = _data(rig).history(EUR_USD, M5, MONDAY)
    # 12 minutes traded: two complete 5-minute candles, the third still forming
    assert frame["timestamp"].tolist() == [MONDAY, MONDAY + timedelta(minutes=5)]


def test_polling_with_the_last_close_gives_each_bar_once(rig: Rig) -> None:
    data = _data(rig)
    first = data.closed_bars(EUR_USD, M1, since=MONDAY)
    assert len(first) == 12
    last_close = first["close_time"].iloc[-1].to_pydatetime()
    assert data.closed_bars(EUR_USD, M1, since=last_close).empty
    rig.minutes(MONDAY_MS + 12 * MINUTE_MS, 2)
    later = data.closed_bars(EUR_USD, M1, since=last_close)
    assert later["timestamp"].tolist() == [last_close, last_close + timedelta(minutes=1)]


def test_a_feed_far_behind_the_venue_clock_is_stale(rig: Rig) -> None:
    data = _data(rig)
    long_ago = MONDAY - timedelta(hours=1)
    rig.market.advance_clock(MONDAY_MS + 3_600_000)
    with pytest.raises(VenueError, match="stale feed") as stale:
        data.closed_bars(EUR_USD, M1, since=long_ago + timedelta(hours=1, minutes=12))
    assert stale.value.retryable


def test_the_weekend_is_not_a_stale_feed_right_after_the_sunday_open() -> None:
    sunday_open = datetime(2024, 3, 10, 21, 0, tzinfo=UTC)  # 17:00 New York (EDT)
    friday_close_ms = int(datetime(2024, 3, 8, 21, 59, tzinfo=UTC).timestamp() * 1000)
    with running(friday_close_ms) as rig:  # the last bar before the weekend
        data = _data(rig)
        friday = data.closed_bars(EUR_USD, M1, since=MONDAY)
        rig.market.advance_clock(int((sunday_open + timedelta(minutes=1)).timestamp() * 1000))
        after = friday["close_time"].iloc[-1].to_pydatetime()
        assert data.closed_bars(EUR_USD, M1, since=after).empty  # waiting, not stale
        rig.market.advance_clock(int((sunday_open + timedelta(minutes=5)).timestamp() * 1000))
        with pytest.raises(VenueError, match="stale feed"):  # 3 bars past the open, none
            data.closed_bars(EUR_USD, M1, since=after)


def test_the_fx_week_opens_on_sunday_at_five_in_new_york() -> None:
    def ns(text: str) -> int:
        return int(datetime.fromisoformat(text).timestamp()) * 1_000_000_000

    assert fx_week_open_ns(ns("2024-03-13T12:00:00+00:00")) == ns("2024-03-10T21:00:00+00:00")
    assert fx_week_open_ns(ns("2024-03-10T20:59:00+00:00")) == ns("2024-03-03T22:00:00+00:00")
    assert fx_week_open_ns(ns("2024-03-10T21:00:00+00:00")) == ns("2024-03-10T21:00:00+00:00")


def test_a_timeframe_v20_lacks_is_refused(rig: Rig) -> None:
    with pytest.raises(DomainError, match="timeframe 1M is not served"):
        _data(rig).history(EUR_USD, Timeframe.parse("1M"), MONDAY)


def test_candles_serve_the_download_shape(rig: Rig) -> None:
    candles = OandaCandles(rig.config(account_id=None))
    assert candles.name == "oanda"
    assert candles.max_page_bars == 5000
    assert candles.spot_markets() == {"EUR_USD": "EUR_USD"}
    assert {"1m", "1h", "1d"} <= set(candles.timeframes())
    assert candles.venue_time_ms() == rig.market.now_ms
    rows = candles.fetch_ohlcv("EUR_USD", "1m", MONDAY_MS + MINUTE_MS, 3)
    assert [r[0] for r in rows] == [MONDAY_MS + k * MINUTE_MS for k in (1, 2, 3)]
    assert rows[0][1:5] == [1.2, 1.2, 1.2, 1.2]


def test_candles_failures_name_the_url_never_the_token(rig: Rig) -> None:
    candles = OandaCandles(rig.config(token="not-the-token"))
    with pytest.raises(VenueError, match=rig.url) as refused:
        candles.fetch_ohlcv("EUR_USD", "1m", MONDAY_MS, 3)
    assert "not-the-token" not in str(refused.value)
    assert not refused.value.retryable
