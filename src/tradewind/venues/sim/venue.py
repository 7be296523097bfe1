"""`SimulatedVenue`: the paper-trading venue, filling orders against bars.

It implements `tradewind.ports.execution.ExecutionVenue` with the same numba
execution models the backtest kernel calls (`tradewind.execution`), so paper and
backtest fill alike. Feed it every bar with `on_bar`; outcomes arrive as domain order
events through `drain_events()` (which `on_bar` also returns).

Per bar (only while the market is open; otherwise orders wait), in this order:
1. at the open: market orders, and stop / limit orders the open has gapped through,
   fill at the open;
2. stops touched inside the bar fill at their trigger (before limits: when a
   stop-loss and a take-profit are both inside the bar, the stop is assumed first);
3. limits touched inside the bar fill at their limit.
An order only fills on bars that open after it was submitted. Two exceptions make
the venue match the kernel: under THIS_CLOSE a market order fills on submission at
the last bar's close; and a reduce-only stop / limit (stop-loss / take-profit)
submitted right after a position was opened at the current bar's open is checked
against the rest of that bar at its own price (see `protective_stop_fill`).
Reduce-only orders never grow or flip a position: the part beyond the position is
canceled, and one with no position to reduce is canceled when it would fill.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tradewind.domain.errors import DomainError
from tradewind.domain.fill import Fill
from tradewind.domain.identifiers import ClientOrderId, InstrumentId, TradeId, Venue, VenueOrderId
from tradewind.domain.instrument import Instrument, PriceRounding
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderType
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderCancelRejected,
    OrderEvent,
    OrderFilled,
    OrderRejected,
)
from tradewind.domain.position import Position
from tradewind.execution import (
    FillModel,
    apply_slippage,
    commission,
    limit_fill,
    protective_stop_fill,
    stop_fill,
    take_profit_fill,
)
from tradewind.ports.execution import VenueCapability, require_capabilities
from tradewind.venues.sim.config import SimVenueConfig

__all__ = ["SimulatedVenue"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CAPABILITIES = frozenset(
    c.value
    for c in (
        VenueCapability.MARKET,
        VenueCapability.LIMIT,
        VenueCapability.STOP,
        VenueCapability.SHORT,
        VenueCapability.FRACTIONAL,
    )
)


def _instant(ns: int) -> datetime:
    return _EPOCH + timedelta(microseconds=ns // 1000)


@dataclass(slots=True)
class _Bar:
    open_ns: int
    o: float
    h: float
    l: float  # noqa: E741
    c: float
    is_open: bool


@dataclass(slots=True)
class _Working:
    order: Order
    venue_order_id: VenueOrderId
    after_ns: int | None  # fills only on bars opening after this instant


class SimulatedVenue:
    """A simulated venue for paper trading (and the shared venue contract tests).

    Args:
        instruments: what can be traded here (rounding, lot, min notional, multiplier).
        config: fill model, commissions, slippage; defaults to NEXT_OPEN, free, none.

    Capabilities: market, limit and stop orders, shorting, fractional quantities.
    """

    def __init__(
        self, instruments: Iterable[Instrument], config: SimVenueConfig | None = None
    ) -> None:
        self._config = config or SimVenueConfig()
        self._venue = Venue(self._config.venue)
        self._instruments = {i.id: i for i in instruments}
        self._working: dict[ClientOrderId, _Working] = {}
        self._known: set[ClientOrderId] = set()
        self._positions = {iid: Position.for_instrument(i) for iid, i in self._instruments.items()}
        self._bars: dict[InstrumentId, _Bar] = {}
        self._opened_at_open: dict[InstrumentId, int] = {}
        self._events: list[OrderEvent] = []
        self._trade_seq = 0
        self._order_seq = 0
        self._clock_ns: int | None = None

    # -- the ExecutionVenue port ---------------------------------------------------------

    @property
    def venue(self) -> Venue:
        return self._venue

    @property
    def capabilities(self) -> frozenset[str]:
        return _CAPABILITIES

    def submit(self, order: Order) -> None:
        """Accept (or reject) an order; it then works until filled or canceled.

        Rejected (as an `OrderRejected` event): an unknown instrument, a quantity off
        the lot grid or below the minimum, a price off the tick grid, or a notional
        below the instrument's minimum (market orders are valued at the last close).

        Raises:
            DomainError: the order needs a capability this venue lacks, or its client
                order id was already submitted.
        """
        require_capabilities(order, self.capabilities, self._venue)
        if order.client_order_id in self._known:
            raise DomainError(
                f"duplicate order {order.client_order_id}: already submitted to {self._venue}"
            )
        self._known.add(order.client_order_id)
        ts = order.created_at
        problem = self._check_terms(order)
        if problem:
            self._events.append(
                OrderRejected(client_order_id=order.client_order_id, ts=ts, reason=problem)
            )
            return
        self._order_seq += 1
        venue_order_id = VenueOrderId(f"{self._venue}-O-{self._order_seq}")
        self._events.append(
            OrderAccepted(
                client_order_id=order.client_order_id, ts=ts, venue_order_id=venue_order_id
            )
        )
        bar = self._bars.get(order.instrument_id)
        working = _Working(order, venue_order_id, None if bar is None else bar.open_ns)
        self._working[order.client_order_id] = working
        if bar is not None and bar.is_open:
            self._fill_on_submission(working, bar)

    def cancel(self, client_order_id: ClientOrderId) -> None:
        """Cancel a working order (OrderCanceled), or report OrderCancelRejected."""
        working = self._working.pop(client_order_id, None)
        if working is None:
            ts = _instant(self._clock_ns) if self._clock_ns is not None else _EPOCH
            self._events.append(
                OrderCancelRejected(
                    client_order_id=client_order_id,
                    ts=ts,
                    reason=f"order {client_order_id} is not working at {self._venue}",
                )
            )
            return
        self._events.append(
            OrderCanceled(client_order_id=client_order_id, ts=self._now(working.order))
        )

    def open_orders(self) -> Sequence[Order]:
        """Working orders, in submission order."""
        return [w.order for w in self._working.values()]

    def positions(self) -> Sequence[Position]:
        """The venue's position in every instrument (flat ones included)."""
        return list(self._positions.values())

    # -- the simulation ----------------------------------------------------------------

    def drain_events(self) -> list[OrderEvent]:
        """Every order event since the last drain, oldest first (the event channel)."""
        events, self._events = self._events, []
        return events

    def on_bar(
        self,
        instrument_id: InstrumentId,
        bar_open_ns: int,
        o: float,
        h: float,
        l: float,  # noqa: E741
        c: float,
        is_open_session: bool = True,
    ) -> list[OrderEvent]:
        """Work the orders of `instrument_id` against one bar; returns `drain_events()`.

        `bar_open_ns` is the bar's open instant (ns UTC; fills are stamped with it).
        While `is_open_session` is False nothing fills and orders keep waiting.

        Raises:
            DomainError: an instrument this venue does not know.
        """
        if instrument_id not in self._instruments:
            raise DomainError(f"unknown instrument {instrument_id} at venue {self._venue}")
        bar = _Bar(int(bar_open_ns), float(o), float(h), float(l), float(c), bool(is_open_session))
        self._bars[instrument_id] = bar
        self._clock_ns = max(bar.open_ns, self._clock_ns or bar.open_ns)
        if bar.is_open:
            self._work_bar(instrument_id, bar)
        return self.drain_events()

    def _work_bar(self, instrument_id: InstrumentId, bar: _Bar) -> None:
        eligible = [
            w
            for w in self._working.values()
            if w.order.instrument_id == instrument_id
            and (w.after_ns is None or bar.open_ns > w.after_ns)
        ]
        ts = _instant(bar.open_ns)
        for working in eligible:  # 1. at the open
            order = working.order
            sign = order.side.sign
            if order.order_type is OrderType.MARKET:
                self._fill(working, bar.o, ts, slipped=True, at_open=True, bar=bar)
                continue
            level = float(order.price if order.price is not None else order.trigger_price or 0)
            is_stop = order.order_type is OrderType.STOP
            through = (bar.o >= level) if (sign > 0) == is_stop else (bar.o <= level)
            if through:
                self._fill(working, bar.o, ts, slipped=is_stop, at_open=True, bar=bar)
        for kind in (OrderType.STOP, OrderType.LIMIT):  # 2. stops, 3. limits
            for working in eligible:
                order = working.order
                if order.order_type is not kind or order.client_order_id not in self._working:
                    continue
                if kind is OrderType.STOP:
                    trigger = float(order.trigger_price or 0)
                    hit, price = stop_fill(order.side.sign, trigger, bar.o, bar.h, bar.l)
                else:
                    limit = float(order.price or 0)
                    hit, price = limit_fill(order.side.sign, limit, bar.o, bar.h, bar.l)
                if hit:
                    self._fill(working, price, ts, slipped=kind is OrderType.STOP, bar=bar)

    def _fill_on_submission(self, working: _Working, bar: _Bar) -> None:
        order = working.order
        ts = self._now(order)
        if order.order_type is OrderType.MARKET:
            if self._config.fill_model is FillModel.THIS_CLOSE:
                self._fill(working, bar.c, ts, slipped=True, bar=bar)
            return
        position_sign = _sign(self._positions[order.instrument_id].quantity)
        protective = (
            order.reduce_only
            and position_sign == -order.side.sign
            and self._opened_at_open.get(order.instrument_id) == bar.open_ns
        )
        if not protective:
            return
        if order.order_type is OrderType.STOP:
            trigger = float(order.trigger_price or 0)
            hit, price = protective_stop_fill(position_sign, trigger, bar.o, bar.h, bar.l, True)
        else:
            limit = float(order.price or 0)
            hit, price = take_profit_fill(position_sign, limit, bar.o, bar.h, bar.l, True)
        if hit:
            self._fill(working, price, ts, slipped=order.order_type is OrderType.STOP, bar=bar)

    def _fill(
        self,
        working: _Working,
        price: float,
        ts: datetime,
        *,
        slipped: bool,
        bar: _Bar,
        at_open: bool = False,
    ) -> None:
        order = working.order
        instrument = self._instruments[order.instrument_id]
        position = self._positions[order.instrument_id]
        sign = order.side.sign
        quantity = order.quantity  # the venue fills an order in one go
        if order.reduce_only:
            if _sign(position.quantity) != -sign:
                del self._working[order.client_order_id]
                self._events.append(
                    OrderCanceled(
                        client_order_id=order.client_order_id,
                        ts=ts,
                        reason="reduce-only order with no position to reduce",
                    )
                )
                return
            quantity = min(quantity, abs(position.quantity))
        rounding = PriceRounding.NEAREST
        if slipped and self._config.slippage_bps > 0:
            price = apply_slippage(sign, price, self._config.slippage_bps)
            rounding = PriceRounding.UP if sign > 0 else PriceRounding.DOWN
        fill_price = instrument.round_price(price, rounding)
        spec = self._config.commission_for(instrument.market_class)
        fee = commission(
            int(spec.model), float(quantity), float(fill_price), float(instrument.multiplier),
            spec.params(),
        )  # fmt: skip
        self._trade_seq += 1
        trade_id = TradeId(f"{self._venue}-{self._trade_seq}")
        event = OrderFilled(
            client_order_id=order.client_order_id,
            ts=ts,
            trade_id=trade_id,
            last_qty=quantity,
            last_price=fill_price,
            commission=Decimal(repr(round(fee, 10))),
            venue_order_id=working.venue_order_id,
        )
        flips = _sign(position.quantity) == -sign and quantity > abs(position.quantity)
        opens = position.quantity == 0 or flips
        position.apply(Fill.from_order(order, event))
        if at_open and opens:
            self._opened_at_open[order.instrument_id] = bar.open_ns
        del self._working[order.client_order_id]
        self._events.append(event)
        if quantity < order.quantity:
            self._events.append(
                OrderCanceled(
                    client_order_id=order.client_order_id,
                    ts=ts,
                    reason=f"reduce-only remainder beyond the position of {quantity}",
                )
            )

    def _check_terms(self, order: Order) -> str:
        instrument = self._instruments.get(order.instrument_id)
        if instrument is None:
            return f"unknown instrument {order.instrument_id} at venue {self._venue}"
        reference = order.price if order.price is not None else order.trigger_price
        bar = self._bars.get(order.instrument_id)
        if reference is None and bar is not None:
            reference = instrument.round_price(bar.c)
        try:
            instrument.check_order(order.quantity, reference)
        except DomainError as error:
            return str(error)
        return ""

    def _now(self, order: Order) -> datetime:
        if self._clock_ns is None:
            return order.created_at
        return max(order.created_at, _instant(self._clock_ns))


def _sign(quantity: Decimal) -> int:
    return (quantity > 0) - (quantity < 0)
