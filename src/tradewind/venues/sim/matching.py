"""The simulated venue's matching: working orders against each bar it is fed.

`SimulatedVenue` (`venue.py`) validates requests and answers queries; this module
fills (see the order of work in `venue.py`'s docstring). Every event goes through the
`emit` callback, which books it and queues it on the event channel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from tradewind.domain.identifiers import ClientOrderId, InstrumentId, TradeId, Venue, VenueOrderId
from tradewind.domain.instrument import Instrument, PriceRounding
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderType
from tradewind.domain.order_events import OrderCanceled, OrderEvent, OrderFilled
from tradewind.domain.timestamps import instant_from_ns
from tradewind.execution import (
    FillModel,
    apply_slippage,
    commission,
    limit_fill,
    protective_stop_fill,
    stop_fill,
    take_profit_fill,
)
from tradewind.venues.sim.account import SimAccount
from tradewind.venues.sim.config import SimVenueConfig

__all__ = ["SimBar", "SimMatcher", "Working"]


@dataclass(slots=True)
class SimBar:
    """The latest bar of one instrument."""

    open_ns: int
    o: float
    h: float
    l: float  # noqa: E741
    c: float
    is_open: bool
    budget: Decimal | None  # quantity this bar may still fill; None: no cap


@dataclass(slots=True)
class Working:
    """An order the venue is working."""

    order: Order  # the caller's object, as `open_orders()` returns it
    terms: Order  # the venue's copy: current terms (after modify) and filled quantity
    venue_order_id: VenueOrderId
    after_ns: int | None  # fills only on bars opening after this instant
    triggered: bool = False  # a stop whose trigger traded: its rest fills at the open


class SimMatcher:
    """Fills working orders against bars with the backtest's execution models.

    Args:
        venue: names trade ids (`SIM-1`, ...).
        instruments: rounding, multiplier and market class per instrument.
        config: fill model, slippage, commissions.
        account: the books (positions are read to apply reduce-only rules).
        emit: books and queues one event.
    """

    def __init__(
        self,
        venue: Venue,
        instruments: Mapping[InstrumentId, Instrument],
        config: SimVenueConfig,
        account: SimAccount,
        emit: Callable[[OrderEvent], None],
    ) -> None:
        self._venue = venue
        self._instruments = instruments
        self._config = config
        self._account = account
        self._emit = emit
        self.working: dict[ClientOrderId, Working] = {}
        """Working orders by client order id, in submission order."""
        self._opened_at_open: dict[InstrumentId, int] = {}
        self._trade_seq = 0

    def add(self, working: Working, bar: SimBar | None, ts: datetime) -> None:
        """Start working an accepted order; `bar` is its instrument's latest bar."""
        self.working[working.order.client_order_id] = working
        if bar is not None and bar.is_open:
            self._fill_on_submission(working, bar, ts)

    def work_bar(
        self, instrument_id: InstrumentId, bar: SimBar, *, at_open: bool, rest: bool
    ) -> None:
        """Fill what `bar` reaches among the working orders of `instrument_id`: what is
        due at the open (`at_open`), then stops and limits on the rest of it (`rest`)."""
        eligible = [
            w
            for w in self.working.values()
            if w.order.instrument_id == instrument_id
            and (w.after_ns is None or bar.open_ns > w.after_ns)
        ]
        ts = instant_from_ns(bar.open_ns)
        if at_open:
            self._work_open(eligible, bar, ts)
        if rest:
            self._work_rest(eligible, bar, ts)

    def _work_open(self, eligible: list[Working], bar: SimBar, ts: datetime) -> None:
        """Market orders (and triggered stops) fill at the open."""
        for working in eligible:
            if working.terms.order_type is OrderType.MARKET or working.triggered:
                self._fill(working, bar.o, ts, slipped=True, at_open=True, bar=bar)

    def _work_rest(self, eligible: list[Working], bar: SimBar, ts: datetime) -> None:
        """Stops and limits: at the open where it gapped through them, else inside the
        bar, stops first. Apart from `_work_open` so that a caller reacting to fills
        at the open (the engine replacing protective orders) comes in between."""
        slip_limits = self._config.slip_limit_fills
        for working in eligible:
            order = working.terms
            if order.client_order_id not in self.working or order.order_type is OrderType.MARKET:
                continue
            if working.triggered:
                continue
            level = float(order.price if order.price is not None else order.trigger_price or 0)
            is_stop = order.order_type is OrderType.STOP
            through = (bar.o >= level) if (order.side.sign > 0) == is_stop else (bar.o <= level)
            if through:
                slipped = is_stop or slip_limits
                self._fill(working, bar.o, ts, slipped=slipped, at_open=True, bar=bar)
        for kind in (OrderType.STOP, OrderType.LIMIT):  # stops first, then limits
            for working in eligible:
                order = working.terms
                if (
                    order.order_type is not kind
                    or working.triggered
                    or order.client_order_id not in self.working
                ):
                    continue
                if kind is OrderType.STOP:
                    trigger = float(order.trigger_price or 0)
                    hit, price = stop_fill(order.side.sign, trigger, bar.o, bar.h, bar.l)
                else:
                    limit = float(order.price or 0)
                    hit, price = limit_fill(order.side.sign, limit, bar.o, bar.h, bar.l)
                if hit:
                    slipped = kind is OrderType.STOP or slip_limits
                    self._fill(working, price, ts, slipped=slipped, bar=bar)

    def _fill_on_submission(self, working: Working, bar: SimBar, ts: datetime) -> None:
        order = working.terms
        if order.order_type is OrderType.MARKET:
            if self._config.fill_model is FillModel.THIS_CLOSE:
                self._fill(working, bar.c, ts, slipped=True, bar=bar)
            return
        position_sign = _sign(self._account.positions[order.instrument_id].quantity)
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
            slipped = order.order_type is OrderType.STOP or self._config.slip_limit_fills
            self._fill(working, price, ts, slipped=slipped, bar=bar)

    def _fill(
        self,
        working: Working,
        price: float,
        ts: datetime,
        *,
        slipped: bool,
        bar: SimBar,
        at_open: bool = False,
    ) -> None:
        order = working.terms
        instrument = self._instruments[order.instrument_id]
        position = self._account.positions[order.instrument_id]
        sign = order.side.sign
        leaves = order.leaves_qty
        wanted = leaves
        if order.reduce_only:
            if _sign(position.quantity) != -sign:
                self._close(working, ts, "reduce-only order with no position to reduce")
                return
            wanted = min(leaves, abs(position.quantity))
        quantity = _take(bar, instrument, wanted)
        if quantity <= 0:
            return  # the bar's volume share is used up: keep working
        if order.order_type is OrderType.STOP:
            working.triggered = True
        event = self._fill_event(working, instrument, quantity, price, ts, slipped=slipped)
        flips = _sign(position.quantity) == -sign and quantity > abs(position.quantity)
        opens = position.quantity == 0 or flips
        self._emit(event)
        if at_open and opens:
            self._opened_at_open[order.instrument_id] = bar.open_ns
        if order.leaves_qty == 0:
            del self.working[order.client_order_id]
        elif quantity == wanted < leaves:
            reason = f"reduce-only remainder beyond the position of {quantity}"
            self._close(working, ts, reason)

    def _fill_event(
        self,
        working: Working,
        instrument: Instrument,
        quantity: Decimal,
        price: float,
        ts: datetime,
        *,
        slipped: bool,
    ) -> OrderFilled:
        sign = working.terms.side.sign
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
        return OrderFilled(
            client_order_id=working.terms.client_order_id,
            ts=ts,
            trade_id=TradeId(f"{self._config.trade_id_prefix}{self._venue}-{self._trade_seq}"),
            last_qty=quantity,
            last_price=fill_price,
            commission=Decimal(repr(fee)),  # exact: the engine books it as the loop would
            venue_order_id=working.venue_order_id,
        )

    def _close(self, working: Working, ts: datetime, reason: str) -> None:
        client_order_id = working.terms.client_order_id
        del self.working[client_order_id]
        self._emit(OrderCanceled(client_order_id=client_order_id, ts=ts, reason=reason))


def _take(bar: SimBar, instrument: Instrument, wanted: Decimal) -> Decimal:
    """How much of `wanted` the bar's remaining volume share allows (lot-rounded)."""
    if bar.budget is None:
        return wanted
    quantity = instrument.round_qty(min(wanted, bar.budget))
    bar.budget -= quantity
    return quantity


def _sign(quantity: Decimal) -> int:
    return (quantity > 0) - (quantity < 0)
