from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from tradewind.domain import (
    CancelOrder,
    ClientOrderId,
    DomainError,
    InvalidTransitionError,
    Order,
    OrderAccepted,
    OrderCanceled,
    OrderCancelPending,
    OrderCancelRejected,
    OrderExpired,
    OrderFilled,
    OrderRejected,
    OrderSide,
    OrderStatus,
    OrderSubmitted,
    OrderType,
    SubmitOrder,
    TimeInForce,
    TradeId,
    VenueOrderId,
)

from .factories import BTC, COID, STRATEGY, T0, at, limit_order


def filled(qty: str, price: str, trade: str, commission: str = "0") -> OrderFilled:
    return OrderFilled(
        client_order_id=COID,
        ts=at(5),
        trade_id=TradeId(trade),
        last_qty=Decimal(qty),
        last_price=Decimal(price),
        commission=Decimal(commission),
    )


def working_order() -> Order:
    order = limit_order()
    order.apply(OrderSubmitted(client_order_id=COID, ts=at(1)))
    order.apply(OrderAccepted(client_order_id=COID, ts=at(2), venue_order_id=VenueOrderId("V1")))
    return order


def test_submit_command_builds_an_initialized_order() -> None:
    cmd = SubmitOrder(
        client_order_id=COID,
        strategy_id=STRATEGY,
        instrument_id=BTC,
        side=OrderSide.SELL,
        order_type=OrderType.STOP_LIMIT,
        quantity=Decimal("0.5"),
        price=Decimal(99),
        trigger_price=Decimal(100),
        time_in_force=TimeInForce.DAY,
        ts=T0,
    )
    order = Order.from_command(cmd)
    assert order.status is OrderStatus.INITIALIZED
    assert (order.quantity, order.price, order.trigger_price) == (
        Decimal("0.5"),
        Decimal(99),
        Decimal(100),
    )
    assert order.signed_quantity == Decimal("-0.5")
    assert order.leaves_qty == Decimal("0.5")
    assert not order.is_open


