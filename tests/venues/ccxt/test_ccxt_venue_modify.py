"""`CcxtVenue.modify`: Binance's cancel-replace through ccxt's `edit_order`, against the
in-process Binance emulator."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType
from tradewind.domain.order_events import (
    OrderEvent,
    OrderFilled,
    OrderModifyRejected,
    OrderUpdated,
)
from tradewind.ports.execution import VenueCapability
from tradewind.venues.ccxt import CcxtVenue
from tradewind.venues.ccxt.requests import capabilities_of

from .emulated import LOT, Emulated, start_emulator

BUY = OrderSide.BUY
_REPLACE_PATH = "/api/v3/order/cancelReplace"


@pytest.fixture
def emulated() -> Iterator[Emulated]:
    built = start_emulator(timeout_ms=1_000)
    yield built
    built.server.stop()


@pytest.fixture
def venue(emulated: Emulated) -> CcxtVenue:
    built = emulated.venue()
    built.connect()
    return built


def _instrument(venue: CcxtVenue) -> Instrument:
    return venue.session.instruments.all[0]  # type: ignore[union-attr]


def _limit(emulated: Emulated, venue: CcxtVenue, name: str, lots: int, price: str) -> Order:
    order = emulated.order(_instrument(venue), name, BUY, lots, OrderType.LIMIT, Decimal(price))
    venue.submit(order)
    return order


def _drain(venue: CcxtVenue, *orders: Order) -> list[OrderEvent]:
    venue.sync()
    events = venue.drain_events()
    by_id = {o.client_order_id: o for o in orders}
    for event in events:
        if event.client_order_id in by_id:
            by_id[event.client_order_id].apply(event)
    return events


def _names(events: list[OrderEvent]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_modify_is_declared_for_binance_only() -> None:
    has = {"editOrder": True}
    assert VenueCapability.MODIFY.value in capabilities_of(has, {}, frozenset(), "binance")
    assert VenueCapability.MODIFY.value not in capabilities_of(has, {}, frozenset(), "kraken")
    assert VenueCapability.MODIFY.value not in capabilities_of({}, {}, frozenset(), "binance")


def test_a_modify_replaces_the_venue_order_under_the_same_client_id(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    order = _limit(emulated, venue, "move", 2, "90")
    venue.modify(order.client_order_id, price=Decimal("95"), quantity=LOT * 3)
    events = _drain(venue, order)
    assert _names(events) == ["OrderAccepted", "OrderUpdated"]
    (update,) = [e for e in events if isinstance(e, OrderUpdated)]
    assert (update.quantity, update.price) == (LOT * 3, Decimal(95))
    old, new = emulated.orders_at_venue()
    assert (old.status.value, new.status.value) == ("CANCELED", "NEW")
    assert new.client_order_id == old.client_order_id == "t-move"
    assert (new.qty, new.price) == (LOT * 3, Decimal(95))
    (working,) = venue.open_orders()
    assert (working.client_order_id, working.price, working.quantity) == (
        order.client_order_id,
        Decimal(95),
        LOT * 3,
    )


def test_the_tracking_follows_the_replacement_for_cancels_and_reports(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    order = _limit(emulated, venue, "follow", 2, "90")
    venue.modify(order.client_order_id, price=Decimal("91"))
    venue.cancel(order.client_order_id)
    events = _drain(venue, order)
    assert _names(events) == ["OrderAccepted", "OrderUpdated", "OrderCanceled"]
    assert emulated.market.open_orders("test-key") == []
    (report,) = [
        r for r in venue.order_status_reports() if r.client_order_id == order.client_order_id
    ]
    assert (report.status, report.price, report.quantity) == (
        OrderStatus.CANCELED,
        Decimal(91),
        order.quantity,
    )


def test_terms_off_the_grid_are_refused_here_and_nothing_is_sent(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    order = _limit(emulated, venue, "grid", 2, "90")
    venue.modify(order.client_order_id, quantity=LOT / 2)
    venue.modify(order.client_order_id, price=Decimal("90.005"))
    venue.modify(order.client_order_id)
    events = _drain(venue, order)
    refusals = [e for e in events if isinstance(e, OrderModifyRejected)]
    assert len(refusals) == 3
    assert "lot size" in refusals[0].reason
    assert "tick" in refusals[1].reason
    assert "changes nothing" in refusals[2].reason
    assert len(emulated.orders_at_venue()) == 1
    assert emulated.orders_at_venue()[0].status.value == "NEW"


def test_a_partly_filled_order_keeps_its_fill_and_the_new_order_is_for_the_rest(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    order = _limit(emulated, venue, "part", 4, "99")
    emulated.trade(100, 100, 98, 99, volume=float(LOT * 8))  # 25%: 2 lots fill
    _drain(venue, order)
    assert order.filled_qty == LOT * 2
    venue.modify(order.client_order_id, quantity=LOT * 6, price=Decimal("98"))
    events = _drain(venue, order)
    assert _names(events) == ["OrderUpdated"]
    old, new = emulated.orders_at_venue()
    assert (old.executed_qty, old.status.value) == (LOT * 2, "CANCELED")
    assert (new.qty, new.price) == (LOT * 4, Decimal(98))
    assert (order.quantity, order.filled_qty) == (LOT * 6, LOT * 2)
    emulated.trade(99, 99, 97, 98)
    later = _drain(venue, order)
    assert [e.last_qty for e in later if isinstance(e, OrderFilled)] == [LOT * 4]
    assert order.status is OrderStatus.FILLED
    (report,) = venue.order_status_reports()
    assert (report.status, report.quantity, report.filled_qty) == (
        OrderStatus.FILLED,
        LOT * 6,
        LOT * 6,
    )
    fills = venue.fill_reports()
    assert [str(f.venue_order_id) for f in fills] == [str(old.order_id), str(new.order_id)]
    assert {f.client_order_id for f in fills} == {order.client_order_id}


def test_a_restarted_adapter_reports_the_modified_order_once_with_its_latest_terms(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    order = _limit(emulated, venue, "again", 2, "90")
    venue.modify(order.client_order_id, price=Decimal("92"))
    venue.modify(order.client_order_id, price=Decimal("93"))
    _drain(venue, order)
    restarted = emulated.venue()
    restarted.connect()
    (report,) = restarted.order_status_reports()
    assert (report.client_order_id, report.status, report.price, report.quantity) == (
        order.client_order_id,
        OrderStatus.ACCEPTED,
        Decimal(93),
        order.quantity,
    )
    assert len(emulated.orders_at_venue()) == 3


def test_a_modify_of_an_order_filled_meanwhile_is_rejected_and_the_fill_follows(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    order = _limit(emulated, venue, "gone", 1, "99")
    _drain(venue, order)
    emulated.trade(100, 100, 98, 99)
    venue.modify(order.client_order_id, price=Decimal("95"))
    events = venue.drain_events()
    assert _names(events) == ["OrderModifyRejected", "OrderFilled"]
    assert len(emulated.orders_at_venue()) == 1


def test_a_replacement_the_venue_refuses_after_canceling_leaves_the_order_canceled(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    order = _limit(emulated, venue, "broke", 1, "90")
    emulated.market.deposit("test-key", "USDT", Decimal(-999_000))
    venue.modify(order.client_order_id, quantity=LOT * 100_000)
    events = _drain(venue, order)
    assert _names(events) == ["OrderAccepted", "OrderModifyRejected", "OrderCanceled"]
    (refusal,) = [e for e in events if isinstance(e, OrderModifyRejected)]
    assert "canceled" in refusal.reason
    assert order.status is OrderStatus.CANCELED


def test_a_replace_whose_answer_is_lost_is_found_by_client_id(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    order = _limit(emulated, venue, "lost", 1, "90")
    emulated.server.faults.arm("timeout", path_prefix=_REPLACE_PATH, method="POST")
    venue.modify(order.client_order_id, price=Decimal("94"))
    events = _drain(venue, order)
    assert _names(events) == ["OrderAccepted", "OrderUpdated"]
    assert order.price == Decimal(94)
    assert [o.status.value for o in emulated.orders_at_venue()] == ["CANCELED", "NEW"]


def test_a_rate_limited_replace_is_sent_once_more(emulated: Emulated, venue: CcxtVenue) -> None:
    order = _limit(emulated, venue, "limited", 1, "90")
    emulated.server.faults.arm("http429", path_prefix=_REPLACE_PATH, method="POST")
    venue.modify(order.client_order_id, price=Decimal("94"))
    assert _names(_drain(venue, order)) == ["OrderAccepted", "OrderUpdated"]
    assert len(emulated.orders_at_venue()) == 2


def test_a_stop_limit_moves_its_trigger_and_stays_a_stop_loss(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    venue.submit(emulated.order(_instrument(venue), "own", BUY, 1))
    base = emulated.order(_instrument(venue), "stop", OrderSide.SELL, 1)
    stop = Order(
        client_order_id=base.client_order_id,
        strategy_id=base.strategy_id,
        instrument_id=base.instrument_id,
        side=OrderSide.SELL,
        order_type=OrderType.STOP_LIMIT,
        quantity=LOT,
        price=Decimal(94),
        trigger_price=Decimal(95),
        created_at=base.created_at,
    )
    venue.submit(stop)
    venue.modify(stop.client_order_id, price=Decimal(95), trigger_price=Decimal(96))
    (update,) = [e for e in _drain(venue) if isinstance(e, OrderUpdated)]
    assert (update.price, update.trigger_price) == (Decimal(95), Decimal(96))
    new = emulated.orders_at_venue()[-1]
    assert (new.stop_price, new.price, new.take_profit) == (Decimal(96), Decimal(95), False)
    assert new.status.value == "NEW"
