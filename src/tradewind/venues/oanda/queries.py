"""v20 pending orders and positions as the execution port reports them."""

from __future__ import annotations

from collections.abc import Sequence

from tradewind.domain.identifiers import ClientOrderId, Venue
from tradewind.domain.order import Order
from tradewind.domain.venue_reports import PositionReport
from tradewind.venues.oanda.instruments import OandaInstruments
from tradewind.venues.oanda.lifecycle import Ledger, Tracked, order_from_create
from tradewind.venues.oanda.wire import V20Order, V20Position

__all__ = ["pending_orders", "position_reports"]


def pending_orders(
    pending: Sequence[V20Order], instruments: OandaInstruments, ledger: Ledger
) -> list[Order]:
    """The pending orders of the traded instruments: the tracked ones (the adapter's
    copies) in submission order, then the others rebuilt with the venue's terms."""
    ours: list[Tracked] = []
    others: list[Order] = []
    for record in sorted(pending, key=lambda r: (r.create_ns, r.order_id)):
        instrument = instruments.by_symbol(record.instrument)
        if instrument is None:
            continue
        cid = record.client_order_id
        tracked = ledger.get(ClientOrderId(cid)) if cid else None
        if tracked is not None:
            ours.append(tracked)
            continue
        foreign = order_from_create(record, instrument.id)
        if foreign is not None:
            others.append(foreign.order)
    ours.sort(key=lambda t: t.seq)
    return [t.order for t in ours] + others


def position_reports(
    held: Sequence[V20Position], instruments: OandaInstruments, venue: Venue
) -> list[PositionReport]:
    """One report per traded instrument with open units, in configuration order."""
    reports = []
    for position in held:
        instrument = instruments.by_symbol(position.instrument)
        if instrument is None or position.units == 0:
            continue
        long = position.units > 0
        reports.append(
            PositionReport(
                venue=venue,
                instrument_id=instrument.id,
                quantity=position.units,
                avg_open_price=position.long_avg_price if long else position.short_avg_price,
            )
        )
    order = {s: i for i, s in enumerate(instruments.symbols)}
    reports.sort(key=lambda r: order.get(instruments.symbol_of(r.instrument_id), 0))
    return reports
