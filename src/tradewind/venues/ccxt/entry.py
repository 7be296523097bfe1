"""Order entry on the wire: create, resolve an unknown outcome, cancel, cancel-all.

The rules that keep a lost answer from becoming a lost or doubled order:

- a timeout or network error on create means "unknown", never "failed": the venue is
  asked for the order by our client order id; found, it proceeds as accepted (its
  trades follow through polling); definitely not found, it is sent once more with
  the same client id; still unknown, the next `sync()` asks again;
- a rate-limited create or cancel was refused by the venue, so it is sent once more
  after the Retry-After pause; refused again, the order (or the cancel) is rejected
  with that reason;
- "order not found" on a cancel is ambiguous: the order's history decides (filled,
  already canceled, or really unknown) before a cancel is refused.

Exchanges differ in three ways handled here. An answer that only acknowledges (Kraken's
AddOrder and CancelOrder give an id or a count, no order) is followed by a read of the
order by its venue id. Binance finds an order by client id with `fetch_order`; Kraken
only filters its open and closed order lists by it (`cl_ord_id`). Kraken's cancel-all
ignores the symbol (it cancels every market), so there each order is canceled alone.

A modify is a cancel-replace (`replace`; Binance only). ccxt raises a plain exchange
error for its partial (-2021) and whole (-2022) failures, so any failure is settled
from the venue's own state: the old order still open means nothing happened; canceled,
with a newer order under our client id, means the replace was made (its answer was
lost); canceled alone means the venue canceled it but refused the new order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from tradewind.domain.identifiers import ClientOrderId
from tradewind.domain.order import Order
from tradewind.venues.ccxt.errors import CcxtVenueError, ErrorKind
from tradewind.venues.ccxt.history import VenueHistory
from tradewind.venues.ccxt.lifecycle import derive_events, replay
from tradewind.venues.ccxt.parsing import VenueOrder, parse_order
from tradewind.venues.ccxt.requests import EditOrder, create_order_request
from tradewind.venues.ccxt.session import CcxtSession
from tradewind.venues.ccxt.tracking import OrderRegistry, Tracked

__all__ = ["OrderEntry"]

_log = logging.getLogger(__name__)
_REFUSALS = frozenset({ErrorKind.INVALID_ORDER, ErrorKind.INSUFFICIENT_FUNDS, ErrorKind.REFUSED})
# Exchanges that find an order by client id only in their open / closed order lists.
_CLIENT_ID_IN_LISTS = frozenset({"kraken"})
# Exchanges whose cancel-all cancels every market's orders whatever the symbol.
_CANCEL_ALL_UNSCOPED = frozenset({"kraken"})


class OrderEntry:
    """Sends orders and cancels for `CcxtVenue`, and turns answers into venue state.

    Args:
        session: the connected session.
        orders: the registry the answers are recorded in.
        history: order/trade reads used to confirm ambiguous answers.
        emit: queues the new events of the given tracked orders.
        poll_trades: reads a symbol's new trades into the registry.
        refuse: records an order the venue refused (REJECTED with the reason).
    """

    def __init__(
        self,
        session: CcxtSession,
        orders: OrderRegistry,
        history: VenueHistory,
        *,
        emit: Callable[[Sequence[Tracked]], None],
        poll_trades: Callable[[str], None],
        refuse: Callable[[Tracked, str], None],
    ) -> None:
        self._session = session
        self._orders = orders
        self._history = history
        self._emit = emit
        self._poll_trades = poll_trades
        self._refuse = refuse

    # -- create ------------------------------------------------------------------------

    def send(self, tracked: Tracked, *, retry_when_limited: bool = True) -> str | None:
        """Create the order at the venue; the refusal reason when it was refused.

        Raises:
            CcxtVenueError: credentials or clock refused (nothing was placed).
        """
        try:
            payload = self._create(tracked)
        except CcxtVenueError as error:
            return self._after_failed_create(tracked, error, retry_when_limited)
        self._accept(tracked, payload)
        return None

    def resolve(self, tracked: Tracked) -> None:
        """Ask the venue about an order whose create got no answer (see the module)."""
        try:
            found = self._find_by_client_id(tracked)
        except CcxtVenueError as error:
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
        _log.warning("order %s unknown at the venue after a lost answer: sent once more",
                     tracked.client_order_id)  # fmt: skip
        reason = self.send(tracked)
        if reason is not None:
            self._refuse(tracked, reason)

    def _create(self, tracked: Tracked) -> Any:
        order = tracked.order
        last = self.last_price(tracked) if order.trigger_price is not None else None
        request = create_order_request(
            order, tracked.symbol, self._session.config.exchange_id, last
        )
        return self._session.call(
            f"submit of order {order.client_order_id}",
            lambda ex: ex.create_order(
                request.symbol, request.type, request.side, request.amount, request.price,
                dict(request.params),
            ),
        )  # fmt: skip

    def _after_failed_create(
        self, tracked: Tracked, error: CcxtVenueError, retry_when_limited: bool
    ) -> str | None:
        if error.outcome_unknown or error.kind is ErrorKind.DUPLICATE_ORDER:
            tracked.outcome_unknown = True
            self.resolve(tracked)
            return None
        if error.kind is ErrorKind.RATE_LIMITED and retry_when_limited:
            # Refused, not placed: one more try once the Retry-After pause is over.
            return self.send(tracked, retry_when_limited=False)
        if error.kind in _REFUSALS or error.kind is ErrorKind.RATE_LIMITED:
            return str(error)
        raise error

    def _accept(self, tracked: Tracked, payload: Any) -> None:
        state = self._answered_state(tracked, payload)
        if state is None:
            # Placed, but its state could not be read: found by client id at the next sync.
            tracked.outcome_unknown = True
            return
        if state.client_order_id is None:
            state = replace(state, client_order_id=str(tracked.client_order_id))
        self._orders.observe(tracked, state)
        self._emit([tracked])

    def _answered_state(self, tracked: Tracked, payload: Any) -> VenueOrder | None:
        """The order an answer describes; read by its id when it only acknowledges."""
        if _is_order(payload):
            return parse_order(payload)
        venue_order_id = payload.get("id") if isinstance(payload, dict) else None
        if not isinstance(venue_order_id, str) or not venue_order_id:
            return None
        try:
            return self._history.order(tracked.symbol, venue_order_id)
        except CcxtVenueError as error:
            if not error.retryable:
                raise
            return None

    def _find_by_client_id(self, tracked: Tracked) -> VenueOrder | None:
        coid = str(tracked.client_order_id)
        if self._session.config.exchange_id in _CLIENT_ID_IN_LISTS:
            return self._find_in_lists(tracked, coid)
        params = {"origClientOrderId": coid, "clientOrderId": coid}
        if not self._session.config.exchange_id.startswith("binance"):
            params.pop("origClientOrderId")
        try:
            payload = self._session.call(
                f"find order {coid}",
                lambda ex: ex.fetch_order("", tracked.symbol, params),
                retries=1,
            )
        except CcxtVenueError as error:
            if error.kind is ErrorKind.ORDER_NOT_FOUND:
                return None
            raise
        return parse_order(payload)

    def _find_in_lists(self, tracked: Tracked, coid: str) -> VenueOrder | None:
        """The order with client id `coid` in the open, then the closed orders."""
        params = {"clientOrderId": coid}
        for listing in ("fetch_open_orders", "fetch_closed_orders"):
            request = _listing_request(listing, tracked.symbol, params)
            rows = self._session.call(f"find order {coid}", request, retries=1)
            found = [
                r for r in rows or [] if isinstance(r, dict) and r.get("clientOrderId") == coid
            ]
            if found:
                return parse_order(found[-1])
        return None

    def last_price(self, tracked: Tracked) -> Decimal | None:
        """The symbol's last traded price (None when the venue cannot say now)."""
        try:
            ticker = self._session.call(
                f"read the last price of {tracked.symbol}",
                lambda ex: ex.fetch_ticker(tracked.symbol),
                retries=1,
            )
        except CcxtVenueError as error:
            if not error.retryable and error.kind is not ErrorKind.REFUSED:
                raise
            return None
        last = ticker.get("last") if isinstance(ticker, dict) else None
        return None if last is None else Decimal(repr(float(last)))

    # -- cancel ------------------------------------------------------------------------

    def cancel(self, tracked: Tracked) -> str:
        """Cancel one order; "" when canceled (events queued), else why not."""
        if tracked.outcome_unknown:
            self.resolve(tracked)
        vid = tracked.venue_order_id
        if vid is None:
            return f"order {tracked.client_order_id} is not known at the venue yet"
        try:
            payload = self._send_cancel(tracked, vid)
        except CcxtVenueError as error:
            if (
                error.kind in (ErrorKind.ORDER_NOT_FOUND, ErrorKind.INVALID_ORDER)
                or error.outcome_unknown
            ):
                return self._confirm_cancel(tracked, error)
            if error.retryable:
                return f"cancel of {tracked.client_order_id} not confirmed: {error}"
            raise
        if not _is_order(payload):
            # An acknowledgement only: read the order; unreadable now, the next sync does.
            return self._confirm_cancel(tracked, None)
        self._settle(tracked, parse_order(payload))
        return "" if not tracked.is_working else f"order {tracked.client_order_id} is still working"

    def _send_cancel(self, tracked: Tracked, venue_order_id: str) -> Any:
        """The venue's answer to the cancel; a rate-limited cancel is sent once more.

        Raises:
            CcxtVenueError: the request failed (a rate-limited one: the resend failed).
        """
        action = f"cancel of order {tracked.client_order_id}"

        def request(exchange: Any) -> Any:
            return exchange.cancel_order(venue_order_id, tracked.symbol)

        try:
            return self._session.call(action, request)
        except CcxtVenueError as error:
            if error.kind is not ErrorKind.RATE_LIMITED:
                raise
        # Refused for its rate, so not carried out: safe to send again; the session
        # waits out the venue's pause first.
        return self._session.call(action, request)

    def _confirm_cancel(self, tracked: Tracked, error: CcxtVenueError | None) -> str:
        """After an ambiguous cancel answer (`error`; None: the venue acknowledged it
        without the order), the order's own state decides."""
        vid = tracked.venue_order_id or ""
        try:
            state = self._history.order(tracked.symbol, vid)
        except CcxtVenueError as failure:
            if error is None and failure.retryable:
                return ""  # acknowledged: the canceled state arrives with the next sync
            return f"cancel of {tracked.client_order_id} not confirmed: {error or failure}"
        if state is None:
            return f"order {tracked.client_order_id} is unknown at the venue"
        self._settle(tracked, state)
        if state.status == "canceled":
            return ""  # canceled after all (an earlier request went through)
        if error is None and state.is_open:
            return ""  # acknowledged and still pending: the next sync sees it canceled
        return f"order {tracked.client_order_id} is {state.status} at the venue, not working"

    def cancel_symbol(self, symbol: str) -> None:
        """Cancel every working order of `symbol` (one request when the exchange can)."""
        working = self._orders.working(symbol)
        unscoped = self._session.config.exchange_id in _CANCEL_ALL_UNSCOPED
        if unscoped or not self._session.exchange.has.get("cancelAllOrders"):
            for tracked in working:
                self.cancel(tracked)
            return
        try:
            rows = self._session.call(
                f"cancel_all of {symbol}", lambda ex: ex.cancel_all_orders(symbol)
            )
        except CcxtVenueError as error:
            if error.kind not in (ErrorKind.ORDER_NOT_FOUND, ErrorKind.INVALID_ORDER):
                raise
            rows = []  # nothing was open
        states = [parse_order(r) for r in rows or [] if isinstance(r, dict) and r.get("id")]
        for state in states:
            known = self._orders.find(state)
            if known is not None:
                self._orders.observe(known, state)
        self._refresh(symbol)

    def _settle(self, tracked: Tracked, state: VenueOrder) -> None:
        self._orders.observe(tracked, state)
        self._refresh(tracked.symbol)

    def _refresh(self, symbol: str) -> None:
        self._poll_trades(symbol)
        self._emit(self._orders.working(symbol))

    # -- replace (modify) ----------------------------------------------------------------

    def replace(self, tracked: Tracked, request: EditOrder) -> tuple[VenueOrder | None, str]:
        """Cancel-replace the order; (the new venue order, "") when made, else (None, why).

        On a failure the tracked order is brought up to the venue's state, without
        emitting (the caller queues the refusal first, then the order's events).

        Raises:
            CcxtVenueError: credentials or clock refused (nothing was changed).
        """
        try:
            payload = self._send_edit(tracked, request)
        except CcxtVenueError as error:
            if error.kind in (ErrorKind.CREDENTIALS, ErrorKind.CLOCK):
                raise
            return self._settle_replace(tracked, request.venue_order_id, error)
        if not _is_order(payload):
            return self._settle_replace(tracked, request.venue_order_id, None)
        return parse_order(payload), ""

    def _send_edit(self, tracked: Tracked, request: EditOrder) -> Any:
        action = f"modify of order {tracked.client_order_id}"

        def edit(exchange: Any) -> Any:
            return exchange.edit_order(
                request.venue_order_id, request.symbol, request.type, request.side,
                request.amount, request.price, dict(request.params),
            )  # fmt: skip

        try:
            return self._session.call(action, edit)
        except CcxtVenueError as error:
            if error.kind is not ErrorKind.RATE_LIMITED:
                raise
        # Refused for its rate, so not carried out: safe to send once more.
        return self._session.call(action, edit)

    def _settle_replace(
        self, tracked: Tracked, old_id: str, error: CcxtVenueError | None
    ) -> tuple[VenueOrder | None, str]:
        coid = tracked.client_order_id
        why = str(error) if error is not None else "the venue did not describe the new order"
        try:
            old = self._history.order(tracked.symbol, old_id)
            found = None if old is None or old.is_open else self._find_by_client_id(tracked)
        except CcxtVenueError as failure:
            if not failure.retryable:
                raise
            return None, f"modify of {coid} not confirmed: {why}; then {failure}"
        if found is not None and found.venue_order_id != old_id:
            return found, ""
        if old is None:
            return None, f"modify of {coid} failed: the venue does not know the order ({why})"
        self._orders.observe(tracked, old)
        if old.is_open:
            return None, f"modify of {coid} refused, the order is unchanged: {why}"
        return None, f"modify of {coid} refused: the order is {old.status} at the venue ({why})"

    # -- orders of others ----------------------------------------------------------------

    def foreign_order(self, state: VenueOrder, symbol: str) -> list[Order]:
        """An open order this adapter did not send, as an `Order` (no fills replayed)."""
        instruments = self._session.instruments
        instrument = None if instruments is None else instruments.by_symbol(symbol)
        if instrument is None:
            return []
        coid = ClientOrderId(state.client_order_id or f"venue-{state.venue_order_id}")
        return [replay(state, derive_events(state, (), coid)[:1], instrument.id, coid)]


def _is_order(payload: Any) -> bool:
    """Whether an answer describes an order (not only acknowledges the request)."""
    return isinstance(payload, dict) and bool(payload.get("status")) and bool(payload.get("id"))


def _listing_request(method: str, symbol: str, params: dict[str, Any]) -> Callable[[Any], Any]:
    """The request `exchange.<method>(symbol, None, None, params)` for `CcxtSession.call`."""

    def request(exchange: Any) -> Any:
        return getattr(exchange, method)(symbol, None, None, params)

    return request
