"""What an adapter reports (orders, fills, positions, cash, time) equals what its
events said, so a restarted session can rebuild its state from the venue.

Runs once per harness in `harness.HARNESSES`: the simulated venue, the ccxt adapter
against the shipped Binance, Kraken and Coinbase emulators, and the OANDA, Alpaca and
Interactive Brokers adapters against theirs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC
from decimal import Decimal

from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderStatus, OrderType
from tradewind.domain.order_events import OrderEvent
from tradewind.domain.venue_reports import OrderStatusReport

from .harness import VenueHarness
from .support import BUY, SELL, apply_all, away, fills, make_order


def _trade_a_session(harness: VenueHarness) -> tuple[list[Order], list[OrderEvent]]:
    """Fills both ways, a canceled limit, a rejected order and a resting one."""
    p, lot = harness.start_price, harness.primary.lot_size
    orders: list[Order] = []
    events: list[OrderEvent] = []

    def send(order: Order) -> None:
        orders.append(order)
        harness.venue.submit(order)

    send(make_order(harness, "r-buy", BUY, 5))
    send(make_order(harness, "r-rest", BUY, 1, OrderType.LIMIT, price=away(harness, "0.5")))
    harness.move_market(harness.primary, p + 1, p + 2, p, p + 1)
    events += harness.drain()
    send(make_order(harness, "r-sell", SELL, 2))
    send(make_order(harness, "r-cancel", SELL, 1, OrderType.LIMIT, price=away(harness, "2")))
    send(make_order(harness, "r-btc", BUY, 3, instrument=harness.secondary))
    harness.venue.cancel(orders[-2].client_order_id)
    odd = make_order(harness, "r-reject", BUY, 1)
    odd.quantity = lot / 2
    send(odd)
    harness.move_market(harness.primary, p + 3, p + 4, p + 2, p + 3)
    harness.move_market(harness.secondary, p, p + 1, p - 1, p)
    events += harness.drain()
    apply_all(orders, events)
    return orders, events


def _state(report: OrderStatusReport) -> tuple[object, ...]:
    return (
        report.client_order_id,
        report.venue_order_id,
        report.instrument_id,
        report.side,
        report.status,
        report.quantity,
        report.filled_qty,
        report.avg_px,
        report.price,
    )


def test_order_status_reports_equal_the_state_the_events_built(harness: VenueHarness) -> None:
    orders, _ = _trade_a_session(harness)
    venue = harness.venue
    expected = [_state(OrderStatusReport.of_order(o, venue.venue)) for o in orders]
    assert [_state(r) for r in venue.order_status_reports()] == expected
    by_id = {r.client_order_id: r for r in venue.order_status_reports()}
    rejected = by_id[orders[-1].client_order_id]
    assert rejected.status is OrderStatus.REJECTED
    assert "lot" in rejected.reason


def test_reports_since_an_instant_cover_exactly_what_happened_from_then_on(
    harness: VenueHarness,
) -> None:
    orders, events = _trade_a_session(harness)
    venue = harness.venue
    since = fills(events)[1].ts
    last_event: dict[object, OrderEvent] = {e.client_order_id: e for e in events}
    changed = [o.client_order_id for o in orders if last_event[o.client_order_id].ts >= since]
    assert [r.client_order_id for r in venue.order_status_reports(since)] == changed
    later_fills = [e for e in fills(events) if e.ts >= since]
    assert [r.to_event() for r in venue.fill_reports(since)] == later_fills
    assert 0 < len(later_fills) < len(fills(events))


def test_fill_reports_equal_the_fill_events(harness: VenueHarness) -> None:
    orders, events = _trade_a_session(harness)
    reports = harness.venue.fill_reports()
    assert [r.to_event() for r in reports] == fills(events)
    by_id = {o.client_order_id: o for o in orders}
    for report in reports:
        order = by_id[report.client_order_id]
        assert (report.instrument_id, report.side) == (order.instrument_id, order.side)


def test_positions_equal_the_signed_sum_of_the_fills(harness: VenueHarness) -> None:
    orders, events = _trade_a_session(harness)
    by_id = {o.client_order_id: o for o in orders}
    net: dict[object, Decimal] = defaultdict(Decimal)
    for fill in fills(events):
        order = by_id[fill.client_order_id]
        net[order.instrument_id] += fill.last_qty * order.side.sign
    reported = {p.instrument_id: p.quantity for p in harness.venue.positions() if p.quantity}
    assert reported == {iid: qty for iid, qty in net.items() if qty}
    assert reported[harness.primary.id] == 3 * harness.primary.lot_size


def test_balances_move_by_the_fills_notional_and_commissions(harness: VenueHarness) -> None:
    """Cash moves by each fill's notional and commission where the venue holds the
    bought asset (spot, a cash account); on a margin account (`cash_moves_by_notional`
    False, e.g. OANDA) it moves by the realized P&L less the commissions."""
    before = {b.currency: b.total for b in harness.venue.balances()}
    orders, events = _trade_a_session(harness)
    by_id = {o.client_order_id: o for o in orders}
    instruments = {i.id: i for i in (harness.primary, harness.secondary)}
    by_notional = getattr(harness, "cash_moves_by_notional", True)
    moved: dict[str, Decimal] = defaultdict(Decimal)
    books: dict[object, tuple[Decimal, Decimal]] = defaultdict(lambda: (Decimal(0), Decimal(0)))
    for fill in fills(events):
        order = by_id[fill.client_order_id]
        instrument = instruments[order.instrument_id]
        quote = instrument.quote_currency
        signed = order.side.sign * fill.last_qty
        if by_notional:
            moved[quote] -= signed * fill.last_price * instrument.multiplier
        else:
            position, realized = _book(books[order.instrument_id], signed, fill.last_price)
            books[order.instrument_id] = position
            moved[quote] += realized * instrument.multiplier
        moved[fill.commission_currency or quote] -= fill.commission
    after = {b.currency: b.total for b in harness.venue.balances()}
    for currency, amount in moved.items():
        assert after[currency] - before.get(currency, Decimal(0)) == amount
    if getattr(harness, "charges_commission", True):  # commission-free venues say so
        assert any(f.commission for f in fills(events))


def _book(
    position: tuple[Decimal, Decimal], signed_qty: Decimal, price: Decimal
) -> tuple[tuple[Decimal, Decimal], Decimal]:
    """Average-cost booking: the new (quantity, average price) and the P&L realized."""
    qty, avg = position
    if qty == 0 or (qty > 0) == (signed_qty > 0):
        total = qty + signed_qty
        return (total, (avg * abs(qty) + price * abs(signed_qty)) / abs(total)), Decimal(0)
    closing = min(abs(signed_qty), abs(qty))
    realized = (price - avg) * closing * (1 if qty > 0 else -1)
    total = qty + signed_qty
    if total == 0:
        return (Decimal(0), Decimal(0)), realized
    return (total, avg if (total > 0) == (qty > 0) else price), realized


def test_server_time_is_utc_and_not_before_anything_the_venue_reported(
    harness: VenueHarness,
) -> None:
    _, events = _trade_a_session(harness)
    first = harness.venue.server_time()
    assert first.tzinfo is UTC
    assert first >= max(e.ts for e in events)
    p = harness.start_price
    harness.move_market(harness.primary, p, p, p, p)
    assert harness.venue.server_time() >= first
