"""`AlpacaVenue`: the execution port on an Alpaca account (US equities), by polling.

Order entry checks capabilities, the client order id and the instrument's grid before
anything is sent (an order off the grid is rejected locally and kept as a REJECTED
record); fractional quantities go only as DAY orders, as Alpaca requires. The client
order id travels as Alpaca's `client_order_id`; an answer lost to a timeout is
resolved by it (`entry.OrderEntry`).

Events come from `sync()`: the open orders (one request), the final state of those
that left them (`GET /v2/orders/{id}`), and the FILL account activities after the last
activity id seen (one cursor for the account); each event is emitted once
(`tracking`). `drain_events()` syncs first when connected, with working orders, and
the last sync is older than `poll_interval_ms`. Reports are read from Alpaca's history
(`history.VenueHistory`) plus the orders refused here, so they survive a restart.

`connect()` adopts the working orders of the configured symbols that this adapter
sent before a restart (their client id carries its prefix: `client_ids`), so they can
be canceled and modified; their events so far count as told (the reports tell them),
so only what happens next is emitted. Orders placed by hand or by other tools are
reported but never canceled. `cancel_all` cancels our orders one by one: Alpaca's
`DELETE /v2/orders` cancels every order of the account, so it is not declared as one
request. A modify is Alpaca's replace (`PATCH /v2/orders/{id}`): a new Alpaca
order replaces the old one, and the adapter follows the chain under our client order
id (`modify`, `chains`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime

from tradewind.domain.decimals import DecimalLike
from tradewind.domain.identifiers import ClientOrderId, InstrumentId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
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
from tradewind.venues.alpaca.account import AccountSummary, account_summary_of, position_reports
from tradewind.venues.alpaca.chains import rebuild
from tradewind.venues.alpaca.config import AlpacaVenueConfig
from tradewind.venues.alpaca.entry import OrderEntry
from tradewind.venues.alpaca.history import VenueHistory, ms_of
from tradewind.venues.alpaca.instruments import AlpacaInstruments, entry_problem
from tradewind.venues.alpaca.lifecycle import instant
from tradewind.venues.alpaca.modify import OrderModifier, follow_replacements
from tradewind.venues.alpaca.parsing import AlpacaOrder
from tradewind.venues.alpaca.requests import capabilities_of
from tradewind.venues.alpaca.session import AlpacaSession, MarketClock
from tradewind.venues.alpaca.tracking import OrderRegistry, Tracked, advance

__all__ = ["AccountSummary", "AlpacaVenue"]

_log = logging.getLogger(__name__)


class AlpacaVenue(PollingVenue[AlpacaSession, Tracked]):
    """An Alpaca account behind `ExecutionVenue` (see the module docstring).

    Args:
        config: symbols, credentials, endpoint, limits.
        session: a session to share with `AlpacaMarketData`; built from `config` when None.
        poll_interval_ms: the least time between the syncs `drain_events` makes.
    """

    def __init__(
        self,
        config: AlpacaVenueConfig,
        *,
        session: AlpacaSession | None = None,
        poll_interval_ms: int = 1_000,
    ) -> None:
        self._orders: OrderRegistry = OrderRegistry()
        super().__init__(
            session or AlpacaSession(config), self._orders, poll_interval_ms=poll_interval_ms
        )
        self._fill_cursor: str | None = None
        self._history = VenueHistory(self._session, self._seq_of)
        self._entry = OrderEntry(
            self._session,
            self._orders,
            self._history,
            emit=self._emit_for,
            poll_fills=self.poll_fills,
            refuse=self._refuse_tracked,
        )
        self._modifier = OrderModifier(
            self._session,
            self._orders,
            self._history,
            instrument_of=lambda symbol: self._instruments().by_symbol(symbol),
            emit=self._emit_for,
            poll_fills=self.poll_fills,
            queue=self._queue,
        )

    # -- connection ----------------------------------------------------------------------

    def connect(self) -> None:
        """Load the assets, read the clock and the account; adopt our working orders
        not tracked yet (sent before a restart); then resync what was sent.

        Raises:
            VenueError: unreachable (retryable) or credentials refused (not retryable).
        """
        self._session.connect()
        account = self._session.call("read the account", lambda c: c.get_account(), retries=1)
        instruments = self._instruments()
        shorting = (
            bool(account.get("shorting_enabled", True)) if isinstance(account, dict) else False
        )
        self._capabilities = capabilities_of(
            shortable=shorting and all(instruments.flags(s).shortable for s in instruments.symbols),
            fractional=instruments.fractional,
        )
        self._adopt_working()
        if self._orders.all():
            self.sync()

    def market_clock(self) -> MarketClock:
        """Alpaca's market clock: whether the market is open, the next open and close."""
        self._session.require_connected("market_clock")
        return self._session.clock()

    # -- order entry ---------------------------------------------------------------------

    def cancel_all(self, instrument_id: InstrumentId | None = None) -> None:
        """Cancel every working order of ours (of `instrument_id` only), one cancel per
        order, with events; orders this adapter did not send are left alone.

        Raises:
            VenueDisconnectedError: not connected.
        """
        self._session.require_connected("cancel_all")
        symbol = None if instrument_id is None else self._instruments().symbol_of(instrument_id)
        for state in self._history.open_orders():
            if symbol is not None and state.symbol != symbol:
                continue
            tracked = self._orders.find(state)
            if tracked is not None and tracked.is_working:
                self.cancel(tracked.client_order_id)

    def modify(
        self,
        client_order_id: ClientOrderId,
        quantity: DecimalLike | None = None,
        price: DecimalLike | None = None,
        trigger_price: DecimalLike | None = None,
    ) -> None:
        """Replace a working order's terms (Alpaca's replace): `OrderUpdated`, or
        `OrderModifyRejected` with why (nothing is sent for terms refused here).

        Raises:
            DomainError: the venue does not declare modify (it does once connected).
            VenueDisconnectedError: not connected.
            VenueError: Alpaca refused the credentials.
        """
        self._session.require_connected(f"modify of order {client_order_id}")
        require_capability(VenueCapability.MODIFY, self.capabilities, self._venue, "modify")
        tracked = self._orders.get(client_order_id)
        if tracked is not None and tracked.outcome_unknown:
            self._entry.resolve(tracked)
        self._modifier.modify(tracked, client_order_id, quantity, price, trigger_price)

    # -- events --------------------------------------------------------------------------

    def sync(self) -> None:
        """Poll Alpaca and queue the events of what changed since the last sync.

        Resolves submits whose outcome was unknown, reads the open orders and the final
        state of those that left them, then the fills after the last one seen. A sync
        Alpaca cannot serve now is skipped and made again next time (DEGRADED).

        Raises:
            VenueDisconnectedError: not connected.
            VenueError: Alpaca refused the credentials.
        """
        self._session.require_connected("sync")
        self._last_sync = time.monotonic()
        for tracked in self._orders.all():
            if tracked.outcome_unknown:
                self._entry.resolve(tracked)
        working = [t for t in self._orders.working() if t.venue_order_id is not None]
        if not working:
            return
        try:
            open_now = {o.venue_order_id: o for o in self._history.open_orders()}
            for tracked in working:
                vid = tracked.venue_order_id or ""
                state = open_now.get(vid) or self._history.order(vid)
                if state is not None:
                    self._orders.observe(tracked, state)
                    follow_replacements(tracked, self._orders, self._history)
            self.poll_fills()
        except VenueError as error:
            if not error.retryable:
                raise
            _log.warning("sync at %s postponed: %s", self._venue, error)
        self._emit_for(self._orders.working())

    def poll_fills(self) -> None:
        """Read the FILL activities after the last one seen and attach them."""
        if self._fill_cursor is None:
            created = [t.chain[0].created_ms for t in self._orders.all() if t.chain]
            if not created:
                return
            fills, last = self._history.fills(after_ms=min(created) - 1)
        else:
            fills, last = self._history.fills(page_token=self._fill_cursor)
        if last is not None:
            self._fill_cursor = last
        self._orders.add_fills(fills)

    def _emit_for(self, tracked: Sequence[Tracked]) -> None:
        self._events.extend(in_time_order((t.seq, advance(t)) for t in tracked))

    # -- queries -------------------------------------------------------------------------

    def open_orders(self) -> Sequence[Order]:
        """Orders Alpaca reports as working, in submission order (this adapter's copies
        for its own orders; the venue's terms, fills not replayed, for others)."""
        self._session.require_connected("open_orders")
        ours: list[Tracked] = []
        others: list[Order] = []
        for state in self._history.open_orders():
            tracked = self._orders.find(state)
            if tracked is not None:
                ours.append(tracked)
            else:
                others.extend(self._foreign(state))
        ours.sort(key=lambda t: t.seq)
        return [t.order for t in ours] + others

    def positions(self) -> Sequence[PositionReport]:
        """Alpaca's open positions in the configured symbols (signed: short < 0) with
        their average entry price."""
        self._session.require_connected("positions")
        rows = self._session.call("read the positions", lambda c: c.get_all_positions(), retries=1)
        return position_reports(rows, self._instruments(), self._venue)

    def balances(self) -> Sequence[Balance]:
        """The account's cash in USD (Alpaca locks none for working orders)."""
        return [Balance(currency="USD", total=self.account_summary().cash)]

    def account_summary(self) -> AccountSummary:
        """Cash, equity and buying power of the account (`GET /v2/account`)."""
        self._session.require_connected("account_summary")
        row = self._session.call("read the account", lambda c: c.get_account(), retries=1)
        return account_summary_of(row)

    def order_status_reports(self, since: datetime | None = None) -> Sequence[OrderStatusReport]:
        """From Alpaca's history of the configured symbols, plus orders refused here."""
        self._session.require_connected("order_status_reports")
        return self._with_refused(self._history.status_reports(since), since, ms_of)

    def fill_reports(self, since: datetime | None = None) -> Sequence[FillReport]:
        """Every execution at or after `since` in the configured symbols, oldest first."""
        self._session.require_connected("fill_reports")
        return sorted_reports(self._history.fill_reports(since))

    def server_time(self) -> datetime:
        """Alpaca's clock (`GET /v2/clock` timestamp), UTC."""
        self._session.require_connected("server_time")
        return instant(self._session.clock().now_ms)

    # -- helpers -------------------------------------------------------------------------

    def _entry_problem(self, order: Order, instrument: Instrument | None) -> str:
        return entry_problem(order, instrument, self._venue)

    def _place(self, tracked: Tracked, instrument: Instrument) -> str | None:
        return self._entry.send(tracked)

    def _cancel_at_venue(self, tracked: Tracked) -> str | None:
        return self._entry.cancel(tracked)

    def _instruments(self) -> AlpacaInstruments:
        self._session.require_connected("instruments")
        instruments = self._session.instruments
        if instruments is None:  # pragma: no cover - require_connected checks it
            raise VenueError(f"venue {self._venue} has no instruments loaded; call connect()")
        return instruments

    def _adopt_working(self) -> None:
        """Track the working orders our client id prefix marks that are not tracked yet,
        each as its whole replacement chain with its fills so far (one fill read)."""
        instruments = self._instruments()
        found: list[tuple[list[AlpacaOrder], InstrumentId]] = []
        for state in self._history.open_orders():
            instrument = instruments.by_symbol(state.symbol)
            if instrument is None or self._orders.find(state) is not None:
                continue
            chain = self._history.chain_of(state) if state.replaces else [state]
            root = chain[0]
            known = ClientOrderId(root.client_order_id) in self._orders if root.ours else True
            if known or root.replaces:
                continue  # not ours (by hand, other tools), tracked, or its start not found
            found.append((chain, instrument.id))
        if not found:
            return
        fresh_cursor = self._fill_cursor is None and not self._orders.all()
        fills, last = self._history.fills(after_ms=min(c[0].created_ms for c, _ in found) - 1)
        for chain, instrument_id in found:
            legs = {leg.venue_order_id for leg in chain}
            own = [f for f in fills if f.venue_order_id in legs]
            cid = ClientOrderId(chain[0].client_order_id)
            try:
                order = rebuild(chain, own, instrument_id, cid)
            except VenueError as error:  # left to the reports, as an order not ours
                _log.warning("working order %s not adopted at %s: %s", cid, self._venue, error)
                continue
            self._orders.adopt(order, chain, own)
            _log.info("adopted working order %s at %s", cid, self._venue)
        if fresh_cursor and last is not None:
            self._fill_cursor = last  # the fills read are told (adopted) or not ours

    def _foreign(self, state: AlpacaOrder) -> list[Order]:
        instrument = self._instruments().by_symbol(state.symbol)
        if instrument is None:
            return []
        chain = self._history.chain_of(state) if state.replaces else [state]
        return [rebuild(chain, (), instrument.id)]
