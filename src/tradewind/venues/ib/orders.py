"""Order entry at TWS for `IbVenue`: place (with the lookup after an unknown outcome),
cancel and modify, each waiting for TWS's acknowledgement (`entry`).

A placement refused for the message rate (TWS error 100, or ib_async's rate-limited
request) is sent again after a pause, under a fresh order id, at most a few times.
A modify is IB's own: the same order placed again under its order id with new terms;
TWS answers with the new terms (`openOrder`) or an error with the order id.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from tradewind.domain.decimals import DecimalLike, to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order_commands import check_order_terms
from tradewind.domain.order_enums import OrderType
from tradewind.domain.order_events import OrderEvent, OrderModifyRejected, OrderUpdated
from tradewind.domain.timestamps import EPOCH
from tradewind.venues.ib.book import VenueBook
from tradewind.venues.ib.entry import Ack, cancel_and_wait, modify_and_wait, place_and_wait
from tradewind.venues.ib.errors import ErrorKind, IbVenueError, map_code
from tradewind.venues.ib.parsing import order_from
from tradewind.venues.ib.requests import ib_order_for, parse_order_ref, wire_decimal
from tradewind.venues.ib.session import IbSession
from tradewind.venues.ib.tracking import OrderRegistry, Tracked

__all__ = ["OrderDesk"]

_log = logging.getLogger(__name__)
_RATE_ATTEMPTS = 4
_RATE_PAUSE_S = 1.0
_ACK_SLACK_S = 1.0


class OrderDesk:
    """Places, cancels and modifies orders through one session.

    Args:
        session: the API connection.
        book: reads TWS's orders (to find an order by `orderRef`).
        orders: the adapter's registry.
        emit: queues the events of the given tracked orders.
        queue: queues one event (modify answers).
    """

    def __init__(
        self,
        session: IbSession,
        book: VenueBook,
        orders: OrderRegistry,
        *,
        emit: Callable[[Sequence[Tracked]], None],
        queue: Callable[[OrderEvent], None],
    ) -> None:
        self._session = session
        self._book = book
        self._orders = orders
        self._emit = emit
        self._queue = queue

    # -- placing ---------------------------------------------------------------------------

    def place(self, tracked: Tracked) -> str:
        """Place `tracked`; "" when TWS took it (or the outcome is unknown), else why not."""
        instruments = self._session.instruments
        if instruments is None:
            return f"venue {self._session.venue} has no contracts loaded"
        contract = instruments.contract(tracked.symbol)
        timeout_s = self._session.config.timeout_s
        for attempt in range(_RATE_ATTEMPTS):
            order = ib_order_for(tracked.order, self._session.account)
            try:
                ack: Ack = self._session.call(
                    f"submit of order {tracked.client_order_id}",
                    _placing(contract, order, timeout_s),
                    timeout_s=timeout_s + _ACK_SLACK_S,
                )
            except IbVenueError as error:
                if error.outcome_unknown:
                    tracked.outcome_unknown = True
                    return ""
                if error.kind is ErrorKind.RATE_LIMITED and attempt + 1 < _RATE_ATTEMPTS:
                    time.sleep(_RATE_PAUSE_S)
                    continue
                return str(error)
            tracked.order_id = ack.order_id
            if ack.error_code:
                refusal = map_code(
                    ack.error_code, ack.error_text, venue=self._session.venue,
                    action=f"submit of order {tracked.client_order_id}",
                )  # fmt: skip
                if refusal.kind is ErrorKind.RATE_LIMITED and attempt + 1 < _RATE_ATTEMPTS:
                    time.sleep(_RATE_PAUSE_S)
                    continue
                return f"{ack.error_text} (TWS error {ack.error_code})"
            state = order_from(ack.trade, tws_zone=self._session.tws_zone)
            if state is not None:
                self._orders.observe(tracked, state)
                self._emit([tracked])
            return ""
        return f"submit of order {tracked.client_order_id} refused for the message rate"

    def resolve(self, tracked: Tracked) -> str:
        """An order whose placement got no answer and that TWS does not hold: placed
        once more (never a second time); "" or why it was refused."""
        if tracked.resubmitted:
            return ""
        tracked.resubmitted = True
        _log.warning(
            "order %s not found at %s after an unanswered placement: placing it again",
            tracked.client_order_id, self._session.venue,
        )  # fmt: skip
        return self.place(tracked)

    def rejection_of(self, tracked: Tracked) -> str:
        """TWS's error text for the order, when it sent one."""
        if not tracked.order_id:
            return ""
        errors = self._session.order_errors(tracked.order_id)
        return f"{errors[-1].text} (TWS error {errors[-1].code})" if errors else ""

    # -- canceling -------------------------------------------------------------------------

    def cancel(self, tracked: Sequence[Tracked]) -> dict[ClientOrderId, str]:
        """Cancel each order (one request each); {client order id: why not} for those
        TWS refused or that it does not hold as working."""
        trades = {parse_order_ref(str(t.order.orderRef))[0]: t for t in self._book.open_trades()}
        refusals: dict[ClientOrderId, str] = {}
        timeout_s = self._session.config.timeout_s
        for item in tracked:
            trade = trades.get(str(item.client_order_id))
            if trade is None:
                refusals[item.client_order_id] = (
                    f"order {item.client_order_id} is not working at {self._session.venue}"
                )
                continue
            reason = self._cancel_one(item, trade.order, timeout_s)
            if reason:
                refusals[item.client_order_id] = reason
        return refusals

    def _cancel_one(self, tracked: Tracked, order: Any, timeout_s: float) -> str:
        for attempt in range(_RATE_ATTEMPTS):
            try:
                ack: Ack = self._session.call(
                    f"cancel of order {tracked.client_order_id}",
                    lambda ib: cancel_and_wait(ib, order, timeout_s),
                    timeout_s=timeout_s + _ACK_SLACK_S,
                )
            except IbVenueError as error:
                if error.kind is ErrorKind.RATE_LIMITED and attempt + 1 < _RATE_ATTEMPTS:
                    time.sleep(_RATE_PAUSE_S)
                    continue
                if error.outcome_unknown:
                    return ""  # the next sync tells
                return str(error)
            if not ack.error_code:
                return ""
            if ack.error_code == 100 and attempt + 1 < _RATE_ATTEMPTS:
                time.sleep(_RATE_PAUSE_S)
                continue
            return f"{ack.error_text} (TWS error {ack.error_code})"
        return f"cancel of order {tracked.client_order_id} refused for the message rate"

    # -- modifying -------------------------------------------------------------------------

    def modify(
        self,
        client_order_id: ClientOrderId,
        tracked: Tracked | None,
        instrument: Instrument | None,
        quantity: DecimalLike | None,
        price: DecimalLike | None,
        trigger_price: DecimalLike | None,
    ) -> None:
        """Modify a working order in place (see the module docstring); queues
        `OrderUpdated` or `OrderModifyRejected`."""
        if tracked is None or not tracked.is_working or instrument is None or not tracked.order_id:
            status = "unknown" if tracked is None else tracked.order.status.value
            self._refuse_modify(client_order_id, tracked, f"order {client_order_id} is not "
                                f"working at {self._session.venue} ({status})")  # fmt: skip
            return
        try:
            terms = _new_terms(tracked, instrument, quantity, price, trigger_price)
        except DomainError as error:
            self._refuse_modify(client_order_id, tracked, str(error))
            return
        reason = self._send_modify(tracked, terms)
        if reason:
            self._refuse_modify(client_order_id, tracked, reason)
            return
        order = tracked.order
        update = OrderUpdated(
            client_order_id=client_order_id, ts=order.last_event_at, quantity=terms[0],
            price=terms[1], trigger_price=terms[2],
        )  # fmt: skip
        order.apply(update)
        self._queue(update)

    def _send_modify(self, tracked: Tracked, terms: tuple[Any, Any, Any]) -> str:
        instruments = self._session.instruments
        if instruments is None:
            return f"venue {self._session.venue} has no contracts loaded"
        trades = {parse_order_ref(str(t.order.orderRef))[0]: t for t in self._book.open_trades()}
        trade = trades.get(str(tracked.client_order_id))
        if trade is None:
            return f"order {tracked.client_order_id} is not working at {self._session.venue}"
        order = ib_order_for(tracked.order, self._session.account, order_id=trade.order.orderId)
        order.orderRef = trade.order.orderRef
        order.totalQuantity = wire_decimal(terms[0])  # type: ignore[assignment]
        if terms[1] is not None:
            order.lmtPrice = wire_decimal(terms[1])
        if terms[2] is not None:
            order.auxPrice = wire_decimal(terms[2])
        contract = instruments.contract(tracked.symbol)
        timeout_s = self._session.config.timeout_s
        expected = (
            float(terms[0]),
            None if terms[1] is None else float(terms[1]),
            None if terms[2] is None else float(terms[2]),
        )
        try:
            ack: Ack = self._session.call(
                f"modify of order {tracked.client_order_id}",
                lambda ib: modify_and_wait(ib, contract, order, expected, timeout_s),
                timeout_s=timeout_s + _ACK_SLACK_S,
            )
        except IbVenueError as error:
            return str(error)
        if ack.error_code:
            return f"{ack.error_text} (TWS error {ack.error_code})"
        return ""

    def _refuse_modify(
        self, client_order_id: ClientOrderId, tracked: Tracked | None, reason: str
    ) -> None:
        ts = tracked.order.last_event_at if tracked is not None else EPOCH
        self._queue(OrderModifyRejected(client_order_id=client_order_id, ts=ts, reason=reason))


