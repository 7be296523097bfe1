"""alpaca-py against the Alpaca emulator: the order lifecycle."""

from __future__ import annotations

from datetime import datetime

import pytest
import requests
from alpaca.common.exceptions import APIError
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, OrderStatus, QueryOrderStatus, TimeInForce
from alpaca.trading.models import Order
from alpaca.trading.requests import (
    GetOrdersRequest,
    LimitOrderRequest,
    MarketOrderRequest,
    ReplaceOrderRequest,
    StopOrderRequest,
    TrailingStopOrderRequest,
)
from tests.venues.alpaca_emulator.rig import MINUTE_MS, AlpacaRig, ms


def _market(
    qty: float = 10, side: OrderSide = OrderSide.BUY, client_id: str | None = None
) -> MarketOrderRequest:
    return MarketOrderRequest(
        symbol="AAPL", qty=qty, side=side, time_in_force=TimeInForce.DAY, client_order_id=client_id
    )


def _limit(price: float, qty: float = 5, tif: TimeInForce = TimeInForce.GTC) -> LimitOrderRequest:
    return LimitOrderRequest(
        symbol="AAPL", qty=qty, side=OrderSide.BUY, time_in_force=tif, limit_price=price
    )


def _trade_monday_open(rig: AlpacaRig, open_price: float) -> None:
    start = ms("2024-01-08T14:30:00")
    rig.market.trade_bar(
        "AAPL",
        start,
        open_price,
        open_price + 1,
        open_price - 1,
        open_price,
        1000,
        start + MINUTE_MS,
    )


def test_a_market_order_while_open_fills_at_once_at_the_last_price(
    client: TradingClient,
) -> None:
    order = client.submit_order(_market(client_id="m-1"))
    assert isinstance(order, Order)
    assert order.status is OrderStatus.FILLED
    assert (order.filled_qty, order.filled_avg_price, order.client_order_id) == (
        "10",
        "104.5",
        "m-1",
    )
    assert order.filled_at == datetime.fromisoformat("2024-01-05T14:35:00+00:00")
    assert order.expires_at == datetime.fromisoformat("2024-01-05T21:00:00+00:00")
    assert client.get_account().cash == "98955"


def test_a_market_order_while_closed_is_accepted_then_fills_at_the_next_open(
    rig: AlpacaRig, client: TradingClient
) -> None:
    rig.market.advance_clock(ms("2024-01-05T22:00:00"))
    order = client.submit_order(_market())
    assert order.status is OrderStatus.ACCEPTED
    assert order.filled_qty == "0"
    assert order.filled_avg_price is None
    _trade_monday_open(rig, 110.0)
    filled = client.get_order_by_id(order.id)
    assert filled.status is OrderStatus.FILLED
    assert filled.filled_avg_price == "110"


def test_a_limit_order_rests_then_fills_when_a_bar_trades_through_it(
    rig: AlpacaRig, client: TradingClient
) -> None:
    order = client.submit_order(_limit(100.25))
    assert order.status is OrderStatus.NEW
    rig.minute(5, 104, 104.5, 103, 103.5)
    assert client.get_order_by_id(order.id).status is OrderStatus.NEW
    rig.minute(6, 101, 101.5, 100, 100.75)
    filled = client.get_order_by_id(order.id)
    assert (filled.status, filled.filled_avg_price) == (OrderStatus.FILLED, "100.25")


def test_a_stop_order_triggers_when_a_bar_trades_through_the_stop(
    rig: AlpacaRig, client: TradingClient
) -> None:
    request = StopOrderRequest(
        symbol="AAPL", qty=2, side=OrderSide.BUY, time_in_force=TimeInForce.GTC, stop_price=106
    )
    order = client.submit_order(request)
    assert (order.status, order.stop_price) == (OrderStatus.NEW, "106")
    rig.minute(5, 105, 107, 104.5, 106.5)
    assert client.get_order_by_id(order.id).filled_avg_price == "106"


