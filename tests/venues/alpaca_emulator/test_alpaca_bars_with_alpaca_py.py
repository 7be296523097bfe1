"""alpaca-py's StockHistoricalDataClient against the Alpaca emulator over the bundled data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from alpaca.common.exceptions import APIError
from alpaca.data.historical import StockHistoricalDataClient
from alpaca.data.requests import StockBarsRequest, StockLatestQuoteRequest, StockLatestTradeRequest
from alpaca.data.timeframe import TimeFrame, TimeFrameUnit
from tests.venues.alpaca_emulator.rig import KEY, SECRET, AlpacaRig, ms

import tradewind
from tradewind.venues.alpaca.emulator import BUNDLED, build_emulator, build_market
from tradewind.venues.alpaca.emulator.bundle import complete_bars
from tradewind.venues.emulation import PricePath, ReplayClock, ReplayFeed

_CATALOG = Path(tradewind.__file__).parent / "data" / "bundled" / "catalog"
_DAY_MS = 86_400_000
_NY = ZoneInfo("America/New_York")
_REPLAY_TO_MS = ms("2004-01-01T00:00:00")


def _bundled(symbol: str) -> pd.DataFrame:
    path = _CATALOG / "market=equities" / f"symbol={symbol}" / "timeframe=1d" / "bars.parquet"
    return pd.read_parquet(path)


def _path(symbol: str, frame: pd.DataFrame) -> PricePath:
    """The bundled daily rows as the `emulate` command replays them (open = session date),
    close-only rows completed."""
    bars = complete_bars(*(frame[c].tolist() for c in ("open", "high", "low", "close", "volume")))
    return PricePath(
        symbol=symbol,
        interval_ms=_DAY_MS,
        open_time_ms=[int(t.timestamp() * 1000) for t in frame["timestamp"]],
        open=bars.open,
        high=bars.high,
        low=bars.low,
        close=bars.close,
        volume=bars.volume,
    )


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return {s: _bundled(s) for s in ("AAPL", "MSFT")}


@pytest.fixture
def data(frames: dict[str, pd.DataFrame]) -> Iterator[StockHistoricalDataClient]:
    market = build_market({s: BUNDLED[s] for s in frames})
    clock = ReplayClock(_REPLAY_TO_MS, speed=1.0, anchor_wall_s=0.0, wall_s=lambda: 0.0)
    feed = ReplayFeed(market, clock, [_path(s, f) for s, f in frames.items()])
    server = build_emulator(market, {KEY: SECRET}, feed=feed)
    base_url = server.start()
    try:
        yield StockHistoricalDataClient(KEY, SECRET, url_override=base_url)
    finally:
        server.stop()


def _rows(frame: pd.DataFrame, start: str, end: str) -> list[tuple[Any, ...]]:
    chosen = frame[(frame["timestamp"] >= start) & (frame["timestamp"] <= end)]
    columns = ["timestamp", "open", "high", "low", "close", "volume"]
    return [
        (t.date(), o, h, low, c, v)
        for t, o, h, low, c, v in chosen[columns].itertuples(index=False)
    ]


def test_daily_bars_equal_the_bundled_rows_for_every_symbol(
    data: StockHistoricalDataClient, frames: dict[str, pd.DataFrame]
) -> None:
    request = StockBarsRequest(
        symbol_or_symbols=["AAPL", "MSFT"],
        timeframe=TimeFrame.Day,
        start=datetime(2003, 1, 1),
        end=datetime(2003, 12, 31, 23, 59),
    )
    bars = data.get_stock_bars(request).data
    served = [
        (b.timestamp.astimezone(_NY).date(), b.open, b.high, b.low, b.close, b.volume)
        for b in bars["AAPL"]
    ]
    assert served == _rows(frames["AAPL"], "2003-01-01", "2003-12-31")
    assert len(served) == 252
    msft = frames["MSFT"]
    in_2003 = msft[(msft["timestamp"] >= "2003-01-01") & (msft["timestamp"] <= "2003-12-31")]
    assert [b.close for b in bars["MSFT"]] == in_2003["close"].tolist()
    assert [b.timestamp.astimezone(_NY).date() for b in bars["MSFT"]] == [
        t.date() for t in in_2003["timestamp"]
    ]


def test_a_daily_bar_is_stamped_at_midnight_new_york(data: StockHistoricalDataClient) -> None:
    request = StockBarsRequest(
        symbol_or_symbols="AAPL", timeframe=TimeFrame.Day, start=datetime(2003, 7, 1), limit=1
    )
    (bar,) = data.get_stock_bars(request).data["AAPL"]
    assert bar.timestamp == datetime(2003, 7, 1, 4, 0, tzinfo=UTC)


def test_only_bars_closed_on_the_market_clock_are_served(data: StockHistoricalDataClient) -> None:
    request = StockBarsRequest(
        symbol_or_symbols="AAPL", timeframe=TimeFrame.Day, start=datetime(2003, 12, 20)
    )
    bars = data.get_stock_bars(request).data["AAPL"]
    assert bars[-1].timestamp.astimezone(_NY).date().isoformat() == "2003-12-31"


def test_pages_follow_next_page_token_across_symbols(data: StockHistoricalDataClient) -> None:
    params = {
        "symbols": "AAPL,MSFT",
        "timeframe": "1Day",
        "start": "2003-12-22",
        "end": "2004-01-01",
        "limit": 5,
    }
    seen: list[tuple[str, str]] = []
    token = None
    for _ in range(10):
        page = data.get("/stocks/bars", {**params, "page_token": token})
        seen += [(s, b["t"]) for s, bars in page["bars"].items() for b in bars]
        token = page["next_page_token"]
        if token is None:
            break
    assert len(seen) == len(set(seen)) == 14  # 7 sessions each
    assert [s for s, _ in seen] == ["AAPL"] * 7 + ["MSFT"] * 7


def test_the_single_symbol_endpoint_has_its_own_shape(data: StockHistoricalDataClient) -> None:
    page = data.get("/stocks/AAPL/bars", {"timeframe": "1Day", "start": "2003-12-29"})
    assert page["symbol"] == "AAPL"
    assert [b["t"] for b in page["bars"]] == [
        "2003-12-29T05:00:00Z",
        "2003-12-30T05:00:00Z",
        "2003-12-31T05:00:00Z",
    ]
    assert set(page["bars"][0]) == {"t", "o", "h", "l", "c", "v", "n", "vw"}


def test_intraday_timeframes_on_daily_data_are_refused(data: StockHistoricalDataClient) -> None:
    request = StockBarsRequest(
        symbol_or_symbols="AAPL", timeframe=TimeFrame.Hour, start=datetime(2003, 1, 1)
    )
    with pytest.raises(APIError) as caught:
        data.get_stock_bars(request)
    assert caught.value.status_code == 422


def test_minute_bars_aggregate_into_longer_intraday_bars(rig: AlpacaRig) -> None:
    data = rig.data()
    start = datetime(2024, 1, 5)
    minutes = data.get_stock_bars(
        StockBarsRequest(symbol_or_symbols="AAPL", timeframe=TimeFrame.Minute, start=start)
    ).data["AAPL"]
    assert [b.open for b in minutes] == [100, 101, 102, 103, 104]
    five = data.get_stock_bars(
        StockBarsRequest(
            symbol_or_symbols="AAPL", timeframe=TimeFrame(5, TimeFrameUnit.Minute), start=start
        )
    ).data["AAPL"]
    assert [(b.open, b.high, b.low, b.close, b.volume) for b in five] == [
        (100, 105, 99, 104.5, 5000)
    ]
    (day,) = data.get_stock_bars(
        StockBarsRequest(symbol_or_symbols="AAPL", timeframe=TimeFrame.Day, start=start)
    ).data["AAPL"]
    assert (day.timestamp, day.close) == (datetime(2024, 1, 5, 5, 0, tzinfo=UTC), 104.5)


def test_latest_trade_and_quote_come_from_the_latest_bar(rig: AlpacaRig) -> None:
    data = rig.data()
    trade = data.get_stock_latest_trade(StockLatestTradeRequest(symbol_or_symbols="AAPL"))["AAPL"]
    assert (trade.price, trade.timestamp) == (104.5, datetime(2024, 1, 5, 14, 35, tzinfo=UTC))
    quote = data.get_stock_latest_quote(StockLatestQuoteRequest(symbol_or_symbols=["AAPL", "MSFT"]))
    assert (quote["AAPL"].bid_price, quote["MSFT"].ask_price) == (104.5, 370.0)
