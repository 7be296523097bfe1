"""Property tests: random event sequences never break the order state machine."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tradewind.domain import (
    TRANSITIONS,
    DomainError,
    InvalidTransitionError,
    Order,
    OrderAccepted,
    OrderCanceled,
    OrderCancelPending,
    OrderCancelRejected,
    OrderEvent,
    OrderExpired,
    OrderFilled,
    OrderRejected,
    OrderStatus,
    OrderSubmitted,
    TradeId,
    VenueOrderId,
)

from .factories import COID, at, limit_order

QUANTITY = "10"


def _event(kind: str, step: int, qty: int, trade: int) -> OrderEvent:
    ts = at(step)
    if kind == "fill":
        return OrderFilled(
            client_order_id=COID,
            ts=ts,
            trade_id=TradeId(f"T{trade}"),
            last_qty=Decimal(qty),
            last_price=Decimal(100 + qty),
        )
    simple: dict[str, OrderEvent] = {
        "submitted": OrderSubmitted(client_order_id=COID, ts=ts),
        "accepted": OrderAccepted(client_order_id=COID, ts=ts, venue_order_id=VenueOrderId("V")),
        "rejected": OrderRejected(client_order_id=COID, ts=ts, reason="no"),
        "cancel_pending": OrderCancelPending(client_order_id=COID, ts=ts),
        "cancel_rejected": OrderCancelRejected(client_order_id=COID, ts=ts, reason="late"),
        "canceled": OrderCanceled(client_order_id=COID, ts=ts),
        "expired": OrderExpired(client_order_id=COID, ts=ts),
    }
    return simple[kind]


KINDS = [
    "submitted",
    "accepted",
    "rejected",
    "fill",
    "fill",
    "fill",
    "cancel_pending",
    "cancel_rejected",
    "canceled",
    "expired",
]
steps = st.lists(
    st.tuples(st.sampled_from(KINDS), st.integers(1, 6), st.integers(0, 8)), max_size=25
)


def _snapshot(order: Order) -> tuple[object, ...]:
    return (
        order.status,
        order.filled_qty,
        order.avg_px,
        order.venue_order_id,
        order.events,
        order.commissions,
        order.last_event_at,
    )


@settings(max_examples=300, deadline=None)
@given(steps=steps)
def test_random_event_sequences_keep_the_order_consistent(
    steps: list[tuple[str, int, int]],
) -> None:
    order = limit_order(quantity=QUANTITY)
    for i, (kind, qty, trade) in enumerate(steps):
        event = _event(kind, i + 1, qty, trade)
        before = _snapshot(order)
        was_terminal = order.status.is_terminal
        allowed = (order.status, type(event)) in TRANSITIONS
        try:
            order.apply(event)
        except InvalidTransitionError:
            assert not allowed
            assert _snapshot(order) == before
        except DomainError:
            # A legal transition refused for a fill-specific reason: duplicate or overfill.
            assert allowed
            assert isinstance(event, OrderFilled)
            assert order.has_trade(event.trade_id) or (
                order.filled_qty + event.last_qty > order.quantity
            )
            assert _snapshot(order) == before
        else:
            assert allowed
            assert not was_terminal
        assert Decimal(0) <= order.filled_qty <= order.quantity
        assert (order.filled_qty == order.quantity) == (order.status is OrderStatus.FILLED)
        if was_terminal:
            assert _snapshot(order) == before


def test_no_transition_leaves_a_terminal_status() -> None:
    sources = {status for status, _ in TRANSITIONS}
    assert not any(status.is_terminal for status in sources)


def test_every_non_terminal_status_can_be_left() -> None:
    sources = {status for status, _ in TRANSITIONS}
    assert sources == {s for s in OrderStatus if not s.is_terminal}
