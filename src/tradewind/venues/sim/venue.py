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

Off by default, `SimVenueConfig.max_volume_share` caps what one bar can fill (a
share of its `volume`, shared by the instrument's orders in the order above); the
rest keeps working, and a stop whose trigger traded fills its rest at later opens.
The venue starts connected; while disconnected (`disconnect()`) it refuses every
request with `VenueDisconnectedError` but keeps working orders as bars arrive.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal

from tradewind.domain.decimals import DecimalLike
from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, InstrumentId, Venue, VenueOrderId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderCancelRejected,
    OrderEvent,
    OrderModifyRejected,
    OrderRejected,
)
from tradewind.domain.position import Position
from tradewind.domain.timestamps import EPOCH, instant_from_ns
from tradewind.domain.venue_errors import DuplicateOrderError, VenueDisconnectedError, VenueError
from tradewind.domain.venue_reports import (
    Balance,
    ConnectionStatus,
    FillReport,
    OrderStatusReport,
    VenueStatus,
)
from tradewind.ports.execution import VenueCapability, require_capabilities, require_capability
from tradewind.venues.sim.account import SimAccount
from tradewind.venues.sim.config import SimVenueConfig
from tradewind.venues.sim.matching import SimBar, SimMatcher, Working
from tradewind.venues.sim.modify import checked_update

__all__ = ["SimulatedVenue"]

_C = VenueCapability
_CAPABILITIES = frozenset(
    c.value
    for c in (
        *(_C.MARKET, _C.LIMIT, _C.STOP, _C.SHORT, _C.FRACTIONAL),
        *(_C.REDUCE_ONLY, _C.MODIFY, _C.CANCEL_ALL),
    )
)
_CONNECTED = VenueStatus(ConnectionStatus.CONNECTED)
_PHASES = ("all", "open", "rest")


