"""Order entry at Alpaca: create, resolve an unknown outcome, cancel, confirm.

- **A timeout is "unknown", never "failed".** After a timeout, a dropped connection, a
  5xx or a "client_order_id must be unique" answer on `POST /v2/orders`, Alpaca is
  asked for the order by its client order id: found, it proceeds as accepted and its
  fills follow by polling; definitely not found, it is sent once more with the same
  client id (once only); no answer, the next `sync()` asks again.
- A rate-limited create or cancel was refused, not carried out: the session sends it
  once more after Alpaca's Retry-After; refused again, the order is rejected (the
  cancel refused) with that reason.
- **A cancel answered "not found" or "not cancelable" is confirmed, not believed**:
  the order's own state decides (canceled after all, filled, or unknown).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from tradewind.venues.alpaca.errors import ORDER_REFUSALS, AlpacaVenueError, ErrorKind
from tradewind.venues.alpaca.history import VenueHistory
from tradewind.venues.alpaca.parsing import parse_order
from tradewind.venues.alpaca.requests import order_request
from tradewind.venues.alpaca.session import AlpacaSession
from tradewind.venues.alpaca.tracking import OrderRegistry, Tracked

__all__ = ["OrderEntry"]

_log = logging.getLogger(__name__)


class OrderEntry:
    """Creates and cancels orders for `AlpacaVenue`.

    Args:
        session: the connected session.
        orders: the adapter's registry.
        history: reads orders back from Alpaca.
        emit: queues the new events of some tracked orders.
        poll_fills: reads the new fills into the registry.
        refuse: records an order Alpaca refused (REJECTED with the reason).
    """

    def __init__(
        self,
        session: AlpacaSession,
        orders: OrderRegistry,
        history: VenueHistory,
        *,
        emit: Callable[[Sequence[Tracked]], None],
        poll_fills: Callable[[], None],
        refuse: Callable[[Tracked, str], None],
    ) -> None:
        self._session = session
        self._orders = orders
        self._history = history
        self._emit = emit
        self._poll_fills = poll_fills
        self._refuse = refuse

    # -- create --------------------------------------------------------------------------

    def send(self, tracked: Tracked) -> str | None:
        """Create the order at Alpaca; the refusal reason when it was refused.

        Raises:
            AlpacaVenueError: credentials refused (nothing was placed).
        """
        request = order_request(tracked.order, tracked.symbol)
        try:
            payload = self._session.call(
                f"submit of order {tracked.client_order_id}",
                lambda c: c.submit_order(request),
            )
        except AlpacaVenueError as error:
            return self._after_failed_create(tracked, error)
        self._orders.observe(tracked, parse_order(payload))
        self._emit([tracked])
        return None

    def _after_failed_create(self, tracked: Tracked, error: AlpacaVenueError) -> str | None:
        if error.outcome_unknown or error.kind is ErrorKind.DUPLICATE_ORDER:
            tracked.outcome_unknown = True
            self.resolve(tracked)
            return None
        if error.kind in ORDER_REFUSALS or error.kind in (
            ErrorKind.RATE_LIMITED,
            ErrorKind.ORDER_NOT_FOUND,
        ):
            return str(error)
        raise error

    def resolve(self, tracked: Tracked) -> None:
        """Ask Alpaca about an order whose create got no answer (see the module)."""
        try:
            found = self._history.by_client_id(str(tracked.client_order_id))
        except AlpacaVenueError as error:
            if not error.retryable:
                raise
            return  # still unknown: the next sync asks again
        if found is not None:
            self._orders.observe(tracked, found)
            self._emit([tracked])
            return
        if tracked.resubmitted:
            return
        tracked.resubmitted = True
        _log.warning(
            "order %s unknown at Alpaca after a lost answer: sent once more",
            tracked.client_order_id,
        )
        reason = self.send(tracked)
        if reason is not None:
            self._refuse(tracked, reason)

    # -- cancel --------------------------------------------------------------------------

    def cancel(self, tracked: Tracked) -> str:
        """Cancel one order; "" when canceled or pending (events queued), else why not."""
        if tracked.outcome_unknown:
            self.resolve(tracked)
        vid = tracked.venue_order_id
        if vid is None:
            return f"order {tracked.client_order_id} is not known at Alpaca yet"
        try:
            self._session.call(
                f"cancel of order {tracked.client_order_id}",
                lambda c: c.cancel_order_by_id(vid),
            )
        except AlpacaVenueError as error:
            ambiguous = error.kind in (ErrorKind.ORDER_NOT_FOUND, ErrorKind.INVALID_ORDER)
            if ambiguous or error.outcome_unknown:
                return self._confirm(tracked, error)
            if error.kind is ErrorKind.CREDENTIALS:
                raise
            return f"cancel of {tracked.client_order_id} refused: {error}"
        return self._confirm(tracked, None)

    def _confirm(self, tracked: Tracked, error: AlpacaVenueError | None) -> str:
        """After a cancel (`error` None: accepted, 204), the order's own state decides."""
        vid = tracked.venue_order_id or ""
        try:
            state = self._history.order(vid)
        except AlpacaVenueError as failure:
            if error is None and failure.retryable:
                return ""  # accepted: the canceled state arrives with the next sync
            return f"cancel of {tracked.client_order_id} not confirmed: {error or failure}"
        if state is None:
            return f"order {tracked.client_order_id} is unknown at Alpaca"
        self._orders.observe(tracked, state)
        self._poll_fills()
        self._emit(self._orders.working(tracked.symbol))
        if state.status == "canceled" or (error is None and state.is_open):
            return ""  # canceled (or pending_cancel: the next sync sees it canceled)
        return f"order {tracked.client_order_id} is {state.status} at Alpaca, not working"
