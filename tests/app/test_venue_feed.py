"""A session's row feed over a venue's live bars: waits for forming bars, detects a
stale venue, and backfills after an outage."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from tradewind.app.session_pace import RowPace
from tradewind.app.venue_feed import FeedTiming, StaleFeedError, VenueBarFeed
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.venue_errors import VenueDisconnectedError
from tradewind.engine.panel import panel_from_frames_single
from tradewind.venues.sim.market_data import SimMarketData

HOUR = Timeframe.parse("1h")
BTC = InstrumentId("BTC-USDT", "EMU")


def _frame(n: int, price0: float = 100.0) -> pd.DataFrame:
    opens = pd.date_range("2024-01-01", periods=n, freq="1h", tz="UTC")
    close = price0 + np.arange(n, dtype=float)
    return pd.DataFrame(
        {
            "timestamp": opens,
            "close_time": opens + pd.Timedelta(hours=1),
            "open": close - 0.5,
            "high": close + 1,
            "low": close - 1,
            "close": close,
            "volume": np.full(n, 10.0),
        }
    )


class _Clock:
    """A fake wall clock; sleeping advances it and may run a side effect."""

    def __init__(self, on_sleep: object = None) -> None:
        self.now = 0.0
        self.on_sleep = on_sleep

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        if callable(self.on_sleep):
            self.on_sleep(self.now)


class _Flaky:
    """The venue's data, refusing requests while `down` is True."""

    def __init__(self, data: SimMarketData) -> None:
        self.data = data
        self.down = False
        self.venue = data.venue

    def instruments(self) -> list[InstrumentId]:
        return list(self.data.instruments())

    def closed_bars(
        self, iid: InstrumentId, tf: Timeframe, since: datetime | None = None
    ) -> pd.DataFrame:
        if self.down:
            raise VenueDisconnectedError("EMU is down")
        frame: pd.DataFrame = self.data.closed_bars(iid, tf, since)
        return frame

    def history(self, *args: object) -> None:
        raise NotImplementedError


def _feed(n: int, clock: _Clock, data: object, wait_s: float = 5.0) -> VenueBarFeed:
    recording = panel_from_frames_single("BTC-USDT", _frame(n))
    return VenueBarFeed(
        data,  # type: ignore[arg-type]
        recording,
        [0],
        [BTC],
        HOUR,
        FeedTiming(max_wait_s=wait_s, poll_interval_s=0.5),
        clock=clock,
        sleep=clock.sleep,
    )


def _venue(n: int, price0: float = 100.0) -> SimMarketData:
    return SimMarketData({BTC: _frame(n, price0)}, HOUR, venue="EMU")


def test_each_row_gets_the_venues_bar_with_the_venues_prices() -> None:
    venue = _venue(4, price0=200.0)  # the venue's prices differ from the recording's
    venue.advance_to(datetime.fromisoformat("2024-01-02T00:00:00+00:00"))
    clock = _Clock()
    feed = _feed(4, clock, venue)
    rows = [feed.poll(t) for t in range(4)]
    assert [bool(r.fresh[0]) for r in rows] == [True] * 4
    assert [float(r.close[0]) for r in rows] == [200.0, 201.0, 202.0, 203.0]
    assert clock.now == 0.0  # every bar had closed: no waiting


def test_a_forming_bar_is_waited_for_until_it_closes() -> None:
    venue = _venue(3)
    closes = [datetime.fromisoformat(f"2024-01-01T0{h}:00:00+00:00") for h in (1, 2, 3)]
    venue.advance_to(closes[0])
    clock = _Clock(on_sleep=lambda now: venue.advance_to(closes[1]) if now >= 2 else None)
    feed = _feed(3, clock, venue)
    assert feed.poll(0).fresh[0]
    second = feed.poll(1)  # closes once two fake seconds have passed
    assert second.fresh[0]
    assert float(second.close[0]) == 101.0
    assert 2.0 <= clock.now < 5.0


def test_a_venue_that_does_not_deliver_in_time_is_stale() -> None:
    venue = _venue(3)
    venue.advance_to(datetime.fromisoformat("2024-01-01T01:00:00+00:00"))
    clock = _Clock()
    feed = _feed(3, clock, venue, wait_s=3.0)
    feed.poll(0)
    with pytest.raises(StaleFeedError, match="stale") as stale:
        feed.poll(1)
    assert stale.value.retryable
    assert clock.now >= 3.0