@pytest.mark.parametrize(
    ("order_type", "price", "trigger", "message"),
    [
        (OrderType.LIMIT, None, None, "invalid limit order O-1: a price is required"),
        (OrderType.STOP, None, None, "invalid stop order O-1: a trigger_price is required"),
        (OrderType.STOP_LIMIT, Decimal(1), None, "a trigger_price is required"),
        (OrderType.MARKET, Decimal(1), None, "expected no price, found 1"),
        (OrderType.LIMIT, Decimal(1), Decimal(2), "expected no trigger_price, found 2"),
    ],
)
def test_order_terms_are_validated(
    order_type: OrderType, price: Decimal | None, trigger: Decimal | None, message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        Order(
            client_order_id=COID,
            strategy_id=STRATEGY,
            instrument_id=BTC,
            side=OrderSide.BUY,
            order_type=order_type,
            quantity=Decimal(1),
            price=price,
            trigger_price=trigger,
            created_at=T0,
        )


@pytest.mark.parametrize("quantity", [Decimal(0), Decimal(-1)])
def test_order_quantity_must_be_positive(quantity: Decimal) -> None:
    with pytest.raises(DomainError, match=f"invalid quantity {quantity} for order O-1"):
        limit_order(quantity=str(quantity))


def test_order_rejects_unknown_side_and_naive_time() -> None:
    with pytest.raises(DomainError, match="invalid side 'long' for order O-1: expected one of"):
        limit_order(side="long")  # type: ignore[arg-type]
    with pytest.raises(DomainError, match="naive"):
        CancelOrder(client_order_id=COID, instrument_id=BTC, ts=datetime(2024, 1, 1))


def test_partial_then_full_fill_tracks_quantities_and_average_price() -> None:
    order = working_order()
    assert order.venue_order_id == VenueOrderId("V1")
    assert order.apply(filled("0.5", "100", "T1", "0.1")) is OrderStatus.PARTIALLY_FILLED
    assert order.is_open
    assert (order.filled_qty, order.leaves_qty) == (Decimal("0.5"), Decimal("1.5"))
    assert order.apply(filled("1.5", "104", "T2", "0.2")) is OrderStatus.FILLED
    assert order.filled_qty == order.quantity
    assert order.leaves_qty == 0
    assert order.avg_px == Decimal(103)
    assert order.commissions == {"": Decimal("0.3")}
    assert order.is_terminal
    assert order.last_event_at == at(5)
    assert len(order.events) == 4


def test_market_order_may_fill_before_acceptance() -> None:
    order = limit_order()
    order.apply(OrderSubmitted(client_order_id=COID, ts=at(1)))
    assert order.apply(filled("2", "100", "T1")) is OrderStatus.FILLED


def test_overfill_raises_and_leaves_order_unchanged() -> None:
    order = working_order()
    order.apply(filled("1.5", "100", "T1"))
    with pytest.raises(DomainError, match=r"overfill of order O-1: .*above quantity 2"):
        order.apply(filled("0.6", "100", "T2"))
    assert order.filled_qty == Decimal("1.5")
    assert order.status is OrderStatus.PARTIALLY_FILLED
    assert not order.has_trade(TradeId("T2"))


def test_duplicate_trade_id_is_applied_once() -> None:
    order = working_order()
    order.apply(filled("0.5", "100", "T1"))
    with pytest.raises(DomainError, match="duplicate fill for order O-1: trade T1"):
        order.apply(filled("0.5", "100", "T1"))
    assert order.filled_qty == Decimal("0.5")


def test_illegal_transition_names_order_status_and_event() -> None:
    order = limit_order()
    with pytest.raises(
        InvalidTransitionError,
        match=(
            "invalid transition for order O-1: OrderAccepted is not allowed in status INITIALIZED"
        ),
    ):
        order.apply(OrderAccepted(client_order_id=COID, ts=at(1), venue_order_id=VenueOrderId("V")))
    assert order.status is OrderStatus.INITIALIZED
    assert order.events == ()


def test_terminal_orders_accept_no_events() -> None:
    order = working_order()
    order.apply(OrderCanceled(client_order_id=COID, ts=at(3)))
    with pytest.raises(InvalidTransitionError, match="not allowed in status CANCELED"):
        order.apply(filled("1", "100", "T1"))


def test_event_for_another_order_is_refused() -> None:
    order = limit_order()
    with pytest.raises(DomainError, match="for order O-2 to order O-1"):
        order.apply(OrderSubmitted(client_order_id=ClientOrderId("O-2"), ts=at(1)))


def test_cancel_rejected_returns_to_working_status() -> None:
    order = working_order()
    assert order.apply(OrderCancelPending(client_order_id=COID, ts=at(3))) is (
        OrderStatus.PENDING_CANCEL
    )
    assert order.apply(filled("0.5", "100", "T1")) is OrderStatus.PENDING_CANCEL
    rejected = OrderCancelRejected(client_order_id=COID, ts=at(4), reason="too late")
    assert order.apply(rejected) is OrderStatus.PARTIALLY_FILLED


def test_fill_racing_a_cancel_can_complete_the_order() -> None:
    order = working_order()
    order.apply(OrderCancelPending(client_order_id=COID, ts=at(3)))
    assert order.apply(filled("2", "100", "T1")) is OrderStatus.FILLED


@pytest.mark.parametrize(
    ("event", "status"),
    [
        (OrderRejected(client_order_id=COID, ts=T0, reason="risk: halted"), OrderStatus.REJECTED),
        (OrderCanceled(client_order_id=COID, ts=T0), OrderStatus.CANCELED),
    ],
)
def test_unsent_order_can_be_rejected_or_canceled(
    event: OrderRejected, status: OrderStatus
) -> None:
    order = limit_order()
    assert order.apply(event) is status
    assert order.leaves_qty == 0


def test_expiry_is_terminal() -> None:
    order = working_order()
    assert order.apply(OrderExpired(client_order_id=COID, ts=at(9))) is OrderStatus.EXPIRED
    assert OrderStatus.EXPIRED.is_terminal


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"last_qty": Decimal(0)}, "invalid last_qty 0 in fill of O-1: expected a value > 0"),
        ({"last_price": "nan"}, "expected a finite number"),
        ({"trade_id": "T1"}, "expected a TradeId"),
    ],
)
def test_fill_events_are_validated(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "client_order_id": COID,
        "ts": T0,
        "trade_id": TradeId("T1"),
        "last_qty": Decimal(1),
        "last_price": Decimal(1),
    }
    fields.update(kwargs)
    with pytest.raises(DomainError, match=message):
        OrderFilled(**fields)  # type: ignore[arg-type]


def test_order_side_helpers() -> None:
    assert (OrderSide.BUY.sign, OrderSide.SELL.sign) == (1, -1)
    assert OrderSide.BUY.opposite is OrderSide.SELL


def test_a_submitted_copy_has_the_terms_and_none_of_the_history() -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    from tradewind.domain.identifiers import (
        ClientOrderId,
        InstrumentId,
        StrategyId,
        VenueOrderId,
    )
    from tradewind.domain.order import Order
    from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType
    from tradewind.domain.order_events import OrderAccepted, OrderSubmitted

    ts = datetime(2024, 1, 1, tzinfo=UTC)
    order = Order(
        client_order_id=ClientOrderId("c-1"), strategy_id=StrategyId("s"),
        instrument_id=InstrumentId("BTC-USD", "SIM"), side=OrderSide.BUY,
        order_type=OrderType.LIMIT, quantity=Decimal(2), created_at=ts, price=Decimal(10),
    )  # fmt: skip
    order.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=ts))
    accepted = OrderAccepted(
        client_order_id=order.client_order_id, ts=ts, venue_order_id=VenueOrderId("v-1")
    )
    order.apply(accepted)
    copy = order.submitted_copy()
    assert copy is not order
    assert copy.status is OrderStatus.SUBMITTED
    assert (copy.quantity, copy.price, copy.side) == (order.quantity, order.price, order.side)
    assert order.status is OrderStatus.ACCEPTED
