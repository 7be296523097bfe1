"""The Alpaca order object (`alpaca.trading.models.Order`) of an emulated order.

Statuses: an open order without fills is `accepted` until the first session open after
it was placed (Alpaca holds orders placed while the market is closed), then `new`;
`partially_filled`, `filled`, `canceled`, `expired` follow the market, and an order a
PATCH replaced is `replaced` (with `replaced_by` / `replaced_at`; the new one carries
`replaces`). Numbers are strings, times RFC 3339 UTC, ids UUIDs (see `wire`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from tradewind.venues.alpaca.emulator.wire import asset_uuid, dec_str, order_uuid, rfc3339
from tradewind.venues.emulation import Order, OrderStatus, TimeInForce
from tradewind.venues.emulation.hours import TradingHours

__all__ = ["ALPACA_TIF", "OrderRenderer", "ReplaceLinks"]

ALPACA_TIF: dict[TimeInForce, str] = {
    TimeInForce.GTC: "gtc",
    TimeInForce.IOC: "ioc",
    TimeInForce.FOK: "fok",
    TimeInForce.DAY: "day",
}
_STATUS: dict[OrderStatus, str] = {
    OrderStatus.NEW: "new",
    OrderStatus.PARTIALLY_FILLED: "partially_filled",
    OrderStatus.FILLED: "filled",
    OrderStatus.CANCELED: "canceled",
    OrderStatus.EXPIRED: "expired",
    OrderStatus.REJECTED: "rejected",
}
_PRICE_STEP = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class _Link:
    replaced_by: int
    replaced_at_ms: int


class ReplaceLinks:
    """Which order replaced which (the market knows only a cancel and a new order)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by: dict[int, _Link] = {}
        self._replaces: dict[int, int] = {}

    def record(self, old_id: int, new_id: int, at_ms: int) -> None:
        with self._lock:
            self._by[old_id] = _Link(new_id, at_ms)
            self._replaces[new_id] = old_id

    def replaced(self, order_id: int) -> _Link | None:
        with self._lock:
            return self._by.get(order_id)

    def replaces(self, order_id: int) -> int | None:
        with self._lock:
            return self._replaces.get(order_id)


class OrderRenderer:
    """Renders orders; `hours(symbol)` tells when each symbol trades."""

    def __init__(self, hours: Callable[[str], TradingHours], links: ReplaceLinks) -> None:
        self._hours = hours
        self.links = links

    def status(self, order: Order, now_ms: int) -> str:
        if self.links.replaced(order.order_id) is not None:
            return "replaced"
        if order.status is OrderStatus.NEW and self._held_while_closed(order, now_ms):
            return "accepted"
        return _STATUS[order.status]

    def render(self, order: Order, now_ms: int, last_fill_ms: int | None = None) -> dict[str, Any]:
        """The order object; last_fill_ms: when its latest fill happened (filled_at)."""
        link = self.links.replaced(order.order_id)
        replaces = self.links.replaces(order.order_id)
        closed_ms = order.update_time_ms
        status = order.status
        kind = order.order_type.value
        return {
            "id": order_uuid(order.order_id),
            "client_order_id": order.client_order_id,
            "created_at": rfc3339(order.time_ms),
            "updated_at": rfc3339(order.update_time_ms),
            "submitted_at": rfc3339(order.time_ms),
            "filled_at": rfc3339(last_fill_ms or closed_ms)
            if status is OrderStatus.FILLED
            else None,
            "expired_at": rfc3339(closed_ms) if status is OrderStatus.EXPIRED else None,
            "expires_at": rfc3339(self._expires_ms(order)),
            "canceled_at": (
                rfc3339(closed_ms) if status is OrderStatus.CANCELED and link is None else None
            ),
            "failed_at": None,
            "replaced_at": rfc3339(link.replaced_at_ms) if link else None,
            "replaced_by": order_uuid(link.replaced_by) if link else None,
            "replaces": order_uuid(replaces) if replaces is not None else None,
            "asset_id": asset_uuid(order.symbol),
            "symbol": order.symbol,
            "asset_class": "us_equity",
            "notional": dec_str(order.quote_order_qty),
            "qty": None if order.quote_order_qty is not None else dec_str(order.qty),
            "filled_qty": dec_str(order.executed_qty),
            "filled_avg_price": _avg_price(order),
            "order_class": "simple",
            "order_type": kind,
            "type": kind,
            "side": order.side.value.lower(),
            "position_intent": None,
            "time_in_force": ALPACA_TIF[order.tif],
            "limit_price": dec_str(order.price),
            "stop_price": dec_str(order.stop_price),
            "status": self.status(order, now_ms),
            "extended_hours": False,
            "legs": None,
            "trail_percent": None,
            "trail_price": None,
            "hwm": None,
            "subtag": None,
            "source": None,
        }

    def _held_while_closed(self, order: Order, now_ms: int) -> bool:
        if order.executed_qty > 0:
            return False
        hours = self._hours(order.symbol)
        if hours.is_open(order.time_ms):
            return False
        opens_ms = hours.next_open_ms(order.time_ms)
        return opens_ms is not None and now_ms < opens_ms

    def _expires_ms(self, order: Order) -> int | None:
        if order.tif is not TimeInForce.DAY:
            return None
        return self._hours(order.symbol).session_close_ms(order.time_ms)


def _avg_price(order: Order) -> str | None:
    if order.executed_qty <= 0:
        return None
    average = order.cumulative_quote / order.executed_qty
    return dec_str(average.quantize(_PRICE_STEP, rounding=ROUND_HALF_EVEN))
