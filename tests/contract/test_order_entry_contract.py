"""Every venue adapter works orders the same way through the execution port.

Runs once per harness in `harness.HARNESSES`: the simulated venue, and the ccxt adapter
against the shipped Binance, Kraken and Coinbase emulators.
"""

from __future__ import annotations

import pytest

from tradewind.domain.errors import DomainError
from tradewind.domain.order_enums import OrderStatus, OrderType, TimeInForce
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderCancelRejected,
    OrderModifyRejected,
    OrderRejected,
    OrderUpdated,
)
from tradewind.domain.venue_errors import DuplicateOrderError, VenueDisconnectedError
from tradewind.domain.venue_reports import ConnectionStatus
from tradewind.ports.execution import ExecutionVenue, VenueCapability

from .harness import VenueHarness
from .support import (
    BUY,
    SELL,
    apply_all,
    away,
    connection,
    fills,
    make_order,
    of_type,
    status,
)


def test_a_built_adapter_is_an_execution_venue_and_connected(harness: VenueHarness) -> None:
    assert isinstance(harness.venue, ExecutionVenue)
    assert harness.venue.status.connection is ConnectionStatus.CONNECTED
    assert harness.venue.status.accepts_requests


def test_a_disconnected_adapter_refuses_orders_until_it_reconnects(
    harness: VenueHarness,
) -> None:
    venue = harness.venue
    venue.disconnect()
    assert venue.status.connection is ConnectionStatus.DISCONNECTED
    assert venue.status.reason
    order = make_order(harness, "offline", BUY, 1)
    with pytest.raises(VenueDisconnectedError, match="disconnected") as refused:
        venue.submit(order)
    assert isinstance(refused.value, DomainError)
    assert refused.value.retryable
    venue.connect()
    assert connection(venue) is ConnectionStatus.CONNECTED
    assert harness.drain() == []
    venue.submit(order)
    assert of_type(harness.drain(), OrderAccepted)


def test_capabilities_are_declared_venue_capability_values(harness: VenueHarness) -> None:
    declared = harness.venue.capabilities
    assert declared <= {c.value for c in VenueCapability}
    assert VenueCapability.MARKET.value in declared


def test_an_order_needing_an_undeclared_capability_is_refused_before_sending(
    harness: VenueHarness,
) -> None:
    declared = harness.venue.capabilities
    level = away(harness, "0.5")
    candidates = [
        ("stop_limit", make_order(harness, "sl", BUY, 1, OrderType.STOP_LIMIT, price=level,
                                  trigger=level)),
        ("fok", make_order(harness, "fok", BUY, 1, time_in_force=TimeInForce.FOK)),
        ("ioc", make_order(harness, "ioc", BUY, 1, time_in_force=TimeInForce.IOC)),
        ("day", make_order(harness, "day", BUY, 1, time_in_force=TimeInForce.DAY)),
    ]  # fmt: skip
    missing = [(cap, order) for cap, order in candidates if cap not in declared]
    if not missing:
        pytest.skip("the adapter declares every capability probed here")
    capability, order = missing[0]
    with pytest.raises(DomainError, match=capability):
        harness.venue.submit(order)
    assert harness.drain() == []
    assert order.client_order_id not in {r.client_order_id for r in
                                         harness.venue.order_status_reports()}  # fmt: skip


def test_a_market_order_is_accepted_then_filled_with_venue_and_trade_ids(
    harness: VenueHarness,
) -> None:
    order = make_order(harness, "mkt", BUY, 3)
    harness.venue.submit(order)
    p = harness.start_price
    harness.move_market(harness.primary, p, p + 1, p - 1, p)
    events = harness.drain()
    apply_all([order], events)
    (accepted,) = of_type(events, OrderAccepted)
    (filled,) = fills(events)
    assert events.index(accepted) < events.index(filled)
    assert filled.last_qty == order.quantity
    assert filled.venue_order_id in (None, accepted.venue_order_id)
    assert order.status is OrderStatus.FILLED
    assert order.venue_order_id == accepted.venue_order_id
    assert harness.venue.open_orders() == []


def test_an_order_off_the_lot_grid_is_rejected_with_a_reason(harness: VenueHarness) -> None:
    order = make_order(harness, "half-lot", BUY, 1)
    order.quantity = harness.primary.lot_size / 2
    harness.venue.submit(order)
    events = harness.drain()
    apply_all([order], events)
    (rejected,) = of_type(events, OrderRejected)
    assert "lot" in rejected.reason
    assert order.status is OrderStatus.REJECTED
    assert not fills(events)


