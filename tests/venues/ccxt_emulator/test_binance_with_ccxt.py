"""The real ccxt `binance` class against the Binance emulator, only the URLs changed."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal as D  # noqa: N817 - short literals in tables

import ccxt
import pytest
from tests.venues.ccxt_emulator.wire_rig import MINUTE_MS, T0_MS, WireRig, wire_rig

from tradewind.venues.emulation import (
    EmulatedMarket,
    MarketSpec,
    SymbolSpec,
)

KEY, SECRET = "test-key", "test-secret"


Rig = WireRig


def _market() -> EmulatedMarket:
    specs = {
        "BTCUSDT": SymbolSpec("BTC", "USDT", D("0.01"), D("0.00001"), D("0.00001"), D("5")),
        "ETHUSDT": SymbolSpec("ETH", "USDT", D("0.01"), D("0.0001"), D("0.0001"), D("5")),
    }
    return EmulatedMarket(specs, MarketSpec(starting_balances={"USDT": D("100000")}))


@pytest.fixture
def rig() -> Iterator[Rig]:
    market = _market()
    with wire_rig("binance", market, {KEY: SECRET}, primary="BTCUSDT", second="ETHUSDT") as rig:
        yield rig


@pytest.fixture
def ex(rig: Rig) -> ccxt.binance:
    exchange = rig.client()
    exchange.load_markets()
    return exchange


def test_load_markets_reads_symbols_and_filters(ex: ccxt.binance) -> None:
    market = ex.market("BTC/USDT")
    assert market["id"] == "BTCUSDT"
    assert (market["precision"]["amount"], market["precision"]["price"]) == (1e-05, 0.01)
    assert market["limits"]["cost"]["min"] == 5.0
    assert set(ex.markets) == {"BTC/USDT", "ETH/USDT"}


def test_server_time_is_the_market_clock(ex: ccxt.binance) -> None:
    assert ex.fetch_time() == T0_MS + 5 * MINUTE_MS


def test_fetch_ohlcv_serves_completed_bars_then_the_one_in_progress(
    rig: Rig, ex: ccxt.binance
) -> None:
    rig.market.advance_clock(T0_MS + 5 * MINUTE_MS + 1_000)
    candles = ex.fetch_ohlcv("BTC/USDT", "1m", limit=3)
    assert candles == [
        [T0_MS + 3 * MINUTE_MS, 103.0, 104.0, 102.0, 103.5, 10.0],
        [T0_MS + 4 * MINUTE_MS, 104.0, 105.0, 103.0, 104.5, 10.0],
        [T0_MS + 5 * MINUTE_MS, 104.5, 104.5, 104.5, 104.5, 0.0],
    ]


def test_fetch_ohlcv_aggregates_the_base_bars(ex: ccxt.binance) -> None:
    candles = ex.fetch_ohlcv("BTC/USDT", "5m", since=T0_MS - 10 * MINUTE_MS)
    first = candles[0]
    assert first[0] % (5 * MINUTE_MS) == 0
    assert sum(c[5] for c in candles) == 50.0


def test_an_unsupported_interval_is_a_bad_request(ex: ccxt.binance) -> None:
    with pytest.raises(ccxt.BadRequest):
        ex.fetch_ohlcv("BTC/USDT", "1s")


def test_fetch_balance_shows_the_starting_balances(ex: ccxt.binance) -> None:
    balance = ex.fetch_balance()
    assert balance["USDT"] == {"free": 100000.0, "used": 0.0, "total": 100000.0}


def test_a_market_buy_fills_at_the_last_price_with_quote_commission(ex: ccxt.binance) -> None:
    order = ex.create_order("BTC/USDT", "market", "buy", 0.5)
    assert (order["status"], order["filled"], order["average"]) == ("closed", 0.5, 104.5)
    assert order["fee"] == {"currency": "USDT", "cost": 0.05225}
    balance = ex.fetch_balance()
    assert balance["BTC"]["free"] == 0.5
    assert balance["USDT"]["free"] == pytest.approx(100000 - 52.25 - 0.05225)


def test_a_resting_limit_locks_funds_and_fills_when_a_bar_trades_through(
    rig: Rig, ex: ccxt.binance
) -> None:
    order = ex.create_order("BTC/USDT", "limit", "buy", 1.0, 100.0, {"clientOrderId": "lim-1"})
    assert order["status"] == "open"
    assert ex.fetch_balance()["USDT"]["used"] == pytest.approx(100.1)
    rig.bar(5, 101, 102, 99.5, 100, 2)  # 25% of 2 = 0.5 fillable
    partial = ex.fetch_order(order["id"], "BTC/USDT")
    assert (partial["status"], partial["filled"], partial["average"]) == ("open", 0.5, 100.0)
    rig.bar(6, 100, 100, 99, 99.5, 100)
    by_client = ex.fetch_order(None, "BTC/USDT", {"clientOrderId": "lim-1"})
    assert (by_client["id"], by_client["status"], by_client["filled"]) == (
        order["id"],
        "closed",
        1.0,
    )
    trades = ex.fetch_my_trades("BTC/USDT")
    assert [(t["order"], t["amount"], t["takerOrMaker"]) for t in trades] == [
        (order["id"], 0.5, "maker"),
        (order["id"], 0.5, "maker"),
    ]


def test_cancel_releases_the_order_and_its_funds(ex: ccxt.binance) -> None:
    order = ex.create_order("BTC/USDT", "limit", "buy", 1.0, 90.0)
    assert [o["id"] for o in ex.fetch_open_orders("BTC/USDT")] == [order["id"]]
    canceled = ex.cancel_order(order["id"], "BTC/USDT")
    assert canceled["status"] == "canceled"
    assert ex.fetch_open_orders("BTC/USDT") == []
    assert ex.fetch_balance()["USDT"]["used"] == 0.0
    with pytest.raises(ccxt.OrderNotFound):
        ex.cancel_order(order["id"], "BTC/USDT")


def test_cancel_all_orders_cancels_every_open_order_of_the_symbol(ex: ccxt.binance) -> None:
    ex.create_order("BTC/USDT", "limit", "buy", 0.1, 90.0)
    ex.create_order("BTC/USDT", "limit", "buy", 0.1, 91.0)
    ex.create_order("ETH/USDT", "limit", "buy", 1.0, 9.0)
    canceled = ex.cancel_all_orders("BTC/USDT")
    assert [o["status"] for o in canceled] == ["canceled", "canceled"]
    assert len(ex.fetch_open_orders("ETH/USDT")) == 1


def test_fetch_orders_lists_every_order_and_my_trades_honour_since(
    rig: Rig, ex: ccxt.binance
) -> None:
    ex.create_order("BTC/USDT", "market", "buy", 0.1)
    rig.bar(5, 104.5, 105, 104, 104.5, 10)
    ex.create_order("BTC/USDT", "market", "buy", 0.2)
    assert [o["amount"] for o in ex.fetch_orders("BTC/USDT")] == [0.1, 0.2]
    later = ex.fetch_my_trades("BTC/USDT", since=T0_MS + 6 * MINUTE_MS)
    assert [t["amount"] for t in later] == [0.2]
    first_id = ex.fetch_my_trades("BTC/USDT")[0]["id"]
    assert len(ex.fetch_my_trades("BTC/USDT", params={"fromId": int(first_id) + 1})) == 1


def test_a_stop_limit_triggers_when_a_bar_trades_through_the_stop(
    rig: Rig, ex: ccxt.binance
) -> None:
    ex.create_order("BTC/USDT", "market", "buy", 1.0)
    stop = ex.create_order("BTC/USDT", "limit", "sell", 1.0, 99.0, {"stopPrice": 100.0})
    assert ex.fetch_order(stop["id"], "BTC/USDT")["info"]["type"] == "STOP_LOSS_LIMIT"
    rig.bar(5, 104, 104, 101, 102, 100)
    assert ex.fetch_order(stop["id"], "BTC/USDT")["status"] == "open"
    rig.bar(6, 102, 102, 98, 98.5, 100)
    filled = ex.fetch_order(stop["id"], "BTC/USDT")
    assert (filled["status"], filled["average"]) == ("closed", 100.0)


def test_a_wrong_secret_is_an_authentication_error(rig: Rig) -> None:
    with pytest.raises(ccxt.AuthenticationError, match="-1022"):
        rig.client(secret="wrong").fetch_balance()


def test_an_unknown_key_is_an_authentication_error(rig: Rig) -> None:
    with pytest.raises(ccxt.AuthenticationError, match="-2015"):
        rig.client(key="nobody").fetch_balance()


def test_a_duplicate_open_client_id_is_an_invalid_order(ex: ccxt.binance) -> None:
    ex.create_order("BTC/USDT", "limit", "buy", 0.1, 90.0, {"clientOrderId": "dup"})
    with pytest.raises(ccxt.InvalidOrder, match="Duplicate order sent"):
        ex.create_order("BTC/USDT", "limit", "buy", 0.1, 90.0, {"clientOrderId": "dup"})


def test_insufficient_balance_is_insufficient_funds(ex: ccxt.binance) -> None:
    with pytest.raises(ccxt.InsufficientFunds):
        ex.create_order("BTC/USDT", "limit", "buy", 2000.0, 100.0)


def test_a_quantity_off_the_lot_grid_is_a_lot_size_failure(ex: ccxt.binance) -> None:
    request = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.000015"}
    with pytest.raises(ccxt.InvalidOrder, match="MARKET_LOT_SIZE"):
        ex.privatePostOrder(request)


def test_rate_limit_answers_429_then_bans_with_418(rig: Rig, ex: ccxt.binance) -> None:
    rig.limiter.limit_per_minute = rig.limiter.used(KEY) + 20
    ex.fetch_balance()  # weight 20: exactly at the limit
    with pytest.raises(ccxt.DDoSProtection, match="429"):
        ex.fetch_balance()
    with pytest.raises(ccxt.DDoSProtection, match="418"):
        ex.fetch_balance()


def test_armed_http429_and_418_are_ddos_protection(rig: Rig, ex: ccxt.binance) -> None:
    rig.faults.arm("http429", path_prefix="/api/v3/account")
    with pytest.raises(ccxt.DDoSProtection, match="429"):
        ex.fetch_balance()
    rig.faults.arm("http418")
    with pytest.raises(ccxt.DDoSProtection, match="418"):
        ex.fetch_balance()
    assert ex.fetch_balance()["USDT"]["free"] == 100000.0


def test_a_skewed_auth_clock_is_an_invalid_nonce(rig: Rig, ex: ccxt.binance) -> None:
    rig.faults.arm("skew", path_prefix="/api/v3/account")
    with pytest.raises(ccxt.InvalidNonce):
        ex.fetch_balance()


def test_a_timeout_places_the_order_but_withholds_the_answer(rig: Rig, ex: ccxt.binance) -> None:
    ex.timeout = 300
    rig.faults.arm("timeout", path_prefix="/api/v3/order", method="POST")
    with pytest.raises(ccxt.RequestTimeout):
        ex.create_order("BTC/USDT", "limit", "buy", 0.1, 90.0, {"clientOrderId": "lost"})
    ex.timeout = 10_000
    assert ex.fetch_order(None, "BTC/USDT", {"clientOrderId": "lost"})["status"] == "open"


def test_a_drop_closes_the_connection_without_placing_the_order(rig: Rig, ex: ccxt.binance) -> None:
    rig.faults.arm("drop", path_prefix="/api/v3/order", method="POST")
    with pytest.raises(ccxt.NetworkError):
        ex.create_order("BTC/USDT", "limit", "buy", 0.1, 90.0, {"clientOrderId": "gone"})
    assert ex.fetch_open_orders("BTC/USDT") == []


def test_a_reject_fault_refuses_the_order(rig: Rig, ex: ccxt.binance) -> None:
    rig.faults.arm("reject", path_prefix="/api/v3/order", method="POST")
    with pytest.raises(ccxt.InvalidOrder):
        ex.create_order("BTC/USDT", "market", "buy", 0.1)
    assert rig.market.orders(KEY) == []


def test_duplicate_ack_returns_the_first_order_for_a_reused_client_id(
    rig: Rig, ex: ccxt.binance
) -> None:
    first = ex.create_order("BTC/USDT", "market", "buy", 0.1, None, {"clientOrderId": "once"})
    rig.faults.arm("duplicate_ack", path_prefix="/api/v3/order", method="POST")
    again = ex.create_order("BTC/USDT", "market", "buy", 0.1, None, {"clientOrderId": "once"})
    assert again["id"] == first["id"]
    assert len(rig.market.orders(KEY)) == 1


def test_a_stopped_emulator_refuses_connections(rig: Rig, ex: ccxt.binance) -> None:
    rig.server.stop()
    rig.server.stop()
    with pytest.raises(ccxt.NetworkError):
        ex.fetch_time()