def test_after_an_outage_the_missed_bars_are_backfilled_and_none_is_lost() -> None:
    venue = _venue(6)
    flaky = _Flaky(venue)
    venue.advance_to(datetime.fromisoformat("2024-01-01T01:00:00+00:00"))
    clock = _Clock()
    feed = _feed(6, clock, flaky)
    assert feed.poll(0).fresh[0]
    flaky.down = True
    with pytest.raises(VenueDisconnectedError):
        feed.poll(1)
    venue.advance_to(datetime.fromisoformat("2024-01-01T05:00:00+00:00"))
    flaky.down = False
    resumed = feed.poll(3)  # rows 1-2 passed while the market was paused
    assert resumed.fresh[0]
    assert float(resumed.close[0]) == 103.0
    assert feed.backfilled == 1  # the bar of row 4 closed meanwhile and came in the same fetch
    assert float(feed.poll(4).close[0]) == 104.0
    venue.advance_to(datetime.fromisoformat("2024-01-01T06:00:00+00:00"))
    assert float(feed.poll(5).close[0]) == 105.0


def test_a_pace_spaces_rows_by_their_instants_at_its_speed() -> None:
    clock = _Clock()
    pace = RowPace(speed=3600.0, clock=clock, sleep=clock.sleep)  # one hour per second
    stamps = pd.date_range("2024-01-01", periods=4, freq="1h").as_unit("ns").asi8
    for row in range(4):
        pace.wait_for(row, stamps)
    assert clock.now == pytest.approx(3.0)


def test_a_pace_needs_a_positive_speed() -> None:
    with pytest.raises(ValueError, match="above 0"):
        RowPace(speed=0)


def test_past_the_recorded_history_rows_expect_the_venues_newest_closed_bar() -> None:
    recorded = _frame(2)  # the catalog ends after two bars; the session runs on
    timeline = _frame(5)
    recording = panel_from_frames_single("BTC-USDT", timeline)
    recording.bar_rows["BTC-USDT"] = np.arange(2, dtype=np.int64)
    recording.bar_times["BTC-USDT"] = pd.DatetimeIndex(recorded["timestamp"]).as_unit("ns").asi8
    venue = _venue(5, price0=300.0)
    venue.advance_to(datetime.fromisoformat("2024-01-01T05:00:00+00:00"))
    clock = _Clock()
    feed = VenueBarFeed(venue, recording, [0], [BTC], HOUR, clock=clock, sleep=clock.sleep)
    closes = [float(feed.poll(t).close[0]) for t in range(5)]
    assert closes == [300.0, 301.0, 302.0, 303.0, 304.0]


def test_a_wall_clock_pace_waits_only_for_rows_in_the_future() -> None:
    from tradewind.app.session_pace import WallClockPace

    clock = _Clock()
    clock.now = 1_704_067_200.0 + 1800  # 2024-01-01 00:30 UTC
    pace = WallClockPace(clock=clock, sleep=clock.sleep)
    stamps = pd.date_range("2024-01-01", periods=3, freq="1h", tz="UTC").as_unit("ns").asi8
    pace.wait_for(0, stamps)
    assert clock.now == 1_704_067_200.0 + 1800  # a past row: no wait
    pace.wait_for(1, stamps)
    assert clock.now == pytest.approx(1_704_067_200.0 + 3600)


def test_past_the_recorded_history_no_bar_is_awaited_while_the_market_is_closed() -> None:
    from tradewind.app.venue_feed import _expected_bar_times
    from tradewind.data.calendars import get_calendar

    # Friday 2017-01-06 18:00 UTC .. Monday 00:00: FX closes Friday 22:00 UTC (17:00 NY).
    opens = pd.date_range("2017-01-06 18:00", "2017-01-09 00:00", freq="1h", tz="UTC")
    frame = pd.DataFrame(
        {"timestamp": opens, "close_time": opens + pd.Timedelta(hours=1), "open": 1.0,
         "high": 1.0, "low": 1.0, "close": 1.0, "volume": 1.0}
    )  # fmt: skip
    recording = panel_from_frames_single("EUR-USD", frame)
    recording.bar_rows["EUR-USD"] = np.arange(1, dtype=np.int64)  # history ends at once
    recording.bar_times["EUR-USD"] = recording.bar_times["EUR-USD"][:1]
    every = _expected_bar_times(recording, [0], HOUR)
    in_sessions = _expected_bar_times(recording, [0], HOUR, get_calendar("FX"))
    awaited = pd.DatetimeIndex(in_sessions[in_sessions[:, 0] > 0, 0], tz="UTC")
    assert (every[:, 0] > 0).sum() > len(awaited)  # the 24/7 grid waits for weekend bars
    assert awaited.max() >= pd.Timestamp("2017-01-08 22:00", tz="UTC")
    weekend = (awaited >= pd.Timestamp("2017-01-06 22:00", tz="UTC")) & (
        awaited < pd.Timestamp("2017-01-08 22:00", tz="UTC")
    )
    assert not weekend.any()