def test_a_large_order_fills_partly_and_the_rest_keeps_working(harness: VenueHarness) -> None:
    if VenueCapability.PARTIAL_FILLS.value not in harness.venue.capabilities:
        pytest.skip("the adapter does not declare partial fills")
    lot, p = harness.primary.lot_size, harness.start_price
    # a resting limit the next bars trade through (exchanges fill market orders whole)
    order = make_order(harness, "big", BUY, 10, OrderType.LIMIT, price=away(harness, "0.99"))
    harness.venue.submit(order)
    harness.move_market(harness.primary, p, p + 1, p - 1, p, fillable=4 * lot)
    first = harness.drain()
    apply_all([order], first)
    assert [f.last_qty for f in fills(first)] == [4 * lot]
    assert order.status is OrderStatus.PARTIALLY_FILLED
    assert [o.client_order_id for o in harness.venue.open_orders()] == [order.client_order_id]
    harness.move_market(harness.primary, p, p + 1, p - 1, p)
    rest = harness.drain()
    apply_all([order], rest)
    assert [f.last_qty for f in fills(rest)] == [6 * lot]
    assert status(order) is OrderStatus.FILLED
    assert fills(first)[0].trade_id != fills(rest)[0].trade_id


def test_cancel_confirms_a_working_order_and_refuses_one_that_is_not(
    harness: VenueHarness,
) -> None:
    order = make_order(harness, "rest", BUY, 1, OrderType.LIMIT, price=away(harness, "0.5"))
    harness.venue.submit(order)
    harness.venue.cancel(order.client_order_id)
    harness.venue.cancel(order.client_order_id)
    events = harness.drain()
    (canceled,) = of_type(events, OrderCanceled)
    (refused,) = of_type(events, OrderCancelRejected)
    assert canceled.client_order_id == refused.client_order_id == order.client_order_id
    assert refused.reason
    assert harness.venue.open_orders() == []


def test_cancel_all_cancels_the_working_orders_of_one_instrument_or_of_all(
    harness: VenueHarness,
) -> None:
    level = away(harness, "0.5")
    a1 = make_order(harness, "a1", BUY, 1, OrderType.LIMIT, price=level)
    a2 = make_order(harness, "a2", BUY, 1, OrderType.LIMIT, price=away(harness, "0.4"))
    b1 = make_order(harness, "b1", BUY, 1, OrderType.LIMIT, price=level,
                    instrument=harness.secondary)  # fmt: skip
    for order in (a1, a2, b1):
        harness.venue.submit(order)
    harness.drain()
    harness.venue.cancel_all(harness.primary.id)
    first = {e.client_order_id for e in of_type(harness.drain(), OrderCanceled)}
    assert first == {a1.client_order_id, a2.client_order_id}
    assert [o.client_order_id for o in harness.venue.open_orders()] == [b1.client_order_id]
    harness.venue.cancel_all()
    assert [e.client_order_id for e in of_type(harness.drain(), OrderCanceled)] == [
        b1.client_order_id
    ]
    harness.venue.cancel_all()
    assert harness.drain() == []


def test_modify_moves_a_working_limit_which_then_fills_at_its_new_price(
    harness: VenueHarness,
) -> None:
    if VenueCapability.MODIFY.value not in harness.venue.capabilities:
        pytest.skip("the adapter does not declare modify")
    order = make_order(harness, "mod", BUY, 2, OrderType.LIMIT, price=away(harness, "0.5"))
    harness.venue.submit(order)
    new_price = away(harness, "0.9")
    harness.venue.modify(order.client_order_id, price=new_price)
    events = harness.drain()
    apply_all([order], events)
    (updated,) = of_type(events, OrderUpdated)
    assert (updated.price, updated.quantity) == (new_price, order.quantity)
    assert order.price == new_price
    p = harness.start_price
    harness.move_market(harness.primary, p - 5, p - 5, new_price - 1, p - 5)
    later = harness.drain()
    apply_all([order], later)
    (filled,) = fills(later)
    assert filled.last_price <= new_price
    assert order.status is OrderStatus.FILLED


