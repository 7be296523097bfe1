"""Reading the venue's order and trade history, paged, and the reports built from it.

Pages move forward by time: each request asks from the newest instant of the previous
page (inclusive) and drops rows already seen, until a page is short or brings nothing
new. The reports replay each order's events (`lifecycle`) from this history, so after
a restart they say what the events said before it.

An exchange without an order history (`has['fetchOrders']` unset, as Kraken) is read
through its open orders plus its closed orders. Kraken lists closed orders and trades
of every market together, newest first, 50 a page, by offset (`ofs`), from a `start`
in whole seconds that is exclusive: those lists are read whole from one second before
`since_ms` and then kept to the symbol and to `since_ms` here. Coinbase lists a
product's orders and fills newest first from `since_ms`, paged by an opaque cursor:
they are read page by page to the end (`coinbase_quirks.cursor_pages`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from tradewind.domain.fill import Fill
from tradewind.domain.identifiers import ClientOrderId, InstrumentId, Venue
from tradewind.domain.instrument import Instrument
from tradewind.domain.order_enums import OrderSide
from tradewind.domain.order_events import OrderFilled
from tradewind.domain.position import Position
from tradewind.domain.timestamps import ns_of
from tradewind.domain.venue_reports import FillReport, OrderStatusReport
from tradewind.venues.ccxt.coinbase_quirks import CURSOR_PARAM, cursor_pages
from tradewind.venues.ccxt.errors import CcxtVenueError, ErrorKind
from tradewind.venues.ccxt.instruments import CcxtInstruments
from tradewind.venues.ccxt.lifecycle import derive_events, replay
from tradewind.venues.ccxt.parsing import VenueOrder, VenueTrade, parse_order, parse_trade
from tradewind.venues.ccxt.session import CcxtSession
from tradewind.venues.ccxt.tracking import chain_events, merged_order

__all__ = ["VenueHistory", "avg_open_price", "ms_of", "replacement_chains"]

_LAST = 1 << 62  # sorts orders this adapter did not send after its own at one instant
# Exchanges whose order and trade lists page newest first by offset, with this page size.
_OFFSET_PAGES = {"kraken": 50}
# Exchanges whose listings of one symbol page newest first by an opaque cursor.
_CURSOR_PAGES = frozenset({"coinbase"})


def ms_of(instant: datetime) -> int:
    """Milliseconds since the epoch of an aware instant."""
    return ns_of(instant) // 1_000_000


def paged(
    fetch: Callable[[int | None, int], Sequence[Any]],
    since_ms: int | None,
    limit: int,
    key: Callable[[Any], tuple[str, int]],
) -> list[Any]:
    """Every row from `since_ms` on: `fetch(since, limit)` called page by page.

    `key(row)` gives `(id, ms)`; rows are deduplicated by id.
    """
    rows: list[Any] = []
    seen: set[str] = set()
    cursor = since_ms
    while True:
        page = fetch(cursor, limit)
        fresh = [row for row in page if key(row)[0] not in seen]
        for row in fresh:
            seen.add(key(row)[0])
        rows.extend(fresh)
        if len(page) < limit or not fresh:
            return rows
        cursor = max(key(row)[1] for row in page)


class VenueHistory:
    """Order and trade history of the traded symbols, and the reports from it.

    Args:
        session: the connected session (requests, instruments, config).
        seq_of: the submission number of an order this adapter sent (None otherwise),
            which orders reports at one instant as the events were.
    """

    def __init__(self, session: CcxtSession, seq_of: Callable[[ClientOrderId], int | None]):
        self._session = session
        self._seq_of = seq_of

    def orders(self, symbol: str, since_ms: int | None) -> list[VenueOrder]:
        """Orders of `symbol` created at or after `since_ms` (all if None).

        Without an order history at the exchange: its open orders, and its closed
        orders closed at or after `since_ms` (a superset: some were created before).
        """
        if not self._session.exchange.has.get("fetchOrders"):
            rows = self._closed_orders(symbol, since_ms)
            open_now = self.open_orders(symbol)
            closed = [parse_order(row) for row in rows]
            known = {o.venue_order_id for o in open_now}
            return open_now + [o for o in closed if o.venue_order_id not in known]
        return [parse_order(row) for row in self._listed("fetch_orders", symbol, since_ms)]

    def _closed_orders(self, symbol: str, since_ms: int | None) -> list[Any]:
        return self._listed("fetch_closed_orders", symbol, since_ms)

    def _listed(self, method: str, symbol: str, since_ms: int | None) -> list[Any]:
        """Rows of the ccxt listing `method` for `symbol` from `since_ms` on, all pages."""
        page_size = _OFFSET_PAGES.get(self._session.config.exchange_id)
        if page_size is not None:
            return self._offset_listed(method, symbol, since_ms, page_size)
        if self._session.config.exchange_id in _CURSOR_PAGES:
            return self._cursor_listed(method, symbol, since_ms)
        limit = self._session.config.page_limit

        def fetch(cursor: int | None, size: int) -> Sequence[Any]:
            rows: Sequence[Any] = self._session.call(
                f"read the order history of {symbol}",
                lambda ex: getattr(ex, method)(symbol, cursor, size),
                retries=1,
            )
            return rows

        return paged(fetch, since_ms, limit, lambda r: (str(r.get("id")), _ms(r)))

    def _offset_listed(
        self, method: str, symbol: str, since_ms: int | None, page_size: int
    ) -> list[Any]:
        """Every row of an all-markets, newest-first listing paged by offset, kept to
        `symbol` and `since_ms` (see the module docstring)."""
        base: dict[str, Any] = {} if since_ms is None else {"start": max(0, since_ms // 1000 - 1)}
        rows: dict[str, Any] = {}
        offset = 0
        while True:
            page: Sequence[Any] = self._session.call(
                f"read the {method.removeprefix('fetch_').replace('_', ' ')} of {symbol}",
                _all_markets_request(method, {**base, "ofs": offset}),
                retries=1,
            )
            fresh = [r for r in page if str(r.get("id")) not in rows]
            rows.update((str(r.get("id")), r) for r in fresh)
            if len(page) < page_size or not fresh:
                break
            offset += len(page)
        kept = [
            r for r in reversed(rows.values())  # oldest first, ties in the venue's order
            if r.get("symbol") == symbol and (since_ms is None or _last_ms(r) >= since_ms)
        ]  # fmt: skip
        return sorted(kept, key=_ms)

    def _cursor_listed(self, method: str, symbol: str, since_ms: int | None) -> list[Any]:
        """Every row of `symbol`'s newest-first listing `method` from `since_ms` on,
        oldest first, read page by page along the venue's cursor."""
        limit = self._session.config.page_limit

        def fetch(cursor: str | None) -> Sequence[Any]:
            params = {} if cursor is None else {CURSOR_PARAM: cursor}
            rows: Sequence[Any] = self._session.call(
                f"read the {method.removeprefix('fetch_').replace('_', ' ')} of {symbol}",
                lambda ex: getattr(ex, method)(symbol, since_ms, limit, params),
                retries=1,
            )
            return rows

        rows = [row for page in cursor_pages(fetch, lambda r: str(r.get("id"))) for row in page]
        oldest_first = rows[::-1]  # ties at one instant in the venue's order
        return sorted(oldest_first, key=_ms)

    def trades(self, symbol: str, since_ms: int | None) -> list[VenueTrade]:
        """Our executions in `symbol` at or after `since_ms` (all if None)."""
        exchange_id = self._session.config.exchange_id
        if exchange_id in _OFFSET_PAGES or exchange_id in _CURSOR_PAGES:
            rows = self._listed("fetch_my_trades", symbol, since_ms)
            return [parse_trade(row) for row in rows]
        limit = self._session.config.page_limit

        def fetch(cursor: int | None, size: int) -> Sequence[Any]:
            rows: Sequence[Any] = self._session.call(
                f"read the trades of {symbol}",
                lambda ex: ex.fetch_my_trades(symbol, cursor, size),
                retries=1,
            )
            return rows

        rows = paged(fetch, since_ms, limit, lambda r: (str(r.get("id")), _ms(r)))
        return [parse_trade(row) for row in rows]

    def open_orders(self, symbol: str) -> list[VenueOrder]:
        """The orders of `symbol` working at the venue now."""
        rows = self._session.call(
            f"read the open orders of {symbol}",
            lambda ex: ex.fetch_open_orders(symbol),
            retries=1,
        )
        return [parse_order(row) for row in rows]

    def order(self, symbol: str, venue_order_id: str) -> VenueOrder | None:
        """One order by venue id; None when the venue says it has no such order."""
        try:
            row = self._session.call(
                f"read order {venue_order_id} of {symbol}",
                lambda ex: ex.fetch_order(venue_order_id, symbol),
                retries=1,
            )
        except CcxtVenueError as error:
            if error.kind is ErrorKind.ORDER_NOT_FOUND:
                return None
            raise
        return parse_order(row)

    # -- reports ------------------------------------------------------------------------

    def status_reports(
        self, since: datetime | None
    ) -> list[tuple[tuple[int, int, int], OrderStatusReport]]:
        """Per symbol, the replayed state of every order changed at or after `since`,
        with its sort key (creation ms, submission number, venue id)."""
        rows = []
        lookback = self._session.config.report_lookback_ms
        start = None if since is None else max(0, ms_of(since) - lookback)
        for symbol in self._instruments().symbols:
            orders = {o.venue_order_id: o for o in self.orders(symbol, start)}
            if start is not None:
                for order in self.open_orders(symbol):
                    orders.setdefault(order.venue_order_id, order)
            first = min((o.created_ms for o in orders.values()), default=None)
            trades = self.trades(symbol, first) if orders else []
            for chain in replacement_chains(orders.values()):
                report = self._report(chain, trades, symbol)
                if since is None or report.ts_last >= since:
                    rows.append((self._key(chain[0]), report))
        return rows

    def fill_reports(
        self, since: datetime | None, symbols: Sequence[str] | None = None
    ) -> list[tuple[tuple[int, int, str], FillReport]]:
        """Every execution at or after `since` in `symbols` (None: every traded symbol),
        with its sort key."""
        rows = []
        start = None if since is None else ms_of(since)
        for symbol in self._instruments().symbols if symbols is None else symbols:
            trades = self.trades(symbol, start)
            orders = self._orders_of(symbol, trades, start)
            instrument_id = self._instrument_id(symbol)
            for order in orders.values():
                coid = self._client_id(order)
                for event in derive_events(order, trades, coid):
                    if isinstance(event, OrderFilled) and (since is None or event.ts >= since):
                        report = FillReport.of_event(
                            event, venue=self._session_venue(), instrument_id=instrument_id,
                            side=order.side,
                        )  # fmt: skip
                        seq = self._seq_of(coid) or _LAST
                        rows.append(((ms_of(event.ts), seq, str(event.trade_id)), report))
        return rows

    def _orders_of(
        self, symbol: str, trades: Sequence[VenueTrade], start: int | None
    ) -> Mapping[str, VenueOrder]:
        """The orders `trades` belong to: one history read, then any missing one by id."""
        if not trades:
            return {}
        lookback = self._session.config.report_lookback_ms
        since = None if start is None else max(0, start - lookback)
        found = {o.venue_order_id: o for o in self.orders(symbol, since)}
        for venue_order_id in dict.fromkeys(t.venue_order_id for t in trades):
            if venue_order_id not in found:
                order = self.order(symbol, venue_order_id)
                if order is not None:
                    found[venue_order_id] = order
        return found

    def _report(
        self, chain: Sequence[VenueOrder], trades: Sequence[VenueTrade], symbol: str
    ) -> OrderStatusReport:
        coid = self._client_id(chain[0])
        events = chain_events(chain, trades, coid)
        rebuilt = replay(merged_order(chain), events, self._instrument_id(symbol), coid)
        reason = "rejected by the venue" if chain[-1].status == "rejected" else ""
        return OrderStatusReport.of_order(rebuilt, self._session_venue(), reason)

    def _key(self, order: VenueOrder) -> tuple[int, int, int]:
        seq = self._seq_of(self._client_id(order)) or _LAST
        return (order.created_ms, seq, _number(order))

    def _client_id(self, order: VenueOrder) -> ClientOrderId:
        return ClientOrderId(order.client_order_id or f"venue-{order.venue_order_id}")

    def _instrument_id(self, symbol: str) -> InstrumentId:
        instrument = self._instruments().by_symbol(symbol)
        if instrument is None:  # pragma: no cover - symbols come from the instruments
            raise CcxtVenueError(
                f"unknown symbol {symbol}", kind=ErrorKind.REFUSED, retryable=False
            )
        return instrument.id

    def _instruments(self) -> CcxtInstruments:
        self._session.require_connected("history")
        return cast(CcxtInstruments, self._session.instruments)

    def _session_venue(self) -> Venue:
        return Venue(self._session.venue)


