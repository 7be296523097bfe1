"""Order entry at v20: create, resolve a lost answer, cancel, replace.

- A create whose answer is lost (timeout, dropped connection) is "unknown", never
  "failed": `resolve` asks `GET .../orders/@<client id>` (after the transactions
  were read): found, it proceeds as sent; not found, it is sent once more with the
  same client id (once only); still no answer, the next sync asks again.
- A 429 was refused, not carried out: the request is sent once more after the
  Retry-After pause; refused again, the order is rejected (the cancel or replace is
  refused) with that reason.
- A cancel or replace answered "order does not exist" (or not answered) is confirmed
  from the transactions first: canceled or filled meanwhile is told as such.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tradewind.domain.order_events import OrderEvent
from tradewind.venues.oanda.client import OandaClient, OrderAnswer
from tradewind.venues.oanda.errors import ErrorKind, OandaVenueError
from tradewind.venues.oanda.lifecycle import Ledger, Tracked
from tradewind.venues.oanda.requests import order_request
from tradewind.venues.oanda.session import OandaSession
from tradewind.venues.oanda.wire import Fields

__all__ = ["OrderEntry"]


class OrderEntry:
    """Sends order requests for the adapter and folds their answers.

    Args:
        session: the connected session.
        ledger: the adapter's tracked orders.
        emit: queues events for the caller.
        sync: reads the transactions since the last one seen (folds and emits).
    """

    def __init__(
        self,
        session: OandaSession,
        ledger: Ledger,
        *,
        emit: Callable[[list[OrderEvent]], None],
        sync: Callable[[], None],
    ) -> None:
        self._session = session
        self._ledger = ledger
        self._emit = emit
        self._sync = sync

    def send(self, tracked: Tracked, body: dict[str, Any]) -> str:
        """Create the order; "" when sent (or unknown), else the refusal reason.

        Raises:
            OandaVenueError: the token was refused (nothing was placed).
        """
        tracked.v20_tif = str(body.get("timeInForce", ""))
        action = f"submit of order {tracked.client_order_id}"
        try:
            answer = self._twice_if_limited(action, lambda c: c.create_order(body))
        except OandaVenueError as error:
            return self._refused_create(tracked, error)
        self._fold(answer)
        return ""

    def _refused_create(self, tracked: Tracked, error: OandaVenueError) -> str:
        if error.kind is ErrorKind.CREDENTIALS:
            raise error
        if error.outcome_unknown:
            tracked.outcome_unknown = True
            return ""
        if error.payload:
            try:
                answer = self._session.client.order_answer(
                    Fields(error.payload, self._session.venue, error.endpoint, "")
                )
            except OandaVenueError:
                answer = OrderAnswer((), None)
            if answer.transactions:
                self._fold(answer)
                if not tracked.is_working:
                    return ""
        return str(error)

    def resolve(self, tracked: Tracked) -> None:
        """Settle a create whose answer was lost (after the transactions were read)."""
        if not tracked.outcome_unknown or tracked.legs or not tracked.is_working:
            tracked.outcome_unknown = False
            return
        specifier = f"@{tracked.client_order_id}"
        try:
            record = self._session.call(
                f"look up order {tracked.client_order_id}", lambda c: c.order(specifier), retries=1
            )
        except OandaVenueError as error:
            if error.kind is not ErrorKind.ORDER_NOT_FOUND or tracked.resubmitted:
                return
            tracked.resubmitted = True
            self._resend(tracked)
            return
        tracked.outcome_unknown = False
        self._sync()
        if not tracked.legs:  # its create lies before the transactions read: accept it here
            self._emit(self._ledger.accept_record(tracked, record.order_id, record.create_ns))

    def _resend(self, tracked: Tracked) -> None:
        instruments = self._session.instruments
        instrument = instruments.by_symbol(tracked.symbol) if instruments else None
        if instrument is None:
            return
        reason = self.send(tracked, order_request(tracked.order, tracked.symbol, instrument))
        if reason:
            tracked.outcome_unknown = False
            tracked.reason = reason

    def cancel(self, tracked: Tracked) -> str:
        """Cancel a working order; "" when done (events queued), else why not."""
        if tracked.outcome_unknown:
            self._sync()
            self.resolve(tracked)
        specifier = tracked.venue_order_id or f"@{tracked.client_order_id}"
        action = f"cancel of order {tracked.client_order_id}"
        try:
            answer = self._twice_if_limited(action, lambda c: c.cancel_order(specifier))
        except OandaVenueError as error:
            if error.kind is ErrorKind.CREDENTIALS:
                raise
            return self._confirm(tracked, error, "cancel")
        self._fold(answer)
        return ""

    def replace(self, tracked: Tracked, body: dict[str, Any]) -> str:
        """Replace a working order with `body`; "" when done, else why not."""
        specifier = tracked.venue_order_id or f"@{tracked.client_order_id}"
        action = f"modify of order {tracked.client_order_id}"
        before = tracked.venue_order_id
        try:
            answer = self._twice_if_limited(action, lambda c: c.replace_order(specifier, body))
        except OandaVenueError as error:
            if error.kind is ErrorKind.CREDENTIALS:
                raise
            if error.outcome_unknown:
                self._sync_quietly()
                if tracked.venue_order_id != before:
                    return ""
            return f"OANDA did not replace order {tracked.client_order_id}: {error}"
        self._fold(answer)
        if tracked.venue_order_id == before and tracked.is_working:
            return f"OANDA did not replace order {tracked.client_order_id}"
        return ""

    def _confirm(self, tracked: Tracked, error: OandaVenueError, request: str) -> str:
        """What a refused or unanswered cancel means, read from the transactions."""
        self._sync_quietly()
        if not tracked.is_working:
            status = tracked.order.status.value
            return (
                ""
                if status in ("canceled", "expired")
                else (f"order {tracked.client_order_id} is {status} at {self._session.venue}")
            )
        if error.kind is ErrorKind.ORDER_NOT_FOUND:
            return f"order {tracked.client_order_id} is unknown at {self._session.venue}"
        return f"{request} of order {tracked.client_order_id} failed: {error}"

    def _sync_quietly(self) -> None:
        try:
            self._sync()
        except OandaVenueError as error:
            if not error.retryable:
                raise

    def _twice_if_limited(
        self, action: str, request: Callable[[OandaClient], OrderAnswer]
    ) -> OrderAnswer:
        try:
            return self._session.call(action, request)
        except OandaVenueError as error:
            if error.kind is not ErrorKind.RATE_LIMITED:
                raise
        return self._session.call(action, request)  # the session waits out the pause

    def _fold(self, answer: OrderAnswer) -> None:
        self._emit(self._ledger.apply(answer.transactions))
