"""Modify on `AlpacaVenue`: Alpaca's replace, followed as one order under our client
order id, against the shipped Alpaca emulator (alpaca-py over 127.0.0.1)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from alpaca.trading.requests import ReplaceOrderRequest
from tests.contract.alpaca_harness import AlpacaHarness
from tests.contract.support import BUY, SELL, apply_all, away, make_order, of_type

from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderStatus, OrderType
from tradewind.domain.order_events import (
    OrderCanceled,
    OrderFilled,
    OrderModifyRejected,
    OrderUpdated,
)
from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import OrderStatusReport
from tradewind.venues.alpaca.client_ids import replacement_client_id, wire_client_id
from tradewind.venues.alpaca.requests import replace_request
from tradewind.venues.emulation import FaultKind


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


def _fill_one_lot(harness: AlpacaHarness, order: Order, lots: int = 1) -> None:
    """A bar that fills `lots` of the resting buy, then one back at the start price
    (so the order rests again: a replacement is not marketable)."""
    p, level = harness.start_price, order.price or Decimal(0)
    harness.move_market(harness.primary, p, p, level - 1, level, fillable=Decimal(lots))
    harness.move_market(harness.primary, p, p, p, p)
    apply_all([order], harness.drain())


def _at_venue(harness: AlpacaHarness, client_order_id: str, leg: int = 0) -> dict:
    """Alpaca's record of our order (`leg` 0), or of the leg replacing it."""
    wire = (
        wire_client_id(client_order_id) if leg == 0 else replacement_client_id(client_order_id, leg)
    )
    return harness.venue.session.call(  # type: ignore[no-any-return]
        "read", lambda c: c.get_order_by_client_id(wire)
    )


def test_a_price_modify_replaces_the_order_and_gives_one_update_under_our_id(
    harness: AlpacaHarness,
) -> None:
    order = _working_limit(harness, "move")
    new_price = away(harness, "0.8")
    harness.venue.modify(order.client_order_id, price=new_price)
    events = harness.drain()
    apply_all([order], events)
    (update,) = events
    assert isinstance(update, OrderUpdated)
    assert (update.client_order_id, update.price, update.quantity) == (
        order.client_order_id, new_price, Decimal(4),
    )  # fmt: skip
    old = _at_venue(harness, str(order.client_order_id))
    new = _at_venue(harness, str(order.client_order_id), leg=1)
    assert (old["status"], old["replaced_by"], new["replaces"]) == (
        "replaced",
        new["id"],
        old["id"],
    )
    (working,) = harness.venue.open_orders()
    assert (working.client_order_id, working.price) == (order.client_order_id, new_price)


def test_a_partly_filled_order_keeps_its_fills_and_the_rest_fills_under_our_id(
    harness: AlpacaHarness,
) -> None:
    order = _working_limit(harness, "part")
    p, level = harness.start_price, order.price or Decimal(0)
    _fill_one_lot(harness, order)
    assert order.filled_qty == 1
    harness.venue.modify(order.client_order_id, quantity=6)
    events = harness.drain()
    apply_all([order], events)
    (update,) = of_type(events, OrderUpdated)
    assert update.quantity == 6
    assert _at_venue(harness, str(order.client_order_id), leg=1)["qty"] == "5"
    harness.move_market(harness.primary, p, p, level - 1, level)
    later = harness.drain()
    apply_all([order], later)
    assert {f.client_order_id for f in of_type(later, OrderFilled)} == {order.client_order_id}
    assert (order.status, order.filled_qty) == (OrderStatus.FILLED, 6)


def test_reports_after_a_restart_equal_what_the_events_said_about_a_modified_order(
    harness: AlpacaHarness,
) -> None:
    order = _working_limit(harness, "restart")
    level = order.price or Decimal(0)
    _fill_one_lot(harness, order)
    harness.venue.modify(order.client_order_id, quantity=3, price=level + 1)
    apply_all([order], harness.drain())
    _fill_one_lot(harness, order)
    assert (order.status, order.filled_qty, order.quantity) == (OrderStatus.PARTIALLY_FILLED, 2, 3)
    restarted = harness.restart()
    (report,) = [r for r in restarted.order_status_reports()
                 if r.client_order_id == order.client_order_id]  # fmt: skip
    expected = OrderStatusReport.of_order(order, restarted.venue)
    got = (report.status, report.quantity, report.price, report.filled_qty, report.avg_px)
    assert got == (expected.status, 3, level + 1, 2, expected.avg_px)
    fills = restarted.fill_reports()
    assert [f.client_order_id for f in fills] == [order.client_order_id] * 2
    assert [f.trade_id for f in fills] == [e.trade_id for e in order.events
                                           if isinstance(e, OrderFilled)]  # fmt: skip
    (working,) = restarted.open_orders()
    assert (working.client_order_id, working.quantity, working.price) == (
        order.client_order_id, 3, level + 1,
    )  # fmt: skip


