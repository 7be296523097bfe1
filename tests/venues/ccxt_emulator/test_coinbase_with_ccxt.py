"""The real ccxt `coinbase` class against the Coinbase emulator, only the URLs changed."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from decimal import Decimal as D  # noqa: N817 - short literals in tables

import ccxt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from tests.venues.ccxt_emulator.wire_rig import MINUTE_MS, T0_MS, WireRig, wire_rig
from tests.venues.emulation.ccxt_urls import point_ccxt_at

from tradewind.venues.ccxt.client import build_exchange
from tradewind.venues.ccxt.config import CcxtVenueConfig
from tradewind.venues.ccxt.emulator.coinbase import CoinbaseDialect
from tradewind.venues.emulation import (
    EmulatedMarket,
    EmulatorServer,
    FaultInjector,
    MarketSpec,
)

KEY = "coinbase-test-key"
SECRET = "coinbase emulator test secret"
BTC = "BTC-USD"
CANDLES = "/api/v3/brokerage/market/products/BTC-USD/candles"


def _es256_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()


def _ed25519_secret() -> str:
    key = ed25519.Ed25519PrivateKey.generate()
    seed = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return base64.b64encode(seed + public).decode()


ES_KEY, ES_PEM = "organizations/emu/apiKeys/es", _es256_pem()
ED_KEY, ED_SECRET = "ed-key", _ed25519_secret()


Rig = WireRig


@pytest.fixture
def rig() -> Iterator[Rig]:
    specs = {pid: spec for pid, (_, spec) in CoinbaseDialect.bundled_symbols.items()}
    market = EmulatedMarket(specs, MarketSpec(starting_balances={"USD": D("100000")}))
    credentials = {KEY: SECRET, ES_KEY: ES_PEM, ED_KEY: ED_SECRET}
    with wire_rig("coinbase", market, credentials, primary=BTC, second="ETH-USD") as rig:
        yield rig


@pytest.fixture
def ex(rig: Rig) -> ccxt.coinbase:
    exchange = rig.client()
    exchange.load_markets()
    return exchange


def test_load_markets_reads_spot_products_currencies_and_the_fee_tier(ex: ccxt.coinbase) -> None:
    assert set(ex.markets) == {"BTC/USD", "ETH/USD", "LTC/USD"}
    market = ex.market("BTC/USD")
    assert (market["id"], market["spot"], market["active"]) == (BTC, True, True)
    assert (market["precision"]["price"], market["precision"]["amount"]) == (0.01, 1e-08)
    assert (market["limits"]["amount"]["min"], market["limits"]["cost"]["min"]) == (1e-08, 1.0)
    assert (market["taker"], market["maker"]) == (0.001, 0.001)
    assert (ex.currencies["BTC"]["type"], ex.currencies["USD"]["type"]) == ("crypto", "fiat")


def test_server_time_is_the_market_clock_in_seconds_on_v2_and_v3(
    rig: Rig, ex: ccxt.coinbase
) -> None:
    rig.market.advance_clock(T0_MS + 5 * MINUTE_MS + 1_500)
    assert ex.fetch_time() == T0_MS + 5 * MINUTE_MS + 1_000
    assert ex.fetch_time({"method": "v3PublicGetBrokerageTime"}) == T0_MS + 5 * MINUTE_MS + 1_000


def test_fetch_ohlcv_serves_completed_candles_then_the_one_in_progress(
    rig: Rig, ex: ccxt.coinbase
) -> None:
    rig.market.advance_clock(T0_MS + 5 * MINUTE_MS + 1_000)
    candles = ex.fetch_ohlcv("BTC/USD", "1m", since=T0_MS + 3 * MINUTE_MS, limit=3)
    assert candles == [
        [T0_MS + 3 * MINUTE_MS, 103.0, 104.0, 102.0, 103.5, 10.0],
        [T0_MS + 4 * MINUTE_MS, 104.0, 105.0, 103.0, 104.5, 10.0],
        [T0_MS + 5 * MINUTE_MS, 104.5, 104.5, 104.5, 104.5, 0.0],
    ]


def test_raw_candles_are_newest_first_in_start_inclusive_end_exclusive_windows(
    ex: ccxt.coinbase,
) -> None:
    start_s = T0_MS // 1000
    raw = ex.v3PublicGetBrokerageMarketProductsProductIdCandles(
        {"product_id": BTC, "granularity": "ONE_MINUTE", "start": start_s, "end": start_s + 180}
    )
    assert [int(c["start"]) for c in raw["candles"]] == [start_s + 120, start_s + 60, start_s]
    five = ex.fetch_ohlcv("BTC/USD", "5m", since=T0_MS - 5 * MINUTE_MS, limit=3)
    assert sum(c[5] for c in five) == 50.0


def test_bad_granularity_and_too_many_candles_are_bad_requests(ex: ccxt.coinbase) -> None:
    start_s = T0_MS // 1000
    with pytest.raises(ccxt.BadRequest, match="granularity"):
        ex.v3PublicGetBrokerageMarketProductsProductIdCandles(
            {"product_id": BTC, "granularity": "TWO_MINUTE", "start": start_s, "end": start_s}
        )
    with pytest.raises(ccxt.BadRequest, match="less than 350"):
        ex.v3PublicGetBrokerageMarketProductsProductIdCandles(
            {
                "product_id": BTC,
                "granularity": "ONE_MINUTE",
                "start": start_s,
                "end": start_s + 351 * 60,
            }
        )


def test_fetch_ticker_and_order_book_show_the_last_price(ex: ccxt.coinbase) -> None:
    ticker = ex.fetch_ticker("BTC/USD")
    assert (ticker["last"], ticker["bid"], ticker["ask"]) == (104.5, 104.49, 104.51)
    book = ex.fetch_order_book("BTC/USD", 2)
    assert [level[0] for level in book["bids"]] == [104.49, 104.48]


def test_fetch_balance_reads_v2_accounts_and_v3_accounts_show_holds(ex: ccxt.coinbase) -> None:
    assert ex.fetch_balance()["USD"] == {"free": 100000.0, "used": 0.0, "total": 100000.0}
    ex.create_order("BTC/USD", "limit", "buy", 1.0, 100.0)
    v3 = ex.fetch_balance({"v3": True})["USD"]
    assert (v3["used"], v3["total"]) == (pytest.approx(100.1), 100000.0)


def test_a_market_buy_spends_amount_times_price_and_fills_at_the_last_price(
    ex: ccxt.coinbase,
) -> None:
    ack = ex.create_order("BTC/USD", "market", "buy", 0.5, 104.5)
    order = ex.fetch_order(ack["id"])
    assert order["info"]["order_configuration"] == {"market_market_ioc": {"quote_size": "52.25"}}
    assert (order["status"], order["filled"], order["average"]) == ("closed", 0.5, 104.5)
    assert order["fee"]["cost"] == "0.05225"
    balance = ex.fetch_balance()
    assert balance["BTC"]["total"] == 0.5
    assert balance["USD"]["total"] == pytest.approx(100000 - 52.25 - 0.05225)


def test_a_market_sell_sends_base_size(ex: ccxt.coinbase) -> None:
    ex.create_order("BTC/USD", "market", "buy", 1.0, 104.5)
    ack = ex.create_order("BTC/USD", "market", "sell", 0.4)
    order = ex.fetch_order(ack["id"])
    assert order["info"]["order_configuration"] == {"market_market_ioc": {"base_size": "0.4"}}
    assert (order["status"], order["filled"]) == ("closed", 0.4)


def test_a_resting_limit_fills_when_bars_trade_through_and_fills_are_makers(
    rig: Rig, ex: ccxt.coinbase
) -> None:
    ack = ex.create_order("BTC/USD", "limit", "buy", 1.0, 100.0, {"clientOrderId": "ignored"})
    rig.bar(5, 101, 102, 99.5, 100, 2)  # 25% of 2 = 0.5 fillable
    partial = ex.fetch_order(ack["id"])
    assert (partial["status"], partial["filled"], partial["type"]) == ("open", 0.5, "limit")
    assert partial["clientOrderId"].startswith("ccxt-")  # ccxt always sends its own id
    rig.bar(6, 100, 100, 99, 99.5, 100)
    assert ex.fetch_order(ack["id"])["status"] == "closed"
    trades = ex.fetch_my_trades("BTC/USD")
    assert [(t["order"], t["amount"], t["takerOrMaker"]) for t in trades] == [
        (ack["id"], 0.5, "maker"),
        (ack["id"], 0.5, "maker"),
    ]


def test_cancel_releases_the_order_and_a_second_cancel_fails(ex: ccxt.coinbase) -> None:
    ack = ex.create_order("BTC/USD", "limit", "buy", 1.0, 90.0)
    assert [o["id"] for o in ex.fetch_open_orders("BTC/USD")] == [ack["id"]]
    ex.cancel_order(ack["id"])
    assert ex.fetch_open_orders() == []
    assert ex.fetch_order(ack["id"])["status"] == "canceled"
    assert ex.fetch_balance({"v3": True})["USD"]["used"] == 0.0
    with pytest.raises(ccxt.BadRequest):
        ex.cancel_order(ack["id"])
    raw = ex.v3PrivatePostBrokerageOrdersBatchCancel({"order_ids": [ack["id"]]})
    assert raw["results"][0]["failure_reason"] == "DUPLICATE_CANCEL_REQUEST"


def test_open_closed_and_canceled_listings_filter_by_status_and_product(
    ex: ccxt.coinbase,
) -> None:
    keep = ex.create_order("BTC/USD", "limit", "buy", 0.1, 90.0)
    eth = ex.create_order("ETH/USD", "limit", "buy", 1.0, 9.0)
    done = ex.create_order("BTC/USD", "market", "buy", 0.1, 104.5)
    gone = ex.create_order("BTC/USD", "limit", "buy", 0.1, 91.0)
    ex.cancel_order(gone["id"])
    assert [o["id"] for o in ex.fetch_open_orders()] == [eth["id"], keep["id"]]
    assert [o["id"] for o in ex.fetch_open_orders("BTC/USD")] == [keep["id"]]
    assert [o["id"] for o in ex.fetch_closed_orders()] == [done["id"]]
    assert [o["id"] for o in ex.fetch_canceled_orders()] == [gone["id"]]
    assert len(ex.fetch_orders()) == 4


def test_order_listings_page_with_a_cursor(ex: ccxt.coinbase) -> None:
    for price in (90.0, 91.0, 92.0):
        ex.create_order("BTC/USD", "limit", "buy", 0.1, price)
    first = ex.v3PrivateGetBrokerageOrdersHistoricalBatch({"limit": 2})
    assert (len(first["orders"]), first["has_next"]) == (2, True)
    rest = ex.v3PrivateGetBrokerageOrdersHistoricalBatch({"limit": 2, "cursor": first["cursor"]})
    assert (len(rest["orders"]), rest["has_next"], rest["cursor"]) == (1, False, "")
    assert rest["orders"][0]["order_configuration"]["limit_limit_gtc"]["limit_price"] == "90"


def test_my_trades_since_is_inclusive(rig: Rig, ex: ccxt.coinbase) -> None:
    ex.create_order("BTC/USD", "market", "buy", 0.1, 104.5)
    rig.bar(5, 104.5, 105, 104, 104.5, 10)
    ex.create_order("BTC/USD", "market", "buy", 0.2, 104.5)
    later = ex.fetch_my_trades("BTC/USD", since=T0_MS + 6 * MINUTE_MS)
    assert [t["amount"] for t in later] == [0.2]


def test_a_stop_loss_limit_triggers_when_a_bar_trades_through_the_stop(
    rig: Rig, ex: ccxt.coinbase
) -> None:
    ex.create_order("BTC/USD", "market", "buy", 1.0, 104.5)
    ack = ex.create_order("BTC/USD", "limit", "sell", 1.0, 99.0, {"stopLossPrice": 100.0})
    placed = ex.fetch_order(ack["id"])
    terms = placed["info"]["order_configuration"]["stop_limit_stop_limit_gtc"]
    assert (terms["stop_direction"], placed["triggerPrice"]) == ("STOP_DIRECTION_STOP_DOWN", 100.0)
    assert placed["info"]["trigger_status"] == "STOP_PENDING"
    rig.bar(5, 104, 104, 101, 102, 100)
    assert ex.fetch_order(ack["id"])["status"] == "open"
    rig.bar(6, 102, 102, 98, 98.5, 100)
    filled = ex.fetch_order(ack["id"])
    assert (filled["status"], filled["average"]) == ("closed", 100.0)


def test_a_stop_that_would_trigger_at_once_is_an_invalid_order(ex: ccxt.coinbase) -> None:
    ex.create_order("BTC/USD", "market", "buy", 1.0, 104.5)
    with pytest.raises(ccxt.InvalidOrder, match="PREVIEW_STOP_PRICE_ABOVE_LAST_TRADE_PRICE"):
        ex.create_order("BTC/USD", "limit", "sell", 1.0, 104.0, {"stopLossPrice": 105.0})


def test_an_ioc_limit_that_cannot_fill_expires(ex: ccxt.coinbase) -> None:
    ack = ex.create_order("BTC/USD", "limit", "buy", 0.1, 90.0, {"timeInForce": "IOC"})
    order = ex.fetch_order(ack["id"])
    assert (order["info"]["status"], order["status"], order["timeInForce"]) == (
        "EXPIRED",
        "canceled",
        "IOC",
    )


def test_a_reused_client_order_id_answers_with_the_first_order(ex: ccxt.coinbase) -> None:
    body = {
        "client_order_id": "once",
        "product_id": BTC,
        "side": "BUY",
        "order_configuration": {"limit_limit_gtc": {"base_size": "0.1", "limit_price": "90"}},
    }
    first = ex.v3PrivatePostBrokerageOrders(body)
    again = ex.v3PrivatePostBrokerageOrders(body)
    assert again["success_response"]["order_id"] == first["success_response"]["order_id"]
    assert len(ex.fetch_open_orders()) == 1


def test_unsupported_configurations_and_missing_fields_are_bad_requests(
    ex: ccxt.coinbase,
) -> None:
    with pytest.raises(ccxt.BadRequest):
        ex.create_order(
            "BTC/USD", "limit", "buy", 0.1, 90.0, {"timeInForce": "GTD", "end_time": "2030-01-01"}
        )
    with pytest.raises(ccxt.BadRequest, match="client_order_id"):
        ex.v3PrivatePostBrokerageOrders({"product_id": BTC, "side": "BUY"})


def test_insufficient_funds_is_refused_with_coinbases_preview_reason(ex: ccxt.coinbase) -> None:
    with pytest.raises(ccxt.InsufficientFunds, match="PREVIEW_INSUFFICIENT_FUND"):
        ex.create_order("BTC/USD", "limit", "buy", 2000.0, 100.0)
    assert ex.fetch_open_orders() == []


def test_an_unknown_order_id_is_an_exchange_error(ex: ccxt.coinbase) -> None:
    # ccxt 4.5.18's broad pattern reads "with self orderID" (a transpiler slip), so Coinbase's
    # "order with this orderID was not found" stays a plain ExchangeError.
    with pytest.raises(ccxt.ExchangeError, match="was not found") as caught:
        ex.fetch_order("7c0e3a52-5b1d-4f6a-9e28-0000000000ff")
    assert not isinstance(caught.value, ccxt.OrderNotFound)


def test_a_wrong_secret_and_an_unknown_key_are_authentication_errors(rig: Rig) -> None:
    with pytest.raises(ccxt.AuthenticationError, match="invalid signature"):
        rig.client(secret="not the secret").fetch_balance()
    with pytest.raises(ccxt.AuthenticationError, match="invalid api key"):
        rig.client(key="nobody").fetch_balance()


def test_a_skewed_clock_makes_the_timestamp_expire(rig: Rig) -> None:
    # The default window is 30 s; the armed skew is 3 s, so this server allows 1 s.
    dialect = CoinbaseDialect(rig.market, {KEY: SECRET}, timestamp_window_s=1)
    with EmulatorServer(dialect, faults=FaultInjector(seed=1)) as server:
        exchange = ccxt.coinbase({"apiKey": KEY, "secret": SECRET, "enableRateLimit": False})
        point_ccxt_at(exchange, server.base_url)
        exchange.load_markets()
        assert server.faults is not None
        server.faults.arm("skew", path_prefix="/v2/accounts")
        with pytest.raises(ccxt.AuthenticationError, match="request timestamp expired"):
            exchange.fetch_balance()
        assert exchange.fetch_balance()["USD"]["total"] == 100000.0


def test_cdp_keys_sign_es256_and_eddsa_jwts(rig: Rig) -> None:
    for key, secret in ((ES_KEY, ES_PEM), (ED_KEY, ED_SECRET)):
        client = rig.client(key=key, secret=secret)
        ack = client.create_order("BTC/USD", "limit", "buy", 0.1, 90.0)
        assert [o["id"] for o in client.fetch_open_orders()] == [ack["id"]]
    with pytest.raises(ccxt.AuthenticationError, match="invalid signature"):
        rig.client(key=ES_KEY, secret=_es256_pem()).fetch_balance()


def test_an_unreadable_pem_secret_is_refused_at_construction(rig: Rig) -> None:
    with pytest.raises(ValueError, match="PEM EC private key"):
        CoinbaseDialect(rig.market, {"k": "-----BEGIN EC PRIVATE KEY-----\nnope\n"})


def test_rate_limit_answers_rate_limit_exceeded(rig: Rig, ex: ccxt.coinbase) -> None:
    rig.limiter.limit_per_minute = rig.limiter.used(KEY) + 1
    ex.fetch_balance({"v3": True})
    with pytest.raises(ccxt.RateLimitExceeded, match="rate_limit_exceeded"):
        ex.fetch_balance({"v3": True})
    with pytest.raises(ccxt.RateLimitExceeded):
        ex.fetch_balance({"v3": True})


def test_armed_http_faults_keep_coinbases_error_shape(rig: Rig, ex: ccxt.coinbase) -> None:
    rig.faults.arm("http429", path_prefix="/v2/accounts")
    with pytest.raises(ccxt.RateLimitExceeded):
        ex.fetch_balance()
    rig.faults.arm("http5xx", path_prefix="/v2/time")
    with pytest.raises(ccxt.ExchangeNotAvailable):
        ex.fetch_time()
    assert ex.fetch_balance()["USD"]["total"] == 100000.0


def test_the_reject_fault_refuses_an_order(rig: Rig, ex: ccxt.coinbase) -> None:
    rig.faults.arm("reject", path_prefix="/api/v3/brokerage/orders", method="POST")
    with pytest.raises(ccxt.ExchangeError, match="UNKNOWN_FAILURE_REASON"):
        ex.create_order("BTC/USD", "market", "buy", 0.1, 104.5)
    assert rig.market.orders(KEY) == []


def test_the_adapters_client_builder_works_against_the_dialect(rig: Rig) -> None:
    config = CcxtVenueConfig(
        exchange_id="coinbase",
        symbols=("BTC/USD",),
        api_key=KEY,
        secret=SECRET,
        endpoint=rig.server.base_url,
    )
    exchange = build_exchange(config)
    exchange.enableRateLimit = False
    exchange.load_markets()
    ack = exchange.create_order("BTC/USD", "limit", "buy", 0.1, 90.0)
    assert exchange.fetch_open_orders("BTC/USD")[0]["id"] == ack["id"]
    assert exchange.fetch_ohlcv("BTC/USD", "1m", since=T0_MS, limit=2)[0][0] == T0_MS
