"""Binance's cancel-replace (`POST /api/v3/order/cancelReplace`) through the real ccxt
`binance.edit_order`, against the Binance emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal as D  # noqa: N817 - short literals in tables
from typing import Any

import ccxt
import pytest
from tests.venues.emulation.ccxt_urls import point_ccxt_at

from tradewind.venues.ccxt.emulator import build_emulator
from tradewind.venues.emulation import EmulatedMarket, EmulatorServer, MarketSpec, SymbolSpec

KEY, SECRET = "replace-key", "replace-secret"
T0_MS = 1_700_000_040_000
MINUTE_MS = 60_000
SYMBOL = "BTC/USDT"


@pytest.fixture
def market() -> EmulatedMarket:
    spec = SymbolSpec("BTC", "USDT", D("0.01"), D("0.00001"), D("0.00001"), D("5"))
    market = EmulatedMarket({"BTCUSDT": spec}, MarketSpec(starting_balances={"USDT": D(10_000)}))
    market.trade_bar("BTCUSDT", T0_MS, 100, 101, 99, 100, 10)
    return market


@pytest.fixture
def ex(market: EmulatedMarket) -> Iterator[ccxt.binance]:
    server: EmulatorServer = build_emulator("binance", market, {KEY: SECRET})
    server.start()
    exchange = ccxt.binance({"apiKey": KEY, "secret": SECRET, "enableRateLimit": False})
    point_ccxt_at(exchange, server.base_url)
    exchange.load_markets()
    yield exchange
    server.stop()


def _limit(ex: ccxt.binance, qty: float, price: float, client_id: str) -> Any:
    return ex.create_order(SYMBOL, "limit", "buy", qty, price, {"clientOrderId": client_id})


def _error_data(error: Exception) -> dict[str, Any]:
    """The `data` of the Binance error body that ccxt put in its message."""
    body = str(error).split(" ", 1)[1]
    data: dict[str, Any] = json.loads(body)["data"]
    return data


def test_edit_order_replaces_a_working_limit_under_the_same_client_id(
    ex: ccxt.binance,
) -> None:
    old = _limit(ex, 1.0, 90.0, "keep-1")
    new = ex.edit_order(old["id"], SYMBOL, "limit", "buy", 0.5, 95.0, {"clientOrderId": "keep-1"})
    assert new["id"] != old["id"]
    assert (new["status"], new["amount"], new["price"]) == ("open", 0.5, 95.0)
    assert new["clientOrderId"] == "keep-1"
    assert ex.fetch_order(old["id"], SYMBOL)["status"] == "canceled"
    assert [o["id"] for o in ex.fetch_open_orders(SYMBOL)] == [new["id"]]
    assert ex.fetch_balance()["USDT"]["used"] == pytest.approx(0.5 * 95 * 1.001)
    by_client = ex.fetch_order(None, SYMBOL, {"clientOrderId": "keep-1"})
    assert by_client["id"] == new["id"]


def test_the_answer_carries_the_canceled_order_and_the_new_one(ex: ccxt.binance) -> None:
    old = _limit(ex, 1.0, 90.0, "both")
    answer = ex.privatePostOrderCancelReplace(
        {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
         "quantity": "1", "price": "91", "cancelReplaceMode": "STOP_ON_FAILURE",
         "cancelOrigClientOrderId": "both", "newClientOrderId": "both-2"}
    )  # fmt: skip
    assert (answer["cancelResult"], answer["newOrderResult"]) == ("SUCCESS", "SUCCESS")
    canceled = answer["cancelResponse"]
    assert (str(canceled["orderId"]), canceled["status"]) == (old["id"], "CANCELED")
    assert canceled["origClientOrderId"] == "both"
    placed = answer["newOrderResponse"]
    assert (placed["clientOrderId"], placed["price"], placed["status"]) == (
        "both-2",
        "91.00000000",
        "NEW",
    )


def test_a_new_quantity_off_the_lot_grid_is_refused_before_the_cancel(
    ex: ccxt.binance,
) -> None:
    old = _limit(ex, 1.0, 90.0, "grid")
    with pytest.raises(ccxt.InvalidOrder, match="LOT_SIZE"):
        # ccxt's own edit_order rounds to the grid, so the raw request is sent.
        ex.privatePostOrderCancelReplace(
            {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
             "quantity": "0.000015", "price": "90", "cancelReplaceMode": "STOP_ON_FAILURE",
             "cancelOrderId": old["id"]}
        )  # fmt: skip
    still = ex.fetch_order(old["id"], SYMBOL)
    assert (still["status"], still["amount"], still["price"]) == ("open", 1.0, 90.0)
    assert len(ex.fetch_orders(SYMBOL)) == 1


def test_a_new_price_off_the_tick_is_refused_and_changes_nothing(ex: ccxt.binance) -> None:
    old = _limit(ex, 1.0, 90.0, "tick")
    with pytest.raises(ccxt.InvalidOrder, match="PRICE_FILTER"):
        ex.privatePostOrderCancelReplace(
            {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
             "quantity": "1", "price": "90.005", "cancelReplaceMode": "STOP_ON_FAILURE",
             "cancelOrderId": old["id"]}
        )  # fmt: skip
    assert ex.fetch_order(old["id"], SYMBOL)["status"] == "open"


def test_a_cancel_that_fails_places_nothing_on_stop_on_failure(
    market: EmulatedMarket, ex: ccxt.binance
) -> None:
    filled = ex.create_order(SYMBOL, "market", "buy", 0.1)
    with pytest.raises(ccxt.ExchangeError, match="-2022") as refused:
        ex.edit_order(filled["id"], SYMBOL, "limit", "buy", 0.1, 95.0)
    data = _error_data(refused.value)
    assert (data["cancelResult"], data["newOrderResult"]) == ("FAILURE", "NOT_ATTEMPTED")
    assert data["cancelResponse"] == {"code": -2011, "msg": "Unknown order sent."}
    assert data["newOrderResponse"] is None
    assert len(ex.fetch_orders(SYMBOL)) == 1


def test_a_refused_placement_after_the_cancel_is_a_partial_failure(ex: ccxt.binance) -> None:
    old = _limit(ex, 1.0, 90.0, "broke")
    with pytest.raises(ccxt.ExchangeError, match="-2021") as refused:
        ex.edit_order(old["id"], SYMBOL, "limit", "buy", 200.0, 90.0, {"clientOrderId": "broke"})
    data = _error_data(refused.value)
    assert (data["cancelResult"], data["newOrderResult"]) == ("SUCCESS", "FAILURE")
    assert data["cancelResponse"]["status"] == "CANCELED"
    assert data["newOrderResponse"]["code"] == -2010
    assert ex.fetch_order(old["id"], SYMBOL)["status"] == "canceled"
    assert ex.fetch_open_orders(SYMBOL) == []


def test_allow_failure_places_the_new_order_even_when_the_cancel_fails(
    ex: ccxt.binance,
) -> None:
    with pytest.raises(ccxt.ExchangeError, match="-2021") as partial:
        ex.privatePostOrderCancelReplace(
            {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
             "quantity": "0.1", "price": "90", "cancelReplaceMode": "ALLOW_FAILURE",
             "cancelOrderId": "999", "newClientOrderId": "fresh"}
        )  # fmt: skip
    data = _error_data(partial.value)
    assert (data["cancelResult"], data["newOrderResult"]) == ("FAILURE", "SUCCESS")
    assert [o["clientOrderId"] for o in ex.fetch_open_orders(SYMBOL)] == ["fresh"]


def test_what_the_old_order_filled_stays_with_it_and_the_new_order_starts_fresh(
    market: EmulatedMarket, ex: ccxt.binance
) -> None:
    old = _limit(ex, 1.0, 99.5, "part")
    market.trade_bar("BTCUSDT", T0_MS + MINUTE_MS, 100, 100, 99, 99.5, 2)  # fills 0.5
    new = ex.edit_order(old["id"], SYMBOL, "limit", "buy", 0.5, 98.0, {"clientOrderId": "part"})
    before = ex.fetch_order(old["id"], SYMBOL)
    assert (before["status"], before["filled"], before["amount"]) == ("canceled", 0.5, 1.0)
    assert (new["amount"], new["filled"], new["price"]) == (0.5, 0.0, 98.0)
    assert [t["order"] for t in ex.fetch_my_trades(SYMBOL)] == [old["id"]]


def test_a_cancel_by_client_id_must_match_the_order_id_when_both_are_given(
    ex: ccxt.binance,
) -> None:
    old = _limit(ex, 1.0, 90.0, "pair")
    with pytest.raises(ccxt.ExchangeError, match="-2022"):
        ex.privatePostOrderCancelReplace(
            {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
             "quantity": "1", "price": "91", "cancelReplaceMode": "STOP_ON_FAILURE",
             "cancelOrderId": old["id"], "cancelOrigClientOrderId": "other"}
        )  # fmt: skip
    assert ex.fetch_order(old["id"], SYMBOL)["status"] == "open"
