"""`PollingVenue`: the parts every polling `ExecutionVenue` adapter shares.

A live adapter (ccxt, OANDA, Alpaca, IB) keeps its orders in an `OrderRegistry`, queues
the events it derives for `drain_events()`, syncs with the venue when a drain finds the
last sync older than its poll interval, and keeps the orders it refused before they
reached the venue (REJECTED, with the reason) for its reports. Those parts are the same
at every venue and live here; the adapter subclasses `PollingVenue` and supplies
`connect`, order entry, `sync` and the queries.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Generic, Protocol, Self, TypeVar

from tradewind.domain.identifiers import ClientOrderId, Venue
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_events import (
    OrderCancelRejected,
    OrderEvent,
    OrderModifyRejected,
    OrderRejected,
)
from tradewind.domain.timestamps import EPOCH
from tradewind.domain.venue_errors import DuplicateOrderError, VenueError
from tradewind.domain.venue_reports import OrderStatusReport, VenueStatus
from tradewind.execution.instrument_book import InstrumentBook
from tradewind.execution.order_registry import OrderRegistry, TrackedOrder
from tradewind.ports.execution import VenueCapability, require_capabilities

__all__ = ["BEFORE_CONNECT", "PollingVenue", "ReportRow", "VenueSession", "sorted_reports"]

_log = logging.getLogger(__name__)

BEFORE_CONNECT = frozenset({VenueCapability.MARKET.value, VenueCapability.LIMIT.value})
"""What an adapter declares before `connect()` has read what the venue offers."""


class _SortKey(Protocol):
    def __lt__(self, other: Self, /) -> bool: ...


K = TypeVar("K", bound=_SortKey)
R = TypeVar("R")
ReportRow = tuple[tuple[int, int, int], OrderStatusReport]
"""A status report with its sort key (created, submission number, tie-breaker)."""


class VenueSession(Protocol):
    """An adapter's session with its venue, as far as `PollingVenue` goes."""

    @property
    def venue(self) -> str: ...

    @property
    def status(self) -> VenueStatus: ...

    def require_connected(self, request: str) -> None:
        """Raise `VenueDisconnectedError` (naming `request`) unless requests may be sent."""
        ...

    def disconnect(self) -> None: ...


S = TypeVar("S", bound=VenueSession)
T = TypeVar("T", bound=TrackedOrder)


def sorted_reports(rows: Iterable[tuple[K, R]]) -> list[R]:
    """The reports of (sort key, report) rows, by key."""
    return [report for _, report in sorted(rows, key=lambda row: row[0])]


