"""`CcxtVenue` drives the real ccxt `kraken` class against the in-process Kraken emulator:
acknowledgement-only answers, client-id lookups through the order lists, cancel-all
per symbol, history read page by page, and a wrong secret."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from decimal import Decimal

import pytest
from tests.contract.kraken_harness import KRAKEN

from tradewind.domain.order_enums import OrderStatus, OrderType
from tradewind.domain.order_events import OrderAccepted, OrderCanceled, OrderFilled
from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import ConnectionStatus
from tradewind.venues.ccxt import CcxtVenue
from tradewind.venues.ccxt.config import Secret

from .rig import LOT, Rig, start_rig
from .rig import drain as _drain
from .rig import instrument as _instrument
from .rig import of as _of

KEY = KRAKEN.key
ADD_ORDER = "/0/private/AddOrder"


@pytest.fixture
def rig() -> Iterator[Rig]:
    built = start_rig(KRAKEN, order_prefix="k-")
    yield built
    built.server.stop()


@pytest.fixture
def venue(rig: Rig) -> CcxtVenue:
    built = rig.venue()
    built.connect()
    return built


def test_a_wrong_secret_is_refused_credentials_not_retried_and_not_shown(rig: Rig) -> None:
    wrong = base64.b64encode(b"some other secret").decode()
    venue = rig.venue(secret=Secret(wrong))
    with pytest.raises(VenueError) as refused:
        venue.connect()
    assert not refused.value.retryable
    assert "refused the credentials" in str(refused.value)
    assert venue.status.connection is ConnectionStatus.DISCONNECTED
    assert wrong not in str(refused.value) + venue.status.reason


def test_an_acknowledged_submit_is_read_back_and_accepted_at_once(
    rig: Rig, venue: CcxtVenue
) -> None:
    order = rig.order(_instrument(venue), "ack", kind=OrderType.LIMIT, price=Decimal(90))
    venue.submit(order)
    (accepted,) = venue.drain_events()
    assert isinstance(accepted, OrderAccepted)
    (placed,) = rig.market.orders(KEY)
    assert placed.client_order_id == "k-ack"


def test_a_submit_whose_answer_times_out_is_found_by_client_id_in_the_order_lists(
    rig: Rig, venue: CcxtVenue
) -> None:
    rig.faults.arm("timeout", path_prefix=ADD_ORDER, method="POST")
    order = rig.order(_instrument(venue), "lost", kind=OrderType.LIMIT, price=Decimal(90))
    venue.submit(order)
    events = _drain(venue)
    assert len(_of(events, OrderAccepted)) == 1
    assert len(rig.market.orders(KEY)) == 1
    assert rig.server.requests["/0/private/OpenOrders"] > 0


def test_a_lost_market_order_that_filled_is_found_among_the_closed_orders(
    rig: Rig, venue: CcxtVenue
) -> None:
    rig.faults.arm("timeout", path_prefix=ADD_ORDER, method="POST")
    order = rig.order(_instrument(venue), "filled", lots=2)
    venue.submit(order)
    events = _drain(venue)
    assert len(_of(events, OrderAccepted)) == 1
    assert [f.last_qty for f in _of(events, OrderFilled)] == [2 * LOT]  # type: ignore[attr-defined]
    assert len(rig.market.orders(KEY)) == 1
    assert rig.server.requests["/0/private/ClosedOrders"] > 0


def test_a_submit_dropped_before_the_venue_is_sent_once_more_with_the_same_id(
    rig: Rig, venue: CcxtVenue
) -> None:
    rig.faults.arm("drop", path_prefix=ADD_ORDER, method="POST")
    order = rig.order(_instrument(venue), "dropped", kind=OrderType.LIMIT, price=Decimal(90))
    venue.submit(order)
    assert len(_of(_drain(venue), OrderAccepted)) == 1
    (placed,) = rig.market.orders(KEY)
    assert placed.client_order_id == "k-dropped"


def test_an_acknowledged_cancel_is_read_back_and_confirmed(rig: Rig, venue: CcxtVenue) -> None:
    order = rig.order(_instrument(venue), "c", kind=OrderType.LIMIT, price=Decimal(50))
    venue.submit(order)
    venue.cancel(order.client_order_id)
    assert [type(e) for e in venue.drain_events()] == [OrderAccepted, OrderCanceled]


def test_cancel_all_of_one_instrument_leaves_the_others_orders_working(
    rig: Rig, venue: CcxtVenue
) -> None:
    btc, eth = _instrument(venue, 0), _instrument(venue, 1)
    mine = rig.order(btc, "a", kind=OrderType.LIMIT, price=Decimal(50))
    other = rig.order(eth, "b", kind=OrderType.LIMIT, price=Decimal(50))
    for order in (mine, other):
        venue.submit(order)
    venue.drain_events()
    venue.cancel_all(btc.id)
    assert [e.client_order_id for e in _of(_drain(venue), OrderCanceled)] == [mine.client_order_id]
    assert [o.client_order_id for o in venue.open_orders()] == [other.client_order_id]
    assert rig.server.requests["/0/private/CancelAll"] == 0


def test_reports_read_every_page_of_a_history_longer_than_one_page(
    rig: Rig, venue: CcxtVenue
) -> None:
    instrument = _instrument(venue)
    orders = [rig.order(instrument, f"m{i}") for i in range(60)]
    for order in orders:
        venue.submit(order)
    events = _drain(venue)
    fills = _of(events, OrderFilled)
    assert len(fills) == 60
    restarted = rig.venue()
    restarted.connect()
    assert [r.to_event() for r in restarted.fill_reports()] == fills
    reports = restarted.order_status_reports()
    assert [r.client_order_id for r in reports] == [o.client_order_id for o in orders]
    assert {r.status for r in reports} == {OrderStatus.FILLED}
