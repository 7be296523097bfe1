"""`OandaVenue`: the execution port on an OANDA v20 account, by polling transactions.

Order entry checks capabilities and the instrument's grid before anything is sent (an
order off the grid is rejected locally and kept as a REJECTED record); the client
order id travels as `clientExtensions.id`, so a lost answer is settled by asking for
`@<client id>` and never makes two orders (`entry.OrderEntry`). Events come from the
order requests' answers and from `sync()`, which reads the account's transactions
since the last one seen (`GET .../transactions/sinceid`); each transaction is folded
into its order once (`lifecycle.Ledger`), so each event comes once. Reports are replayed
from the transaction history (`history.VenueHistory`) plus the orders refused here, so
they survive a restart. A modify is v20's replace (`PUT .../orders/{id}`: the order is
canceled and a new one, under the same client id, takes its place).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

import httpx

from tradewind.domain.decimals import DecimalLike
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, InstrumentId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderType
from tradewind.domain.order_events import (
    OrderEvent,
)
from tradewind.domain.timestamps import instant_from_ns, ns_of
from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import (
    Balance,
    FillReport,
    OrderStatusReport,
    PositionReport,
)
from tradewind.execution.polling_venue import PollingVenue, sorted_reports
from tradewind.ports.execution import VenueCapability, require_capability
from tradewind.venues.oanda.config import OandaVenueConfig
from tradewind.venues.oanda.entry import OrderEntry
from tradewind.venues.oanda.history import VenueHistory
from tradewind.venues.oanda.instruments import OandaInstruments
from tradewind.venues.oanda.lifecycle import Ledger, Tracked
from tradewind.venues.oanda.modify import modified_request
from tradewind.venues.oanda.queries import pending_orders, position_reports
from tradewind.venues.oanda.requests import CAPABILITIES, CLIENT_TAG, order_request
from tradewind.venues.oanda.session import OandaSession
from tradewind.venues.oanda.wire import V20AccountSummary

__all__ = ["OandaVenue"]

_log = logging.getLogger(__name__)


class OandaVenue(PollingVenue[OandaSession, Tracked]):
    """An OANDA v20 account behind `ExecutionVenue` (see the module docstring).

    Args:
        config: instruments, token, account, endpoint, limits.
        session: a session to share with `OandaMarketData`; built from `config` when None.
        poll_interval_ms: the least time between the syncs `drain_events` makes.
        transport: an httpx transport when no session is given (tests).

    Capabilities (`requests.CAPABILITIES`): market, limit, stop (stop-market), IOC,
    FOK, day (GFD), short and modify; never stop-limit, fractional, reduce-only,
    partial fills or cancel-all (`cancel_all` cancels one order at a time).
    """

    def __init__(
        self,
        config: OandaVenueConfig,
        *,
        session: OandaSession | None = None,
        poll_interval_ms: int = 1_000,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._ledger = Ledger(lambda: self._session.home_currency)
        super().__init__(
            session or OandaSession(config, transport=transport),
            self._ledger,
            poll_interval_ms=poll_interval_ms,
        )
        self._capabilities = CAPABILITIES
        self._cursor: int | None = None
        self._history = VenueHistory(self._session, self._seq_of)
        self._entry = OrderEntry(
            self._session, self._ledger, emit=self._emit, sync=self._read_transactions
        )

    # -- connection ----------------------------------------------------------------------

    def connect(self) -> None:
        """Connect the session; then adopt the account's pending orders of the traded
        instruments (so they can be canceled after a restart) and resync what was sent.

        Raises:
            VenueError: unreachable (retryable) or the token refused (not retryable).
        """
        self._session.connect()
        if self._cursor is None:
            self._cursor = self._session.connected_at_txn
            self._adopt_pending()
        if self._ledger.working():
            self.sync()

    # -- order entry ---------------------------------------------------------------------

    def cancel_all(self, instrument_id: InstrumentId | None = None) -> None:
        """Cancel every working order (of `instrument_id` only). v20 has no cancel-all
        request: this cancels one order at a time (`cancel_all` is not declared).

        Raises:
            VenueDisconnectedError: not connected.
        """
        self._session.require_connected("cancel_all")
        symbol = None if instrument_id is None else self._instruments().symbol_of(instrument_id)
        for tracked in self._ledger.working(symbol):
            reason = self._entry.cancel(tracked)
            if reason and tracked.is_working:
                self._reject_cancel(tracked.client_order_id, reason)

    def modify(
        self,
        client_order_id: ClientOrderId,
        quantity: DecimalLike | None = None,
        price: DecimalLike | None = None,
        trigger_price: DecimalLike | None = None,
    ) -> None:
        """Replace a working order's terms (v20 replace): `OrderUpdated`, or
        `OrderModifyRejected` with why (nothing is sent for terms off the grid).

        Raises:
            DomainError: the venue does not declare modify (it does).
            VenueDisconnectedError: not connected.
        """
        self._session.require_connected(f"modify of order {client_order_id}")
        require_capability(VenueCapability.MODIFY, self.capabilities, self._venue, "modify")
        tracked = self._ledger.get(client_order_id)
        if tracked is None or not tracked.is_working or tracked.venue_order_id is None:
            status = "unknown" if tracked is None else tracked.order.status.value
            self._reject_modify(
                client_order_id, f"order {client_order_id} is not working ({status})"
            )
            return
        instrument = self._instruments().by_symbol(tracked.symbol)
        try:
            body = modified_request(tracked, instrument, quantity, price, trigger_price)
        except DomainError as error:
            self._reject_modify(client_order_id, str(error))
            return
        reason = self._entry.replace(tracked, body)
        if reason:
            self._reject_modify(client_order_id, reason)

    # -- events --------------------------------------------------------------------------

    def sync(self) -> None:
        """Read the transactions since the last one seen and queue their events; then
        settle submits whose answer was lost. Network trouble is logged and retried
        at the next sync (the status says DEGRADED).

        Raises:
            VenueDisconnectedError: not connected.
            VenueError: the venue refused the token.
        """
        self._session.require_connected("sync")
        self._last_sync = time.monotonic()
        try:
            self._read_transactions()
            for tracked in self._ledger.working():
                if tracked.outcome_unknown:
                    self._entry.resolve(tracked)
        except VenueError as error:
            if not error.retryable:
                raise
            _log.warning("sync at %s postponed: %s", self._venue, error)

    def _emit(self, events: list[OrderEvent]) -> None:
        self._events.extend(events)

    def _read_transactions(self) -> None:
        if self._cursor is None:
            self._cursor = self._session.connected_at_txn or 0
        while True:
            cursor = self._cursor
            batch = self._session.call(
                "read transactions",
                lambda c, since=cursor: c.transactions_since(since),  # type: ignore[misc]
                retries=1,
            )
            self._events.extend(self._ledger.apply(batch.transactions))
            newest = max((t.txn_id for t in batch.transactions), default=cursor)
            self._cursor = max(cursor, newest)
            if not batch.transactions or self._cursor >= batch.last_transaction_id:
                self._cursor = max(self._cursor, batch.last_transaction_id)
                return

    # -- queries -------------------------------------------------------------------------

    def open_orders(self) -> Sequence[Order]:
        """The account's pending orders of the traded instruments: this adapter's copies
        in submission order, then others (venue terms) in the venue's order."""
        self._session.require_connected("open_orders")
        pending = self._session.call(
            "read the pending orders", lambda c: c.pending_orders(), retries=1
        )
        return pending_orders(pending, self._instruments(), self._ledger)

    def positions(self) -> Sequence[PositionReport]:
        """One report per traded instrument with open units: signed units (long plus
        short) and the average price of the side held."""
        self._session.require_connected("positions")
        held = self._session.call("read the positions", lambda c: c.open_positions(), retries=1)
        return position_reports(held, self._instruments(), self._venue)

    def balances(self) -> Sequence[Balance]:
        """The account's cash in its home currency: `total` is v20's `balance`
        (realized P&L, commissions and financing included; open positions' unrealized
        P&L excluded, see `account_summary().nav`), `locked` its `marginUsed`."""
        summary = self.account_summary()
        locked = max(summary.margin_used, Decimal(0))
        return [Balance(summary.currency, summary.balance, locked)]

    def account_summary(self) -> V20AccountSummary:
        """v20's account summary (balance, NAV, unrealized P&L, margin)."""
        self._session.require_connected("balances")
        return self._session.call("read the account summary", lambda c: c.summary(), retries=1)

    def order_status_reports(self, since: datetime | None = None) -> Sequence[OrderStatusReport]:
        """Replayed from the transaction history, plus the orders refused here."""
        self._session.require_connected("order_status_reports")
        return self._with_refused(self._history.status_reports(since), since, ns_of)

    def fill_reports(self, since: datetime | None = None) -> Sequence[FillReport]:
        """Every fill of the traded instruments at or after `since`, oldest first."""
        self._session.require_connected("fill_reports")
        return sorted_reports(self._history.fill_reports(since))

    def server_time(self) -> datetime:
        """The venue's clock (the time of a pricing answer), UTC."""
        self._session.require_connected("server_time")
        return instant_from_ns(self._history.now_ns())

    # -- helpers -------------------------------------------------------------------------

    def _entry_problem(self, order: Order, instrument: Instrument | None) -> str:
        return _entry_problem(order, instrument)

    def _place(self, tracked: Tracked, instrument: Instrument) -> str | None:
        if self._cursor is None:
            self._cursor = self._session.connected_at_txn
        order = tracked.order
        try:
            return self._entry.send(tracked, order_request(order, tracked.symbol, instrument))
        except VenueError:
            self._ledger.forget(order.client_order_id)
            raise

    def _cancel_at_venue(self, tracked: Tracked) -> str | None:
        return self._entry.cancel(tracked)

    def _instruments(self) -> OandaInstruments:
        self._session.require_connected("instruments")
        instruments = self._session.instruments
        if instruments is None:  # pragma: no cover - require_connected checks it
            raise VenueError(f"venue {self._venue} has no instruments loaded; call connect()")
        return instruments

    def _adopt_pending(self) -> None:
        """Track the pending orders this adapter's tag marks (sent before a restart)."""
        pending = self._session.call(
            "read the pending orders", lambda c: c.pending_orders(), retries=1
        )
        instruments = self._instruments()
        for record in sorted(pending, key=lambda r: (r.create_ns, r.order_id)):
            instrument = instruments.by_symbol(record.instrument)
            if instrument is None or not record.client_order_id:
                continue
            if record.client_tag != CLIENT_TAG:  # placed by another tool or by hand
                continue
            if ClientOrderId(record.client_order_id) in self._ledger:
                continue
            tracked = self._history.adopt_record(record, instrument.id)
            if tracked is not None:
                self._ledger.adopt(tracked)


def _entry_problem(order: Order, instrument: Instrument | None) -> str:
    if instrument is None:
        return f"unknown instrument {order.instrument_id}"
    reference = order.price if order.order_type is OrderType.LIMIT else order.trigger_price
    try:
        instrument.check_order(order.quantity, reference)
    except DomainError as error:
        return str(error)
    return ""
