"""`CcxtVenue`: the execution port on a spot exchange through ccxt, by polling.

Order entry checks capabilities and the instrument's grid before anything is sent
(an order off the lot grid is rejected locally and kept as a REJECTED record). The
client order id travels as the exchange's client id, so an answer lost to a timeout
is found again by asking for that id: found, the order proceeds; definitely unknown,
it is sent once more with the same id; never twice at the venue. Cancels answered
"not found" are confirmed from the order's history before anything is concluded.

A modify (Binance only) is a cancel-replace under the same client order id
(`modify.OrderModifier`). Where the exchange counts down a dead man's switch (Kraken),
`arm_dead_man` / `disarm_dead_man` drive it (`dead_man.DeadManSwitch`).

Events come from `sync()`: open orders, the final state of orders that left the
open list, and our trades since the last one seen per symbol; each event is emitted
once (`tracking`). `drain_events()` syncs first when connected and the last sync is
older than `poll_interval_ms`. Reports are read from the venue's history
(`history.VenueHistory`) plus the orders refused here, so they survive a restart.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tradewind.domain.decimals import DecimalLike
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, InstrumentId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.timestamps import instant_from_ns
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
from tradewind.venues.ccxt.client import build_exchange
from tradewind.venues.ccxt.config import CcxtVenueConfig
from tradewind.venues.ccxt.dead_man import DeadManSwitch, dead_man_capabilities
from tradewind.venues.ccxt.entry import OrderEntry
from tradewind.venues.ccxt.history import VenueHistory, avg_open_price, ms_of
from tradewind.venues.ccxt.instruments import CcxtInstruments
from tradewind.venues.ccxt.modify import OrderModifier
from tradewind.venues.ccxt.parsing import parse_balances
from tradewind.venues.ccxt.requests import capabilities_of
from tradewind.venues.ccxt.session import CcxtSession
from tradewind.venues.ccxt.tracking import OrderRegistry, Tracked, advance

__all__ = ["CcxtVenue"]

_log = logging.getLogger(__name__)


class CcxtVenue(PollingVenue[CcxtSession, Tracked]):
    """A spot exchange behind `ExecutionVenue` (see the module docstring).

    Args:
        config: exchange, symbols, credentials, endpoint, limits.
        session: a session to share with `CcxtMarketData` (one budget, one client);
            built from `config` when None.
        exchange_factory: builds the ccxt client when no session is given.
        poll_interval_ms: the least time between the syncs `drain_events` makes.

    Capabilities follow the exchange (`exchange.has`, its spot features and the
    markets' order types): market, limit, stop-limit, IOC, FOK, cancel-all, partial
    fills and fractional quantities where available; modify on binance only;
    cancel-on-disconnect (the venue's dead man's switch) on kraken only; never short,
    reduce-only or day.
    """

    def __init__(
        self,
        config: CcxtVenueConfig,
        *,
        session: CcxtSession | None = None,
        exchange_factory: Callable[[CcxtVenueConfig], Any] = build_exchange,
        poll_interval_ms: int = 1_000,
    ) -> None:
        self._orders: OrderRegistry = OrderRegistry()
        super().__init__(
            session or CcxtSession(config, exchange_factory),
            self._orders,
            poll_interval_ms=poll_interval_ms,
        )
        self._trade_cursor: dict[str, int] = {}
        self._seen_trades: dict[str, set[str]] = {}
        self._history = VenueHistory(self._session, self._seq_of)
        self._entry = OrderEntry(
            self._session,
            self._orders,
            self._history,
            emit=self._emit_for,
            poll_trades=self.poll_trades,
            refuse=self._refuse_tracked,
        )
        self._modifier = OrderModifier(
            self._session,
            self._orders,
            self._history,
            self._entry,
            instruments=self._instruments,
            queue=self._queue,
        )
        self._dead_man = DeadManSwitch(self._session)

    # -- connection ----------------------------------------------------------------------

    def connect(self) -> None:
        """Load markets, read the clock, check credentials; then resync what was sent.

        Raises:
            VenueError: unreachable (retryable) or credentials refused (not retryable).
        """
        self._session.connect()
        exchange = self._session.exchange
        features = (getattr(exchange, "features", None) or {}).get("spot") or {}
        exchange_id = self._session.config.exchange_id
        self._capabilities = capabilities_of(
            exchange.has, features, self._order_types(), exchange_id
        ) | dead_man_capabilities(exchange.has, exchange_id)
        if self._orders.all():
            self.sync()

    # -- order entry ---------------------------------------------------------------------

    def cancel_all(self, instrument_id: InstrumentId | None = None) -> None:
        """Cancel every working order (of `instrument_id` only): one request per symbol
        where the exchange has it, else one cancel per order.

        Raises:
            VenueDisconnectedError: not connected.
        """
        self._session.require_connected("cancel_all")
        instruments = self._instruments()
        symbols = (
            instruments.symbols if instrument_id is None else [instruments.symbol_of(instrument_id)]
        )
        for symbol in symbols:
            self._entry.cancel_symbol(symbol)

    def modify(
        self,
        client_order_id: ClientOrderId,
        quantity: DecimalLike | None = None,
        price: DecimalLike | None = None,
        trigger_price: DecimalLike | None = None,
    ) -> None:
        """Change a working order's terms by a cancel-replace at the venue (see the
        module docstring): `OrderUpdated`, or `OrderModifyRejected` with why.

        Raises:
            DomainError: the venue does not declare modify.
            VenueDisconnectedError: not connected.
            VenueError: the venue refused the credentials or our clock.
        """
        self._session.require_connected(f"modify of order {client_order_id}")
        require_capability(VenueCapability.MODIFY, self.capabilities, self._venue, "modify")
        tracked = self._modifier.modify(client_order_id, quantity, price, trigger_price)
        if tracked is not None:
            self.poll_trades(tracked.symbol)
            self._emit_for(self._orders.working(tracked.symbol))

    # -- dead man's switch ---------------------------------------------------------------

    def arm_dead_man(self, timeout_s: float) -> None:
        """(Re-)arm the venue's countdown: unless armed again within `timeout_s` seconds
        (rounded up to whole ones), the exchange cancels every open order of this key,
        orders sent by others included. 0 disarms. Call it on every heartbeat; a request
        goes out only when due (`dead_man`). `disconnect()` leaves it armed.

        Raises:
            DomainError: the venue does not declare cancel_on_disconnect, or a bad
                `timeout_s`.
            VenueDisconnectedError: not connected.
            VenueError: the venue did not take it (the next call sends again).
        """
        self._require_dead_man("arm_dead_man")
        self._dead_man.arm(timeout_s)

    def disarm_dead_man(self) -> None:
        """Stop the venue's countdown; working orders stay.

        Raises:
            DomainError: the venue does not declare cancel_on_disconnect.
            VenueDisconnectedError: not connected.
            VenueError: the venue did not take it.
        """
        self._require_dead_man("disarm_dead_man")
        self._dead_man.disarm()

    def _require_dead_man(self, request: str) -> None:
        self._session.require_connected(request)
        require_capability(
            VenueCapability.CANCEL_ON_DISCONNECT, self.capabilities, self._venue, request
        )

    # -- events --------------------------------------------------------------------------

    def sync(self) -> None:
        """Poll the venue and queue the events of what changed since the last sync.

        Resolves submits whose outcome was unknown, reads the open orders and the final
        state of those that left them, and our trades since the last one seen, per
        symbol with working orders. A symbol the venue cannot serve now is skipped and
        read again next time (the status says DEGRADED).

        Raises:
            VenueDisconnectedError: not connected.
            VenueError: the venue refused the credentials or our clock.
        """
        self._session.require_connected("sync")
        self._last_sync = time.monotonic()
        for tracked in self._orders.all():
            if tracked.outcome_unknown:
                self._entry.resolve(tracked)
        symbols = dict.fromkeys(t.symbol for t in self._orders.working() if t.state is not None)
        for symbol in symbols:
            try:
                self._sync_symbol(symbol)
            except VenueError as error:
                if not error.retryable:
                    raise
                _log.warning("sync of %s at %s postponed: %s", symbol, self._venue, error)

    def _sync_symbol(self, symbol: str) -> None:
        open_now = {o.venue_order_id: o for o in self._history.open_orders(symbol)}
        for tracked in self._orders.working(symbol):
            vid = tracked.venue_order_id
            if vid is None:
                continue
            state = open_now.get(vid) or self._history.order(symbol, vid)
            if state is not None:
                self._orders.observe(tracked, state)
        self.poll_trades(symbol)
        self._emit_for(self._orders.working(symbol))

    def poll_trades(self, symbol: str) -> None:
        """Read our trades in `symbol` since the last one seen and attach them."""
        working = [t for t in self._orders.working(symbol) if t.state is not None]
        first = min((t.first_created_ms for t in working if t.first_created_ms), default=None)
        since = self._trade_cursor.get(symbol, first)
        if since is None:
            return
        seen = self._seen_trades.setdefault(symbol, set())
        fresh = [t for t in self._history.trades(symbol, since) if t.trade_id not in seen]
        seen.update(t.trade_id for t in fresh)
        if fresh:
            self._trade_cursor[symbol] = max(t.ts_ms for t in fresh)
        elif symbol not in self._trade_cursor:
            self._trade_cursor[symbol] = since
        self._orders.add_trades(fresh)

    def _emit_for(self, tracked: Sequence[Tracked]) -> None:
        self._events.extend(in_time_order((t.seq, advance(t)) for t in tracked))

    # -- queries -------------------------------------------------------------------------

    def open_orders(self) -> Sequence[Order]:
        """Orders the venue reports as working, in submission order (this adapter's
        copies for its own orders; venue terms, fills not replayed, for others)."""
        self._session.require_connected("open_orders")
        ours: list[Tracked] = []
        others: list[Order] = []
        for symbol in self._instruments().symbols:
            for state in self._history.open_orders(symbol):
                tracked = self._orders.find(state)
                if tracked is not None:
                    ours.append(tracked)
                else:
                    others.extend(self._entry.foreign_order(state, symbol))
        ours.sort(key=lambda t: t.seq)
        return [t.order for t in ours] + others

    def positions(self) -> Sequence[PositionReport]:
        """One report per traded instrument whose base asset balance is not zero.

        `quantity` is the whole base balance (spot holds, never owes). `avg_open_price`
        is the average price of what the venue's fills of the last `report_lookback_ms`
        (on the venue's clock) leave open: the fills `fill_reports` reads from the
        venue, so a restarted adapter reports the same price. The window bounds the
        cost (one clock read, then the window's trades and orders of the held
        symbols); holdings bought before it are not priced (0 when none of it is open).
        """
        balances = {b.currency: b.total for b in self.balances()}
        instruments = self._instruments()
        held = [i for i in instruments.all if balances.get(i.base_currency, Decimal(0))]
        if not held:
            return []
        lookback = timedelta(milliseconds=self._session.config.report_lookback_ms)
        symbols = [instruments.symbol_of(i.id) for i in held]
        fills = sorted_reports(self._history.fill_reports(self.server_time() - lookback, symbols))
        return [
            PositionReport(
                venue=self._venue,
                instrument_id=instrument.id,
                quantity=balances[instrument.base_currency],
                avg_open_price=avg_open_price(instrument, fills),
            )
            for instrument in held
        ]

    def balances(self) -> Sequence[Balance]:
        """Every currency held (total not zero), sorted by currency."""
        self._session.require_connected("balances")
        payload = self._session.call("read the balances", lambda ex: ex.fetch_balance(), retries=1)
        return parse_balances(payload)

    def order_status_reports(self, since: datetime | None = None) -> Sequence[OrderStatusReport]:
        """From the venue's history of the traded symbols, plus orders refused here."""
        self._session.require_connected("order_status_reports")
        return self._with_refused(self._history.status_reports(since), since, ms_of)

    def fill_reports(self, since: datetime | None = None) -> Sequence[FillReport]:
        """Every execution at or after `since` in the traded symbols, oldest first."""
        self._session.require_connected("fill_reports")
        return sorted_reports(self._history.fill_reports(since))

    def server_time(self) -> datetime:
        """The exchange's clock (`fetch_time`), UTC."""
        self._session.require_connected("server_time")
        ms = self._session.call("read the venue clock", lambda ex: ex.fetch_time(), retries=1)
        if isinstance(ms, bool) or not isinstance(ms, int):
            raise VenueError(f"invalid time payload from {self._venue}: {ms!r} is not ms")
        return instant_from_ns(ms * 1_000_000)

    # -- helpers -------------------------------------------------------------------------

    def _instruments(self) -> CcxtInstruments:
        self._session.require_connected("instruments")
        instruments = self._session.instruments
        if instruments is None:  # pragma: no cover - require_connected checks it
            raise VenueError(f"venue {self._venue} has no markets loaded; call connect()")
        return instruments

    def _order_types(self) -> frozenset[str]:
        markets = getattr(self._session.exchange, "markets", None) or {}
        kinds: frozenset[str] | None = None
        for symbol in self._instruments().symbols:
            info = (markets.get(symbol) or {}).get("info") or {}
            listed = frozenset(str(t).upper() for t in info.get("orderTypes") or ())
            kinds = listed if kinds is None else kinds & listed
        return kinds or frozenset()

    def _place(self, tracked: Tracked, instrument: Instrument) -> str | None:
        return self._entry.send(tracked)

    def _cancel_at_venue(self, tracked: Tracked) -> str | None:
        return self._entry.cancel(tracked)

    def _entry_problem(self, order: Order, instrument: Any) -> str:
        if instrument is None:
            return f"unknown instrument {order.instrument_id} at venue {self._venue}"
        reference = order.price if order.price is not None else order.trigger_price
        try:
            instrument.check_order(order.quantity, reference)
        except DomainError as error:
            return str(error)
        return ""
