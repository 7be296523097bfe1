"""The order path of paper, advisory and live runs: engine orders -> venue -> events.

The compiled loop decides (`engine.kernel.FILLS_AT_VENUE`); this bridge stages a
journal record of each new engine order (the session makes it durable), then sends it
through its market's `ExecutionVenue`, sends a cancel for each working order the
engine replaced, and applies to the engine only what the venues report back:
accepted, rejected, filled (partly or wholly), canceled, expired
(`engine.venue_fills`). A fill that places protective orders (stop-loss,
take-profit) stages them for the session's next journal step.

A bar-driven venue (the simulator) is also handed each delivered bar; a live venue
fills on its own and its events are drained the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import Protocol, runtime_checkable

import numpy as np

from tradewind.app.order_guard import GuardedOrder, OrderGuard
from tradewind.app.order_terms import venue_terms
from tradewind.app.session_records import SessionRecords
from tradewind.app.venue_routes import MarketRoute
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, InstrumentId, StrategyId
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderCancelRejected,
    OrderEvent,
    OrderExpired,
    OrderFilled,
    OrderRejected,
    OrderSubmitted,
)
from tradewind.domain.timestamps import instant_from_ns, ns_of
from tradewind.domain.venue_errors import DuplicateOrderError
from tradewind.engine.books import BookSet
from tradewind.engine.cash_cuts import cash_cuts_at_open
from tradewind.engine.flatten import exits_at_market
from tradewind.engine.inputs import KernelInputs
from tradewind.engine.kernel import (
    KIND_MARKET,
    STATUS_CANCELED,
    STATUS_OPEN,
)
from tradewind.engine.state import KernelState
from tradewind.engine.venue_fills import VenueFill, apply_venue_cancel, apply_venue_fill
from tradewind.ports.capabilities import VenueCapability
from tradewind.risk.limits import LimitField
from tradewind.risk.reasons import RiskReason

__all__ = ["JournalRowSink", "VenueBridge"]

REDUCE_ONLY = VenueCapability.REDUCE_ONLY.value


class JournalRowSink(Protocol):
    """Where the bridge puts journal records (a session's row writer)."""

    def order(self, record: dict[str, object]) -> None: ...

    def status(
        self, coid: str, status: str, ts: int, detail: str = "", venue_order_id: str | None = None
    ) -> None: ...

    def fill(self, record: dict[str, object]) -> None: ...


@runtime_checkable
class BarDrivenVenue(Protocol):
    """A venue that fills against bars it is handed (the simulator)."""

    def on_bar(
        self,
        instrument_id: InstrumentId,
        bar_open_ns: int,
        o: float,
        h: float,
        l: float,  # noqa: E741
        c: float,
        *,
        phase: str,
    ) -> list[OrderEvent]:
        """Work orders on one bar: `phase` "open" fills what is due at the open,
        "rest" works stops and limits on the rest of the bar, "all" does both."""
        ...


@dataclass(slots=True)
class _Sent:
    index: int
    order: Order
    route: MarketRoute
    qty: float
    """The engine's float quantity, so that a whole fill maps back to it exactly."""
    sent_qty: Decimal
    """`qty` as the venue was last told it (submitted or modified)."""
    book: int = 0
    cancel_sent: bool = False


@dataclass(slots=True)
class VenueBridge:
    """Connects one run's engine state to its markets' venues."""

    routes: Sequence[MarketRoute]
    records: SessionRecords
    inputs: KernelInputs
    books: BookSet
    sink: JournalRowSink
    event_log: list[tuple[str, OrderEvent]] = field(default_factory=list)
    """Every event received, with its venue name, in order (what the journal shows)."""
    guard: OrderGuard | None = None
    """Operator stops (and, live, the rails) every order passes before it is sent."""
    _next_order: int = 0
    _working: dict[ClientOrderId, _Sent] = field(default_factory=dict)
    _route_of_market: dict[str, MarketRoute] = field(default_factory=dict)
    _received: list[tuple[MarketRoute, OrderEvent]] = field(default_factory=list)
    _symbol_index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._route_of_market = {r.market: r for r in self.routes}
        self._symbol_index = {s: n for n, s in enumerate(self.records.panel.symbols)}

    # -- per row ------------------------------------------------------------------

    def open_bar(self, state: KernelState, t: int) -> None:
        """Row `t`'s open: bar-driven venues fill what is due at the open; the engine
        applies it (an entry's fill replaces the position's protective orders, and
        the replaced ones are canceled at the venue before the rest of the bar). A
        cash account first cuts resting buys its cash no longer covers at this open."""
        if self.records.spec.limits.global_[LimitField.CASH_ACCOUNT] > 0:
            self._cut_for_cash(state, t)
        self._feed_bars(t, "open")
        self._settle(state, t, at_open=True)

    def rest_of_bar(self, state: KernelState, t: int) -> None:
        """Row `t` after the open: stops and limits work the rest of the bar."""
        self._feed_bars(t, "rest")
        self._settle(state, t, at_open=True)

    def stage_new(self, state: KernelState) -> list[_Sent]:
        """Journal records of the engine orders not yet staged (to the sink, which the
        caller flushes); returns those to send once they are durable."""
        to_send = []
        for i in range(self._next_order, state.n_orders):
            route = self._route_of_market[self.records.market_of(i, state)]
            self.sink.order(self.records.order(state, i, str(route.venue.venue)))
            if state.o_status[i] == STATUS_OPEN:
                to_send.append(self._domain_order(state, i, route))
            elif state.o_status[i] == STATUS_CANCELED:  # replaced before it could be sent
                ts = self._decided_ns(state, i)
                self.sink.status(self.records.coid(i), "canceled", ts, "replaced before sending")
        self._next_order = state.n_orders
        return to_send

    def send(
        self,
        staged: list[_Sent],
        state: KernelState,
        t: int,
        *,
        at_open: bool,
        control: bool = False,
    ) -> None:
        """Send staged orders (journaled by now) and apply what comes back. Orders the
        replies place (an entry filled on submission) wait for the next `stage_new`.
        `control`: orders an operator command placed (flattening, protection)."""
        for sent in staged:
            order = sent.order
            self._working[order.client_order_id] = sent
            order.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=order.created_at))
            refusal = self._refusal(sent, state, t, control)
            if not refusal:
                self._free_for_exit(sent, state)
            if refusal:
                self._received.append((sent.route, OrderRejected(
                    client_order_id=order.client_order_id, ts=order.created_at, reason=refusal
                )))  # fmt: skip
                continue
            try:
                sent.route.venue.submit(order)
            except DuplicateOrderError:
                raise  # a bug of ours, never a venue state
            except DomainError as refused:  # not sent: disconnected, or not supported there
                reason = f"not sent to {sent.route.venue.venue}: {refused}"
                rejected = OrderRejected(
                    client_order_id=order.client_order_id, ts=order.created_at, reason=reason
                )
                self._received.append((sent.route, rejected))
        self._settle(state, t, at_open=at_open)

    def settle(self, state: KernelState, t: int) -> None:
        """Apply what the venues reported since (at row `t`'s close) and send the
        cancels of orders the engine marked canceled (an operator command's)."""
        self._settle(state, t, at_open=False)

    def working_in(self, book_mask: np.ndarray) -> int:
        """Orders sent and not yet finished whose book is in `book_mask`."""
        return sum(1 for sent in self._working.values() if book_mask[sent.book])

    def recover(self, route: MarketRoute, event: OrderEvent) -> None:
        """An event the venue made and never reported (found by reconciliation); it is
        applied with the next events drained, as if the venue had sent it."""
        self._received.append((route, event))

    def has_new(self, state: KernelState) -> bool:
        """Engine orders not staged yet (protective orders a fill just placed)."""
        return state.n_orders > self._next_order

    @property
    def fills_on_its_own(self) -> bool:
        """Some market's venue fills on its own (not only on the bars it is handed)."""
        return any(not isinstance(route.venue, BarDrivenVenue) for route in self.routes)

    @property
    def working(self) -> int:
        """Orders sent and not yet finished at their venue."""
        return len(self._working)

    # -- steps ------------------------------------------------------------------------

    def _feed_bars(self, t: int, phase: str) -> None:
        panel = self.records.panel
        ts = int(panel.timestamps[t])
        for route in self.routes:
            venue = route.venue
            if not isinstance(venue, BarDrivenVenue):
                continue
            for symbol, instrument in route.instruments.items():
                n = self._symbol_index[symbol]
                if not panel.fresh[t, n]:
                    continue  # nothing fills while a market sends no bar
                bar = (panel.open[t, n], panel.high[t, n], panel.low[t, n], panel.close[t, n])
                events = venue.on_bar(instrument.id, ts, *(float(v) for v in bar), phase=phase)
                self._received.extend((route, event) for event in events)

    def _free_for_exit(self, sent: _Sent, state: KernelState) -> None:
        """A spot exchange or a broker without reduce-only locks what a resting stop or
        take-profit would sell, so an exit at market would be refused for want of it:
        its book's protective orders are canceled there first (the engine cancels them
        when the exit fills anyway). Not on the simulator, whose fills follow the
        backtest's (there the protective orders work until the exit fills)."""
        venue = sent.route.venue
        if isinstance(venue, BarDrivenVenue) or REDUCE_ONLY in venue.capabilities:
            return
        k = sent.book
        if not exits_at_market(state, sent.index):
            return
        for j in (int(state.stop_order[k]), int(state.take_order[k])):
            if j >= 0:
                state.o_status[j] = STATUS_CANCELED
        state.stop_order[k] = state.take_order[k] = -1
        self._cancel_replaced(state)

    def _refusal(self, sent: _Sent, state: KernelState, t: int, control: bool) -> str:
        if self.guard is None:
            return ""
        order = sent.order
        is_stop = order.trigger_price is not None
        level = order.trigger_price if is_stop else order.price
        guarded = GuardedOrder(
            index=sent.index,
            market=sent.route.market,
            quantity=sent.qty,
            price=None if level is None else float(level),
            is_stop=is_stop,
            control=control,
        )
        return self.guard.refusal(guarded, state, t)

    def _settle(self, state: KernelState, t: int, *, at_open: bool) -> None:
        """Apply venue events and cancel what the engine replaced, until quiet."""
        while True:
            state.ensure_free(3 * len(self.books.symbol) + 16)
            applied = self._drain(state, t, at_open)
            if not (self._cancel_replaced(state) or applied):
                return

    def _cut_for_cash(self, state: KernelState, t: int) -> None:
        """Modify (or cancel) resting buys down to what the cash pays for at this open,
        as the backtest loop cuts them (`engine.cash_cuts`)."""
        panel = self.records.panel
        for cut in cash_cuts_at_open(state, self.inputs, self.books.symbol, panel, t):
            i = cut.order
            sent = self._working.get(ClientOrderId(self.records.coid(i)))
            if sent is None or not sent.route.instruments:
                continue
            state.o_reason[i] = int(RiskReason.INSUFFICIENT_CASH)
            state.o_ok[i] = cut.qty
            if cut.qty <= 0.0:
                apply_venue_cancel(state, i, rejected=False)  # sent as a cancel below
                continue
            lot = sent.route.instruments[self.records.symbol_of(i, state)].lot_size
            sent.sent_qty = _on_lot(cut.qty, lot)
            sent.qty = _sent_as(cut.qty, sent.sent_qty)
            sent.route.venue.modify(sent.order.client_order_id, quantity=sent.sent_qty)
        self._cancel_replaced(state)

    def _cancel_replaced(self, state: KernelState) -> bool:
        canceled = False
        for sent in self._working.values():
            if not sent.cancel_sent and state.o_status[sent.index] == STATUS_CANCELED:
                sent.cancel_sent = True
                sent.route.venue.cancel(sent.order.client_order_id)
                canceled = True
        return canceled

    def _drain(self, state: KernelState, t: int, at_open: bool) -> bool:
        for route in self.routes:
            self._received.extend((route, event) for event in route.venue.drain_events())
        received, self._received = self._received, []
        for route, event in received:
            venue_name = str(route.venue.venue)
            self.event_log.append((venue_name, event))
            self._apply(state, t, at_open, event, venue_name)
        return bool(received)

    def _apply(
        self, state: KernelState, t: int, at_open: bool, event: OrderEvent, venue: str
    ) -> None:
        sent = self._working.get(event.client_order_id)
        if sent is None:
            return  # e.g. a cancel-reject for an order that already finished
        if isinstance(event, OrderCancelRejected):
            return  # the order keeps working; its fills or cancel arrive as events
        sent.order.apply(event)
        coid, ts = str(event.client_order_id), ns_of(event.ts)
        if isinstance(event, OrderFilled):
            self._on_fill(state, t, at_open, sent, event, venue)
        elif isinstance(event, OrderAccepted):
            self.sink.status(coid, "accepted", ts, venue_order_id=str(event.venue_order_id))
        elif isinstance(event, OrderRejected | OrderCanceled | OrderExpired):
            rejected = isinstance(event, OrderRejected)
            apply_venue_cancel(state, sent.index, rejected=rejected)
            status = "rejected" if rejected else "canceled"
            if isinstance(event, OrderExpired):
                status = "expired"
            self.sink.status(coid, status, ts, getattr(event, "reason", ""))
        if sent.order.is_terminal:
            del self._working[event.client_order_id]

    def _on_fill(
        self,
        state: KernelState,
        t: int,
        at_open: bool,
        sent: _Sent,
        event: OrderFilled,
        venue: str,
    ) -> None:
        i = sent.index
        whole = event.last_qty == sent.sent_qty
        qty = sent.qty if whole else float(event.last_qty)
        n = int(self.books.symbol[int(state.o_book[i])])
        scale = float(self.inputs.value_scale[t, n])
        fee = float(event.commission) * scale / float(self.inputs.multiplier[n])
        side = int(state.o_side[i])
        apply_venue_fill(
            state,
            self.books,
            VenueFill(
                order=i,
                row=t,
                qty=side * qty,
                price=float(event.last_price),
                fee=fee,
                scale=scale,
                complete=sent.order.leaves_qty == 0,
                at_open=at_open or int(state.o_kind[i]) != KIND_MARKET,
            ),
        )
        self.sink.fill(
            {
                "trade_id": str(event.trade_id),
                "venue": venue,
                "client_order_id": str(event.client_order_id),
                "ts": int(self.records.panel.timestamps[t]),
                "market": sent.route.market,
                "symbol": self.records.symbol_of(i, state),
                "side": "buy" if side > 0 else "sell",
                "qty": qty,
                "price": float(event.last_price),
                "commission": fee,
            }
        )

    def _domain_order(self, state: KernelState, i: int, route: MarketRoute) -> _Sent:
        kind = int(state.o_kind[i])
        symbol = self.records.symbol_of(i, state)
        instrument = route.instruments[symbol]
        qty = float(state.o_ok[i])
        level = Decimal(repr(float(state.o_price[i])))
        side = OrderSide.BUY if state.o_side[i] > 0 else OrderSide.SELL
        order = Order(
            client_order_id=ClientOrderId(self.records.coid(i)),
            strategy_id=StrategyId(self.records.strategies_of(i, state) or route.market),
            instrument_id=instrument.id,
            side=side,
            quantity=_on_lot(qty, instrument.lot_size),
            created_at=instant_from_ns(self._decided_ns(state, i)),
            **venue_terms(kind, side, level, instrument, route.venue.capabilities),
        )
        sent_qty = order.quantity
        return _Sent(i, order, route, qty=_sent_as(qty, sent_qty), sent_qty=sent_qty,
                     book=int(state.o_book[i]))  # fmt: skip

    def _decided_ns(self, state: KernelState, i: int) -> int:
        return int(self.records.panel.timestamps[state.o_row[i]])


def _sent_as(qty: float, on_lot: Decimal) -> float:
    """The engine quantity a whole fill of `on_lot` stands for: the engine's own `qty`
    where the lot only removed float residue (the sim: fills equal the backtest's), else
    what the venue was sent (a broker's whole units: the position is what it holds)."""
    sent = float(on_lot)
    return qty if abs(sent - qty) <= 1e-9 * max(1.0, abs(qty)) else sent


def _on_lot(qty: float, lot: Decimal) -> Decimal:
    """`qty` as a Decimal on the lot grid (the float loop's multiples carry float residue)."""
    exact = Decimal(repr(qty))
    with localcontext() as ctx:
        ctx.prec = 80  # lots as fine as 1e-30 (the sim's "any quantity")
        return (exact / lot).to_integral_value(rounding=ROUND_HALF_EVEN) * lot
