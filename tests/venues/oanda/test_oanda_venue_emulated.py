"""`OandaVenue` over its own client against the shipped OANDA emulator (127.0.0.1):
what the contract suite does not pin down for this venue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tradewind.domain.identifiers import ClientOrderId, InstrumentId, StrategyId
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType, TimeInForce
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderEvent,
    OrderExpired,
    OrderFilled,
    OrderRejected,
    OrderSubmitted,
)
from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import ConnectionStatus
from tradewind.venues.oanda import OandaVenue

from .rig import ACCOUNT, MONDAY_MS, TOKEN, Rig, running

EUR_USD = InstrumentId("EUR-USD", "OANDA")
SATURDAY_MS = MONDAY_MS - 2 * 86_400_000 + 12 * 3_600_000  # Saturday noon UTC: closed


@pytest.fixture
def rig() -> Iterator[Rig]:
    with running() as started:
        yield started


def _venue(rig: Rig) -> OandaVenue:
    venue = OandaVenue(rig.config(), poll_interval_ms=0)
    venue.connect()
    return venue


def _order(
    rig: Rig,
    name: str,
    side: OrderSide,
    units: int,
    kind: OrderType = OrderType.MARKET,
    *,
    price: str | None = None,
    trigger: str | None = None,
    tif: TimeInForce = TimeInForce.GTC,
) -> Order:
    order = Order(
        client_order_id=ClientOrderId(name),
        strategy_id=StrategyId("t"),
        instrument_id=EUR_USD,
        side=side,
        order_type=kind,
        quantity=Decimal(units),
        price=None if price is None else Decimal(price),
        trigger_price=None if trigger is None else Decimal(trigger),
        time_in_force=tif,
        created_at=datetime.fromtimestamp(rig.market.now_ms / 1000, tz=UTC),
    )
    order.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=order.created_at))
    return order


def _kinds(events: list[OrderEvent]) -> list[type]:
    return [type(e) for e in events]


def test_a_sell_opens_a_short_reported_as_negative_units(rig: Rig) -> None:
    venue = _venue(rig)
    venue.submit(_order(rig, "short", OrderSide.SELL, 1000))
    assert _kinds(venue.drain_events()) == [OrderAccepted, OrderFilled]
    (position,) = venue.positions()
    assert (position.instrument_id, position.quantity) == (EUR_USD, Decimal(-1000))
    assert position.avg_open_price == Decimal("1.10000")
    (cash,) = venue.balances()
    assert cash.currency == "USD"
    assert cash.locked > 0


def test_a_market_order_while_forex_is_closed_is_rejected_with_the_venue_reason() -> None:
    with running(SATURDAY_MS) as rig:
        venue = _venue(rig)
        order = _order(rig, "weekend", OrderSide.BUY, 10)
        venue.submit(order)
        (rejected,) = venue.drain_events()
        assert isinstance(rejected, OrderRejected)
        assert "MARKET_HALTED" in rejected.reason
        (report,) = venue.order_status_reports()
        assert (report.status, report.reason) == (OrderStatus.REJECTED, rejected.reason)


def test_a_stop_waits_for_its_trigger_then_fills(rig: Rig) -> None:
    venue = _venue(rig)
    stop = _order(rig, "stop", OrderSide.BUY, 5, OrderType.STOP, trigger="1.10100")
    venue.submit(stop)
    assert _kinds(venue.drain_events()) == [OrderAccepted]
    rig.bar(MONDAY_MS + 60_000, "1.10000", "1.10050", "1.09990", "1.10020")
    assert venue.drain_events() == []
    rig.bar(MONDAY_MS + 120_000, "1.10020", "1.10200", "1.10010", "1.10150")
    (filled,) = venue.drain_events()
    assert isinstance(filled, OrderFilled)
    assert filled.last_qty == Decimal(5)


def test_an_unfilled_ioc_limit_expires_and_a_day_limit_rests(rig: Rig) -> None:
    venue = _venue(rig)
    venue.submit(_order(rig, "ioc", OrderSide.BUY, 5, OrderType.LIMIT, price="1.00000",
                        tif=TimeInForce.IOC))  # fmt: skip
    venue.submit(_order(rig, "day", OrderSide.BUY, 5, OrderType.LIMIT, price="1.00000",
                        tif=TimeInForce.DAY))  # fmt: skip
    events = venue.drain_events()
    assert _kinds(events) == [OrderAccepted, OrderExpired, OrderAccepted]
    assert [o.client_order_id for o in venue.open_orders()] == [ClientOrderId("day")]


def test_a_restarted_adapter_takes_over_the_pending_orders_and_cancels_them(rig: Rig) -> None:
    first = _venue(rig)
    first.submit(_order(rig, "resting", OrderSide.BUY, 5, OrderType.LIMIT, price="1.00000"))
    first.drain_events()
    second = _venue(rig)
    second.cancel(ClientOrderId("resting"))
    (canceled,) = second.drain_events()
    assert isinstance(canceled, OrderCanceled)
    assert second.open_orders() == []


def test_a_restarted_adapter_leaves_pending_orders_it_did_not_send_alone(rig: Rig) -> None:
    import httpx

    by_hand = {"order": {"type": "LIMIT", "instrument": "EUR_USD", "units": "5",
                         "price": "1.00000", "clientExtensions": {"id": "by-hand"}}}  # fmt: skip
    answer = httpx.post(
        f"{rig.url}/v3/accounts/{ACCOUNT}/orders",
        json=by_hand,
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert answer.status_code == 201
    venue = _venue(rig)
    venue.cancel_all()  # ours only: the one placed by hand is reported, never canceled
    assert [str(o.client_order_id) for o in venue.open_orders()] == ["by-hand"]
    assert len(rig.market.open_orders(ACCOUNT)) == 1


def test_a_modify_replaces_the_order_under_the_same_client_id(rig: Rig) -> None:
    venue = _venue(rig)
    venue.submit(_order(rig, "mod", OrderSide.BUY, 5, OrderType.LIMIT, price="1.00000"))
    venue.modify(ClientOrderId("mod"), quantity=7, price="1.09000")
    events = venue.drain_events()
    assert [type(e).__name__ for e in events] == ["OrderAccepted", "OrderUpdated"]
    (working,) = venue.open_orders()
    assert (working.quantity, working.price) == (Decimal(7), Decimal("1.09000"))
    record = venue.session.client.order("@mod")
    assert (record.units, record.price, record.replaces_order_id) == (
        Decimal(7),
        Decimal("1.09000"),
        str(events[0].venue_order_id),  # type: ignore[attr-defined]
    )


def test_a_refused_token_leaves_the_adapter_disconnected_and_is_not_retryable(rig: Rig) -> None:
    venue = OandaVenue(rig.config(token="wrong-token"))
    with pytest.raises(VenueError, match="refused the access token") as refused:
        venue.connect()
    assert not refused.value.retryable
    assert "wrong-token" not in str(refused.value)
    assert venue.status.connection is ConnectionStatus.DISCONNECTED


def test_an_unreachable_venue_is_retryable(rig: Rig) -> None:
    rig.server.stop()
    venue = OandaVenue(rig.config())
    with pytest.raises(VenueError) as unreachable:
        venue.connect()
    assert unreachable.value.retryable


def test_without_an_account_id_the_tokens_first_account_is_used(rig: Rig) -> None:
    venue = OandaVenue(rig.config(account_id=None))
    venue.connect()
    assert venue.session.client.account_id == "101-001-0000000-001"