def test_a_modify_the_venue_cannot_make_is_rejected_and_changes_nothing(
    harness: VenueHarness,
) -> None:
    if VenueCapability.MODIFY.value not in harness.venue.capabilities:
        pytest.skip("the adapter does not declare modify")
    price = away(harness, "0.5")
    order = make_order(harness, "bad-mod", BUY, 2, OrderType.LIMIT, price=price)
    harness.venue.submit(order)
    harness.venue.modify(order.client_order_id, quantity=harness.primary.lot_size / 2)
    harness.venue.modify(order.client_order_id, price=price + harness.primary.price_tick / 2)
    events = harness.drain()
    apply_all([order], events)
    refusals = of_type(events, OrderModifyRejected)
    assert len(refusals) == 2
    assert all(r.reason for r in refusals)
    (report,) = [r for r in harness.venue.order_status_reports()
                 if r.client_order_id == order.client_order_id]  # fmt: skip
    assert (report.quantity, report.price) == (order.quantity, price)


def test_a_client_order_id_submitted_twice_is_refused_and_not_duplicated(
    harness: VenueHarness,
) -> None:
    first = make_order(harness, "twice", BUY, 1, OrderType.LIMIT, price=away(harness, "0.5"))
    harness.venue.submit(first)
    again = make_order(harness, "twice", BUY, 1, OrderType.LIMIT, price=away(harness, "0.5"))
    with pytest.raises(DuplicateOrderError, match="contract-twice"):
        harness.venue.submit(again)
    assert len(of_type(harness.drain(), OrderAccepted)) == 1
    assert len(harness.venue.open_orders()) == 1
    reports = [r for r in harness.venue.order_status_reports()
               if r.client_order_id == first.client_order_id]  # fmt: skip
    assert len(reports) == 1


def test_events_are_handed_over_once(harness: VenueHarness) -> None:
    harness.venue.submit(make_order(harness, "once", BUY, 1))
    assert harness.drain()
    assert harness.drain() == []


def test_stop_limits_wait_for_their_trigger_then_fill_within_their_limit(
    harness: VenueHarness,
) -> None:
    if VenueCapability.STOP_LIMIT.value not in harness.venue.capabilities:
        pytest.skip("the adapter does not declare stop_limit")
    p = harness.start_price
    held = make_order(harness, "held", BUY, 2)  # spot: the sell stop needs the asset
    harness.venue.submit(held)
    harness.move_market(harness.primary, p, p, p, p)
    apply_all([held], harness.drain())
    assert held.status is OrderStatus.FILLED
    sell_trigger, sell_limit = away(harness, "0.95"), away(harness, "0.94")
    buy_trigger, buy_limit = away(harness, "1.05"), away(harness, "1.06")
    sell = make_order(
        harness, "sl-sell", SELL, 2, OrderType.STOP_LIMIT, price=sell_limit, trigger=sell_trigger
    )
    buy = make_order(
        harness, "sl-buy", BUY, 1, OrderType.STOP_LIMIT, price=buy_limit, trigger=buy_trigger
    )
    for order in (sell, buy):
        harness.venue.submit(order)
    harness.move_market(harness.primary, p, buy_trigger - 1, sell_trigger + 1, p)
    waiting = harness.drain()
    apply_all([sell, buy], waiting)
    assert len(of_type(waiting, OrderAccepted)) == 2
    assert not fills(waiting)
    assert {o.client_order_id for o in harness.venue.open_orders()} == {
        sell.client_order_id, buy.client_order_id,
    }  # fmt: skip
    harness.move_market(harness.primary, p - 1, p - 1, sell_limit - 1, sell_limit)
    down = harness.drain()
    apply_all([sell, buy], down)
    assert [f.client_order_id for f in fills(down)] == [sell.client_order_id]
    assert all(f.last_price >= sell_limit for f in fills(down))
    assert status(sell) is OrderStatus.FILLED
    assert status(buy) is OrderStatus.ACCEPTED
    harness.move_market(harness.primary, sell_limit, buy_limit + 1, sell_limit, buy_limit)
    up = harness.drain()
    apply_all([buy], up)
    assert [f.client_order_id for f in fills(up)] == [buy.client_order_id]
    assert all(f.last_price <= buy_limit for f in fills(up))
    assert status(buy) is OrderStatus.FILLED
    assert harness.venue.open_orders() == []
