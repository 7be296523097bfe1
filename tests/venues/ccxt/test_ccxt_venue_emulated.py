"""`CcxtVenue` drives the real ccxt client against the in-process Binance emulator."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal

import pytest

from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderCancelRejected,
    OrderEvent,
    OrderFilled,
    OrderRejected,
)
from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import ConnectionStatus
from tradewind.venues.ccxt import CcxtVenue

from .emulated import SECRET, Emulated, start_emulator

BUY, SELL = OrderSide.BUY, OrderSide.SELL


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


def _drain(venue: CcxtVenue) -> list[OrderEvent]:
    venue.sync()
    return venue.drain_events()


def _of(events: list[OrderEvent], kind: type) -> list[OrderEvent]:
    return [e for e in events if isinstance(e, kind)]


def test_a_resting_limit_is_accepted_then_filled_by_a_bar_with_fee_and_trade_id(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    instrument = venue.session.instruments.all[0]  # type: ignore[union-attr]
    order = emulated.order(instrument, "lim", BUY, 2, OrderType.LIMIT, Decimal(99))
    venue.submit(order)
    assert [type(e) for e in venue.drain_events()] == [OrderAccepted]
    emulated.trade(100, 100, 98, 99)
    events = _drain(venue)
    (fill,) = _of(events, OrderFilled)
    assert fill.last_qty == Decimal("0.002")
    assert fill.last_price <= Decimal(99)
    assert fill.commission > 0
    assert fill.commission_currency == "USDT"
    assert str(fill.trade_id)
    assert _drain(venue) == []


def test_a_cancel_is_confirmed_and_a_second_cancel_refused(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    instrument = venue.session.instruments.all[0]  # type: ignore[union-attr]
    order = emulated.order(instrument, "c", BUY, 1, OrderType.LIMIT, Decimal(50))
    venue.submit(order)
    venue.cancel(order.client_order_id)
    venue.cancel(order.client_order_id)
    events = _drain(venue)
    assert [type(e).__name__ for e in events] == [
        "OrderAccepted", "OrderCanceled", "OrderCancelRejected"
    ]  # fmt: skip
    assert venue.open_orders() == []


def test_an_order_off_the_lot_grid_is_rejected_locally_and_reported(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    instrument = venue.session.instruments.all[0]  # type: ignore[union-attr]
    order = emulated.order(instrument, "odd", BUY, 1)
    order.quantity = Decimal("0.0005")
    venue.submit(order)
    (rejected,) = venue.drain_events()
    assert isinstance(rejected, OrderRejected)
    assert "lot" in rejected.reason
    assert emulated.orders_at_venue() == []
    (report,) = venue.order_status_reports()
    assert report.status is OrderStatus.REJECTED
    assert "lot" in report.reason


def test_a_submit_whose_answer_times_out_is_found_by_client_id_not_duplicated(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    instrument = venue.session.instruments.all[0]  # type: ignore[union-attr]
    emulated.server.faults.arm("timeout", path_prefix="/api/v3/order", method="POST")
    order = emulated.order(instrument, "lost", BUY, 1, OrderType.LIMIT, Decimal(90))
    venue.submit(order)
    events = _drain(venue)
    assert len(_of(events, OrderAccepted)) == 1
    assert len(emulated.orders_at_venue()) == 1


def test_a_submit_dropped_before_the_venue_is_sent_once_more_with_the_same_id(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    instrument = venue.session.instruments.all[0]  # type: ignore[union-attr]
    emulated.server.faults.arm("drop", path_prefix="/api/v3/order", method="POST")
    order = emulated.order(instrument, "dropped", BUY, 1, OrderType.LIMIT, Decimal(90))
    venue.submit(order)
    events = _drain(venue)
    assert len(_of(events, OrderAccepted)) == 1
    (placed,) = emulated.orders_at_venue()
    assert placed.client_order_id == "t-dropped"


def test_a_rate_limited_submit_waits_and_is_sent_again(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    instrument = venue.session.instruments.all[0]  # type: ignore[union-attr]
    emulated.server.faults.arm("http429", path_prefix="/api/v3/order", method="POST")
    order = emulated.order(instrument, "limited", BUY, 1, OrderType.LIMIT, Decimal(90))
    venue.submit(order)
    assert len(_of(_drain(venue), OrderAccepted)) == 1
    assert len(emulated.orders_at_venue()) == 1


def test_a_rate_limited_cancel_waits_out_the_pause_and_is_sent_again(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    instrument = venue.session.instruments.all[0]  # type: ignore[union-attr]
    order = emulated.order(instrument, "limited-c", BUY, 1, OrderType.LIMIT, Decimal(50))
    venue.submit(order)
    venue.drain_events()
    emulated.server.faults.arm("http429", path_prefix="/api/v3/order", method="DELETE")
    started = time.monotonic()
    venue.cancel(order.client_order_id)
    waited_s = time.monotonic() - started
    events = _drain(venue)
    assert [type(e) for e in events] == [OrderCanceled]
    assert waited_s >= 0.9  # the emulator's Retry-After is 1 s
    assert venue.open_orders() == []


def test_a_cancel_rate_limited_twice_is_rejected_with_the_reason_and_the_order_works_on(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    instrument = venue.session.instruments.all[0]  # type: ignore[union-attr]
    order = emulated.order(instrument, "limited-2", BUY, 1, OrderType.LIMIT, Decimal(50))
    venue.submit(order)
    venue.drain_events()
    faults = emulated.server.faults
    faults.arm("http429", count=2, path_prefix="/api/v3/order", method="DELETE")
    venue.cancel(order.client_order_id)
    (rejected,) = venue.drain_events()
    assert isinstance(rejected, OrderCancelRejected)
    assert "rate_limited" in rejected.reason
    assert [o.client_order_id for o in venue.open_orders()] == [order.client_order_id]


def test_fills_during_a_disconnect_arrive_after_reconnecting(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    instrument = venue.session.instruments.all[0]  # type: ignore[union-attr]
    order = emulated.order(instrument, "away", BUY, 1, OrderType.LIMIT, Decimal(99))
    venue.submit(order)
    venue.drain_events()
    venue.disconnect()
    emulated.trade(100, 100, 98, 99)
    venue.connect()
    events = venue.drain_events()
    assert [type(e) for e in events] == [OrderFilled]
    assert _drain(venue) == []


def test_refused_credentials_disconnect_with_a_reason_that_hides_them(
    emulated: Emulated,
) -> None:
    venue = emulated.venue(secret="wrong-secret-value")
    with pytest.raises(VenueError) as refused:
        venue.connect()
    assert not refused.value.retryable
    assert "credentials" in str(refused.value)
    assert venue.status.connection is ConnectionStatus.DISCONNECTED
    assert "wrong-secret-value" not in str(refused.value) + venue.status.reason
    assert SECRET not in repr(emulated.config)


def test_reports_after_a_restart_equal_what_the_events_said(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    instrument = venue.session.instruments.all[0]  # type: ignore[union-attr]
    buy = emulated.order(instrument, "b", BUY, 3)
    rest = emulated.order(instrument, "r", BUY, 1, OrderType.LIMIT, Decimal(50))
    for order in (buy, rest):
        venue.submit(order)
    events = _drain(venue)
    for event in events:
        {o.client_order_id: o for o in (buy, rest)}[event.client_order_id].apply(event)
    restarted = emulated.venue()
    restarted.connect()
    reports = restarted.order_status_reports()
    assert [(r.client_order_id, r.status, r.filled_qty) for r in reports] == [
        (buy.client_order_id, OrderStatus.FILLED, buy.quantity),
        (rest.client_order_id, OrderStatus.ACCEPTED, Decimal(0)),
    ]
    assert [r.to_event() for r in restarted.fill_reports()] == _of(events, OrderFilled)
    (position,) = restarted.positions()
    assert position.quantity == buy.quantity
    assert _of(events, OrderCanceled) == []


def test_a_restarted_adapter_prices_positions_from_the_venues_fills(
    emulated: Emulated, venue: CcxtVenue
) -> None:
    instrument = venue.session.instruments.all[0]  # type: ignore[union-attr]
    venue.submit(emulated.order(instrument, "at-100", BUY, 3))
    _drain(venue)
    emulated.trade(110, 110, 110, 110)
    venue.submit(emulated.order(instrument, "at-110", BUY, 1))
    _drain(venue)
    restarted = emulated.venue()
    restarted.connect()
    (position,) = restarted.positions()
    assert position.quantity == Decimal("0.004")
    assert position.avg_open_price == Decimal("102.5")  # (3 x 100 + 1 x 110) / 4
    assert restarted.positions() == venue.positions()


def test_positions_price_only_the_fills_within_the_report_lookback(
    emulated: Emulated,
) -> None:
    venue = emulated.venue(report_lookback_ms=3_600_000)
    venue.connect()
    instrument = venue.session.instruments.all[0]  # type: ignore[union-attr]
    venue.submit(emulated.order(instrument, "old", BUY, 3))
    _drain(venue)
    emulated.bar += 120  # two hours later on the venue's clock
    emulated.trade(110, 110, 110, 110)
    venue.submit(emulated.order(instrument, "new", BUY, 1))
    _drain(venue)
    (position,) = venue.positions()
    assert position.quantity == Decimal("0.004")
    assert position.avg_open_price == Decimal(110)
