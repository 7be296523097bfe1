"""alpaca-py against the Alpaca emulator: positions, closing them, and FILL activities."""

from __future__ import annotations

from typing import Any

import pytest
from alpaca.common.exceptions import APIError
from alpaca.trading.client import TradingClient
from alpaca.trading.enums import OrderSide, OrderStatus, PositionSide, TimeInForce
from alpaca.trading.models import TradeActivity
from alpaca.trading.requests import ClosePositionRequest, LimitOrderRequest, MarketOrderRequest
from tests.venues.alpaca_emulator.rig import AlpacaRig


def _buy(client: TradingClient, qty: float, symbol: str = "AAPL", side: str = "buy") -> str:
    request = MarketOrderRequest(symbol=symbol, qty=qty, side=side, time_in_force=TimeInForce.DAY)
    return str(client.submit_order(request).id)


def _activities(client: TradingClient, **params: Any) -> list[dict[str, Any]]:
    answer = client.get("/account/activities", params)
    assert isinstance(answer, list)
    return answer


def test_a_long_position_is_marked_at_the_last_price(rig: AlpacaRig, client: TradingClient) -> None:
    _buy(client, 10)
    rig.minute(5, 105, 106, 104.5, 105.5)
    position = client.get_open_position("AAPL")
    assert (position.qty, position.side, position.avg_entry_price) == (
        "10",
        PositionSide.LONG,
        "104.5",
    )
    assert (position.current_price, position.market_value, position.unrealized_pl) == (
        "105.5",
        "1055",
        "10",
    )
    account = client.get_account()
    assert (account.cash, account.long_market_value, account.equity) == ("98955", "1055", "100010")


def test_selling_more_than_held_opens_a_short_position(client: TradingClient) -> None:
    _buy(client, 5)
    _buy(client, 8, side="sell")
    position = client.get_open_position("AAPL")
    assert (position.qty, position.side) == ("-3", PositionSide.SHORT)
    account = client.get_account()
    assert account.short_market_value == "-313.5"
    assert account.equity == "100000"


def test_a_fractional_sell_may_not_open_a_short(client: TradingClient) -> None:
    with pytest.raises(APIError) as caught:
        _buy(client, 0.5, side="sell")
    assert (caught.value.status_code, caught.value.message) == (
        403,
        "fractional orders cannot be sold short",
    )


def test_an_unknown_position_is_404(client: TradingClient) -> None:
    with pytest.raises(APIError) as caught:
        client.get_open_position("MSFT")
    assert caught.value.status_code == 404


def test_closing_a_position_sends_a_market_order_for_all_or_part_of_it(
    client: TradingClient,
) -> None:
    _buy(client, 10)
    half = client.close_position("AAPL", ClosePositionRequest(percentage="50"))
    assert (half.side, half.qty, half.status) == (OrderSide.SELL, "5", OrderStatus.FILLED)
    rest = client.close_position("AAPL")
    assert rest.qty == "5"
    assert client.get_all_positions() == []


def test_closing_all_positions_cancels_orders_and_flattens_every_symbol(
    client: TradingClient,
) -> None:
    _buy(client, 10)
    _buy(client, 2, symbol="MSFT", side="sell")
    client.submit_order(
        LimitOrderRequest(symbol="AAPL", qty=1, side="buy", time_in_force="gtc", limit_price=90)
    )
    answers = client.close_all_positions(cancel_orders=True)
    assert sorted((a.symbol, a.status, a.body.side) for a in answers) == [
        ("AAPL", 200, OrderSide.SELL),
        ("MSFT", 200, OrderSide.BUY),
    ]
    assert client.get_all_positions() == []
    assert client.get_orders() == []


def test_fills_are_fill_activities_alpaca_py_can_parse(
    rig: AlpacaRig, client: TradingClient
) -> None:
    order_id = _buy(client, 10)
    (raw,) = _activities(client)
    activity = TradeActivity(**raw)
    assert (activity.order_id.hex, activity.price, activity.qty, activity.side) == (
        order_id.replace("-", ""),
        104.5,
        10,
        OrderSide.BUY,
    )
    assert (activity.type.value, activity.cum_qty, activity.leaves_qty) == ("fill", 10, 0)
    assert raw["id"].startswith("20240105143500000::")
    assert _activities(client, activity_types="DIV") == []


def test_activities_page_newest_first_by_page_token(rig: AlpacaRig, client: TradingClient) -> None:
    for i in range(5):
        rig.market.advance_clock(rig.market.now_ms + 1000)
        _buy(client, i + 1)
    first = _activities(client, page_size=2)
    assert [a["qty"] for a in first] == ["5", "4"]
    second = _activities(client, page_size=2, page_token=first[-1]["id"])
    assert [a["qty"] for a in second] == ["3", "2"]
    third = _activities(client, page_size=2, page_token=second[-1]["id"])
    assert [a["qty"] for a in third] == ["1"]
    assert _activities(client, page_size=2, page_token=third[-1]["id"]) == []
    ascending = _activities(client, direction="asc", page_size=3)
    assert [a["qty"] for a in ascending] == ["1", "2", "3"]
    after = _activities(client, direction="asc", after=ascending[1]["transaction_time"])
    assert [a["qty"] for a in after] == ["3", "4", "5"]
    assert [a["qty"] for a in _activities(client, activity_types="FILL")][:1] == ["5"]


def test_partial_fills_report_leaves_and_cumulative_quantity(
    rig: AlpacaRig, client: TradingClient
) -> None:
    client.submit_order(
        LimitOrderRequest(symbol="AAPL", qty=300, side="buy", time_in_force="gtc", limit_price=101)
    )
    rig.minute(5, 101, 101.5, 100, 100.5, v=800)  # 25% of the volume: 200 shares
    rig.minute(6, 101, 101.5, 100, 100.5, v=800)
    older, newer = reversed(_activities(client))
    assert (older["type"], older["qty"], older["leaves_qty"], older["cum_qty"]) == (
        "partial_fill",
        "200",
        "100",
        "200",
    )
    assert (newer["type"], newer["order_status"], newer["cum_qty"]) == ("fill", "filled", "300")
