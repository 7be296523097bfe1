"""Recorded ccxt-unified Binance payloads become typed venue records; bad ones are named."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.venue_errors import VenueError
from tradewind.venues.ccxt.parsing import bars_from_ohlcv, parse_balances, parse_order, parse_trade

PAYLOADS = Path(__file__).parent / "payloads"


def _load(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def test_a_resting_limit_order_keeps_its_terms_and_instants() -> None:
    order = parse_order(_load("orders_binance.json")["limit_partial"])
    assert (order.venue_order_id, order.client_order_id, order.symbol) == (
        "29",
        "tw-limit-2",
        "BTC/USDT",
    )
    assert (order.side, order.order_type, order.time_in_force) == (
        OrderSide.BUY,
        OrderType.LIMIT,
        TimeInForce.GTC,
    )
    assert (order.quantity, order.filled, order.price) == (
        Decimal("0.003"),
        Decimal("0.001"),
        Decimal(35000),
    )
    assert order.is_open
    assert order.updated_ms > order.created_ms


def test_a_market_order_has_no_price_even_when_ccxt_fills_one_in() -> None:
    order = parse_order(_load("orders_binance.json")["market_filled"])
    assert order.order_type is OrderType.MARKET
    assert order.price is None
    assert order.status == "closed"


def test_a_binance_stop_loss_limit_is_a_stop_limit_with_its_trigger() -> None:
    order = parse_order(_load("orders_binance.json")["stop_limit_canceled"])
    assert order.order_type is OrderType.STOP_LIMIT
    assert (order.price, order.trigger_price, order.status) == (
        Decimal(33000),
        Decimal(33100),
        "canceled",
    )


def test_an_expired_ioc_keeps_its_time_in_force() -> None:
    order = parse_order(_load("orders_binance.json")["ioc_expired"])
    assert (order.time_in_force, order.status) == (TimeInForce.IOC, "expired")


def test_a_trade_carries_its_ids_fee_and_currency() -> None:
    trade = parse_trade(_load("trades_binance.json")[0])
    assert (trade.trade_id, trade.venue_order_id, trade.side) == ("1001", "30", OrderSide.BUY)
    assert (trade.quantity, trade.price) == (Decimal("0.005"), Decimal(35010))
    assert (trade.fee, trade.fee_currency, trade.ts_ms) == (
        Decimal("0.17505"),
        "USDT",
        1709562600000,
    )


def test_balances_list_held_currencies_with_the_locked_part() -> None:
    balances = parse_balances(_load("balance_binance.json"))
    assert [(b.currency, b.total, b.locked) for b in balances] == [
        ("BTC", Decimal("0.006"), Decimal(0)),
        ("USDT", Decimal("9859.94995"), Decimal(70)),
    ]


def test_ohlcv_rows_become_a_normalized_frame_closing_one_timeframe_later() -> None:
    frame = bars_from_ohlcv(_load("ohlcv_binance.json"), Timeframe.parse("1h"))
    assert list(frame.columns) == [
        "timestamp",
        "close_time",
        "open",
        "high",
        "low",
        "close",
        "volume",
    ]
    assert (frame["close_time"] - frame["timestamp"]).dt.total_seconds().tolist() == [3600, 3600]
    assert str(frame["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert frame["close"].tolist() == [35050.0, 35150.0]


@pytest.mark.parametrize(
    ("kind", "field", "parse"),
    [("order", "amount", parse_order), ("order", "id", parse_order),
     ("trade", "order", parse_trade), ("trade", "timestamp", parse_trade)],
)  # fmt: skip
def test_a_payload_missing_a_field_is_refused_naming_the_kind_and_field(
    kind: str, field: str, parse: Any
) -> None:
    source = (
        _load("orders_binance.json")["limit_new"]
        if kind == "order"
        else _load("trades_binance.json")[0]
    )
    payload = {k: v for k, v in source.items() if k != field}
    with pytest.raises(VenueError, match=rf"invalid {kind} payload: field '{field}'"):
        parse(payload)


def test_an_ill_typed_number_is_refused_naming_the_field() -> None:
    payload = dict(_load("trades_binance.json")[0], price=[1])
    with pytest.raises(VenueError, match="trade payload: field 'price'"):
        parse_trade(payload)


def test_an_ohlcv_row_that_is_not_six_numbers_is_refused_naming_its_position() -> None:
    with pytest.raises(VenueError, match="row 1"):
        bars_from_ohlcv(
            [[1, 1.0, 1.0, 1.0, 1.0, 1.0], [2, "x", 1.0, 1.0, 1.0, 1.0]], Timeframe.parse("1m")
        )
