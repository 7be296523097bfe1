"""The simulated venue's books: its copy of every order, positions, cash and fills.

Every event the venue emits is recorded here, so the reports it answers with
(`order_status_reports`, `fill_reports`, `positions`, `balances`) are derived from the
very events the caller received: reconciliation against them is exact by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from tradewind.domain.decimals import DecimalLike, to_decimal
from tradewind.domain.fill import Fill
from tradewind.domain.identifiers import ClientOrderId, InstrumentId, Venue
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_events import (
    OrderCanceled,
    OrderCancelRejected,
    OrderEvent,
    OrderFilled,
    OrderModifyRejected,
    OrderRejected,
)
from tradewind.domain.position import Position
from tradewind.domain.venue_reports import Balance, FillReport, OrderStatusReport

__all__ = ["SimAccount"]

# Answers to a request about an order that is already final change nothing.
_REQUEST_REFUSALS = (OrderCancelRejected, OrderModifyRejected)


class SimAccount:
    """Orders as the venue sees them, positions, cash per currency and every fill.

    Args:
        venue: the venue named in reports.
        instruments: tradable instruments by id (multiplier, quote currency).
        starting_balances: cash per currency at the start.
    """

    def __init__(
        self,
        venue: Venue,
        instruments: Mapping[InstrumentId, Instrument],
        starting_balances: Mapping[str, DecimalLike],
    ) -> None:
        self._venue = venue
        self._instruments = instruments
        self.positions = {iid: Position.for_instrument(i) for iid, i in instruments.items()}
        self._cash = {c: to_decimal(v) for c, v in starting_balances.items()}
        self._orders: dict[ClientOrderId, Order] = {}
        self._reasons: dict[ClientOrderId, str] = {}
        self._fills: list[tuple[OrderFilled, Order]] = []  # reports are built when asked

    def knows(self, client_order_id: ClientOrderId) -> bool:
        """Whether an order with this id was ever submitted here."""
        return client_order_id in self._orders

    def open(self, order: Order) -> Order:
        """Start the venue's own copy of a submitted order (the caller's stays untouched)."""
        copy = order.submitted_copy()
        self._orders[order.client_order_id] = copy
        return copy

    def record(self, event: OrderEvent) -> None:
        """Apply an emitted event to the venue's copy of its order and to the books."""
        order = self._orders.get(event.client_order_id)
        if order is None or (isinstance(event, _REQUEST_REFUSALS) and order.is_terminal):
            return
        order.apply(event)
        if isinstance(event, OrderRejected | OrderCanceled):
            self._reasons[event.client_order_id] = event.reason
        if isinstance(event, OrderFilled):
            self._book(order, event)

    def _book(self, order: Order, event: OrderFilled) -> None:
        instrument = self._instruments[order.instrument_id]
        self.positions[order.instrument_id].apply(Fill.from_order(order, event))
        quote = instrument.quote_currency
        notional = event.last_qty * event.last_price * instrument.multiplier
        self._move(quote, -order.side.sign * notional)
        self._move(event.commission_currency or quote, -event.commission)
        self._fills.append((event, order))

    def _move(self, currency: str, amount: Decimal) -> None:
        self._cash[currency] = self._cash.get(currency, Decimal(0)) + amount

    def balances(self) -> list[Balance]:
        """Cash per currency (starting ones and any a fill touched), sorted by currency."""
        return [Balance(currency, total) for currency, total in sorted(self._cash.items())]

    def order_reports(self, since: datetime | None) -> list[OrderStatusReport]:
        """The state of every order whose last event is at or after `since`."""
        return [
            OrderStatusReport.of_order(order, self._venue, self._reasons.get(coid, ""))
            for coid, order in self._orders.items()
            if since is None or order.last_event_at >= since
        ]

    def fill_reports(self, since: datetime | None) -> list[FillReport]:
        """Every fill at or after `since`, oldest first."""
        return [
            FillReport.of_event(
                event, venue=self._venue, instrument_id=order.instrument_id, side=order.side
            )
            for event, order in self._fills
            if since is None or event.ts >= since
        ]