def _new_terms(
    tracked: Tracked,
    instrument: Instrument,
    quantity: DecimalLike | None,
    price: DecimalLike | None,
    trigger_price: DecimalLike | None,
) -> tuple[Any, Any, Any]:
    order = tracked.order
    where = f"modify of order {order.client_order_id}"
    if quantity is None and price is None and trigger_price is None:
        raise DomainError(f"{where} changes nothing: give a quantity, price or trigger_price")
    terms = check_order_terms(
        order.client_order_id, order.side, order.order_type,
        order.quantity if quantity is None else to_decimal(quantity, field=f"quantity of {where}"),
        order.price if price is None else to_decimal(price, field=f"price of {where}"),
        order.trigger_price if trigger_price is None
        else to_decimal(trigger_price, field=f"trigger_price of {where}"),
        order.time_in_force,
    )  # fmt: skip
    if order.order_type is OrderType.MARKET:
        raise DomainError(f"{where}: a market order has no terms to modify")
    if terms.quantity <= order.filled_qty:
        raise DomainError(
            f"invalid quantity {terms.quantity} in {where}: expected more than the filled "
            f"{order.filled_qty}"
        )
    reference = terms.price if terms.price is not None else terms.trigger_price
    try:
        instrument.check_order(terms.quantity - order.filled_qty, reference)
        instrument.check_order(terms.quantity, reference)
    except DomainError as error:
        raise DomainError(f"{where}: {error}") from None
    return terms.quantity, terms.price, terms.trigger_price


def _placing(contract: Any, order: Any, timeout_s: float) -> Callable[[Any], Any]:
    return lambda ib: place_and_wait(ib, contract, order, timeout_s)
