"""What every polling venue adapter shares: capabilities before connect, duplicates,
cancel rejections, refused orders kept for the reports, and draining with a poll cadence."""

from __future__ import annotations

import time

import pytest

from tradewind.domain.identifiers import ClientOrderId
from tradewind.domain.order_enums import OrderStatus
from tradewind.domain.order_events import OrderCancelRejected, OrderModifyRejected, OrderRejected
from tradewind.domain.timestamps import EPOCH, ns_of
from tradewind.domain.venue_errors import DuplicateOrderError, VenueDisconnectedError, VenueError
from tradewind.domain.venue_reports import ConnectionStatus, VenueStatus
from tradewind.execution.error_text import clipped, retry_after_seconds
from tradewind.execution.order_registry import OrderRegistry
from tradewind.execution.polling_venue import BEFORE_CONNECT, PollingVenue, sorted_reports
from tradewind.execution.venue_session import require_connected

from .venue_records import Record, order


class _Session:
    venue = "TEST"

    def __init__(self) -> None:
        self.status = VenueStatus(ConnectionStatus.CONNECTED)

    def require_connected(self, request: str) -> None:
        require_connected(request, venue=self.venue, status=self.status, loaded=True)

    def disconnect(self) -> None:
        self.status = VenueStatus(ConnectionStatus.DISCONNECTED, "by test")


class _Venue(PollingVenue[_Session, Record]):
    def __init__(self, poll_interval_ms: int = 60_000, fail: bool = False) -> None:
        super().__init__(_Session(), OrderRegistry(Record), poll_interval_ms=poll_interval_ms)
        self.syncs = 0
        self.fail = fail

    def sync(self) -> None:
        self.syncs += 1
        self._last_sync = time.monotonic()
        if self.fail:
            raise VenueError("venue down")


def test_market_and_limit_are_declared_until_connect_reads_the_venue() -> None:
    venue = _Venue()
    assert venue.capabilities == BEFORE_CONNECT
    venue._capabilities = frozenset({"market"})
    assert venue.capabilities == {"market"}


def test_a_client_order_id_sent_or_refused_before_is_a_duplicate() -> None:
    venue = _Venue()
    venue._orders.add(order("a"), "X")
    venue._refuse(order("b"), "off the grid")
    for name in ("a", "b"):
        with pytest.raises(
            DuplicateOrderError, match=f"duplicate order {name}: already submitted to TEST"
        ):
            venue._require_new(ClientOrderId(name))
    venue._require_new(ClientOrderId("c"))


def test_a_refused_order_is_rejected_forgotten_and_kept_for_the_reports() -> None:
    venue = _Venue()
    tracked = venue._orders.add(order("a"), "X")
    tracked.outcome_unknown = True
    venue._refuse_tracked(tracked, "insufficient funds")
    assert ClientOrderId("a") not in venue._orders
    assert (tracked.order.status, tracked.reason, tracked.outcome_unknown) == (
        OrderStatus.REJECTED, "insufficient funds", False,
    )  # fmt: skip
    [event] = venue.drain_events()
    assert isinstance(event, OrderRejected)
    assert event.reason == "insufficient funds"
    [report] = venue._with_refused([], None, ns_of)
    assert report.client_order_id == ClientOrderId("a")
    assert venue._with_refused([], tracked.order.last_event_at.replace(year=2100), ns_of) == []


def test_cancel_of_an_unknown_order_is_rejected_with_its_status() -> None:
    venue = _Venue()
    assert venue._working_or_reject_cancel(ClientOrderId("nope")) is None
    venue._reject_modify(ClientOrderId("nope"), "not working")
    cancel, modify = venue.drain_events()
    assert isinstance(cancel, OrderCancelRejected)
    assert cancel.reason == "order nope is not working at TEST (unknown)"
    assert cancel.ts == EPOCH
    assert isinstance(modify, OrderModifyRejected)
    tracked = venue._orders.add(order("a"), "X")
    assert venue._working_or_reject_cancel(ClientOrderId("a")) is tracked


def test_drain_syncs_only_when_due_connected_and_working() -> None:
    venue = _Venue()
    venue.drain_events()
    assert venue.syncs == 0  # nothing working
    venue._orders.add(order("a"), "X")
    venue.drain_events()
    venue.drain_events()
    assert venue.syncs == 1  # the second drain is within the poll interval
    venue.disconnect()
    venue._last_sync = float("-inf")
    venue.drain_events()
    assert venue.syncs == 1


def test_a_failed_sync_at_drain_is_logged_not_raised() -> None:
    venue = _Venue(fail=True)
    venue._orders.add(order("a"), "X")
    assert venue.drain_events() == []
    assert venue.syncs == 1


def test_sorted_reports_orders_rows_by_key_stably() -> None:
    assert sorted_reports([(2, "b"), (1, "a"), (2, "c")]) == ["a", "b", "c"]


def test_require_connected_names_the_request_and_why() -> None:
    down = VenueStatus(ConnectionStatus.DISCONNECTED, "token refused")
    with pytest.raises(
        VenueDisconnectedError, match=r"sync refused: venue TEST is disconnected \(token refused\)"
    ):
        require_connected("sync", venue="TEST", status=down, loaded=True)
    with pytest.raises(VenueDisconnectedError):
        require_connected(
            "sync", venue="TEST", status=VenueStatus(ConnectionStatus.CONNECTED), loaded=False
        )


def test_error_text_clips_long_details_and_reads_retry_after() -> None:
    assert clipped("x" * 5, max_chars=5) == "xxxxx"
    assert clipped("x" * 6, max_chars=5) == "xx..."
    assert retry_after_seconds({"retry-after": "2.5"}) == 2.5
    assert retry_after_seconds({"Retry-After": "-1"}) is None
    assert retry_after_seconds({"Retry-After": "soon"}) is None
    assert retry_after_seconds(None) is None
