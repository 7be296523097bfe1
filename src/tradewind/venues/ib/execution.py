"""`IbVenue`: the execution port on Interactive Brokers through TWS / IB Gateway.

Order entry checks capabilities and the contract's grid before anything is sent (an
order off the grid is rejected locally and kept as a REJECTED record), then places the
order and waits for TWS's acknowledgement. `orderRef` carries the client order id (and
the creation instant), so an acknowledgement lost to a timeout or a dropped socket is
found again by asking TWS: found, the order proceeds; not found, it is placed once more
under a fresh order id; never twice at TWS. A placement TWS refuses for the message rate
(100) is sent again after a pause.

Events come from `sync()`: open and completed orders and executions (each with its
commission) are read from TWS and every order's events derived from them (`lifecycle`),
each handed out once (`tracking`). `drain_events()` syncs first when connected, an order
is working and the last sync is older than `poll_interval_ms`. The reports are derived
from the same reads, so they survive a restart; a restarted adapter adopts the orders
TWS holds under a Tradewind `orderRef`, so it can cancel them and report their fills.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tradewind.domain.decimals import DecimalLike
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, InstrumentId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.timestamps import ns_of
from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import (
    Balance,
    FillReport,
    OrderStatusReport,
    PositionReport,
)
from tradewind.execution.polling_venue import PollingVenue, sorted_reports
from tradewind.execution.venue_events import in_time_order
from tradewind.ports.execution import VenueCapability, require_capability
from tradewind.venues.ib.book import Snapshot, VenueBook
from tradewind.venues.ib.client import IbClient
from tradewind.venues.ib.config import IbVenueConfig
from tradewind.venues.ib.instruments import IbInstruments
from tradewind.venues.ib.lifecycle import derive_events, replay
from tradewind.venues.ib.orders import OrderDesk
from tradewind.venues.ib.reports import balances_of, fill_rows, positions_of, status_rows
from tradewind.venues.ib.requests import capabilities_of
from tradewind.venues.ib.session import IbSession
from tradewind.venues.ib.tracking import OrderRegistry, Tracked, advance, order_key, rank_of

__all__ = ["IbVenue"]

_log = logging.getLogger(__name__)


class IbVenue(PollingVenue[IbSession, Tracked]):
    """Interactive Brokers behind `ExecutionVenue` (see the module docstring).

    Args:
        config: host, port, client id, account, symbols, timeout.
        session: a session to share with `IbMarketData` (one API connection); built
            from `config` when None.
        client_factory: builds the `IbClient` when no session is given (tests).
        poll_interval_ms: the least time between the syncs `drain_events` makes.

    Capabilities: market, limit, stop, stop-limit, IOC, FOK, DAY, short, partial fills,
    modify (IB's own: the order placed again under its order id); fractional where a
    contract's size increment is below one; never reduce-only, and `cancel_all` is one
    cancel per order (so not declared; `reqGlobalCancel` would cancel every order of
    the account, other clients' and manual ones too).
    """

    def __init__(
        self,
        config: IbVenueConfig,
        *,
        session: IbSession | None = None,
        client_factory: Any = IbClient,
        poll_interval_ms: int = 1_000,
    ) -> None:
        self._orders: OrderRegistry = OrderRegistry()
        super().__init__(
            session or IbSession(config, client_factory),
            self._orders,
            poll_interval_ms=poll_interval_ms,
        )
        self._book = VenueBook(self._session)
        self._desk = OrderDesk(
            self._session, self._book, self._orders, emit=self._emit_for, queue=self._queue
        )

    # -- connection ----------------------------------------------------------------------

    def connect(self) -> None:
        """Connect, load the contracts, adopt the orders TWS holds for us, then sync.

        Raises:
            VenueError: TWS unreachable (retryable), client id in use, unknown account
                or symbol (not retryable).
        """
        if self._session.status.accepts_requests and self._session.client.is_connected():
            return
        self._session.connect()
        self._capabilities = capabilities_of(self._instruments().all, modify=True)
        self._adopt(self._book.read())
        if self._orders.working():
            self.sync()

    def disconnect(self) -> None:
        """Close the API connection (working orders stay at IB)."""
        self._session.disconnect()

    # -- order entry ---------------------------------------------------------------------

    def cancel(self, client_order_id: ClientOrderId) -> None:
        """Cancel a working order: `OrderCanceled`, or `OrderCancelRejected` with why.

        Raises:
            VenueDisconnectedError: not connected.
        """
        self._session.require_connected(f"cancel of order {client_order_id}")
        tracked = self._working_or_reject_cancel(client_order_id)
        if tracked is None:
            return
        refusals = self._desk.cancel([tracked])
        self.sync()
        for cid, reason in refusals.items():
            still = self._orders.get(cid)
            if still is not None and still.is_working:
                self._reject_cancel(cid, reason)

    def cancel_all(self, instrument_id: InstrumentId | None = None) -> None:
        """Cancel every working order of this adapter (of `instrument_id` only): one
        cancel request per order (IB has no per-instrument cancel-all).

        Raises:
            VenueDisconnectedError: not connected.
        """
        self._session.require_connected("cancel_all")
        symbol = None if instrument_id is None else self._instruments().symbol_of(instrument_id)
        working = self._orders.working(symbol)
        if working:
            self._desk.cancel(working)
            self.sync()

    def modify(
        self,
        client_order_id: ClientOrderId,
        quantity: DecimalLike | None = None,
        price: DecimalLike | None = None,
        trigger_price: DecimalLike | None = None,
    ) -> None:
        """Change a working order's terms in place (IB's own modify: the order placed
        again under its order id): `OrderUpdated`, or `OrderModifyRejected` with why.

        Raises:
            DomainError: the venue does not declare modify.
            VenueDisconnectedError: not connected.
        """
        self._session.require_connected(f"modify of order {client_order_id}")
        require_capability(VenueCapability.MODIFY, self.capabilities, self._venue, "modify")
        tracked = self._orders.get(client_order_id)
        instrument = (
            None if tracked is None else self._instruments().get(tracked.order.instrument_id)
        )
        self._desk.modify(client_order_id, tracked, instrument, quantity, price, trigger_price)

    # -- events --------------------------------------------------------------------------

    def sync(self) -> None:
        """Read TWS's orders and executions and queue the events of what changed.

        Resolves placements whose outcome was unknown (found by `orderRef`, else placed
        once more). When TWS cannot be read now, the sync is postponed (the status says
        DEGRADED).

        Raises:
            VenueDisconnectedError: not connected.
            VenueError: a refusal that is not retryable.
        """
        self._session.require_connected("sync")
        self._last_sync = time.monotonic()
        try:
            snapshot = self._book.read()
        except VenueError as error:
            if not error.retryable:
                raise
            _log.warning("sync at %s postponed: %s", self._venue, error)
            return
        for tracked in self._orders.all():
            state = snapshot.order(str(tracked.client_order_id))
            if state is not None:
                self._orders.observe(tracked, state)
            elif tracked.outcome_unknown and tracked.is_working:
                refusal = self._desk.resolve(tracked)
                if refusal:
                    self._refuse_tracked(tracked, refusal)
        self._orders.add_fills(snapshot.fills)
        self._emit_for(self._orders.working())

    def _emit_for(self, tracked: Sequence[Tracked]) -> None:
        batches = [(rank_of(t), advance(t, self._desk.rejection_of(t))) for t in tracked]
        self._events.extend(in_time_order(batches))

    # -- queries -------------------------------------------------------------------------

    def open_orders(self) -> Sequence[Order]:
        """Working orders in the traded symbols, in submission order (this adapter's
        copies for its own orders, rebuilt from TWS's terms for the others)."""
        self._session.require_connected("open_orders")
        ours: list[Tracked] = []
        others: list[Order] = []
        for state in sorted(self._book.open_orders(), key=order_key):
            tracked = self._orders.get(ClientOrderId(state.client_order_id))
            if tracked is not None and tracked.is_working:
                ours.append(tracked)
            elif tracked is None:
                others.extend(self._rebuilt(state, Snapshot()))
        ours.sort(key=lambda t: t.seq)
        return [t.order for t in ours] + others

    def positions(self) -> Sequence[PositionReport]:
        """TWS's position per traded instrument (not zero), with its average cost."""
        self._session.require_connected("positions")
        rows = self._session.call("read the positions", lambda ib: ib.reqPositionsAsync())
        return positions_of(rows, self._instruments(), self._venue, self._session.account)

    def balances(self) -> Sequence[Balance]:
        """Cash per currency (TWS's `CashBalance`), sorted by currency."""
        self._session.require_connected("balances")
        account = self._session.account
        values = self._session.call(
            "read the account values", lambda ib: _account_values(ib, account)
        )
        return balances_of(values)

    def order_status_reports(self, since: datetime | None = None) -> Sequence[OrderStatusReport]:
        """Derived from TWS's open and completed orders and executions, plus orders
        refused here before reaching TWS."""
        self._session.require_connected("order_status_reports")
        snapshot = self._book.read()
        rows = status_rows(
            snapshot, self._instruments(), self._venue, self._report_seq_of, self._rejection_text
        )
        for tracked in self._refused:
            if snapshot.order(str(tracked.client_order_id)) is None:
                order = tracked.order
                key = (order_key_ms(order), tracked.seq, 0)
                rows.append((key, OrderStatusReport.of_order(order, self._venue, tracked.reason)))
        return [r for r in sorted_reports(rows) if since is None or r.ts_last >= since]

    def fill_reports(self, since: datetime | None = None) -> Sequence[FillReport]:
        """Every execution of this account's Tradewind orders at or after `since`."""
        self._session.require_connected("fill_reports")
        return sorted_reports(fill_rows(self._book.read(), self._instruments(), self._venue, since))

    def server_time(self) -> datetime:
        """TWS's clock (`reqCurrentTime`: whole seconds), UTC."""
        self._session.require_connected("server_time")
        return self._session.server_time()

    # -- helpers -------------------------------------------------------------------------

    def _instruments(self) -> IbInstruments:
        self._session.require_connected("instruments")
        instruments = self._session.instruments
        if instruments is None:  # pragma: no cover - require_connected checks it
            raise VenueError(f"venue {self._venue} has no contracts loaded; call connect()")
        return instruments

    def _adopt(self, snapshot: Snapshot) -> None:
        """Track the Tradewind orders TWS holds that this adapter does not know yet."""
        for cid, state in sorted(snapshot.orders.items(), key=lambda kv: order_key(kv[1])):
            if state.created_ms is None or ClientOrderId(cid) in self._orders:
                continue
            rebuilt = self._rebuilt(state, snapshot)
            if rebuilt:
                self._orders.adopt(rebuilt[0], state.symbol, state, snapshot.fills_of(state))

    def _rebuilt(self, state: Any, snapshot: Snapshot) -> list[Order]:
        instrument = self._instruments().by_symbol(state.symbol)
        if instrument is None or not state.client_order_id:
            return []
        cid = ClientOrderId(state.client_order_id)
        events = derive_events(state, snapshot.fills_of(state), cid)
        return [replay(state, events, instrument.id, cid)] if events else []

    def _place(self, tracked: Tracked, instrument: Instrument) -> str | None:
        return self._desk.place(tracked)

    def _entry_problem(self, order: Order, instrument: Any) -> str:
        if instrument is None:
            return f"unknown instrument {order.instrument_id} at venue {self._venue}"
        reference = order.price if order.price is not None else order.trigger_price
        try:
            instrument.check_order(order.quantity, reference)
        except DomainError as error:
            return str(error)
        return ""

    def _report_seq_of(self, client_order_id: str) -> int | None:
        tracked = self._orders.get(ClientOrderId(client_order_id))
        if tracked is None:
            refused = [r for r in self._refused if str(r.client_order_id) == client_order_id]
            return refused[0].seq if refused else None
        return tracked.seq

    def _rejection_text(self, client_order_id: str) -> str:
        tracked = self._orders.get(ClientOrderId(client_order_id))
        if tracked is not None:
            return self._desk.rejection_of(tracked)
        refused = [r for r in self._refused if str(r.client_order_id) == client_order_id]
        return refused[0].reason if refused else ""


def order_key_ms(order: Order) -> int:
    """The creation instant of a domain order in ms (as `orderRef` carries it)."""
    return ns_of(order.created_at) // 1_000_000


async def _account_values(ib: Any, account: str) -> list[Any]:
    """A fresh snapshot of the account's values (subscribe, read, unsubscribe)."""
    await ib.reqAccountUpdatesAsync(account)
    values = list(ib.accountValues(account))
    ib.client.reqAccountUpdates(False, account)
    return values