def test_a_day_order_expires_at_the_session_close(rig: AlpacaRig, client: TradingClient) -> None:
    order = client.submit_order(_limit(90, tif=TimeInForce.DAY))
    start = ms("2024-01-05T20:59:00")
    rig.market.trade_bar("AAPL", start, 104, 105, 103, 104, 1000, start + MINUTE_MS)
    assert client.get_order_by_id(order.id).status is OrderStatus.EXPIRED


def test_cancel_answers_204_and_the_order_reads_canceled(client: TradingClient) -> None:
    order = client.submit_order(_limit(95))
    assert client.cancel_order_by_id(order.id) is None
    canceled = client.get_order_by_id(order.id)
    assert canceled.status is OrderStatus.CANCELED
    assert canceled.canceled_at is not None
    with pytest.raises(APIError) as caught:
        client.cancel_order_by_id(order.id)
    assert (caught.value.status_code, caught.value.code) == (422, 42210000)


def test_an_unknown_order_id_is_404(client: TradingClient) -> None:
    with pytest.raises(APIError) as caught:
        client.get_order_by_id("61706361-0000-4000-a000-0000000000ff")
    assert caught.value.status_code == 404


def test_cancel_all_answers_one_207_entry_per_open_order(client: TradingClient) -> None:
    first = client.submit_order(_limit(95))
    second = client.submit_order(_limit(96))
    client.submit_order(_market())
    answers = client.cancel_orders()
    assert {a.id for a in answers} == {first.id, second.id}
    assert all(a.status == 200 and a.body["status"] == "canceled" for a in answers)
    assert client.get_orders() == []


def test_replace_creates_a_new_order_linked_to_the_replaced_one(client: TradingClient) -> None:
    old = client.submit_order(_limit(95))
    new = client.replace_order_by_id(old.id, ReplaceOrderRequest(qty=3, limit_price=96))
    assert new.id != old.id
    assert (new.replaces, new.qty, new.limit_price, new.status) == (
        old.id,
        "3",
        "96",
        OrderStatus.NEW,
    )
    replaced = client.get_order_by_id(old.id)
    assert (replaced.status, replaced.replaced_by) == (OrderStatus.REPLACED, new.id)
    assert replaced.replaced_at is not None
    assert [o.id for o in client.get_orders()] == [new.id]
    with pytest.raises(APIError) as caught:
        client.replace_order_by_id(old.id, ReplaceOrderRequest(qty=2))
    assert caught.value.status_code == 422


def test_an_order_is_found_by_its_client_order_id(client: TradingClient) -> None:
    order = client.submit_order(_market(client_id="recover-me"))
    assert client.get_order_by_client_id("recover-me").id == order.id
    with pytest.raises(APIError) as caught:
        client.get_order_by_client_id("never-sent")
    assert caught.value.status_code == 404


def test_a_reused_client_order_id_is_refused_unless_a_duplicate_ack_is_injected(
    rig: AlpacaRig, client: TradingClient
) -> None:
    first = client.submit_order(_market(client_id="once"))
    with pytest.raises(APIError) as caught:
        client.submit_order(_market(client_id="once"))
    assert (caught.value.status_code, caught.value.message) == (
        422,
        "client_order_id must be unique",
    )
    rig.faults.arm("duplicate_ack", path_prefix="/v2/orders", method="POST")
    assert client.submit_order(_market(client_id="once")).id == first.id
    assert len(client.get_orders(GetOrdersRequest(status=QueryOrderStatus.ALL))) == 1


def test_an_injected_reject_is_refused_for_buying_power(
    rig: AlpacaRig, client: TradingClient
) -> None:
    rig.faults.arm("reject", path_prefix="/v2/orders", method="POST")
    with pytest.raises(APIError) as caught:
        client.submit_order(_market())
    assert (caught.value.status_code, caught.value.message) == (403, "insufficient buying power")
    assert client.get_orders(GetOrdersRequest(status=QueryOrderStatus.ALL)) == []


