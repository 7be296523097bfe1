"""Contract details, historical bars and market data as ib_async receives them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from ib_async import Forex, Stock
from tests.venues.ib_emulator.rig import MINUTE_MS, T0_MS, ib_rig, make_market, wait_for

from tradewind.venues.emulation import EmulatedMarket

_CATALOG = Path(__file__).parents[3] / "src/tradewind/data/bundled/catalog"


def _rows(market: str, series: str, timeframe: str, count: int) -> list[dict[str, object]]:
    path = _CATALOG / f"market={market}/symbol={series}/timeframe={timeframe}/bars.parquet"
    rows: list[dict[str, object]] = pq.read_table(path).slice(0, count).to_pylist()
    return rows


def _feed(market: EmulatedMarket, symbol: str, rows: list[dict[str, object]], step_ms: int) -> None:
    for row in rows:
        open_ms = int(row["timestamp"].timestamp() * 1000)  # type: ignore[attr-defined]
        prices = [Decimal(repr(row[k])) for k in ("open", "high", "low", "close", "volume")]
        market.trade_bar(symbol, open_ms, *prices, close_time_ms=open_ms + step_ms)


def test_contract_details_of_a_stock_on_smart() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        [details] = ib.reqContractDetails(Stock("AAPL", "SMART", "USD"))
        assert details.contract.conId == 265598
        assert details.contract.primaryExchange == "NASDAQ"
        assert details.minTick == 0.01
        assert details.sizeIncrement == 1
        assert "LMT" in details.orderTypes
        assert "STP" in details.orderTypes


def test_a_stock_resolves_on_its_listing_exchange_too() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        [spy] = ib.qualifyContracts(Stock("SPY", "ARCA", "USD"))
        assert spy.conId == 756733


def test_forex_pair_on_idealpro() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        [pair] = ib.qualifyContracts(Forex("EURUSD"))
        assert (pair.secType, pair.localSymbol, pair.exchange) == ("CASH", "EUR.USD", "IDEALPRO")
        [details] = ib.reqContractDetails(pair)
        assert details.minTick == 0.00005


def test_an_unknown_symbol_has_no_security_definition() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        codes: list[int] = []
        ib.errorEvent += lambda _r, code, _m, _c: codes.append(code)
        assert ib.reqContractDetails(Stock("NOPE", "SMART", "USD")) == []
        assert codes == [200]


def test_daily_bars_equal_the_bundled_rows() -> None:
    rows = _rows("equities", "AAPL", "1d", 300)
    market = make_market()
    _feed(market, "AAPL", rows, 86_400_000)
    with ib_rig(seed_bars=0, market=market) as rig:
        ib = rig.connect()
        bars = ib.reqHistoricalData(rig.stock(), "", "2 Y", "1 day", "TRADES", True, 1)
        assert len(bars) == len(rows)
        for bar, row in zip(bars, rows, strict=True):
            assert bar.date == row["timestamp"].date()  # type: ignore[attr-defined]
            values = (bar.open, bar.high, bar.low, bar.close, bar.volume)
            assert values == tuple(row[k] for k in ("open", "high", "low", "close", "volume"))


def test_hourly_forex_bars_with_an_explicit_end_and_epoch_dates() -> None:
    rows = _rows("forex", "EUR-USD", "1h", 60)
    market = make_market()
    _feed(market, "EUR.USD", rows, 3_600_000)
    end = rows[47]["timestamp"] + timedelta(hours=1)  # type: ignore[operator]
    with ib_rig(seed_bars=0, market=market) as rig:
        ib = rig.connect()
        bars = ib.reqHistoricalData(rig.eurusd(), end, "1 D", "1 hour", "MIDPOINT", False, 2)
        expected = rows[24:48]
        assert [b.date for b in bars] == [r["timestamp"] for r in expected]
        assert [b.close for b in bars] == [r["close"] for r in expected]


def test_daily_forex_bars_aggregate_the_hours() -> None:
    rows = _rows("forex", "EUR-USD", "1h", 60)
    market = make_market()
    _feed(market, "EUR.USD", rows, 3_600_000)
    with ib_rig(seed_bars=0, market=market) as rig:
        ib = rig.connect()
        bars = ib.reqHistoricalData(rig.eurusd(), "", "10 D", "1 day", "MIDPOINT", False, 1)
        first_day = [r for r in rows if r["timestamp"].date() == bars[1].date]  # type: ignore[attr-defined]
        assert bars[1].high == max(r["high"] for r in first_day)
        assert bars[1].barCount == len(first_day)


def test_history_never_goes_past_the_market_clock() -> None:
    with ib_rig(seed_bars=5) as rig:
        ib = rig.connect()
        future = datetime(2030, 1, 1, tzinfo=UTC)
        bars = ib.reqHistoricalData(rig.stock(), future, "1 D", "1 min", "TRADES", True, 2)
        assert len(bars) == 5
        assert bars[-1].date == datetime.fromtimestamp((T0_MS + 4 * MINUTE_MS) / 1000, UTC)


@pytest.mark.parametrize(
    ("what", "bar_size", "duration"),
    [("TRADES", "1 secs", "1 D"), ("TRADES", "1 min", "ten days"), ("NONSENSE", "1 min", "1 D")],
)
def test_a_refused_history_request_gets_error_162(what: str, bar_size: str, duration: str) -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        codes: list[int] = []
        ib.errorEvent += lambda _r, code, _m, _c: codes.append(code)
        assert len(ib.reqHistoricalData(rig.stock(), "", duration, bar_size, what, True, 1)) == 0
        assert wait_for(ib, lambda: codes == [162])


def test_forex_has_no_trades_history() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        codes: list[int] = []
        ib.errorEvent += lambda _r, code, _m, _c: codes.append(code)
        assert len(ib.reqHistoricalData(rig.eurusd(), "", "1 D", "1 min", "TRADES", False, 1)) == 0
        assert wait_for(ib, lambda: codes == [162])


def test_a_snapshot_quotes_the_last_price_one_tick_either_side() -> None:
    with ib_rig() as rig:
        rig.bar("AAPL", 3, 100, 102, 99, 101.5)
        ib = rig.connect()
        [ticker] = ib.reqTickers(*ib.qualifyContracts(rig.stock()))
        assert (ticker.bid, ticker.last, ticker.ask, ticker.close) == (101.49, 101.5, 101.51, 100)


def test_streaming_market_data_ticks_on_every_new_bar() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        [aapl] = ib.qualifyContracts(rig.stock())
        ticker = ib.reqMktData(aapl)
        assert wait_for(ib, lambda: ticker.last == 100)
        rig.bar("AAPL", 3, 100, 106, 99, 105)
        assert wait_for(ib, lambda: ticker.last == 105)
        ib.cancelMktData(aapl)


def test_delayed_market_data_uses_the_delayed_tick_types() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        ib.reqMarketDataType(3)
        [ticker] = ib.reqTickers(*ib.qualifyContracts(rig.eurusd()))
        assert ticker.marketDataType == 3
        assert ticker.bid == 1.29995
        assert ticker.ask == 1.30005
        assert ticker.last != ticker.last or ticker.last < 0  # no last for forex (nan)
