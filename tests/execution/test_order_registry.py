"""The generic order registry the live venue adapters keep their orders in."""

from __future__ import annotations

from tradewind.domain.identifiers import ClientOrderId, VenueOrderId
from tradewind.domain.order_enums import OrderStatus
from tradewind.domain.order_events import OrderAccepted, OrderCanceled
from tradewind.execution.order_registry import OrderRegistry

from .venue_records import Fill, Record, VenueState, at, order


def _registry() -> OrderRegistry[Record]:
    return OrderRegistry(Record)


def test_add_tracks_a_submitted_copy_numbered_in_submission_order() -> None:
    orders = _registry()
    first = orders.add(order("a"), "BTC/USD")
    second = orders.add(order("b"), "ETH/USD")
    assert (first.seq, second.seq) == (1, 2)
    assert first.order.status is OrderStatus.SUBMITTED
    assert ClientOrderId("a") in orders
    assert ClientOrderId("c") not in orders
    assert orders.all() == [first, second]
    assert orders.get(ClientOrderId("b")) is second


def test_a_detached_record_takes_a_number_but_is_not_tracked() -> None:
    orders = _registry()
    refused = orders.detached(order("a"))
    assert (refused.seq, refused.symbol) == (1, "")
    assert ClientOrderId("a") not in orders
    assert orders.add(order("b"), "X").seq == 2


def test_find_goes_by_venue_id_then_by_echoed_client_id() -> None:
    orders = _registry()
    tracked = orders.add(order("a"), "X")
    assert orders.find(VenueState("v1", "a")) is tracked
    assert orders.find(VenueState("v1", None)) is None
    orders.bind("v1", tracked)
    assert orders.find(VenueState("v1", None)) is tracked
    assert orders.by_venue_id("v1") is tracked


def test_forget_drops_the_order_and_every_venue_id_it_was_bound_to() -> None:
    orders = _registry()
    tracked = orders.add(order("a"), "X")
    other = orders.add(order("b"), "X")
    orders.bind("v1", tracked)
    orders.bind("v2", tracked)
    orders.bind("v3", other)
    orders.forget(ClientOrderId("a"))
    assert orders.get(ClientOrderId("a")) is None
    assert orders.by_venue_id("v1") is None
    assert orders.by_venue_id("v2") is None
    assert orders.by_venue_id("v3") is other
    orders.forget(ClientOrderId("unknown"))  # never sent: nothing to drop


def test_attach_files_executions_under_their_order_once_and_ignores_others() -> None:
    orders = _registry()
    tracked = orders.add(order("a"), "X")
    orders.bind("v1", tracked)
    first = Fill("v1", "t1")
    orders.attach([first, Fill("v1", "t1"), Fill("v9", "t2")], lambda t: t.fills)
    assert tracked.fills == {"t1": first}
    assert tracked.fills["t1"] is first


def test_working_leaves_out_final_orders_and_other_symbols() -> None:
    orders = _registry()
    done = orders.add(order("a"), "X")
    live = orders.add(order("b"), "X")
    elsewhere = orders.add(order("c"), "Y")
    cid = ClientOrderId("a")
    done.order.apply(
        OrderAccepted(client_order_id=cid, ts=at(1_000), venue_order_id=VenueOrderId("v"))
    )
    done.order.apply(OrderCanceled(client_order_id=cid, ts=at(2_000)))
    assert orders.working() == [live, elsewhere]
    assert orders.working("X") == [live]
