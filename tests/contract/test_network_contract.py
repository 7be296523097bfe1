"""Every venue adapter survives its network: lost answers, dropped connections, outages,
rate limits and a restart of the process, without losing or doubling an order or a fill.

Runs once per harness in `harness.HARNESSES`. The fault tests need a network between
adapter and venue (`harness.faults`); the simulated venue is in-process, so they skip
it, each saying why. Disconnecting and restarting apply to every adapter.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from tradewind.domain.identifiers import ClientOrderId
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderStatus, OrderType
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderCancelRejected,
    OrderEvent,
    OrderRejected,
)
from tradewind.domain.venue_errors import DuplicateOrderError
from tradewind.domain.venue_reports import ConnectionStatus, OrderStatusReport
from tradewind.ports.execution import VenueCapability

from .harness import NetworkFaults, VenueHarness, WireRequest
from .support import BUY, SELL, apply_all, away, connection, fills, make_order, of_type

_NO_NETWORK = "the simulated venue runs in-process, with no network between it and its caller"


def _faults(harness: VenueHarness, needs: str) -> NetworkFaults:
    if harness.faults is None:
        pytest.skip(f"{_NO_NETWORK}: {needs}")
    return harness.faults


def _accepted_once_each(events: list[OrderEvent], orders: list[Order]) -> None:
    accepted = [e.client_order_id for e in of_type(events, OrderAccepted)]
    assert sorted(accepted) == sorted(o.client_order_id for o in orders)


# -- a lost answer ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", [OrderType.LIMIT, OrderType.MARKET])
def test_a_submit_whose_answer_is_lost_to_a_timeout_is_one_order_and_a_resubmit_is_refused(
    harness: VenueHarness, kind: OrderType
) -> None:
    faults = _faults(harness, "no answer can be lost to a timeout")
    price = away(harness, "0.9") if kind is OrderType.LIMIT else None
    order = make_order(harness, f"lost-{kind.value}", BUY, 2, kind, price=price)
    faults.arm_timeout(WireRequest.SUBMIT)
    harness.venue.submit(order)
    events = harness.drain()
    apply_all([order], events)
    assert faults.delivered() == {"timeout": 1}
    assert len(of_type(events, OrderAccepted)) == 1
    assert not of_type(events, OrderRejected)
    assert faults.orders_at_venue(order.client_order_id) == 1
    expected = OrderStatus.ACCEPTED if kind is OrderType.LIMIT else OrderStatus.FILLED
    assert order.status is expected
    assert sum(f.last_qty for f in fills(events)) == order.filled_qty
    again = make_order(harness, f"lost-{kind.value}", BUY, 2, kind, price=price)
    with pytest.raises(DuplicateOrderError, match=str(order.client_order_id)):
        harness.venue.submit(again)
    assert harness.drain() == []
    assert faults.orders_at_venue(order.client_order_id) == 1
    reports = [r for r in harness.venue.order_status_reports()
               if r.client_order_id == order.client_order_id]  # fmt: skip
    assert [r.status for r in reports] == [expected]


# -- dropped connections -----------------------------------------------------------------


def test_a_submit_whose_connection_drops_is_one_order_or_a_stated_refusal_and_entry_goes_on(
    harness: VenueHarness,
) -> None:
    faults = _faults(harness, "no connection can drop")
    order = make_order(harness, "dropped", BUY, 1, OrderType.LIMIT, price=away(harness, "0.9"))
    faults.arm_drop(WireRequest.SUBMIT)
    harness.venue.submit(order)
    events = harness.drain()
    assert faults.delivered() == {"drop": 1}
    accepted, rejected = of_type(events, OrderAccepted), of_type(events, OrderRejected)
    assert len(accepted) + len(rejected) == 1
    assert all(r.reason for r in rejected)
    assert faults.orders_at_venue(order.client_order_id) == len(accepted)
    after = make_order(harness, "after-drop", BUY, 1)
    harness.venue.submit(after)
    p = harness.start_price
    harness.move_market(harness.primary, p, p, p, p)
    later = harness.drain()
    apply_all([after], later)
    assert after.status is OrderStatus.FILLED
    assert connection(harness.venue) is ConnectionStatus.CONNECTED


def test_fills_made_while_the_venue_was_unreachable_arrive_once_when_it_answers_again(
    harness: VenueHarness,
) -> None:
    faults = _faults(harness, "the venue cannot become unreachable")
    order = make_order(harness, "outage", BUY, 4, OrderType.LIMIT, price=away(harness, "0.99"))
    harness.venue.submit(order)
    assert of_type(harness.drain(), OrderAccepted)
    faults.sever()
    p = harness.start_price
    harness.move_market(harness.primary, p, p + 1, p - 2, p)
    during = harness.drain()
    assert fills(during) == []
    assert connection(harness.venue) is not ConnectionStatus.CONNECTED
    assert faults.delivered()["drop"] > 0
    faults.restore()
    after = harness.drain()
    apply_all([order], during + after)
    assert [f.last_qty for f in fills(after)] == [order.quantity]
    assert order.status is OrderStatus.FILLED
    assert harness.drain() == []
    assert connection(harness.venue) is ConnectionStatus.CONNECTED


# -- disconnect and reconnect (every adapter) ------------------------------------------------


def test_fills_made_while_disconnected_arrive_once_each_after_reconnecting(
    harness: VenueHarness,
) -> None:
    venue, lot, p = harness.venue, harness.primary.lot_size, harness.start_price
    partial = VenueCapability.PARTIAL_FILLS.value in venue.capabilities
    a = make_order(harness, "away-a", BUY, 6, OrderType.LIMIT, price=away(harness, "0.99"))
    b_price = harness.secondary.round_price(p * 2)
    b = make_order(harness, "away-b", BUY, 2, OrderType.LIMIT, price=b_price,
                   instrument=harness.secondary)  # fmt: skip
    for order in (a, b):
        venue.submit(order)
    before = harness.drain()
    venue.disconnect()
    harness.move_market(harness.primary, p, p + 1, p - 2, p, fillable=2 * lot if partial else None)
    harness.move_market(harness.primary, p, p + 1, p - 2, p)
    harness.move_market(harness.secondary, p, p + 1, p - 1, p)
    venue.connect()
    after = harness.drain()
    assert harness.drain() == []
    events = before + after
    apply_all([a, b], events)
    assert (a.status, b.status) == (OrderStatus.FILLED, OrderStatus.FILLED)
    trade_ids = [f.trade_id for f in fills(events)]
    assert len(trade_ids) == len(set(trade_ids)) == (3 if partial else 2)
    assert [r.to_event() for r in venue.fill_reports()] == fills(events)


# -- rate limits ------------------------------------------------------------------------------


def test_a_burst_of_order_queries_under_a_tight_rate_limit_is_served_without_a_ban(
    harness: VenueHarness,
) -> None:
    faults = _faults(harness, "it has no rate limit to meet")
    resting = make_order(harness, "polled", BUY, 1, OrderType.LIMIT, price=away(harness, "0.5"))
    harness.venue.submit(resting)
    harness.drain()
    faults.crowd_rate_limit()
    polls = [harness.venue.open_orders() for _ in range(100)]
    answers = faults.rate_answers()
    assert answers.get(429, 0) >= 1, "the burst never met the venue's limit"
    assert answers.get(418, 0) == 0
    assert all([o.client_order_id for o in seen] == [resting.client_order_id] for seen in polls)
    assert connection(harness.venue) is ConnectionStatus.CONNECTED


def test_a_burst_of_submits_and_cancels_under_a_tight_rate_limit_is_served_without_a_ban(
    harness: VenueHarness,
) -> None:
    faults = _faults(harness, "it has no rate limit to meet")
    orders = [
        make_order(harness, f"burst-{i}", BUY, 1, OrderType.LIMIT, price=away(harness, "0.5"))
        for i in range(12)
    ]
    faults.crowd_rate_limit()
    for order in orders:
        harness.venue.submit(order)
        harness.venue.cancel(order.client_order_id)
    events = harness.drain()
    answers = faults.rate_answers()
    assert answers.get(429, 0) >= 1, "the burst never met the venue's limit"
    assert answers.get(418, 0) == 0
    assert not of_type(events, OrderRejected)
    assert not of_type(events, OrderCancelRejected)
    _accepted_once_each(events, orders)
    canceled = [e.client_order_id for e in of_type(events, OrderCanceled)]
    assert sorted(canceled) == sorted(o.client_order_id for o in orders)
    assert all(faults.orders_at_venue(o.client_order_id) == 1 for o in orders)
    assert harness.venue.open_orders() == []


def test_a_rate_limited_submit_is_sent_again_after_the_pause_and_placed_once(
    harness: VenueHarness,
) -> None:
    faults = _faults(harness, "it has no rate limit to meet")
    order = make_order(harness, "limited", BUY, 1, OrderType.LIMIT, price=away(harness, "0.5"))
    faults.arm_rate_limit(WireRequest.SUBMIT)
    harness.venue.submit(order)
    events = harness.drain()
    assert faults.delivered() == {"http429": 1}
    _accepted_once_each(events, [order])
    assert not of_type(events, OrderRejected)
    assert faults.orders_at_venue(order.client_order_id) == 1


def test_a_rate_limited_cancel_is_sent_again_after_the_pause_and_confirmed(
    harness: VenueHarness,
) -> None:
    faults = _faults(harness, "it has no rate limit to meet")
    order = make_order(harness, "limited-c", BUY, 1, OrderType.LIMIT, price=away(harness, "0.5"))
    harness.venue.submit(order)
    harness.drain()
    faults.arm_rate_limit(WireRequest.CANCEL)
    harness.venue.cancel(order.client_order_id)
    events = harness.drain()
    assert faults.delivered() == {"http429": 1}
    assert not of_type(events, OrderCancelRejected)
    assert [e.client_order_id for e in of_type(events, OrderCanceled)] == [order.client_order_id]
    assert harness.venue.open_orders() == []


# -- restart (every adapter) ------------------------------------------------------------------


def _trade_before_a_restart(harness: VenueHarness) -> list[Order]:
    """Fills both ways on two instruments, a partial fill, a canceled and a resting limit."""
    p, lot = harness.start_price, harness.primary.lot_size
    partial = VenueCapability.PARTIAL_FILLS.value in harness.venue.capabilities
    orders = [
        make_order(harness, "rs-buy", BUY, 5),
        make_order(harness, "rs-sell", SELL, 2),
        make_order(harness, "rs-cancel", SELL, 1, OrderType.LIMIT, price=away(harness, "2")),
        make_order(harness, "rs-btc", BUY, 3, instrument=harness.secondary),
    ]
    for order in orders:
        harness.venue.submit(order)
    harness.move_market(harness.primary, p, p + 1, p - 1, p)
    harness.move_market(harness.secondary, p, p + 1, p - 1, p)
    harness.venue.cancel(orders[2].client_order_id)
    part = make_order(harness, "rs-part", BUY, 4, OrderType.LIMIT, price=away(harness, "0.99"))
    rest = make_order(harness, "rs-rest", BUY, 1, OrderType.LIMIT, price=away(harness, "0.5"))
    for order in (part, rest):
        harness.venue.submit(order)
    harness.move_market(harness.primary, p, p + 1, p - 2, p, fillable=lot if partial else None)
    events = harness.drain()
    orders += [part, rest]
    apply_all(orders, events)
    return orders


def _by_order(reports: Sequence[OrderStatusReport]) -> dict[ClientOrderId, OrderStatusReport]:
    by_id = {r.client_order_id: r for r in reports}
    assert len(by_id) == len(reports), "one report per order"
    return by_id


def test_a_restarted_adapter_reports_the_orders_the_first_one_did(harness: VenueHarness) -> None:
    orders = _trade_before_a_restart(harness)
    first = harness.venue
    statuses = {o.status for o in orders}
    assert {OrderStatus.FILLED, OrderStatus.CANCELED, OrderStatus.ACCEPTED} <= statuses
    since = min(o.last_event_at for o in orders)
    expected = _by_order(first.order_status_reports()), _by_order(first.order_status_reports(since))
    open_before = {o.client_order_id for o in first.open_orders()}
    second = harness.restart()
    assert connection(second) is ConnectionStatus.CONNECTED
    # Orders placed at one instant may come in another order: the venue's history does
    # not say in which order one client sent them.
    assert _by_order(second.order_status_reports()) == expected[0]
    assert _by_order(second.order_status_reports(since)) == expected[1]
    assert {o.client_order_id for o in second.open_orders()} == open_before


def test_a_restarted_adapter_reports_the_fills_the_first_one_did(harness: VenueHarness) -> None:
    _trade_before_a_restart(harness)
    expected = list(harness.venue.fill_reports())
    assert len(expected) >= 4
    second = harness.restart()
    assert list(second.fill_reports()) == expected


def test_a_restarted_adapter_reports_the_positions_the_first_one_did(
    harness: VenueHarness,
) -> None:
    _trade_before_a_restart(harness)
    expected = list(harness.venue.positions())
    assert {p.instrument_id for p in expected} == {harness.primary.id, harness.secondary.id}
    second = harness.restart()
    restarted = list(second.positions())
    assert [(p.instrument_id, p.quantity) for p in restarted] == [
        (p.instrument_id, p.quantity) for p in expected
    ]
    assert restarted == expected
