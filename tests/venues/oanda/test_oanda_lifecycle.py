"""v20 transactions become order events once each, in transaction order."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tradewind.domain.identifiers import ClientOrderId, InstrumentId, StrategyId
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderExpired,
    OrderFilled,
    OrderRejected,
    OrderSubmitted,
    OrderUpdated,
)
from tradewind.venues.oanda.lifecycle import Ledger, order_from_create
from tradewind.venues.oanda.wire import Fields, V20Transaction

from .payloads import cancel, create, fill

EUR_USD = InstrumentId("EUR-USD", "OANDA")


def _txns(*payloads: dict[str, Any]) -> list[V20Transaction]:
    return [V20Transaction.parse(Fields(p, "OANDA", "GET test", "t")) for p in payloads]


def _order(cid: str, kind: OrderType = OrderType.MARKET, price: str | None = None) -> Order:
    order = Order(
        client_order_id=ClientOrderId(cid),
        strategy_id=StrategyId("s"),
        instrument_id=EUR_USD,
        side=OrderSide.BUY,
        order_type=kind,
        quantity=Decimal(3),
        price=None if price is None else Decimal(price),
        created_at=datetime(2017, 1, 3, 15, tzinfo=UTC),
    )
    order.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=order.created_at))
    return order


def _ledger() -> Ledger:
    return Ledger(lambda: "USD")


def test_a_filled_market_order_is_accepted_then_filled_with_the_fill_transaction_as_trade() -> None:
    ledger = _ledger()
    tracked = ledger.add(_order("c-1"), "EUR_USD")
    events = ledger.apply(
        _txns(create(7, 7, "MARKET_ORDER", "3", "c-1"), fill(8, 7, 7, "3", "1.04015", "c-1"))
    )
    accepted, filled = events
    assert isinstance(accepted, OrderAccepted)
    assert str(accepted.venue_order_id) == "7"
    assert isinstance(filled, OrderFilled)
    assert (str(filled.trade_id), filled.last_qty, filled.last_price) == (
        "8",
        Decimal(3),
        Decimal("1.04015"),
    )
    assert (filled.commission, filled.commission_currency) == (Decimal("0.05"), "USD")
    assert tracked.order.status is OrderStatus.FILLED


def test_each_transaction_is_told_once_whichever_way_it_arrives() -> None:
    ledger = _ledger()
    ledger.add(_order("c-1"), "EUR_USD")
    txns = _txns(create(7, 7, "MARKET_ORDER", "3", "c-1"), fill(8, 7, 7, "3", "1.04", "c-1"))
    assert len(ledger.apply(txns[:1])) == 1
    assert len(ledger.apply(txns)) == 1
    assert ledger.apply(txns) == []


def test_a_market_order_canceled_in_its_own_batch_was_refused() -> None:
    ledger = _ledger()
    tracked = ledger.add(_order("c-2"), "EUR_USD")
    events = ledger.apply(
        _txns(
            create(7, 7, "MARKET_ORDER", "3", "c-2"),
            cancel(8, 7, 7, "MARKET_HALTED", "c-2"),
        )
    )
    (rejected,) = events
    assert isinstance(rejected, OrderRejected)
    assert "MARKET_HALTED" in rejected.reason
    assert tracked.order.status is OrderStatus.REJECTED


def test_a_reject_transaction_rejects_the_order() -> None:
    ledger = _ledger()
    ledger.add(_order("c-3"), "EUR_USD")
    reject = create(7, 7, "MARKET_ORDER_REJECT", "3", "c-3", rejectReason="INSUFFICIENT_MARGIN")
    (event,) = ledger.apply(_txns(reject))
    assert isinstance(event, OrderRejected)
    assert "INSUFFICIENT_MARGIN" in event.reason


def test_cancels_by_the_client_cancel_and_by_time_in_force_expire() -> None:
    ledger = _ledger()
    ledger.add(_order("a", OrderType.LIMIT, "1.0"), "EUR_USD")
    ledger.add(_order("b", OrderType.LIMIT, "1.0"), "EUR_USD")
    events = ledger.apply(
        _txns(
            create(7, 7, "LIMIT_ORDER", "3", "a", price="1.00000"),
            create(8, 8, "LIMIT_ORDER", "3", "b", price="1.00000", timeInForce="GFD"),
            cancel(9, 9, 7, "CLIENT_REQUEST", "a"),
            cancel(10, 10, 8, "TIME_IN_FORCE_EXPIRED", "b"),
        )
    )
    assert [type(e) for e in events] == [OrderAccepted, OrderAccepted, OrderCanceled, OrderExpired]


def test_a_replace_is_one_update_and_the_new_leg_fills_the_same_order() -> None:
    ledger = _ledger()
    tracked = ledger.add(_order("m", OrderType.LIMIT, "1.0"), "EUR_USD")
    events = ledger.apply(
        _txns(
            create(7, 7, "LIMIT_ORDER", "3", "m", price="1.00000"),
            cancel(8, 8, 7, "CLIENT_REQUEST_REPLACED", "m", replacedByOrderID="9"),
            create(9, 8, "LIMIT_ORDER", "3", "m", price="1.01000", replacesOrderID="7"),
            fill(10, 10, 9, "3", "1.00900", "m"),
        )
    )
    assert [type(e) for e in events] == [OrderAccepted, OrderUpdated, OrderFilled]
    update = events[1]
    assert isinstance(update, OrderUpdated)
    assert (update.price, update.quantity) == (Decimal("1.01000"), Decimal(3))
    assert tracked.legs == ["7", "9"]
    assert tracked.order.status is OrderStatus.FILLED


def test_transactions_of_orders_not_tracked_are_ignored_unless_adopted() -> None:
    ledger = _ledger()
    txns = _txns(create(7, 7, "LIMIT_ORDER", "-2", "foreign", price="1.20000"))
    assert ledger.apply(txns) == []

    def adopt(txn: V20Transaction) -> Any:
        tracked = order_from_create(txn, EUR_USD)
        assert tracked is not None
        tracked.symbol = "EUR_USD"
        return tracked

    (accepted,) = ledger.apply(txns, adopt=adopt)
    assert isinstance(accepted, OrderAccepted)
    rebuilt = ledger.get(ClientOrderId("foreign"))
    assert rebuilt is not None
    assert (rebuilt.order.side, rebuilt.order.quantity, rebuilt.order.price) == (
        OrderSide.SELL,
        Decimal(2),
        Decimal("1.20000"),
    )
