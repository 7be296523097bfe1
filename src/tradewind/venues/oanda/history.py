"""Reports from the account's transaction history, so they survive a restart.

`VenueHistory.replay(since)` reads the transactions from `since - report_lookback_ms`
(from venue now minus the lookback without `since`) page by page
(`GET .../transactions` for the id ranges, then `.../transactions/idrange`) and folds
them with the live adapter's own `Ledger` into fresh orders: an order created before
the window and changed in it is read once by id (`GET .../orders/{id}`). So
`order_status_reports` and `fill_reports` equal what the events said.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tradewind.domain.identifiers import ClientOrderId, InstrumentId, Venue, VenueOrderId
from tradewind.domain.order_events import OrderAccepted, OrderFilled
from tradewind.domain.timestamps import instant_from_ns, ns_of
from tradewind.domain.venue_reports import FillReport, OrderStatusReport
from tradewind.venues.oanda.errors import ErrorKind, OandaVenueError
from tradewind.venues.oanda.lifecycle import Ledger, Tracked, order_from_create
from tradewind.venues.oanda.session import OandaSession
from tradewind.venues.oanda.wire import V20Order, V20Transaction

__all__ = ["ReportKey", "VenueHistory"]

ReportKey = tuple[int, int, int]
"""How reports sort: (created ns, submission number or a large one, venue order id)."""
_UNSEQUENCED = 10**12


class VenueHistory:
    """Reads and replays the account's history.

    Args:
        session: the connected session.
        seq_of: the submission number of a client order id this adapter sent (None
            for orders it did not), to keep one-instant ties in submission order.
    """

    def __init__(
        self, session: OandaSession, seq_of: Callable[[ClientOrderId], int | None]
    ) -> None:
        self._session = session
        self._seq_of = seq_of

    def now_ns(self) -> int:
        """The venue clock (the pricing answer's time), ns."""
        symbols = self._session.config.symbols
        now, _ = self._session.call("read the venue clock", lambda c: c.pricing(symbols), retries=1)
        return now

    def transactions(self, from_ns: int) -> list[V20Transaction]:
        """Every transaction from `from_ns` on, oldest first."""
        ranges = self._session.call(
            "list the transaction pages", lambda c: c.transaction_pages(from_ns), retries=1
        )
        found: dict[int, V20Transaction] = {}
        for first, last in ranges:
            batch = self._session.call(
                "read transactions",
                lambda c, a=first, b=last: c.transactions_range(a, b),  # type: ignore[misc]
                retries=1,
            )
            found.update((t.txn_id, t) for t in batch.transactions)
        return [found[k] for k in sorted(found)]

    def replay(self, since: datetime | None) -> Ledger:
        """The orders the history from `since` (minus the lookback) builds."""
        lookback_ns = self._session.config.report_lookback_ms * 1_000_000
        start_ns = (ns_of(since) if since is not None else self.now_ns()) - lookback_ns
        ledger = Ledger(lambda: self._session.home_currency)
        ledger.apply(self.transactions(max(start_ns, 0)), adopt=self._adopt)
        return ledger

    def status_reports(self, since: datetime | None) -> list[tuple[ReportKey, OrderStatusReport]]:
        """One report per order that changed at or after `since`, with its sort key."""
        venue = Venue(self._session.venue)
        rows = []
        for tracked in self.replay(since).all():
            order = tracked.order
            if since is not None and order.last_event_at < since:
                continue
            report = OrderStatusReport.of_order(order, venue, tracked.reason)
            rows.append((self.key_of(tracked), report))
        return rows

    def fill_reports(self, since: datetime | None) -> list[tuple[int, FillReport]]:
        """Every fill at or after `since` of the traded instruments, keyed by trade id."""
        venue = Venue(self._session.venue)
        rows = []
        for tracked in self.replay(since).all():
            order = tracked.order
            for event in order.events:
                if isinstance(event, OrderFilled) and (since is None or event.ts >= since):
                    report = FillReport.of_event(
                        event, venue=venue, instrument_id=order.instrument_id, side=order.side
                    )
                    rows.append((int(str(event.trade_id)), report))
        return rows

    def key_of(self, tracked: Tracked) -> ReportKey:
        seq = self._seq_of(tracked.client_order_id)
        first = int(tracked.legs[0]) if tracked.legs and tracked.legs[0].isdigit() else 0
        created = ns_of(tracked.order.created_at)
        return (created, _UNSEQUENCED if seq is None else seq, first)

    # -- orders the window does not create ------------------------------------------------

    def _adopt(self, txn: V20Transaction) -> Tracked | None:
        instruments = self._session.instruments
        if instruments is None:
            return None
        if txn.is_create or txn.is_reject:
            instrument = instruments.by_symbol(txn.instrument or "")
            if instrument is None or txn.replaces_order_id:
                return None
            tracked = order_from_create(txn, instrument.id)
            if tracked is not None:
                tracked.symbol = str(txn.instrument)
            return tracked
        if txn.kind in ("ORDER_FILL", "ORDER_CANCEL") and txn.order_id:
            return self._older_order(txn.order_id)
        return None

    def _older_order(self, order_id: str) -> Tracked | None:
        """An order created before the window, rebuilt from its record and accepted."""
        instruments = self._session.instruments
        try:
            record = self._session.call(
                f"read order {order_id}", lambda c: c.order(order_id), retries=1
            )
        except OandaVenueError as error:
            if error.kind in (ErrorKind.ORDER_NOT_FOUND, ErrorKind.NOT_FOUND):
                return None
            raise
        instrument = instruments.by_symbol(record.instrument) if instruments else None
        return None if instrument is None else self.adopt_record(record, instrument.id)

    def adopt_record(self, record: V20Order, instrument_id: InstrumentId) -> Tracked | None:
        """An accepted order rebuilt from its order record (created before the window,
        or pending when an adapter starts)."""
        tracked = order_from_create(record, instrument_id)
        if tracked is None:
            return None
        tracked.symbol = record.instrument
        tracked.legs.append(record.order_id)
        if record.order_id.isdigit():
            tracked.seen.add(int(record.order_id))
        tracked.order.apply(
            OrderAccepted(
                client_order_id=tracked.client_order_id,
                ts=instant_from_ns(record.create_ns),
                venue_order_id=VenueOrderId(record.order_id),
            )
        )
        return tracked
