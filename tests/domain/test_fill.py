from __future__ import annotations

from decimal import Decimal

import pytest

from tradewind.domain import (
    ClientOrderId,
    DomainError,
    Fill,
    OrderAccepted,
    OrderFilled,
    OrderSide,
    OrderSubmitted,
    TradeId,
    VenueOrderId,
)

from .factories import BTC, COID, STRATEGY, T0, at, limit_order


def test_fill_from_order_copies_order_context() -> None:
    order = limit_order(side=OrderSide.SELL)
    order.apply(OrderSubmitted(client_order_id=COID, ts=at(1)))
    order.apply(OrderAccepted(client_order_id=COID, ts=at(2), venue_order_id=VenueOrderId("V7")))
    event = OrderFilled(
        client_order_id=COID,
        ts=at(3),
        trade_id=TradeId("T1"),
        last_qty=Decimal("0.5"),
        last_price=Decimal("101.5"),
        commission=Decimal("0.05"),
        commission_currency="USD",
    )
    order.apply(event)
    fill = Fill.from_order(order, event)
    assert fill.instrument_id == BTC
    assert fill.strategy_id == STRATEGY
    assert fill.venue_order_id == VenueOrderId("V7")
    assert (fill.side, fill.quantity, fill.price) == (
        OrderSide.SELL,
        Decimal("0.5"),
        Decimal("101.5"),
    )
    assert fill.signed_quantity == Decimal("-0.5")
    assert (fill.commission, fill.commission_currency) == (Decimal("0.05"), "USD")


def test_fill_from_foreign_event_is_refused() -> None:
    event = OrderFilled(
        client_order_id=ClientOrderId("O-9"),
        ts=T0,
        trade_id=TradeId("T1"),
        last_qty=Decimal(1),
        last_price=Decimal(1),
    )
    with pytest.raises(DomainError, match="does not belong to order O-1"):
        Fill.from_order(limit_order(), event)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"quantity": Decimal(0)}, "invalid quantity 0 in fill T1 of order O-1"),
        ({"price": float("inf")}, "expected a finite number"),
        ({"side": "long"}, "expected buy or sell"),
        ({"instrument_id": "BTC-USD.SIM"}, "expected a InstrumentId"),
    ],
)
def test_invalid_fills_are_rejected(overrides: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "client_order_id": COID,
        "venue_order_id": None,
        "trade_id": TradeId("T1"),
        "instrument_id": BTC,
        "side": OrderSide.BUY,
        "quantity": Decimal(1),
        "price": Decimal(1),
        "ts": T0,
    }
    fields.update(overrides)
    with pytest.raises(DomainError, match=message):
        Fill(**fields)  # type: ignore[arg-type]


def test_float_price_is_converted_exactly() -> None:
    fill = Fill(
        client_order_id=COID,
        venue_order_id=None,
        trade_id=TradeId("T1"),
        instrument_id=BTC,
        side=OrderSide.BUY,
        quantity=0.1,  # type: ignore[arg-type]
        price=0.3,  # type: ignore[arg-type]
        ts=T0,
    )
    assert (fill.quantity, fill.price) == (Decimal("0.1"), Decimal("0.3"))
