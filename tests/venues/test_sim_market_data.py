"""The sim's live market data replays bar frames and never shows a bar before it closed."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from tradewind.domain import DomainError, InstrumentId, Timeframe
from tradewind.ports.live_data import LiveMarketData
from tradewind.venues.sim.market_data import SimMarketData

T0 = datetime(2024, 3, 4, 14, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
SPY = InstrumentId("SPY", "SIM")
H1 = Timeframe.parse("1h")


def frame(n: int) -> pd.DataFrame:
    opens = pd.date_range(T0, periods=n, freq="1h", tz="UTC")
    closes = [100.0 + k for k in range(n)]
    return pd.DataFrame(
        {
            "timestamp": opens,
            "close_time": opens + pd.Timedelta(hours=1),
            "open": closes,
            "high": closes,
            "low": closes,
            "close": closes,
            "volume": [float("nan")] * n,
        }
    )


def replay(n: int = 5) -> SimMarketData:
    return SimMarketData({SPY: frame(n)}, H1)


def test_it_is_a_live_market_data_source_showing_nothing_before_the_clock_starts() -> None:
    data = replay()
    assert isinstance(data, LiveMarketData)
    assert data.instruments() == [SPY]
    assert data.closed_bars(SPY, H1).empty


def test_a_bar_appears_only_once_its_close_time_has_passed() -> None:
    data = replay()
    data.advance_to(T0 + 2 * HOUR - timedelta(seconds=1))
    assert data.closed_bars(SPY, H1)["close"].tolist() == [100.0]
    data.advance_to(T0 + 2 * HOUR)
    assert data.closed_bars(SPY, H1)["close"].tolist() == [100.0, 101.0]


def test_polling_since_the_last_close_seen_returns_each_bar_once() -> None:
    data = replay()
    seen: list[float] = []
    last: datetime | None = None
    for now in data.close_times():
        data.advance_to(now)
        new = data.closed_bars(SPY, H1, since=last)
        seen += new["close"].tolist()
        if not new.empty:
            last = new["close_time"].iloc[-1].to_pydatetime()
    assert seen == [100.0, 101.0, 102.0, 103.0, 104.0]


def test_history_is_a_window_of_closed_bars_by_open_time() -> None:
    data = replay()
    data.advance_to(T0 + 4 * HOUR)
    window = data.history(SPY, H1, T0 + HOUR, T0 + 3 * HOUR)
    assert window["close"].tolist() == [101.0, 102.0]
    assert data.history(SPY, H1, T0)["close"].tolist() == [100.0, 101.0, 102.0, 103.0]
    assert list(window.columns) == list(frame(1).columns)


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda d: d.closed_bars(InstrumentId("QQQ", "SIM"), H1), "unknown instrument QQQ.SIM"),
        (lambda d: d.closed_bars(SPY, Timeframe.parse("1d")), "timeframe 1d of SPY.SIM"),
        (lambda d: d.history(SPY, H1, datetime(2024, 3, 4)), "invalid start"),
        (lambda d: d.advance_to(T0 - HOUR), "before the current"),
    ],
)
def test_bad_requests_are_refused_naming_what_was_expected(call: object, expected: str) -> None:
    data = replay()
    data.advance_to(T0)
    with pytest.raises(DomainError, match=re.escape(expected)):
        call(data)  # type: ignore[operator]


def test_a_frame_without_the_normalized_columns_is_refused_naming_the_instrument() -> None:
    bad = frame(2).rename(columns={"close_time": "end"})
    with pytest.raises(DomainError, match=r"invalid bar frame for SPY\.SIM: expected columns"):
        SimMarketData({SPY: bad}, H1)
    naive = frame(2).assign(close_time=lambda f: f["close_time"].dt.tz_localize(None))
    with pytest.raises(DomainError, match="column close_time must be timezone-aware"):
        SimMarketData({SPY: naive}, H1)
