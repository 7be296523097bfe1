"""The real ccxt `kraken` class against the Kraken emulator, only the URLs changed."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from decimal import Decimal as D  # noqa: N817 - short literals in tables
from typing import Any

import ccxt
import pytest
from tests.venues.ccxt_emulator.wire_rig import MINUTE_MS, T0_MS, WireRig, wire_rig

from tradewind.domain.timeframe import Timeframe
from tradewind.venues.ccxt.client import build_exchange
from tradewind.venues.ccxt.config import CcxtVenueConfig
from tradewind.venues.ccxt.data import CcxtMarketData
from tradewind.venues.ccxt.emulator.kraken import KrakenDialect
from tradewind.venues.emulation import (
    EmulatedMarket,
    MarketSpec,
)

KEY = "kraken-test-key"
SECRET = base64.b64encode(b"kraken emulator test secret").decode()
BTC = "XXBTZUSD"


Rig = WireRig


@pytest.fixture
def rig() -> Iterator[Rig]:
    specs = {pair: spec for pair, (_, spec) in KrakenDialect.bundled_symbols.items()}
    market = EmulatedMarket(specs, MarketSpec(starting_balances={"ZUSD": D("100000")}))
    with wire_rig("kraken", market, {KEY: SECRET}, primary=BTC, second="XETHZUSD") as rig:
        yield rig


@pytest.fixture
def ex(rig: Rig) -> ccxt.kraken:
    exchange = rig.client()
    exchange.load_markets()
    return exchange


def test_load_markets_reads_kraken_pairs_with_legacy_asset_codes(ex: ccxt.kraken) -> None:
    assert set(ex.markets) == {"BTC/USD", "ETH/USD", "LTC/USD"}
    market = ex.market("BTC/USD")
    assert (market["id"], market["altname"], market["baseId"]) == (BTC, "XBTUSD", "BTC")
    assert (market["precision"]["price"], market["precision"]["amount"]) == (0.1, 1e-08)
    assert market["limits"]["amount"]["min"] == 5e-05
    assert market["active"] is True
    assert ex.currencies["BTC"]["id"] == "XXBT"


def test_server_time_is_the_market_clock_in_seconds(rig: Rig, ex: ccxt.kraken) -> None:
    rig.market.advance_clock(T0_MS + 5 * MINUTE_MS + 1_500)
    assert ex.fetch_time() == T0_MS + 5 * MINUTE_MS + 1_000


def test_fetch_ohlcv_serves_completed_candles_then_the_one_in_progress(
    rig: Rig, ex: ccxt.kraken
) -> None:
    rig.market.advance_clock(T0_MS + 5 * MINUTE_MS + 1_000)
    candles = ex.fetch_ohlcv("BTC/USD", "1m", limit=3)
    assert candles == [
        [T0_MS + 3 * MINUTE_MS, 103.0, 104.0, 102.0, 103.5, 10.0],
        [T0_MS + 4 * MINUTE_MS, 104.0, 105.0, 103.0, 104.5, 10.0],
        [T0_MS + 5 * MINUTE_MS, 104.5, 104.5, 104.5, 104.5, 0.0],
    ]
    raw = ex.publicGetOHLC({"pair": "XBTUSD", "interval": 1})["result"]
    assert int(raw["last"]) == (T0_MS + 4 * MINUTE_MS) // 1000


def test_ohlc_since_is_exclusive_and_intervals_aggregate(ex: ccxt.kraken) -> None:
    raw = ex.publicGetOHLC({"pair": BTC, "interval": 1, "since": (T0_MS + MINUTE_MS) // 1000})
    opens = [int(row[0]) * 1000 for row in raw["result"][BTC]]
    assert opens[0] == T0_MS + 2 * MINUTE_MS
    five = ex.fetch_ohlcv("BTC/USD", "5m", since=T0_MS - 10 * MINUTE_MS)
    assert sum(c[5] for c in five) == 50.0
    with pytest.raises(ccxt.BadRequest):
        ex.publicGetOHLC({"pair": BTC, "interval": 2})


def test_fetch_ticker_shows_the_last_price(ex: ccxt.kraken) -> None:
    ticker = ex.fetch_ticker("BTC/USD")
    assert (ticker["last"], ticker["bid"], ticker["ask"]) == (104.5, 104.4, 104.6)


def test_fetch_balance_shows_the_starting_balances(ex: ccxt.kraken) -> None:
    assert ex.fetch_balance()["USD"] == {"free": 100000.0, "used": 0.0, "total": 100000.0}


def test_a_market_buy_fills_at_the_last_price_with_quote_commission(ex: ccxt.kraken) -> None:
    ack = ex.create_order("BTC/USD", "market", "buy", 0.5)
    order = ex.fetch_order(ack["id"])
    assert (order["status"], order["filled"], order["average"]) == ("closed", 0.5, 104.5)
    assert order["fees"] == [{"cost": 0.05225, "rate": None, "currency": "USD"}]
    balance = ex.fetch_balance()
    assert balance["BTC"]["total"] == 0.5
    assert balance["USD"]["free"] == pytest.approx(100000 - 52.25 - 0.05225)


def test_a_resting_limit_locks_funds_and_fills_when_a_bar_trades_through(
    rig: Rig, ex: ccxt.kraken
) -> None:
    ack = ex.create_order("BTC/USD", "limit", "buy", 1.0, 100.0, {"clientOrderId": "lim-1"})
    assert ex.fetch_balance()["USD"]["used"] == pytest.approx(100.1)
    rig.bar(5, 101, 102, 99.5, 100, 2)  # 25% of 2 = 0.5 fillable
    partial = ex.fetch_order(ack["id"])
    assert (partial["status"], partial["filled"], partial["clientOrderId"]) == (
        "open",
        0.5,
        "lim-1",
    )
    rig.bar(6, 100, 100, 99, 99.5, 100)
    assert ex.fetch_order(ack["id"])["status"] == "closed"
    trades = ex.fetch_my_trades("BTC/USD")
    assert [(t["order"], t["amount"], t["takerOrMaker"]) for t in trades] == [
        (ack["id"], 0.5, "maker"),
        (ack["id"], 0.5, "maker"),
    ]


def test_cancel_releases_the_order_and_a_second_cancel_is_order_not_found(
    ex: ccxt.kraken,
) -> None:
    ack = ex.create_order("BTC/USD", "limit", "buy", 1.0, 90.0)
    assert [o["id"] for o in ex.fetch_open_orders("BTC/USD")] == [ack["id"]]
    ex.cancel_order(ack["id"])
    assert ex.fetch_open_orders() == []
    assert ex.fetch_order(ack["id"])["status"] == "canceled"
    assert ex.fetch_balance()["USD"]["used"] == 0.0
    with pytest.raises(ccxt.OrderNotFound):
        ex.cancel_order(ack["id"])


def test_cancel_by_client_id_and_cancel_all(ex: ccxt.kraken) -> None:
    ex.create_order("BTC/USD", "limit", "buy", 0.1, 90.0, {"clientOrderId": "a"})
    ex.create_order("BTC/USD", "limit", "buy", 0.1, 91.0, {"clientOrderId": "b"})
    ex.create_order("ETH/USD", "limit", "buy", 1.0, 9.0)
    ex.cancel_order(None, None, {"clientOrderId": "a"})
    assert sorted(o["clientOrderId"] or "-" for o in ex.fetch_open_orders()) == ["-", "b"]
    assert int(ex.cancel_all_orders()[0]["info"]["result"]["count"]) == 2
    assert ex.fetch_open_orders() == []


def test_open_and_closed_orders_filter_by_client_id(ex: ccxt.kraken) -> None:
    ex.create_order("BTC/USD", "limit", "buy", 0.1, 90.0, {"clientOrderId": "keep"})
    ex.create_order("BTC/USD", "market", "buy", 0.1, None, {"clientOrderId": "done"})
    assert [o["clientOrderId"] for o in ex.fetch_open_orders(params={"clientOrderId": "keep"})] == [
        "keep"
    ]
    closed = ex.fetch_closed_orders(params={"clientOrderId": "done"})
    assert [(o["clientOrderId"], o["status"]) for o in closed] == [("done", "closed")]


def test_fetch_order_by_client_id_sends_userref_which_kraken_refuses(ex: ccxt.kraken) -> None:
    # ccxt 4.5.18 maps clientOrderId to Kraken's integer userref in QueryOrders.
    ex.create_order("BTC/USD", "limit", "buy", 0.1, 90.0, {"clientOrderId": "text-id"})
    with pytest.raises(ccxt.ExchangeError, match="Invalid arguments:userref"):
        ex.fetch_order(None, "BTC/USD", {"clientOrderId": "text-id"})


def test_userref_tags_orders_and_cancels_them_together(ex: ccxt.kraken) -> None:
    ex.create_order("BTC/USD", "limit", "buy", 0.1, 90.0, {"userref": 7})
    ex.create_order("BTC/USD", "limit", "buy", 0.1, 91.0, {"userref": 7})
    assert len(ex.fetch_open_orders(params={"userref": 7})) == 2
    ex.cancel_order("7")
    assert ex.fetch_open_orders() == []


def test_my_trades_since_is_exclusive_of_the_second(rig: Rig, ex: ccxt.kraken) -> None:
    ex.create_order("BTC/USD", "market", "buy", 0.1)
    rig.bar(5, 104.5, 105, 104, 104.5, 10)
    ex.create_order("BTC/USD", "market", "buy", 0.2)
    later = ex.fetch_my_trades("BTC/USD", since=T0_MS + 6 * MINUTE_MS - 1_000)
    assert [t["amount"] for t in later] == [0.2]


def test_a_stop_loss_limit_triggers_when_a_bar_trades_through_the_stop(
    rig: Rig, ex: ccxt.kraken
) -> None:
    ex.create_order("BTC/USD", "market", "buy", 1.0)
    ack = ex.create_order("BTC/USD", "limit", "sell", 1.0, 99.0, {"stopLossPrice": 100.0})
    placed = ex.fetch_order(ack["id"])
    assert (placed["info"]["descr"]["ordertype"], placed["stopLossPrice"]) == (
        "stop-loss-limit",
        100.0,
    )
    rig.bar(5, 104, 104, 101, 102, 100)
    assert ex.fetch_order(ack["id"])["status"] == "open"
    rig.bar(6, 102, 102, 98, 98.5, 100)
    filled = ex.fetch_order(ack["id"])
    assert (filled["status"], filled["average"]) == ("closed", 100.0)


def test_an_ioc_limit_that_cannot_fill_expires(ex: ccxt.kraken) -> None:
    ack = ex.create_order("BTC/USD", "limit", "buy", 0.1, 90.0, {"timeInForce": "IOC"})
    assert ex.fetch_order(ack["id"])["status"] == "expired"


def test_a_wrong_secret_is_an_invalid_signature(rig: Rig) -> None:
    # Kraken's answer; ccxt maps it to a plain ExchangeError, not AuthenticationError.
    wrong = base64.b64encode(b"not the secret").decode()
    with pytest.raises(ccxt.ExchangeError, match="EAPI:Invalid signature") as caught:
        rig.client(secret=wrong).fetch_balance()
    assert not isinstance(caught.value, ccxt.AuthenticationError)


def test_an_unknown_key_is_an_authentication_error(rig: Rig) -> None:
    with pytest.raises(ccxt.AuthenticationError, match="EAPI:Invalid key"):
        rig.client(key="nobody").fetch_balance()


def test_a_nonce_that_does_not_grow_is_an_invalid_nonce(ex: ccxt.kraken) -> None:
    ex.fetch_balance()
    ex.options["timeDifference"] = 60_000  # the next nonce is a minute smaller
    with pytest.raises(ccxt.InvalidNonce):
        ex.fetch_balance()


def test_a_non_base64_secret_is_refused_at_construction(rig: Rig) -> None:
    with pytest.raises(ValueError, match="base64"):
        KrakenDialect(rig.market, {"k": "not base64!"})


def test_a_duplicate_open_client_id_is_refused(ex: ccxt.kraken) -> None:
    ex.create_order("BTC/USD", "limit", "buy", 0.1, 90.0, {"clientOrderId": "dup"})
    with pytest.raises(ccxt.ExchangeError, match="EOrder:Duplicate order"):
        ex.create_order("BTC/USD", "limit", "buy", 0.1, 90.0, {"clientOrderId": "dup"})


def test_insufficient_funds_and_order_minimum(ex: ccxt.kraken) -> None:
    with pytest.raises(ccxt.InsufficientFunds):
        ex.create_order("BTC/USD", "limit", "buy", 2000.0, 100.0)
    with pytest.raises(ccxt.InvalidOrder, match="Order minimum not met"):
        ex.create_order("BTC/USD", "limit", "buy", 0.00001, 100.0)


def test_rate_limit_answers_rate_limit_exceeded_then_a_lockout(rig: Rig, ex: ccxt.kraken) -> None:
    rig.limiter.limit_per_minute = rig.limiter.used(KEY) + 1
    ex.fetch_balance()
    with pytest.raises(ccxt.DDoSProtection, match="EAPI:Rate limit exceeded"):
        ex.fetch_balance()
    with pytest.raises(ccxt.DDoSProtection, match="EGeneral:Temporary lockout"):
        ex.fetch_balance()


def test_armed_http_faults_keep_krakens_error_shape(rig: Rig, ex: ccxt.kraken) -> None:
    rig.faults.arm("http429", path_prefix="/0/private/BalanceEx")
    with pytest.raises(ccxt.DDoSProtection):
        ex.fetch_balance()
    rig.faults.arm("http5xx", path_prefix="/0/public/Time")
    with pytest.raises(ccxt.ExchangeNotAvailable):
        ex.fetch_time()
    assert ex.fetch_balance()["USD"]["free"] == 100000.0


def test_reject_and_duplicate_ack_faults(rig: Rig, ex: ccxt.kraken) -> None:
    rig.faults.arm("reject", path_prefix="/0/private/AddOrder")
    with pytest.raises(ccxt.InvalidOrder):
        ex.create_order("BTC/USD", "market", "buy", 0.1)
    first = ex.create_order("BTC/USD", "market", "buy", 0.1, None, {"clientOrderId": "once"})
    rig.faults.arm("duplicate_ack", path_prefix="/0/private/AddOrder")
    again = ex.create_order("BTC/USD", "market", "buy", 0.1, None, {"clientOrderId": "once"})
    assert again["id"] == first["id"]
    assert len(rig.market.orders(KEY)) == 1


def _fast(exchange: Any) -> Any:
    exchange.enableRateLimit = False  # ccxt spaces kraken calls 1-3 s apart otherwise
    return exchange


def test_the_adapters_client_builder_works_against_the_dialect(rig: Rig) -> None:
    config = CcxtVenueConfig(
        exchange_id="kraken",
        symbols=("BTC/USD",),
        api_key=KEY,
        secret=SECRET,
        endpoint=rig.server.base_url,
    )
    exchange = _fast(build_exchange(config))
    exchange.load_markets()
    ack = exchange.create_order("BTC/USD", "limit", "buy", 0.1, 90.0, {"clientOrderId": "cfg"})
    assert exchange.fetch_open_orders("BTC/USD")[0]["id"] == ack["id"]
    rig.market.advance_clock(T0_MS + 5 * MINUTE_MS + 30_000)
    data = CcxtMarketData(config, exchange_factory=lambda c: _fast(build_exchange(c)))
    data.connect()
    frame = data.closed_bars(data.instruments()[0], Timeframe.parse("1m"))
    assert frame["close_time"].max().value // 1_000_000 == T0_MS + 5 * MINUTE_MS
