"""Alpaca's order and fill history, read page by page, and the reports built from it.

Orders come from `GET /v2/orders` (status `all` or `open`, oldest first, 500 a page,
paged by submission time); fills from the FILL account activities
(`GET /v2/account/activities?activity_types=FILL`, oldest first, paged by
`page_token` = the last activity id). Reports replay `chains.chain_events` into each
order (a replaced order and its replacements are one order, under the first one's
client order id), so they equal what the events said by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from alpaca.common.enums import Sort
from alpaca.trading.enums import QueryOrderStatus
from alpaca.trading.requests import GetOrdersRequest

from tradewind.domain.identifiers import ClientOrderId, Venue
from tradewind.domain.order_events import OrderFilled
from tradewind.domain.timestamps import ns_of
from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import FillReport, OrderStatusReport
from tradewind.venues.alpaca.chains import chain_events, client_id_of, rebuild, replacement_chains
from tradewind.venues.alpaca.client_ids import wire_client_id
from tradewind.venues.alpaca.errors import AlpacaVenueError, ErrorKind
from tradewind.venues.alpaca.lifecycle import instant
from tradewind.venues.alpaca.parsing import AlpacaFill, AlpacaOrder, parse_fill, parse_order
from tradewind.venues.alpaca.session import AlpacaSession

__all__ = ["SortKey", "VenueHistory", "ms_of"]

_ORDER_PAGE = 500
_MAX_PAGES = 1_000
SortKey = tuple[int, int, int]
"""(created ms, submission number or a large one, listing position): report order."""
_UNKNOWN_SEQ = 1 << 62


def ms_of(moment: datetime) -> int:
    """ms since the epoch of a UTC instant."""
    return ns_of(moment) // 1_000_000


def _iso(ms: int) -> str:
    return instant(ms).isoformat().replace("+00:00", "Z")


class VenueHistory:
    """Reads orders and fills from Alpaca; builds reports from them.

    Args:
        session: the connected session.
        seq_of: the submission number of one of our client order ids (None otherwise).
    """

    def __init__(
        self, session: AlpacaSession, seq_of: Callable[[ClientOrderId], int | None]
    ) -> None:
        self._session = session
        self._seq_of = seq_of

    # -- orders --------------------------------------------------------------------------

    def order(self, venue_order_id: str) -> AlpacaOrder | None:
        """One order by Alpaca's id (None when Alpaca does not know it)."""
        return self._one(
            f"read order {venue_order_id}", lambda c: c.get_order_by_id(venue_order_id)
        )

    def by_client_id(self, client_order_id: str) -> AlpacaOrder | None:
        """One of our orders by its client order id (None when Alpaca does not know it)."""
        wire = wire_client_id(client_order_id)
        return self._one(f"find order {client_order_id}", lambda c: c.get_order_by_client_id(wire))

    def _one(self, action: str, request: Callable[[Any], Any]) -> AlpacaOrder | None:
        try:
            payload = self._session.call(action, request, retries=1)
        except AlpacaVenueError as error:
            if error.kind is ErrorKind.ORDER_NOT_FOUND:
                return None
            raise
        return parse_order(payload)

    def open_orders(self) -> list[AlpacaOrder]:
        """The working orders of the configured symbols, oldest first."""
        request = GetOrdersRequest(
            status=QueryOrderStatus.OPEN,
            limit=_ORDER_PAGE,
            direction=Sort.ASC,
            symbols=list(self._symbols()),
        )
        rows = self._session.call(
            "read the open orders", lambda c: c.get_orders(request), retries=1
        )
        return self._ours(parse_order(r) for r in _rows(rows, "open orders"))

    def orders_since(self, after_ms: int) -> list[AlpacaOrder]:
        """Every order of the configured symbols submitted after `after_ms`, oldest first."""
        seen: dict[str, AlpacaOrder] = {}
        cursor = after_ms
        for _ in range(_MAX_PAGES):
            request = GetOrdersRequest(
                status=QueryOrderStatus.ALL,
                limit=_ORDER_PAGE,
                after=instant(cursor),
                direction=Sort.ASC,
                symbols=list(self._symbols()),
            )
            rows = _rows(
                self._session.call("read the order history", _list_orders(request), retries=1),
                "order history",
            )
            page = [parse_order(r) for r in rows]
            fresh = [o for o in page if o.venue_order_id not in seen]
            seen.update((o.venue_order_id, o) for o in fresh)
            if len(page) < _ORDER_PAGE or not fresh:
                break
            # a page ends inside one instant: read from just before it again (deduped)
            cursor = max(o.created_ms for o in page) - 1
        return self._ours(seen.values())

    def _ours(self, orders: Iterable[AlpacaOrder]) -> list[AlpacaOrder]:
        symbols = set(self._symbols())
        return sorted((o for o in orders if o.symbol in symbols), key=lambda o: o.created_ms)

    # -- fills ---------------------------------------------------------------------------

    def fills(
        self, *, after_ms: int | None = None, page_token: str | None = None
    ) -> tuple[list[AlpacaFill], str | None]:
        """FILL activities of the configured symbols after an instant or after an
        activity id, oldest first, and the id of the last activity read (any symbol;
        `page_token` when none came)."""
        size = self._session.config.page_size
        result: list[AlpacaFill] = []
        token = page_token
        for _ in range(_MAX_PAGES):
            params: dict[str, Any] = {
                "activity_types": "FILL",
                "direction": "asc",
                "page_size": size,
            }
            if token is not None:
                params["page_token"] = token
            elif after_ms is not None:
                params["after"] = _iso(after_ms)
            rows = _rows(
                self._session.call("read the fills", _list_activities(params), retries=1),
                "fill activities",
            )
            page = [
                parse_fill(r) for r in rows
                if isinstance(r, dict) and str(r.get("activity_type", "FILL")) == "FILL"
            ]  # fmt: skip
            result.extend(page)
            if len(rows) < size or not rows:
                break
            token = str(rows[-1].get("id"))
        symbols = set(self._symbols())
        last = result[-1].trade_id if result else page_token
        return [f for f in result if f.symbol in symbols], last

    # -- reports -------------------------------------------------------------------------

    def stories(
        self, since: datetime | None
    ) -> list[tuple[SortKey, list[AlpacaOrder], list[AlpacaFill]]]:
        """The orders that may have changed since `since` (all without it), each as its
        replacement chain (`chains`), with the chain's fills."""
        lookback = self._session.config.report_lookback_ms
        after_ms = 0 if since is None else ms_of(since) - lookback
        orders = {o.venue_order_id: o for o in self.orders_since(after_ms - 1)}
        for state in self.open_orders():
            orders.setdefault(state.venue_order_id, state)
        if not orders:
            return []
        chains = replacement_chains(orders.values(), self.order)
        first_ms = min(chain[0].created_ms for chain in chains)
        fills, _ = self.fills(after_ms=first_ms - 1)
        rows = []
        for position, chain in enumerate(chains):
            seq = self._seq_of(client_id_of(chain)) if chain[0].client_order_id else None
            key = (chain[0].created_ms, _UNKNOWN_SEQ if seq is None else seq, position)
            legs = {leg.venue_order_id for leg in chain}
            rows.append((key, chain, [f for f in fills if f.venue_order_id in legs]))
        return rows

    def chain_of(self, state: AlpacaOrder) -> list[AlpacaOrder]:
        """The replacement chain an order ends (itself alone when it replaced none)."""
        chains = replacement_chains([state], self.order)
        return next((c for c in chains if c[-1].venue_order_id == state.venue_order_id), [state])

    def status_reports(self, since: datetime | None) -> list[tuple[SortKey, OrderStatusReport]]:
        """Reports of the orders whose last event is at or after `since`."""
        instruments = self._session.instruments
        if instruments is None:
            raise VenueError(f"{self._session.venue}: no instruments loaded; call connect()")
        venue = Venue(self._session.venue)
        result = []
        for key, chain, fills in self.stories(since):
            instrument = instruments.by_symbol(chain[0].symbol)
            if instrument is None:
                continue
            rebuilt = rebuild(chain, fills, instrument.id)
            if since is None or rebuilt.last_event_at >= since:
                result.append((key, OrderStatusReport.of_order(rebuilt, venue)))
        return result

    def fill_reports(
        self, since: datetime | None, symbols: Sequence[str] | None = None
    ) -> list[tuple[tuple[datetime, SortKey, int], FillReport]]:
        """Every execution at or after `since`, keyed for sorting oldest first."""
        instruments = self._session.instruments
        if instruments is None:
            raise VenueError(f"{self._session.venue}: no instruments loaded; call connect()")
        venue = Venue(self._session.venue)
        wanted = None if symbols is None else set(symbols)
        result = []
        for key, chain, fills in self.stories(since):
            symbol = chain[0].symbol
            instrument = instruments.by_symbol(symbol)
            if instrument is None or (wanted is not None and symbol not in wanted):
                continue
            events = chain_events(chain, fills, client_id_of(chain))
            for position, event in enumerate(events):
                if isinstance(event, OrderFilled) and (since is None or event.ts >= since):
                    report = FillReport.of_event(
                        event, venue=venue, instrument_id=instrument.id, side=chain[0].side
                    )
                    result.append(((event.ts, key, position), report))
        return result

    def _symbols(self) -> list[str]:
        instruments = self._session.instruments
        return list(self._session.config.symbols) if instruments is None else instruments.symbols


def _rows(payload: Any, what: str) -> list[Any]:
    if payload is None:
        return []
    if not isinstance(payload, list):
        raise VenueError(f"invalid {what} payload: expected a list, got {type(payload).__name__}")
    return payload


def _list_orders(request: GetOrdersRequest) -> Callable[[Any], Any]:
    def call(client: Any) -> Any:
        return client.get_orders(request)

    return call


def _list_activities(params: dict[str, Any]) -> Callable[[Any], Any]:
    # alpaca-py 0.44 has no method for account activities: its REST `get` is the client's
    def call(client: Any) -> Any:
        return client.get("/account/activities", dict(params))

    return call
