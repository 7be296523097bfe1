"""The reports of the execution port, built from a TWS `Snapshot` (and positions and
account values), by the same derivation the events come from (`lifecycle`).

Only orders placed by a Tradewind adapter count (their `orderRef` carries a creation
instant); executions are the fill events of those orders. Order reports are in
submission order (creation instant, then this adapter's sequence, then permId), fill
reports oldest first (ties by creation and permId, as the events are).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from tradewind.domain.identifiers import ClientOrderId, Venue
from tradewind.domain.order_events import OrderFilled
from tradewind.domain.venue_reports import (
    Balance,
    FillReport,
    OrderStatusReport,
    PositionReport,
)
from tradewind.venues.ib.book import Snapshot
from tradewind.venues.ib.instruments import IbInstruments, decimal_of, symbol_of
from tradewind.venues.ib.lifecycle import derive_events, replay
from tradewind.venues.ib.parsing import VenueOrder
from tradewind.venues.ib.tracking import order_key

__all__ = ["balances_of", "fill_rows", "positions_of", "status_rows"]

SortKey = tuple[Any, ...]
_UNTRACKED = 10**12


def status_rows(
    snapshot: Snapshot,
    instruments: IbInstruments,
    venue: Venue,
    seq_of: Callable[[str], int | None],
    rejection_of: Callable[[str], str],
) -> list[tuple[SortKey, OrderStatusReport]]:
    """(sort key, report) of every Tradewind order TWS holds in the traded symbols."""
    rows = []
    for cid, state in _ours(snapshot):
        instrument = instruments.by_symbol(state.symbol)
        if instrument is None:
            continue
        client_order_id = ClientOrderId(cid)
        rejection = rejection_of(cid)
        events = derive_events(state, snapshot.fills_of(state), client_order_id, rejection)
        if not events:
            continue  # not acknowledged by TWS yet
        order = replay(state, events, instrument.id, client_order_id)
        reason = rejection if order.status.value == "rejected" else ""
        seq = seq_of(cid)
        key = (order_key(state)[0], _UNTRACKED if seq is None else seq, state.perm_id)
        rows.append((key, OrderStatusReport.of_order(order, venue, reason)))
    return rows


def fill_rows(
    snapshot: Snapshot, instruments: IbInstruments, venue: Venue, since: datetime | None
) -> list[tuple[SortKey, FillReport]]:
    """(sort key, report) of every execution of a Tradewind order at or after `since`."""
    rows = []
    for cid, state in _ours(snapshot):
        instrument = instruments.by_symbol(state.symbol)
        if instrument is None:
            continue
        events = derive_events(state, snapshot.fills_of(state), ClientOrderId(cid))
        fills = [e for e in events if isinstance(e, OrderFilled)]
        for position, event in enumerate(fills):
            if since is None or event.ts >= since:
                report = FillReport.of_event(
                    event, venue=venue, instrument_id=instrument.id, side=state.side
                )
                rows.append(((event.ts, order_key(state), position), report))
    return rows


def _ours(snapshot: Snapshot) -> Iterable[tuple[str, VenueOrder]]:
    return ((cid, s) for cid, s in snapshot.orders.items() if s.created_ms is not None)


def positions_of(
    rows: Iterable[Any], instruments: IbInstruments, venue: Venue, account: str
) -> list[PositionReport]:
    """One report per traded instrument whose position is not zero, in config order.

    `avg_open_price` is TWS's `avgCost` per unit (it includes commissions).
    """
    found: dict[str, PositionReport] = {}
    for row in rows:
        if account and row.account != account:
            continue
        symbol = symbol_of(row.contract)
        instrument = instruments.by_symbol(symbol)
        quantity = decimal_of(row.position)
        if instrument is None or not quantity:
            continue
        cost = decimal_of(row.avgCost) or Decimal(0)
        found[symbol] = PositionReport(
            venue=venue,
            instrument_id=instrument.id,
            quantity=quantity,
            avg_open_price=cost / instrument.multiplier,
        )
    return [found[s] for s in instruments.symbols if s in found]


def balances_of(values: Iterable[Any]) -> Sequence[Balance]:
    """Cash per currency from TWS's account values: `CashBalance` per currency, or
    `TotalCashValue` when TWS gives no per-currency cash; sorted by currency."""
    cash: dict[str, Decimal] = {}
    total: dict[str, Decimal] = {}
    for value in values:
        amount = decimal_of(value.value)
        if amount is None or not value.currency or value.currency == "BASE":
            continue
        if value.tag == "CashBalance":
            cash[value.currency] = amount
        elif value.tag == "TotalCashValue":
            total[value.currency] = amount
    chosen: Mapping[str, Decimal] = cash or total
    return [Balance(currency, chosen[currency]) for currency in sorted(chosen)]
