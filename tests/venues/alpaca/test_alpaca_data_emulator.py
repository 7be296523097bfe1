"""`AlpacaMarketData` and `AlpacaCandles` over alpaca-py against the Alpaca emulator."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tradewind.domain.timeframe import Timeframe
from tradewind.venues.alpaca import AlpacaCandles, AlpacaMarketData, AlpacaVenueConfig
from tradewind.venues.alpaca.emulator import build_emulator, build_market
from tradewind.venues.emulation import EmulatedMarket

_DAY_MS = 86_400_000
_MON_MS = int(datetime(2024, 3, 4, tzinfo=UTC).timestamp() * 1000)  # the session date, 00:00 UTC


@pytest.fixture
def emulated() -> Iterator[tuple[EmulatedMarket, AlpacaVenueConfig]]:
    from tradewind.venues.alpaca.emulator import BUNDLED

    market = build_market({"AAPL": BUNDLED["AAPL"]})
    market.add_account("k", {"USD": Decimal(100_000)})
    for day in range(3):  # Mon, Tue, Wed daily bars, stamped as the bundled data are
        p = Decimal(100 + day)
        market.trade_bar("AAPL", _MON_MS + day * _DAY_MS, p, p + 1, p - 1, p, Decimal(1000))
    server = build_emulator(market, {"k": "s"})
    url = server.start()
    yield market, AlpacaVenueConfig(symbols=("AAPL",), api_key="k", secret_key="s", endpoint=url)
    server.stop()


def test_daily_history_is_stamped_at_the_session_date_and_closes_at_four_new_york(
    emulated: tuple[EmulatedMarket, AlpacaVenueConfig],
) -> None:
    market, config = emulated
    data = AlpacaMarketData(config)
    data.connect()
    (aapl,) = data.instruments()
    frame = data.history(aapl, Timeframe.parse("1d"), datetime(2024, 3, 1, tzinfo=UTC))
    now = datetime.fromtimestamp(market.now_ms / 1000, UTC)
    assert not frame.empty
    assert all(ts.hour == 0 for ts in frame["timestamp"])
    assert all(c <= now for c in frame["close_time"])
    assert frame["close_time"].iloc[0] == datetime(2024, 3, 4, 21, 0, tzinfo=UTC)
    since = frame["close_time"].iloc[0].to_pydatetime()
    later = data.closed_bars(aapl, Timeframe.parse("1d"), since)
    assert list(later["timestamp"]) == list(frame["timestamp"].iloc[1:])


def test_candles_page_closed_daily_bars_as_ohlcv_rows(
    emulated: tuple[EmulatedMarket, AlpacaVenueConfig],
) -> None:
    _, config = emulated
    candles = AlpacaCandles(config)
    assert candles.spot_markets() == {"AAPL": "AAPL"}
    rows = candles.fetch_ohlcv("AAPL", "1d", _MON_MS - _DAY_MS, 10)
    assert rows
    assert rows[0][0] == _MON_MS
    assert rows[0][1:5] == [100.0, 101.0, 99.0, 100.0]
    assert candles.max_page_bars == 10_000
