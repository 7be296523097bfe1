"""`CcxtVenue` drives ccxt's `coinbase` class (with `coinbase_quirks.CoinbaseClient`'s
bridges) against the in-process Coinbase Advanced Trade emulator: the client id as
`client_order_id`, market buys sized in base units, client-id lookups through the order
history, refused cancels confirmed from history, expired IOC orders, cursor-paged
history, and a wrong secret."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import ccxt
import pytest
from tests.contract.coinbase_harness import COINBASE

from tradewind.domain.order_enums import OrderStatus, OrderType, TimeInForce
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderCancelRejected,
    OrderExpired,
    OrderFilled,
)
from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import ConnectionStatus
from tradewind.venues.ccxt import CcxtVenue
from tradewind.venues.ccxt.config import Secret

from .rig import LOT, Rig, start_rig
from .rig import drain as _drain
from .rig import instrument as _instrument
from .rig import of as _of

KEY = COINBASE.key
ORDERS = "/api/v3/brokerage/orders"
HISTORY = "/api/v3/brokerage/orders/historical/batch"
BATCH_CANCEL = "/api/v3/brokerage/orders/batch_cancel"


@pytest.fixture
def rig() -> Iterator[Rig]:
    built = start_rig(COINBASE, order_prefix="cb-")
    yield built
    built.server.stop()


@pytest.fixture
def venue(rig: Rig) -> CcxtVenue:
    built = rig.venue()
    built.connect()
    return built


def test_a_wrong_secret_is_refused_credentials_not_retried_and_not_shown(rig: Rig) -> None:
    wrong = "some other secret"
    venue = rig.venue(secret=Secret(wrong))
    with pytest.raises(VenueError) as refused:
        venue.connect()
    assert not refused.value.retryable
    assert "refused the credentials" in str(refused.value)
    assert venue.status.connection is ConnectionStatus.DISCONNECTED
    assert wrong not in str(refused.value) + venue.status.reason


def test_coinbase_declares_ioc_fok_and_stop_limit_but_not_cancel_all_or_stop(
    venue: CcxtVenue,
) -> None:
    assert venue.capabilities == {
        "fok", "fractional", "ioc", "limit", "market", "partial_fills", "stop_limit",
    }  # fmt: skip


def test_the_client_order_id_reaches_coinbase_as_its_client_order_id(
    rig: Rig, venue: CcxtVenue
) -> None:
    order = rig.order(_instrument(venue), "ack", kind=OrderType.LIMIT, price=Decimal(90))
    venue.submit(order)
    (accepted,) = venue.drain_events()
    assert isinstance(accepted, OrderAccepted)
    (placed,) = rig.market.orders(KEY)
    assert placed.client_order_id == "cb-ack"


def test_a_market_buy_is_sized_in_base_units_not_in_quote(rig: Rig, venue: CcxtVenue) -> None:
    order = rig.order(_instrument(venue), "mkt", lots=3)
    venue.submit(order)
    fills = _of(_drain(venue), OrderFilled)
    assert [f.last_qty for f in fills] == [3 * LOT]  # type: ignore[attr-defined]
    (placed,) = rig.market.orders(KEY)
    assert (placed.qty, placed.quote_order_qty) == (3 * LOT, None)


def test_a_submit_whose_answer_times_out_is_found_by_client_id_in_the_order_history(
    rig: Rig, venue: CcxtVenue
) -> None:
    rig.faults.arm("timeout", path_prefix=ORDERS, method="POST")
    order = rig.order(_instrument(venue), "lost", kind=OrderType.LIMIT, price=Decimal(90))
    before = rig.server.requests[HISTORY]
    venue.submit(order)
    assert len(_of(_drain(venue), OrderAccepted)) == 1
    assert len(rig.market.orders(KEY)) == 1
    assert rig.server.requests[HISTORY] > before


def test_a_cancel_coinbase_refuses_for_a_filled_order_is_rejected_saying_so(
    rig: Rig, venue: CcxtVenue
) -> None:
    order = rig.order(_instrument(venue), "filled", kind=OrderType.LIMIT, price=Decimal(90))
    venue.submit(order)
    venue.drain_events()
    rig.trade_at("BTC-USD", 89)  # fills at the venue; the adapter has not synced
    venue.cancel(order.client_order_id)
    events = venue.drain_events()
    (refused,) = _of(events, OrderCancelRejected)
    assert "closed at the venue" in refused.reason  # type: ignore[attr-defined]
    assert not _of(events, OrderCanceled)
    assert rig.server.requests[BATCH_CANCEL] == 1


def test_an_unfillable_ioc_limit_expires_rather_than_being_canceled(
    rig: Rig, venue: CcxtVenue
) -> None:
    order = rig.order(
        _instrument(venue), "ioc", kind=OrderType.LIMIT, price=Decimal(90),
        time_in_force=TimeInForce.IOC,
    )  # fmt: skip
    venue.submit(order)
    events = _drain(venue)
    assert [type(e) for e in events] == [OrderAccepted, OrderExpired]


def test_cancel_all_cancels_order_by_order_and_leaves_the_other_instrument(
    rig: Rig, venue: CcxtVenue
) -> None:
    btc, eth = _instrument(venue, 0), _instrument(venue, 1)
    mine = [rig.order(btc, f"a{i}", kind=OrderType.LIMIT, price=Decimal(50)) for i in range(2)]
    other = rig.order(eth, "b", kind=OrderType.LIMIT, price=Decimal(50))
    for order in [*mine, other]:
        venue.submit(order)
    venue.drain_events()
    venue.cancel_all(btc.id)
    canceled = [e.client_order_id for e in _of(_drain(venue), OrderCanceled)]
    assert canceled == [o.client_order_id for o in mine]
    assert [o.client_order_id for o in venue.open_orders()] == [other.client_order_id]
    assert rig.server.requests[BATCH_CANCEL] == 2


def test_reports_read_every_cursor_page_of_a_history_longer_than_one_page(
    rig: Rig, venue: CcxtVenue
) -> None:
    instrument = _instrument(venue)
    orders = [rig.order(instrument, f"m{i}") for i in range(12)]
    for order in orders:
        venue.submit(order)
    fills = _of(_drain(venue), OrderFilled)
    assert len(fills) == 12
    restarted = rig.venue(page_limit=5)
    restarted.connect()
    before = rig.server.requests[HISTORY]
    reports = restarted.order_status_reports()
    assert [r.client_order_id for r in reports] == [o.client_order_id for o in orders]
    assert {r.status for r in reports} == {OrderStatus.FILLED}
    assert rig.server.requests[HISTORY] - before >= 3
    assert [r.to_event() for r in restarted.fill_reports()] == fills


def test_an_unknown_order_id_is_order_not_found_not_a_plain_exchange_error(
    venue: CcxtVenue,
) -> None:
    exchange = venue.session.exchange
    with pytest.raises(ccxt.OrderNotFound):
        exchange.fetch_order("7c0e3a52-5b1d-4f6a-9e28-0000000fffff", "BTC/USD")
    with pytest.raises(ccxt.OrderNotFound):
        exchange.fetch_order("", "BTC/USD", {"clientOrderId": "never-sent"})