def test_modifies_alpaca_cannot_make_are_refused_before_sending(harness: AlpacaHarness) -> None:
    order = _working_limit(harness, "refuse")
    stop = make_order(harness, "stop", SELL, 1, OrderType.STOP, trigger=away(harness, "0.5"))
    harness.venue.submit(stop)
    harness.drain()
    cid = order.client_order_id
    harness.venue.modify(cid)  # nothing to change
    harness.venue.modify(cid, quantity=Decimal("1.5"))  # off the whole-share grid
    harness.venue.modify(cid, price=(order.price or Decimal(0)) + Decimal("0.005"))
    harness.venue.modify(cid, trigger_price=Decimal(40))  # a limit has no trigger
    harness.venue.modify(stop.client_order_id, price=Decimal(40))  # a stop has no limit
    harness.venue.modify(make_order(harness, "ghost", BUY, 1).client_order_id, price=Decimal(1))
    refusals = of_type(harness.drain(), OrderModifyRejected)
    assert len(refusals) == 6
    assert all(r.reason for r in refusals)
    assert "changes nothing" in refusals[0].reason
    assert "not working" in refusals[-1].reason
    at_venue = [o.client_order_id or "" for o in harness.market.orders("contract-key")]
    assert not [c for c in at_venue if "~m" in c]  # no replace was sent


def test_a_quantity_not_above_the_filled_part_is_refused(harness: AlpacaHarness) -> None:
    order = _working_limit(harness, "below")
    _fill_one_lot(harness, order, lots=2)
    harness.venue.modify(order.client_order_id, quantity=2)
    (refusal,) = harness.drain()
    assert isinstance(refusal, OrderModifyRejected)
    assert "more than the filled 2" in refusal.reason


def test_a_filled_or_canceled_order_cannot_be_modified(harness: AlpacaHarness) -> None:
    order = _working_limit(harness, "gone")
    harness.venue.cancel(order.client_order_id)
    apply_all([order], harness.drain())
    market = make_order(harness, "market", BUY, 1)
    harness.venue.submit(market)
    apply_all([market], harness.drain())
    harness.venue.modify(order.client_order_id, price=Decimal(10))
    harness.venue.modify(market.client_order_id, price=Decimal(10))
    refusals = harness.drain()
    assert [type(e) for e in refusals] == [OrderModifyRejected] * 2
    assert "canceled" in refusals[0].reason
    assert "filled" in refusals[1].reason


def test_a_replace_whose_answer_was_lost_is_found_made_and_told_once(
    harness: AlpacaHarness,
) -> None:
    order = _working_limit(harness, "lost")
    new_price = away(harness, "0.7")
    faults = harness.server.faults
    assert faults is not None
    faults.arm(FaultKind.TIMEOUT, path_prefix="/v2/orders/", method="PATCH")
    harness.venue.modify(order.client_order_id, price=new_price)
    assert harness.faults.delivered() == {"timeout": 1}
    events = harness.drain()
    apply_all([order], events)
    (update,) = events
    assert isinstance(update, OrderUpdated)
    assert update.price == new_price
    assert order.price == new_price


def test_a_replace_made_outside_the_adapter_is_followed_as_an_update(
    harness: AlpacaHarness,
) -> None:
    order = _working_limit(harness, "outside")
    vid = str(order.venue_order_id)
    harness.venue.session.call(
        "replace", lambda c: c.replace_order_by_id(vid, ReplaceOrderRequest(limit_price=61.0))
    )
    events = harness.drain()
    apply_all([order], events)
    assert not of_type(events, OrderCanceled)
    (update,) = of_type(events, OrderUpdated)
    assert (update.price, order.price, order.status) == (
        Decimal(61),
        Decimal(61),
        OrderStatus.ACCEPTED,
    )
    harness.venue.cancel(order.client_order_id)
    apply_all([order], harness.drain())
    assert order.status is OrderStatus.CANCELED


def test_a_replace_body_sends_whole_shares_and_refuses_a_fractional_rest() -> None:
    body = replace_request(Decimal(5), Decimal("50.25"), None, "ours~m1")
    assert body.to_request_fields() == {
        "qty": 5, "limit_price": 50.25, "client_order_id": "ours~m1",
    }  # fmt: skip
    assert "qty" not in replace_request(None, Decimal(50), None, None).to_request_fields()
    with pytest.raises(VenueError, match="whole shares"):
        replace_request(Decimal("2.5"), Decimal(50), None, None)