def replacement_chains(orders: Iterable[VenueOrder]) -> list[list[VenueOrder]]:
    """`orders` as one list per client order, oldest first: an order whose client id
    is that of a canceled earlier order is its replacement (a venue cancel-replace)."""
    chains: list[list[VenueOrder]] = []
    by_client: dict[str, list[VenueOrder]] = {}
    for order in sorted(orders, key=lambda o: (o.created_ms, _number(o))):
        coid = order.client_order_id
        chain = by_client.get(coid) if coid else None
        if chain is not None and chain[-1].status == "canceled":
            chain.append(order)
            continue
        chains.append([order])
        if coid:
            by_client[coid] = chains[-1]
    return chains


def _number(order: VenueOrder) -> int:
    return int(order.venue_order_id) if order.venue_order_id.isdigit() else 0


def avg_open_price(instrument: Instrument, fills: Iterable[FillReport]) -> Decimal:
    """The average price of the holding `fills` (oldest first) leave open; 0 if none.

    Spot never goes short: a sale of more than the fills bought sold holdings from
    before them, whose price they do not tell, so it leaves nothing of known price.
    """
    position = Position.for_instrument(instrument)
    for report in fills:
        if report.instrument_id != instrument.id:
            continue
        if report.side is OrderSide.SELL and report.last_qty >= position.quantity:
            position = Position.for_instrument(instrument)
            continue
        position.apply(_fill_of(report))
    return position.avg_open_price


def _fill_of(report: FillReport) -> Fill:
    return Fill(
        client_order_id=report.client_order_id,
        venue_order_id=report.venue_order_id,
        trade_id=report.trade_id,
        instrument_id=report.instrument_id,
        side=report.side,
        quantity=report.last_qty,
        price=report.last_price,
        ts=report.ts,
        commission=report.commission,
        commission_currency=report.commission_currency,
    )


def _ms(row: Mapping[str, Any]) -> int:
    value = row.get("timestamp")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _last_ms(row: Mapping[str, Any]) -> int:
    """A row's latest instant: a trade's time, an order's last update."""
    stamps = (row.get(name) for name in ("timestamp", "lastUpdateTimestamp", "lastTradeTimestamp"))
    return max((v for v in stamps if isinstance(v, int) and not isinstance(v, bool)), default=0)


def _all_markets_request(method: str, params: dict[str, Any]) -> Callable[[Any], Any]:
    """The request `exchange.<method>(None, None, None, params)` for `CcxtSession.call`."""

    def request(exchange: Any) -> Any:
        return getattr(exchange, method)(None, None, None, params)

    return request
