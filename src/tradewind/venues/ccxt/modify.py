"""Modify for `CcxtVenue`: a cancel-replace at the venue (Binance only).

The new terms are checked against the instrument's grid first (refused here, nothing
sent), then the venue cancels the order and places a new one under the same client
order id (`OrderEntry.replace`). The tracking follows the new venue order; what the old
one filled stays counted (the new one is sent for the rest), and `OrderUpdated` carries
the complete new terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from tradewind.domain.decimals import DecimalLike
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, Venue
from tradewind.domain.order_events import OrderEvent, OrderModifyRejected, OrderUpdated
from tradewind.domain.timestamps import EPOCH, instant_from_ns
from tradewind.domain.venue_errors import VenueError
from tradewind.venues.ccxt.entry import OrderEntry
from tradewind.venues.ccxt.history import VenueHistory
from tradewind.venues.ccxt.instruments import CcxtInstruments
from tradewind.venues.ccxt.parsing import VenueOrder
from tradewind.venues.ccxt.requests import checked_terms, edit_order_request
from tradewind.venues.ccxt.session import CcxtSession
from tradewind.venues.ccxt.tracking import OrderRegistry, Tracked

__all__ = ["OrderModifier"]


class OrderModifier:
    """Changes working orders' terms for `CcxtVenue` (see the module docstring).

    Args:
        session: the connected session.
        orders: the registry the replacement is recorded in.
        history: order reads (the venue state before and after the replace).
        entry: sends the cancel-replace and settles its outcome.
        instruments: the loaded instruments (raises when not connected).
        queue: queues an event for `drain_events`.
    """

    def __init__(
        self,
        session: CcxtSession,
        orders: OrderRegistry,
        history: VenueHistory,
        entry: OrderEntry,
        *,
        instruments: Callable[[], CcxtInstruments],
        queue: Callable[[OrderEvent], None],
    ) -> None:
        self._session = session
        self._venue = Venue(session.venue)
        self._orders = orders
        self._history = history
        self._entry = entry
        self._instruments = instruments
        self._queue = queue

    def modify(
        self,
        client_order_id: ClientOrderId,
        quantity: DecimalLike | None,
        price: DecimalLike | None,
        trigger_price: DecimalLike | None,
    ) -> Tracked | None:
        """Replace the order's terms: queues `OrderUpdated`, or `OrderModifyRejected`
        with why. Returns the order's tracking (None when unknown here).

        Raises:
            VenueError: the venue refused the credentials or our clock.
        """
        tracked = self._orders.get(client_order_id)
        if tracked is not None:
            self._refresh_state(tracked)
        if tracked is None or tracked.state is None or not tracked.state.is_open:
            status = "unknown" if tracked is None else tracked.order.status.value
            if tracked is not None and tracked.state is not None:
                status = tracked.state.status
            self._reject(client_order_id, f"order {client_order_id} is not working "
                         f"at {self._venue} ({status})")  # fmt: skip
        else:
            self._replace(tracked, quantity, price, trigger_price)
        return tracked

    def _refresh_state(self, tracked: Tracked) -> None:
        """Read a working order's venue state now (kept as it was when unreadable)."""
        if tracked.outcome_unknown:
            self._entry.resolve(tracked)
        vid = tracked.venue_order_id
        if not tracked.is_working or vid is None:
            return
        try:
            state = self._history.order(tracked.symbol, vid)
        except VenueError as error:
            if not error.retryable:
                raise
            return
        if state is not None:
            self._orders.observe(tracked, state)

    def _replace(
        self,
        tracked: Tracked,
        quantity: DecimalLike | None,
        price: DecimalLike | None,
        trigger_price: DecimalLike | None,
    ) -> None:
        state, order = tracked.state, tracked.order
        instrument = self._instruments().get(order.instrument_id)
        if state is None or instrument is None:  # pragma: no cover - checked by the caller
            return
        filled = max(tracked.replaced_filled + state.filled, order.filled_qty)
        try:
            terms = checked_terms(order, filled, instrument, quantity, price, trigger_price)
        except DomainError as error:
            self._reject(order.client_order_id, str(error))
            return
        last = self._entry.last_price(tracked) if terms.trigger_price is not None else None
        request = edit_order_request(
            order, state.venue_order_id, tracked.symbol, terms,
            self._session.config.exchange_id, last,
        )  # fmt: skip
        new_state, reason = self._entry.replace(tracked, request)
        if new_state is None:
            self._reject(order.client_order_id, reason)
        else:
            self._follow_replacement(tracked, new_state)

    def _follow_replacement(self, tracked: Tracked, new_state: VenueOrder) -> None:
        """Track the new venue order under the same client id; queue `OrderUpdated`."""
        old = tracked.state
        if old is not None:
            try:
                final = self._history.order(tracked.symbol, old.venue_order_id)
            except VenueError as error:
                if not error.retryable:
                    raise
                final = None
            tracked.legs.append(final or replace(old, status="canceled"))
        if new_state.client_order_id is None:
            new_state = replace(new_state, client_order_id=str(tracked.client_order_id))
        self._orders.observe(tracked, new_state)
        update = OrderUpdated(
            client_order_id=tracked.client_order_id,
            ts=max(instant_from_ns(new_state.created_ms * 1_000_000), tracked.order.last_event_at),
            quantity=tracked.replaced_filled + new_state.quantity,
            price=new_state.price,
            trigger_price=new_state.trigger_price,
        )
        tracked.order.apply(update)
        self._queue(update)

    def _reject(self, client_order_id: ClientOrderId, reason: str) -> None:
        tracked = self._orders.get(client_order_id)
        ts = tracked.order.last_event_at if tracked is not None else EPOCH
        self._queue(OrderModifyRejected(client_order_id=client_order_id, ts=ts, reason=reason))