def test_orders_past_four_times_equity_are_refused(client: TradingClient) -> None:
    with pytest.raises(APIError) as caught:
        client.submit_order(_market(qty=4000))
    assert caught.value.status_code == 403
    assert client.submit_order(_market(qty=3800)).status is OrderStatus.FILLED


def test_fractional_orders_must_be_day_orders(client: TradingClient) -> None:
    order = client.submit_order(_market(qty=1.5))
    assert (order.qty, order.filled_qty) == ("1.5", "1.5")
    with pytest.raises(APIError) as caught:
        client.submit_order(_limit(95, qty=0.5, tif=TimeInForce.GTC))
    assert caught.value.status_code == 422
    assert "DAY" in caught.value.message


def test_a_notional_order_buys_that_many_dollars(client: TradingClient) -> None:
    request = MarketOrderRequest(
        symbol="AAPL", notional=209, side=OrderSide.BUY, time_in_force=TimeInForce.DAY
    )
    order = client.submit_order(request)
    assert (order.notional, order.qty, order.filled_qty) == ("209", None, "2")


def test_unsupported_orders_are_refused_422_naming_the_field(client: TradingClient) -> None:
    trailing = TrailingStopOrderRequest(
        symbol="AAPL", qty=1, side=OrderSide.SELL, time_in_force=TimeInForce.GTC, trail_price=1
    )
    with pytest.raises(APIError, match="trailing_stop"):
        client.submit_order(trailing)
    with pytest.raises(APIError, match="sub-penny"):
        client.submit_order(_limit(100.123))
    with pytest.raises(APIError, match="not found"):
        client.submit_order(
            MarketOrderRequest(symbol="ZZZZ", qty=1, side="buy", time_in_force="day")
        )


def test_the_order_list_filters_by_status_symbol_time_and_direction(
    rig: AlpacaRig, client: TradingClient
) -> None:
    filled = client.submit_order(_market())
    rig.market.advance_clock(ms("2024-01-05T15:00:00"))
    resting = client.submit_order(_limit(95))
    assert [o.id for o in client.get_orders()] == [resting.id]
    closed = client.get_orders(GetOrdersRequest(status=QueryOrderStatus.CLOSED))
    assert [o.id for o in closed] == [filled.id]
    every = client.get_orders(GetOrdersRequest(status=QueryOrderStatus.ALL))
    assert [o.id for o in every] == [resting.id, filled.id]
    ascending = client.get_orders(GetOrdersRequest(status=QueryOrderStatus.ALL, direction="asc"))
    assert [o.id for o in ascending] == [filled.id, resting.id]
    later = GetOrdersRequest(status=QueryOrderStatus.ALL, after=datetime(2024, 1, 5, 14, 40))
    assert [o.id for o in client.get_orders(later)] == [resting.id]
    assert client.get_orders(GetOrdersRequest(status=QueryOrderStatus.ALL, symbols=["MSFT"])) == []
    limited = client.get_orders(GetOrdersRequest(status=QueryOrderStatus.ALL, limit=1))
    assert [o.id for o in limited] == [resting.id]


def test_a_timed_out_order_was_placed_and_is_recovered_by_client_order_id(
    rig: AlpacaRig, client: TradingClient
) -> None:
    rig.faults.arm("timeout", path_prefix="/v2/orders", method="POST")
    with pytest.raises(requests.ConnectionError):
        client.submit_order(_market(client_id="lost-answer"))
    recovered = client.get_order_by_client_id("lost-answer")
    assert recovered.status is OrderStatus.FILLED


def test_a_dropped_order_request_was_not_processed(rig: AlpacaRig, client: TradingClient) -> None:
    rig.faults.arm("drop", path_prefix="/v2/orders", method="POST")
    with pytest.raises(requests.ConnectionError):
        client.submit_order(_market(client_id="never-arrived"))
    with pytest.raises(APIError) as caught:
        client.get_order_by_client_id("never-arrived")
    assert caught.value.status_code == 404
