"""`CcxtMarketData` serves only closed bars, each once, and calls a silent feed stale."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest

from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.timestamps import instant_from_ns
from tradewind.domain.venue_errors import VenueError
from tradewind.venues.ccxt import CcxtMarketData, CcxtVenueConfig

from .emulated import BAR_MS, T0_MS, Emulated, start_emulator

MINUTE = Timeframe.parse("1m")
BTC = InstrumentId("BTC-USDT", "BINANCE")
MARKETS = json.loads((Path(__file__).parent / "payloads" / "markets_binance.json").read_text())


class FakeExchange:
    """Just enough of a ccxt client: a clock and candles, one of them still forming."""

    rateLimit = 1  # noqa: N815 - ccxt's attribute names
    precisionMode = 4  # noqa: N815
    timeframes: ClassVar[dict[str, str]] = {"1m": "1m"}
    has: ClassVar[dict[str, Any]] = {}

    def __init__(self, now_ms: int, opens: list[int]) -> None:
        self.now_ms, self.opens, self.markets = now_ms, opens, MARKETS

    def load_markets(self, reload: bool = False) -> Any:
        return self.markets

    def fetch_time(self) -> int:
        return self.now_ms

    def fetch_ohlcv(self, symbol: str, timeframe: str, since: int | None, limit: int) -> list[Any]:
        rows = [[t, 1.0, 2.0, 0.5, 1.5, 10.0] for t in self.opens if since is None or t >= since]
        return rows[:limit]


@pytest.fixture
def emulated() -> Iterator[Emulated]:
    built = start_emulator()
    yield built
    built.server.stop()


def test_a_candle_still_forming_on_the_venue_clock_is_never_served() -> None:
    opens = [T0_MS, T0_MS + BAR_MS, T0_MS + 2 * BAR_MS]
    fake = FakeExchange(now_ms=T0_MS + 2 * BAR_MS + 30_000, opens=opens)
    config = CcxtVenueConfig(exchange_id="binance", symbols=("BTC/USDT",))
    data = CcxtMarketData(config, exchange_factory=lambda _: fake)
    data.connect()
    frame = data.closed_bars(BTC, MINUTE)
    assert [int(t.timestamp() * 1000) for t in frame["timestamp"]] == opens[:2]


def test_polling_with_the_last_close_gives_each_bar_once_and_backfills(emulated: Emulated) -> None:
    data = emulated.data()
    data.connect()
    first = data.closed_bars(BTC, MINUTE)
    assert len(first) == 1
    last_close = first["close_time"].iloc[-1].to_pydatetime()
    assert data.closed_bars(BTC, MINUTE, since=last_close).empty
    emulated.trade(100, 101, 99, 100)
    emulated.trade(100, 102, 99, 101)
    later = data.closed_bars(BTC, MINUTE, since=last_close)
    assert later["close"].tolist() == [100.0, 101.0]
    assert (later["close_time"] > first["close_time"].iloc[-1]).all()


def test_history_returns_closed_bars_in_the_window(emulated: Emulated) -> None:
    for _ in range(4):
        emulated.trade(100, 101, 99, 100)
    data = emulated.data()
    data.connect()
    start = instant_from_ns((T0_MS + 2 * BAR_MS) * 1_000_000)
    frame = data.history(BTC, MINUTE, start, start + timedelta(minutes=2))
    assert [t.to_pydatetime() for t in frame["timestamp"]] == [start, start + timedelta(minutes=1)]
    assert list(frame.columns) == [
        "timestamp",
        "close_time",
        "open",
        "high",
        "low",
        "close",
        "volume",
    ]


def test_a_feed_silent_for_several_bars_is_stale_and_retryable(emulated: Emulated) -> None:
    data = emulated.data()
    data.connect()
    last_close = data.closed_bars(BTC, MINUTE)["close_time"].iloc[-1].to_pydatetime()
    emulated.market.advance_clock(emulated.market.now_ms + 10 * BAR_MS)
    with pytest.raises(VenueError, match="stale feed") as stale:
        data.closed_bars(BTC, MINUTE, since=last_close)
    assert stale.value.retryable