class SimulatedVenue:
    """A simulated venue for paper trading (and the shared venue contract tests).

    Args:
        instruments: what can be traded here (rounding, lot, min notional, multiplier).
        config: fill model, commissions, slippage; defaults to NEXT_OPEN, free, none.

    Capabilities: market, limit and stop orders, shorting, fractional quantities,
    reduce-only, modify and cancel-all; partial fills when `max_volume_share` is set.
    """

    def __init__(
        self, instruments: Iterable[Instrument], config: SimVenueConfig | None = None
    ) -> None:
        self._config = config or SimVenueConfig()
        self._venue = Venue(self._config.venue)
        self._instruments = {i.id: i for i in instruments}
        self._capabilities = _CAPABILITIES | (
            {_C.PARTIAL_FILLS.value} if self._config.max_volume_share is not None else set()
        )
        self._account = SimAccount(self._venue, self._instruments, self._config.starting_balances)
        self._events: list[OrderEvent] = []
        self._matcher = SimMatcher(
            self._venue, self._instruments, self._config, self._account, self._emit
        )
        self._working = self._matcher.working
        self._bars: dict[InstrumentId, SimBar] = {}
        self._order_seq = 0
        self._clock_ns: int | None = None
        self._status = _CONNECTED

    # -- connection ----------------------------------------------------------------------

    @property
    def venue(self) -> Venue:
        return self._venue

    @property
    def capabilities(self) -> frozenset[str]:
        return self._capabilities

    @property
    def status(self) -> VenueStatus:
        """CONNECTED from construction until `disconnect()`."""
        return self._status

    def connect(self) -> None:
        self._status = _CONNECTED

    def disconnect(self) -> None:
        self._status = VenueStatus(ConnectionStatus.DISCONNECTED, "disconnected by the client")

    def _require_connected(self, request: str) -> None:
        if not self._status.accepts_requests:
            raise VenueDisconnectedError(
                f"{request} refused: venue {self._venue} is disconnected "
                f"({self._status.reason}); call connect() first"
            )

    # -- order entry ---------------------------------------------------------------------

    def submit(self, order: Order) -> None:
        """Accept (or reject) an order; it then works until filled or canceled.

        Rejected (as an `OrderRejected` event): an unknown instrument, a quantity off
        the lot grid or below the minimum, a price off the tick grid, or a notional
        below the instrument's minimum (market orders are valued at the last close).

        Raises:
            DomainError: the order needs a capability this venue lacks.
            DuplicateOrderError: its client order id was already submitted.
            VenueDisconnectedError: the venue is disconnected.
        """
        self._require_connected(f"submit of order {order.client_order_id}")
        require_capabilities(order, self.capabilities, self._venue)
        if self._account.knows(order.client_order_id):
            raise DuplicateOrderError(
                f"duplicate order {order.client_order_id}: already submitted to {self._venue}"
            )
        terms = self._account.open(order)
        ts = order.created_at
        problem = self._check_terms(order)
        if problem:
            self._emit(OrderRejected(client_order_id=order.client_order_id, ts=ts, reason=problem))
            return
        self._order_seq += 1
        venue_order_id = VenueOrderId(f"{self._venue}-O-{self._order_seq}")
        self._emit(
            OrderAccepted(
                client_order_id=order.client_order_id, ts=ts, venue_order_id=venue_order_id
            )
        )
        bar = self._bars.get(order.instrument_id)
        working = Working(order, terms, venue_order_id, None if bar is None else bar.open_ns)
        self._matcher.add(working, bar, self._now(order))

    def cancel(self, client_order_id: ClientOrderId) -> None:
        """Cancel a working order (OrderCanceled), or report OrderCancelRejected.

        Raises:
            VenueDisconnectedError: the venue is disconnected.
        """
        self._require_connected(f"cancel of order {client_order_id}")
        working = self._working.pop(client_order_id, None)
        if working is None:
            self._emit(
                OrderCancelRejected(
                    client_order_id=client_order_id,
                    ts=self._clock_time(),
                    reason=f"order {client_order_id} is not working at {self._venue}",
                )
            )
            return
        self._emit(OrderCanceled(client_order_id=client_order_id, ts=self._now(working.order)))

    def cancel_all(self, instrument_id: InstrumentId | None = None) -> None:
        """Cancel every working order (of `instrument_id` only, when given).

        Raises:
            VenueDisconnectedError: the venue is disconnected.
        """
        self._require_connected("cancel_all")
        for client_order_id, working in list(self._working.items()):
            if instrument_id is None or working.order.instrument_id == instrument_id:
                del self._working[client_order_id]
                self._emit(
                    OrderCanceled(
                        client_order_id=client_order_id,
                        ts=self._now(working.order),
                        reason="canceled by cancel_all",
                    )
                )

    def modify(
        self,
        client_order_id: ClientOrderId,
        quantity: DecimalLike | None = None,
        price: DecimalLike | None = None,
        trigger_price: DecimalLike | None = None,
    ) -> None:
        """Change a working order's terms: OrderUpdated, or OrderModifyRejected with why.

        The new terms apply from the next bar on.

        Raises:
            VenueDisconnectedError: the venue is disconnected.
        """
        self._require_connected(f"modify of order {client_order_id}")
        require_capability(_C.MODIFY, self.capabilities, self._venue, "modify")
        working = self._working.get(client_order_id)
        if working is None:
            reason = f"order {client_order_id} is not working at {self._venue}"
            self._emit(
                OrderModifyRejected(
                    client_order_id=client_order_id, ts=self._clock_time(), reason=reason
                )
            )
            return
        ts = self._now(working.order)
        bar = self._bars.get(working.order.instrument_id)
        instrument = self._instruments[working.order.instrument_id]
        try:
            update = checked_update(
                working.terms, instrument, ts, quantity, price, trigger_price,
                last_close=None if bar is None else bar.c,
            )  # fmt: skip
        except DomainError as error:
            self._emit(
                OrderModifyRejected(client_order_id=client_order_id, ts=ts, reason=str(error))
            )
            return
        self._emit(update)

    # -- queries -------------------------------------------------------------------------

    def open_orders(self) -> Sequence[Order]:
        """Working orders, in submission order (the objects that were submitted)."""
        self._require_connected("open_orders")
        return [w.order for w in self._working.values()]

    def positions(self) -> Sequence[Position]:
        """The venue's position in every instrument (flat ones included)."""
        self._require_connected("positions")
        return list(self._account.positions.values())

    def balances(self) -> Sequence[Balance]:
        """Cash per currency: `starting_balances` moved by fills and commissions."""
        self._require_connected("balances")
        return self._account.balances()

    def order_status_reports(self, since: datetime | None = None) -> Sequence[OrderStatusReport]:
        """Every order whose last event is at or after `since`, in submission order."""
        self._require_connected("order_status_reports")
        return self._account.order_reports(since)

    def fill_reports(self, since: datetime | None = None) -> Sequence[FillReport]:
        """Every fill at or after `since`, oldest first."""
        self._require_connected("fill_reports")
        return self._account.fill_reports(since)

    def server_time(self) -> datetime:
        """The open instant of the latest bar fed (the simulation's clock).

        Raises:
            VenueError: no bar has been fed yet.
            VenueDisconnectedError: the venue is disconnected.
        """
        self._require_connected("server_time")
        if self._clock_ns is None:
            raise VenueError(f"venue {self._venue} has no time yet: no bar has been fed")
        return instant_from_ns(self._clock_ns)

    def drain_events(self) -> list[OrderEvent]:
        """Every order event since the last drain, oldest first (the event channel)."""
        events, self._events = self._events, []
        return events

    # -- the simulation ----------------------------------------------------------------

    def on_bar(
        self,
        instrument_id: InstrumentId,
        bar_open_ns: int,
        o: float,
        h: float,
        l: float,  # noqa: E741
        c: float,
        is_open_session: bool = True,
        *,
        volume: float = math.nan,
        phase: str = "all",
    ) -> list[OrderEvent]:
        """Work the orders of `instrument_id` against one bar; returns `drain_events()`.

        `bar_open_ns` is the bar's open instant (ns UTC; fills are stamped with it).
        While `is_open_session` is False nothing fills and orders keep waiting.
        `volume` caps fills only when `max_volume_share` is set (NaN: unknown, no cap).
        `phase` splits the bar so a caller can act between its open and the rest:
        "open" fills what is due at the open, a following "rest" call for the same bar
        works stops and limits on the rest of it (with what is left of its volume
        share), and "all" (the default) does both.

        Raises:
            DomainError: an instrument this venue does not know, a negative volume or
                an unknown phase.
        """
        if instrument_id not in self._instruments:
            raise DomainError(f"unknown instrument {instrument_id} at venue {self._venue}")
        if phase not in _PHASES:
            raise DomainError(
                f"invalid phase {phase!r} for a bar of {instrument_id}: expected one of "
                f"{', '.join(_PHASES)}"
            )
        bar = self._bars.get(instrument_id)
        if phase != "rest" or bar is None or bar.open_ns != int(bar_open_ns):
            budget = self._volume_budget(instrument_id, float(volume))
            prices = (float(o), float(h), float(l), float(c))
            bar = SimBar(int(bar_open_ns), *prices, bool(is_open_session), budget)
            self._bars[instrument_id] = bar
            self._clock_ns = max(bar.open_ns, self._clock_ns or bar.open_ns)
        if bar.is_open:
            at_open, rest = phase != "rest", phase != "open"
            self._matcher.work_bar(instrument_id, bar, at_open=at_open, rest=rest)
        return self.drain_events()

    def _volume_budget(self, instrument_id: InstrumentId, volume: float) -> Decimal | None:
        if volume < 0:
            raise DomainError(
                f"invalid volume {volume!r} for a bar of {instrument_id}: expected a value >= 0"
            )
        share = self._config.max_volume_share
        if share is None or not math.isfinite(volume):
            return None
        return Decimal(repr(share * volume))

    def _emit(self, event: OrderEvent) -> None:
        self._account.record(event)
        self._events.append(event)

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
        return max(order.created_at, instant_from_ns(self._clock_ns))

    def _clock_time(self) -> datetime:
        return instant_from_ns(self._clock_ns) if self._clock_ns is not None else EPOCH
