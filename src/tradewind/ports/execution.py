"""The execution port: a venue that works orders (simulated, paper or live).

The shape follows what live venues need (NautilusTrader's live execution client,
Lean's brokerage interface): a connection with a status; order entry (submit,
cancel, cancel-all, modify) whose outcomes come back as order events; and the
queries a restart reconciles with (order status and fill reports since an instant,
positions, balances, server time). Each adapter declares what it supports in
`capabilities` and refuses a request needing a missing one before sending; the shared
contract suite (`tests/contract/`) runs against every adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol, runtime_checkable

from tradewind.domain.decimals import DecimalLike
from tradewind.domain.identifiers import ClientOrderId, InstrumentId, Venue
from tradewind.domain.order import Order
from tradewind.domain.order_events import OrderEvent
from tradewind.domain.venue_reports import (
    Balance,
    FillReport,
    OrderStatusReport,
    VenueStatus,
)
from tradewind.ports.capabilities import (
    VenueCapability,
    missing_capabilities,
    require_capabilities,
    require_capability,
)

__all__ = [
    "ExecutionVenue",
    "PositionView",
    "VenueCapability",
    "missing_capabilities",
    "require_capabilities",
    "require_capability",
]


class PositionView(Protocol):
    """What `ExecutionVenue.positions()` gives per instrument.

    Both `tradewind.domain.position.Position` (the sim's own book) and
    `tradewind.domain.venue_reports.PositionReport` (what a live venue reports) fit.
    """

    @property
    def instrument_id(self) -> InstrumentId: ...

    @property
    def quantity(self) -> Decimal:
        """Signed net quantity (+ long, - short)."""
        ...

    @property
    def avg_open_price(self) -> Decimal:
        """Average entry price of the open quantity; 0 when flat."""
        ...


@runtime_checkable
class ExecutionVenue(Protocol):
    """A place orders are sent to; one adapter per venue (sim, ccxt, oanda, ...).

    Event channel: outcomes (accepted, rejected, filled, canceled, expired, updated,
    cancel/modify rejected) are never return values. The adapter queues them, oldest
    first, and `drain_events()` hands them over once each; a caller drains after every
    request and on its own cadence (a live adapter fills the queue from its stream or
    by polling). Every event names its order by `client_order_id`, and a fill carries
    the venue's `trade_id`, so applying the same fill twice is detectable.

    Connection: requests (order entry and queries) need `status.accepts_requests`; a
    disconnected adapter raises `VenueDisconnectedError` (a `DomainError`, retryable)
    and sends nothing. `venue`, `capabilities`, `status`, `connect`, `disconnect` and
    `drain_events` always work; events queued before a disconnect stay drainable.

    Duplicates: submitting a client order id the adapter already knows raises
    `DuplicateOrderError` (a `DomainError`) and emits nothing; the first order is
    unaffected. A caller unsure whether a submit arrived asks `order_status_reports`.

    Times are UTC. Quantities and prices are `Decimal` at this boundary.
    """

    @property
    def venue(self) -> Venue:
        """Which venue this adapter trades on."""
        ...

    @property
    def capabilities(self) -> frozenset[str]:
        """Supported features, values of `VenueCapability` (e.g. `{"market", "limit"}`)."""
        ...

    @property
    def status(self) -> VenueStatus:
        """Connected, degraded or disconnected, with the reason."""
        ...

    def connect(self) -> None:
        """Open the session with the venue (idempotent; blocks until decided).

        Raises:
            VenueError: the venue could not be reached or refused the credentials.
        """
        ...

    def disconnect(self) -> None:
        """Close the session (idempotent). Working orders stay at the venue."""
        ...

    # -- order entry: outcomes arrive as events -----------------------------------------

    def submit(self, order: Order) -> None:
        """Send an order (already journaled by the caller).

        A venue refusing its terms answers with an `OrderRejected` event.

        Raises:
            DomainError: the order needs a capability the venue lacks.
            DuplicateOrderError: its client order id was already submitted here.
            VenueDisconnectedError: not connected.
        """
        ...

    def cancel(self, client_order_id: ClientOrderId) -> None:
        """Request cancellation of a working order.

        Answered by `OrderCanceled`, or `OrderCancelRejected` when the order is not
        working (unknown, filled, already canceled).

        Raises:
            VenueDisconnectedError: not connected.
        """
        ...

    def cancel_all(self, instrument_id: InstrumentId | None = None) -> None:
        """Cancel every working order (of `instrument_id` only, when given).

        One `OrderCanceled` per order that was working; nothing when none was.

        Raises:
            VenueDisconnectedError: not connected.
        """
        ...

    def modify(
        self,
        client_order_id: ClientOrderId,
        quantity: DecimalLike | None = None,
        price: DecimalLike | None = None,
        trigger_price: DecimalLike | None = None,
    ) -> None:
        """Change a working order's total quantity, limit price or trigger in place.

        `None` keeps a term. Answered by `OrderUpdated` with the complete new terms,
        or `OrderModifyRejected` with the reason (not working, a quantity not above
        the filled part, a term the order type lacks, off the instrument's grid).

        Raises:
            DomainError: the venue lacks the `modify` capability.
            VenueDisconnectedError: not connected.
        """
        ...

    # -- queries ------------------------------------------------------------------------

    def open_orders(self) -> Sequence[Order]:
        """Orders the venue reports as working, in submission order."""
        ...

    def positions(self) -> Sequence[PositionView]:
        """The venue's net position per instrument (used to reconcile on start)."""
        ...

    def balances(self) -> Sequence[Balance]:
        """Cash per currency, sorted by currency."""
        ...

    def order_status_reports(self, since: datetime | None = None) -> Sequence[OrderStatusReport]:
        """The latest state of every order that changed at or after `since` (all if None).

        In submission order; rejected orders included. Equal to what the events of
        that span said, so a restarted caller can rebuild its orders from it.
        """
        ...

    def fill_reports(self, since: datetime | None = None) -> Sequence[FillReport]:
        """Every execution at or after `since` (all if None), oldest first."""
        ...

    def server_time(self) -> datetime:
        """The venue's current time (UTC), for clock-skew checks and `since` queries."""
        ...

    def drain_events(self) -> list[OrderEvent]:
        """Every order event since the last drain, oldest first (the event channel)."""
        ...
