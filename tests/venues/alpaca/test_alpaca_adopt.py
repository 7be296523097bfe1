"""A restarted `AlpacaVenue` takes over the working orders it sent before (their client
id carries its prefix) and leaves orders placed by hand alone, against the shipped
Alpaca emulator (alpaca-py over 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from alpaca.trading.enums import OrderSide as AlpacaSide
from alpaca.trading.enums import TimeInForce as AlpacaTif
from alpaca.trading.requests import LimitOrderRequest
from tests.contract.alpaca_harness import AlpacaHarness
from tests.contract.support import BUY, apply_all, away, make_order, of_type

from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderStatus, OrderType
from tradewind.domain.order_events import OrderCanceled, OrderFilled, OrderUpdated
from tradewind.venues.alpaca.client_ids import (
    CLIENT_ID_PREFIX,
    MAX_CLIENT_ID_CHARS,
    read_client_id,
    replacement_client_id,
    wire_client_id,
)


@pytest.fixture
def harness() -> Iterator[AlpacaHarness]:
    rig = AlpacaHarness()
    try:
        yield rig
    finally:
        rig.close()


def _working_limit(harness: AlpacaHarness, name: str, lots: int = 4) -> Order:
    order = make_order(harness, name, BUY, lots, OrderType.LIMIT, price=away(harness, "0.5"))
    harness.venue.submit(order)
    apply_all([order], harness.drain())
    return order


def _trade_through(harness: AlpacaHarness, order: Order, lots: int | None = None) -> None:
    """A bar through the resting buy's level (`lots` fillable; all when None), then one
    back at the start price."""
    p, level = harness.start_price, order.price or Decimal(0)
    fillable = None if lots is None else Decimal(lots)
    harness.move_market(harness.primary, p, p, level - 1, level, fillable=fillable)
    harness.move_market(harness.primary, p, p, p, p)


def _by_hand(harness: AlpacaHarness, client_order_id: str | None) -> dict[str, Any]:
    """A resting buy placed with alpaca-py directly (not through the adapter)."""
    request = LimitOrderRequest(
        symbol="AAPL",
        qty=1,
        side=AlpacaSide.BUY,
        time_in_force=AlpacaTif.GTC,
        limit_price=float(away(harness, "0.4")),
        client_order_id=client_order_id,
    )
    return harness.venue.session.call(  # type: ignore[no-any-return]
        "place by hand", lambda c: c.submit_order(request)
    )


def _status_at_venue(harness: AlpacaHarness, venue_order_id: str) -> str:
    row = harness.venue.session.call("read", lambda c: c.get_order_by_id(venue_order_id))
    return str(row["status"])


def test_a_restarted_adapter_cancels_an_order_the_previous_one_sent(
    harness: AlpacaHarness,
) -> None:
    order = _working_limit(harness, "keep")
    restarted = harness.restart()
    assert harness.drain() == []  # nothing told again
    (working,) = restarted.open_orders()
    assert (working.client_order_id, working.status) == (order.client_order_id, order.status)
    restarted.cancel(order.client_order_id)
    events = harness.drain()
    assert [type(e) for e in events] == [OrderCanceled]
    apply_all([order], events)
    assert order.status is OrderStatus.CANCELED
    assert _status_at_venue(harness, str(order.venue_order_id)) == "canceled"
    assert restarted.open_orders() == []


def test_a_fill_after_a_restart_arrives_once_and_earlier_fills_are_not_told_again(
    harness: AlpacaHarness,
) -> None:
    order = _working_limit(harness, "part")
    _trade_through(harness, order, lots=1)
    apply_all([order], harness.drain())
    assert (order.status, order.filled_qty) == (OrderStatus.PARTIALLY_FILLED, 1)
    restarted = harness.restart()
    assert harness.drain() == []
    _trade_through(harness, order)
    later = harness.drain()
    assert harness.drain() == []
    apply_all([order], later)
    (fill,) = of_type(later, OrderFilled)
    assert fill.last_qty == 3
    assert (order.status, order.filled_qty) == (OrderStatus.FILLED, 4)
    told = [e.trade_id for e in order.events if isinstance(e, OrderFilled)]
    assert [f.trade_id for f in restarted.fill_reports()] == told
    assert len(set(told)) == 2


def test_a_restarted_adapter_modifies_an_order_modified_before_and_keeps_its_id(
    harness: AlpacaHarness,
) -> None:
    order = _working_limit(harness, "again")
    harness.venue.modify(order.client_order_id, price=away(harness, "0.6"))
    apply_all([order], harness.drain())
    restarted = harness.restart()
    assert harness.drain() == []
    new_price = away(harness, "0.7")
    restarted.modify(order.client_order_id, quantity=5, price=new_price)
    events = harness.drain()
    apply_all([order], events)
    (update,) = events
    assert isinstance(update, OrderUpdated)
    assert (update.client_order_id, update.quantity, update.price) == (
        order.client_order_id, Decimal(5), new_price,
    )  # fmt: skip
    wire = replacement_client_id(str(order.client_order_id), 2)
    leg = restarted.session.call("read", lambda c: c.get_order_by_client_id(wire))
    assert (Decimal(leg["qty"]), Decimal(leg["limit_price"])) == (5, new_price)
    restarted.cancel(order.client_order_id)
    apply_all([order], harness.drain())
    assert order.status is OrderStatus.CANCELED


def test_cancel_all_after_a_restart_leaves_orders_placed_by_hand_working(
    harness: AlpacaHarness,
) -> None:
    ours = _working_limit(harness, "ours")
    generated = _by_hand(harness, None)  # Alpaca names it
    named = _by_hand(harness, "my-own-order")
    restarted = harness.restart()
    listed = {str(o.client_order_id) for o in restarted.open_orders()}
    assert listed == {str(ours.client_order_id), generated["client_order_id"], "my-own-order"}
    restarted.cancel_all()
    events = harness.drain()
    assert [(type(e), e.client_order_id) for e in events] == [(OrderCanceled, ours.client_order_id)]
    assert _status_at_venue(harness, generated["id"]) != "canceled"
    assert _status_at_venue(harness, named["id"]) != "canceled"
    assert [str(o.client_order_id) for o in restarted.open_orders()] == [
        generated["client_order_id"],
        "my-own-order",
    ]


def test_cancel_all_of_the_first_adapter_leaves_orders_placed_by_hand_too(
    harness: AlpacaHarness,
) -> None:
    ours = _working_limit(harness, "mine")
    named = _by_hand(harness, "manual")
    harness.venue.cancel_all(harness.primary.id)
    assert [e.client_order_id for e in harness.drain()] == [ours.client_order_id]
    assert _status_at_venue(harness, named["id"]) != "canceled"


def test_our_client_ids_carry_the_prefix_and_others_read_back_as_they_are() -> None:
    assert wire_client_id("run-00000001") == f"{CLIENT_ID_PREFIX}run-00000001"
    assert read_client_id(wire_client_id("run-00000001")) == ("run-00000001", True)
    assert read_client_id("run-00000001") == ("run-00000001", False)  # by hand, or older
    assert read_client_id("9f1c2d3e-0000-4000-8000-000000000000")[1] is False
    assert replacement_client_id("run-1", 2) == f"{CLIENT_ID_PREFIX}run-1~m2"
    longest = "x" * (MAX_CLIENT_ID_CHARS - len(CLIENT_ID_PREFIX))
    assert read_client_id(wire_client_id(longest)) == (longest, True)
    too_long = longest + "y"
    assert wire_client_id(too_long) == too_long  # travels bare: not adoptable
    assert replacement_client_id(longest, 1) is None
