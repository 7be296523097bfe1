"""Modify events move an order's terms; venue reports are validated value objects."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewind.domain import (
    DomainError,
    InvalidTransitionError,
    OrderAccepted,
    OrderEvent,
    OrderFilled,
    OrderSide,
    OrderStatus,
    OrderSubmitted,
    TradeId,
    Venue,
    VenueOrderId,
)
from tradewind.domain.order import Order
from tradewind.domain.order_events import OrderModifyRejected, OrderUpdated
from tradewind.domain.venue_errors import VenueDisconnectedError, VenueError
from tradewind.domain.venue_reports import (
    Balance,
    ConnectionStatus,
    FillReport,
    OrderStatusReport,
    PositionReport,
    VenueStatus,
)

from .factories import BTC, COID, T0, at, limit_order

SIM = Venue("SIM")


def working(quantity: str = "10") -> Order:
    order = limit_order(quantity=quantity)
    order.apply(OrderSubmitted(client_order_id=COID, ts=at(1)))
    order.apply(OrderAccepted(client_order_id=COID, ts=at(2), venue_order_id=VenueOrderId("V1")))
    return order


def fill(qty: str, trade: str = "T1") -> OrderFilled:
    return OrderFilled(
        client_order_id=COID,
        ts=at(3),
        trade_id=TradeId(trade),
        last_qty=Decimal(qty),
        last_price=Decimal(99),
        venue_order_id=VenueOrderId("V1"),
    )


def test_an_update_replaces_the_terms_and_keeps_the_status() -> None:
    order = working()
    order.apply(fill("4"))
    update = OrderUpdated(client_order_id=COID, ts=at(4), quantity=Decimal(12), price="98.5")
    assert order.apply(update) is OrderStatus.PARTIALLY_FILLED
    assert (order.quantity, order.price, order.leaves_qty) == (12, Decimal("98.5"), 8)
    assert order.last_event_at == at(4)


def test_an_update_not_above_the_filled_quantity_is_refused_and_changes_nothing() -> None:
    order = working()
    order.apply(fill("4"))
    with pytest.raises(DomainError, match=r"quantity 4 is not above the filled 4"):
        order.apply(OrderUpdated(client_order_id=COID, ts=at(4), quantity=4, price=100))
    assert (order.quantity, len(order.events)) == (10, 3)


def test_an_update_with_a_term_the_order_type_lacks_is_refused() -> None:
    with pytest.raises(DomainError, match="expected no trigger_price"):
        working().apply(
            OrderUpdated(client_order_id=COID, ts=at(4), quantity=10, price=100, trigger_price=99)
        )


def test_a_rejected_modify_keeps_the_terms_and_a_final_order_refuses_updates() -> None:
    order = working()
    rejected = OrderModifyRejected(client_order_id=COID, ts=at(4), reason="off the tick grid")
    assert order.apply(rejected) is OrderStatus.ACCEPTED
    assert order.price == 100
    order.apply(fill("10"))
    with pytest.raises(InvalidTransitionError, match="OrderUpdated is not allowed in status"):
        order.apply(OrderUpdated(client_order_id=COID, ts=at(5), quantity=11, price=100))


def test_an_update_needs_a_positive_finite_quantity() -> None:
    with pytest.raises(DomainError, match="invalid quantity 0 in update of O-1"):
        OrderUpdated(client_order_id=COID, ts=T0, quantity=0)
    with pytest.raises(DomainError, match="price of update of O-1"):
        OrderUpdated(client_order_id=COID, ts=T0, quantity=1, price=float("nan"))


def test_an_order_status_report_mirrors_the_order_it_describes() -> None:
    order = working()
    order.apply(fill("4"))
    report = OrderStatusReport.of_order(order, SIM)
    assert (report.status, report.filled_qty, report.leaves_qty) == (
        OrderStatus.PARTIALLY_FILLED,
        4,
        6,
    )
    assert (report.venue_order_id, report.avg_px, report.ts_last) == (
        VenueOrderId("V1"),
        Decimal(99),
        at(3),
    )


def test_an_order_status_report_refuses_a_fill_above_the_quantity() -> None:
    fields = OrderStatusReport.of_order(working(), SIM)
    with pytest.raises(DomainError, match="invalid filled_qty 11 in order status report of O-1"):
        OrderStatusReport(
            **{
                name: getattr(fields, name)
                for name in OrderStatusReport.__dataclass_fields__
                if name != "filled_qty"
            },
            filled_qty=Decimal(11),
        )


def test_a_fill_report_round_trips_its_event() -> None:
    event = fill("4")
    report = FillReport.of_event(event, venue=SIM, instrument_id=BTC, side=OrderSide.BUY)
    assert report.to_event() == event
    with pytest.raises(DomainError, match="invalid last_qty -1 in fill of O-1"):
        FillReport(**{**_fields(report), "last_qty": Decimal(-1)})


def _fields(report: FillReport) -> dict[str, object]:
    return {name: getattr(report, name) for name in FillReport.__dataclass_fields__}


def test_a_position_report_has_a_side_and_needs_an_aware_time() -> None:
    short = PositionReport(venue=SIM, instrument_id=BTC, quantity="-2", avg_open_price=100)
    assert (short.side.value, short.is_flat) == ("short", False)
    with pytest.raises(DomainError, match=re.escape("ts of position report of BTC-USD.SIM")):
        PositionReport(venue=SIM, instrument_id=BTC, quantity=1, ts=datetime(2024, 1, 1))


def test_a_balance_names_its_currency_and_refuses_a_negative_lock() -> None:
    assert Balance("USD", Decimal(100), Decimal(30)).free == 70
    with pytest.raises(DomainError, match=re.escape("invalid balance currency 'U$D'")):
        Balance("U$D", Decimal(1))
    with pytest.raises(DomainError, match="invalid locked -1 of balance in USD"):
        Balance("USD", Decimal(1), Decimal(-1))


def test_only_a_disconnected_venue_refuses_requests_and_that_is_retryable() -> None:
    assert VenueStatus(ConnectionStatus.DEGRADED, "stream down; polling").accepts_requests
    assert not VenueStatus(ConnectionStatus.DISCONNECTED).accepts_requests
    assert VenueDisconnectedError("x").retryable
    assert not VenueError("x").retryable
    assert isinstance(VenueError("x"), DomainError)


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["fill", "update", "refused"]), st.integers(1, 12)),
        max_size=20,
    )
)
def test_fills_and_updates_in_any_order_never_break_the_quantities(
    steps: list[tuple[str, int]],
) -> None:
    order = working()
    for i, (kind, size) in enumerate(steps):
        event: OrderEvent
        if kind == "fill":
            event = fill(str(size), trade=f"T{i}")
        elif kind == "update":
            event = OrderUpdated(client_order_id=COID, ts=at(i), quantity=size, price=100)
        else:
            event = OrderModifyRejected(client_order_id=COID, ts=at(i), reason="no")
        before = (order.status, order.quantity, order.filled_qty, len(order.events))
        try:
            order.apply(event)
        except DomainError:
            assert (order.status, order.quantity, order.filled_qty, len(order.events)) == before
        assert Decimal(0) <= order.filled_qty <= order.quantity
        assert (order.filled_qty == order.quantity) == (order.status is OrderStatus.FILLED)