class PollingVenue(Generic[S, T]):
    """Connection, event queue, poll cadence and refused orders of a polling adapter.

    Args:
        session: the adapter's session with the venue.
        orders: the adapter's registry of the orders it sent.
        poll_interval_ms: the least time between the syncs `drain_events` makes.

    Subclasses set `_capabilities` at `connect()`, implement `sync()` and the hooks
    `submit` and `cancel` call (`_instruments`, `_entry_problem`, `_place`,
    `_cancel_at_venue`).
    """

    def __init__(self, session: S, orders: OrderRegistry[T], *, poll_interval_ms: int) -> None:
        self._session = session
        self._venue = Venue(session.venue)
        self._orders = orders
        self._refused: list[T] = []
        self._events: list[OrderEvent] = []
        self._poll_interval_s = poll_interval_ms / 1000.0
        self._last_sync = float("-inf")
        self._capabilities: frozenset[str] = frozenset()

    @property
    def venue(self) -> Venue:
        return self._venue

    @property
    def capabilities(self) -> frozenset[str]:
        """Declared at `connect()` from what the venue offers; market and limit before it."""
        return self._capabilities or BEFORE_CONNECT

    @property
    def status(self) -> VenueStatus:
        return self._session.status

    @property
    def session(self) -> S:
        """The session (share it with the venue's market data adapter)."""
        return self._session

    def disconnect(self) -> None:
        """Stop sending (working orders stay at the venue)."""
        self._session.disconnect()

    def sync(self) -> None:
        """Poll the venue and queue the events of what changed since the last sync."""
        raise NotImplementedError

    def submit(self, order: Order) -> None:
        """Send an order; its outcome arrives as events. An order the venue's
        instrument rules refuse (`_entry_problem`) is REJECTED here, never sent.

        Raises:
            DomainError: the order needs a capability this venue lacks.
            DuplicateOrderError: its client order id was already submitted here.
            VenueDisconnectedError: not connected.
            VenueError: the venue refused the credentials (nothing placed).
        """
        self._session.require_connected(f"submit of order {order.client_order_id}")
        require_capabilities(order, self.capabilities, self._venue)
        self._require_new(order.client_order_id)
        instruments = self._instruments()
        instrument = instruments.get(order.instrument_id)
        problem = self._entry_problem(order, instrument)
        if problem or instrument is None:
            self._refuse(order, problem or f"unknown instrument {order.instrument_id}")
            return
        tracked = self._orders.add(order, instruments.symbol_of(order.instrument_id))
        refusal = self._place(tracked, instrument)
        if refusal:
            self._refuse_tracked(tracked, refusal)

    def cancel(self, client_order_id: ClientOrderId) -> None:
        """Cancel a working order: `OrderCanceled`, or `OrderCancelRejected` with why.

        Raises:
            VenueDisconnectedError: not connected.
        """
        self._session.require_connected(f"cancel of order {client_order_id}")
        tracked = self._working_or_reject_cancel(client_order_id)
        if tracked is None:
            return
        reason = self._cancel_at_venue(tracked)
        if reason:
            self._reject_cancel(client_order_id, reason)

    # -- what each adapter supplies ------------------------------------------------------

    def _instruments(self) -> InstrumentBook:
        """The venue's instruments (raises while not connected)."""
        raise NotImplementedError

    def _entry_problem(self, order: Order, instrument: Instrument | None) -> str:
        """Why the venue would refuse `order` on `instrument` ('' if it would not)."""
        raise NotImplementedError

    def _place(self, tracked: T, instrument: Instrument) -> str | None:
        """Send a tracked new order; why it was refused at entry, or None/'' once sent."""
        raise NotImplementedError

    def _cancel_at_venue(self, tracked: T) -> str | None:
        """Send the cancel of a working order; why it was refused, or None/'' once sent."""
        raise NotImplementedError

    def drain_events(self) -> list[OrderEvent]:
        """Every order event since the last drain, oldest first (syncs first when
        connected, with working orders, and the last sync is older than the poll
        interval; a failed sync is logged and made again at the next drain)."""
        due = time.monotonic() - self._last_sync >= self._poll_interval_s
        if due and self._session.status.accepts_requests and self._orders.working():
            try:
                self.sync()
            except VenueError as error:
                _log.warning("sync at %s failed: %s", self._venue, error)
        events, self._events = self._events, []
        return events

    # -- for the subclasses --------------------------------------------------------------

    def _queue(self, event: OrderEvent) -> None:
        self._events.append(event)

    def _require_new(self, client_order_id: ClientOrderId) -> None:
        """Raise `DuplicateOrderError` if `client_order_id` was submitted here before
        (sent, or refused before sending)."""
        known = client_order_id in self._orders or any(
            r.order.client_order_id == client_order_id for r in self._refused
        )
        if known:
            raise DuplicateOrderError(
                f"duplicate order {client_order_id}: already submitted to {self._venue}"
            )

    def _working_or_reject_cancel(self, client_order_id: ClientOrderId) -> T | None:
        """The working order to cancel; None (with `OrderCancelRejected` queued) when the
        order is unknown or final."""
        tracked = self._orders.get(client_order_id)
        if tracked is None or tracked.order.is_terminal:
            status = "unknown" if tracked is None else tracked.order.status.value
            self._reject_cancel(
                client_order_id,
                f"order {client_order_id} is not working at {self._venue} ({status})",
            )
            return None
        return tracked

    def _reject_cancel(self, client_order_id: ClientOrderId, reason: str) -> None:
        ts = self._last_event_at(client_order_id)
        self._queue(OrderCancelRejected(client_order_id=client_order_id, ts=ts, reason=reason))

    def _reject_modify(self, client_order_id: ClientOrderId, reason: str) -> None:
        ts = self._last_event_at(client_order_id)
        self._queue(OrderModifyRejected(client_order_id=client_order_id, ts=ts, reason=reason))

    def _last_event_at(self, client_order_id: ClientOrderId) -> datetime:
        tracked = self._orders.get(client_order_id)
        return tracked.order.last_event_at if tracked is not None else EPOCH

    def _refuse(self, order: Order, reason: str) -> None:
        """Record an order refused before it was tracked: REJECTED, kept for the reports."""
        self._refuse_tracked(self._orders.detached(order), reason)

    def _refuse_tracked(self, tracked: T, reason: str) -> None:
        """Record an order refused before or at entry: REJECTED, kept for the reports."""
        self._orders.forget(tracked.order.client_order_id)
        tracked.reason = reason
        tracked.outcome_unknown = False
        order = tracked.order
        event = OrderRejected(
            client_order_id=order.client_order_id, ts=order.created_at, reason=reason
        )
        order.apply(event)
        self._refused.append(tracked)
        self._queue(event)

    def _with_refused(
        self,
        rows: Iterable[ReportRow],
        since: datetime | None,
        created_key: Callable[[datetime], int],
    ) -> list[OrderStatusReport]:
        """The venue's status report rows plus those of the orders refused here (last
        event at or after `since`), by (created_key(created), seq) in time order."""
        merged = list(rows)
        for tracked in self._refused:
            order = tracked.order
            if since is None or order.last_event_at >= since:
                report = OrderStatusReport.of_order(order, self._venue, tracked.reason)
                merged.append(((created_key(order.created_at), tracked.seq, 0), report))
        return sorted_reports(merged)

    def _seq_of(self, client_order_id: ClientOrderId) -> int | None:
        tracked = self._orders.get(client_order_id)
        return None if tracked is None else tracked.seq
