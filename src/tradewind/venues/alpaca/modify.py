"""Modify for `AlpacaVenue`: Alpaca's replace (`PATCH /v2/orders/{id}`), followed.

The new terms are checked first (refused here, nothing sent: a market order, a term
the order type lacks, a total not above what filled, the unfilled rest or a price off
the instrument's grid, a changed fractional rest). Alpaca then cancels the order and
places a new one, with its own id and client order id (ours with `~m<n>`, see
`client_ids`), that `replaces` it; the adapter follows the chain (`chains`) so the
order keeps our client order id, its fills in every leg count, and one `OrderUpdated`
carries the new terms.

A replace whose answer was lost is settled by reading the old order: `replaced` (with
`replaced_by`) means it was made. A replace Alpaca refused leaves the order as Alpaca
now says it is (its state is read back, so a fill or cancel meanwhile is told).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from decimal import Decimal

from tradewind.domain.decimals import DecimalLike, to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, Venue
from tradewind.domain.instrument import Instrument
from tradewind.domain.order_commands import check_order_terms
from tradewind.domain.order_enums import OrderType
from tradewind.domain.order_events import OrderEvent, OrderModifyRejected
from tradewind.domain.timestamps import EPOCH
from tradewind.domain.venue_errors import VenueError
from tradewind.venues.alpaca import client_ids
from tradewind.venues.alpaca.chains import MAX_CHAIN_LEGS
from tradewind.venues.alpaca.errors import AlpacaVenueError, ErrorKind
from tradewind.venues.alpaca.history import VenueHistory
from tradewind.venues.alpaca.instruments import price_problem
from tradewind.venues.alpaca.parsing import AlpacaOrder, parse_order
from tradewind.venues.alpaca.requests import replace_request
from tradewind.venues.alpaca.session import AlpacaSession
from tradewind.venues.alpaca.tracking import OrderRegistry, Tracked

__all__ = ["OrderModifier", "follow_replacements", "replacement_client_id"]


def replacement_client_id(tracked: Tracked) -> str | None:
    """The client order id of `tracked`'s next leg (None when it would be too long:
    Alpaca then names it)."""
    return client_ids.replacement_client_id(str(tracked.client_order_id), len(tracked.legs) + 1)


def follow_replacements(tracked: Tracked, orders: OrderRegistry, history: VenueHistory) -> None:
    """Move `tracked` onto the order that replaced its current leg, if any (again)."""
    for _ in range(MAX_CHAIN_LEGS):
        state = tracked.state
        if state is None or state.status != "replaced" or state.replaced_by is None:
            return
        successor = history.order(state.replaced_by)
        if successor is None:
            return
        tracked.legs.append(state)
        orders.observe(tracked, successor)


class OrderModifier:
    """Changes working orders' terms for `AlpacaVenue` (see the module docstring).

    Args:
        session: the connected session.
        orders: the adapter's registry.
        history: reads orders back from Alpaca.
        instrument_of: the instrument of a venue symbol (None when not configured).
        emit: queues the new events of some tracked orders.
        poll_fills: reads the new fills into the registry.
        queue: queues one event.
    """

    def __init__(
        self,
        session: AlpacaSession,
        orders: OrderRegistry,
        history: VenueHistory,
        *,
        instrument_of: Callable[[str], Instrument | None],
        emit: Callable[[Sequence[Tracked]], None],
        poll_fills: Callable[[], None],
        queue: Callable[[OrderEvent], None],
    ) -> None:
        self._session = session
        self._venue = Venue(session.venue)
        self._orders = orders
        self._history = history
        self._instrument_of = instrument_of
        self._emit = emit
        self._poll_fills = poll_fills
        self._queue = queue

    def modify(
        self,
        tracked: Tracked | None,
        client_order_id: ClientOrderId,
        quantity: DecimalLike | None,
        price: DecimalLike | None,
        trigger_price: DecimalLike | None,
    ) -> None:
        """Replace the order's terms: queues `OrderUpdated`, or `OrderModifyRejected`.

        Raises:
            VenueError: Alpaca refused the credentials.
        """
        if tracked is not None and tracked.is_working:
            self._refresh(tracked)
        state = None if tracked is None else tracked.state
        if tracked is None or state is None or not tracked.is_working or not state.is_open:
            status = "unknown" if tracked is None else tracked.order.status.value
            if state is not None and tracked is not None and tracked.is_working:
                status = state.status
            self._reject(client_order_id, f"order {client_order_id} is not working "
                         f"at {self._venue} ({status})")  # fmt: skip
            return
        try:
            request = self._request(tracked, state, quantity, price, trigger_price)
        except (DomainError, VenueError) as error:
            self._reject(client_order_id, str(error))
            return
        self._send(tracked, state, request)

    def _refresh(self, tracked: Tracked) -> None:
        """Read the current leg now and follow a replace made meanwhile."""
        vid = tracked.venue_order_id
        if vid is None:
            return
        try:
            state = self._history.order(vid)
            if state is not None:
                self._orders.observe(tracked, state)
            follow_replacements(tracked, self._orders, self._history)
            self._poll_fills()
        except AlpacaVenueError as error:
            if not error.retryable:
                raise
        self._emit([tracked])

    def _read_fills(self) -> None:
        try:
            self._poll_fills()
        except AlpacaVenueError as error:
            if not error.retryable:
                raise

    def _request(
        self,
        tracked: Tracked,
        state: AlpacaOrder,
        quantity: DecimalLike | None,
        price: DecimalLike | None,
        trigger_price: DecimalLike | None,
    ) -> object:
        order = tracked.order
        where = f"modify of order {order.client_order_id}"
        if quantity is None and price is None and trigger_price is None:
            raise DomainError(f"{where} changes nothing: give a quantity, price or trigger_price")
        if order.order_type is OrderType.MARKET:
            raise DomainError(f"{where}: a market order cannot be modified")
        terms = check_order_terms(
            order.client_order_id,
            order.side,
            order.order_type,
            order.quantity
            if quantity is None
            else to_decimal(quantity, field=f"quantity of {where}"),
            order.price if price is None else to_decimal(price, field=f"price of {where}"),
            order.trigger_price
            if trigger_price is None
            else to_decimal(trigger_price, field=f"trigger_price of {where}"),
            order.time_in_force,
        )
        filled = max(sum((leg.filled for leg in tracked.legs), Decimal(0)) + state.filled,
                     order.filled_qty)  # fmt: skip
        if terms.quantity <= filled:
            raise DomainError(
                f"invalid quantity {terms.quantity} in {where}: expected more than the filled "
                f"{filled}"
            )
        remaining = terms.quantity - filled
        instrument = self._instrument_of(tracked.symbol)
        if instrument is None:
            raise DomainError(f"{where}: symbol {tracked.symbol} is not configured here")
        try:
            instrument.check_order(remaining, None)
        except DomainError as error:
            raise DomainError(
                f"{where} (new order for the unfilled {remaining}): {error}"
            ) from None
        for level in (terms.price, terms.trigger_price):
            problem = "" if level is None else price_problem(instrument, level)
            if problem:
                raise DomainError(f"{where}: {problem}")
        unchanged = remaining == state.quantity - state.filled
        return replace_request(
            None if unchanged and remaining % 1 != 0 else remaining,
            terms.price,
            terms.trigger_price,
            replacement_client_id(tracked),
        )

    def _send(self, tracked: Tracked, state: AlpacaOrder, request: object) -> None:
        cid = tracked.client_order_id
        try:
            payload = self._session.call(
                f"modify of order {cid}",
                lambda c: c.replace_order_by_id(state.venue_order_id, request),
            )
        except AlpacaVenueError as error:
            if error.kind is ErrorKind.CREDENTIALS:
                raise
            legs = len(tracked.legs)
            self._refresh(tracked)
            if len(tracked.legs) > legs:
                return  # the replace was made after all (its answer was lost)
            self._reject(cid, f"Alpaca did not replace order {cid}: {error}")
            return
        new = parse_order(payload)
        try:
            final = self._history.order(state.venue_order_id)
        except AlpacaVenueError as error:
            if not error.retryable:
                raise
            final = None
        tracked.legs.append(final or dataclasses.replace(state, status="replaced"))
        self._orders.observe(tracked, new)
        self._read_fills()
        self._emit([tracked])

    def _reject(self, client_order_id: ClientOrderId, reason: str) -> None:
        tracked = self._orders.get(client_order_id)
        ts = tracked.order.last_event_at if tracked is not None else EPOCH
        self._queue(OrderModifyRejected(client_order_id=client_order_id, ts=ts, reason=reason))
