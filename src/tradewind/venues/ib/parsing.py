"""ib_async objects (trades, completed orders, fills, positions, account values) to the
adapter's venue records.

`VenueOrder` is one order as TWS last described it (from `openOrder`/`orderStatus` or
`completedOrder`); `VenueFill` one execution with its commission report. Numbers go
through their shortest decimal text. Orders whose type, side or time in force the
domain does not have (a trailing stop placed in TWS, ...) are left out (`None`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.domain.timestamps import ns_of
from tradewind.venues.ib.client import CompletedState
from tradewind.venues.ib.instruments import decimal_of, symbol_of
from tradewind.venues.ib.requests import IB_ORDER_TYPES, IB_TIME_IN_FORCE, parse_order_ref

__all__ = [
    "CANCELED_STATES",
    "OPEN_STATES",
    "VenueFill",
    "VenueOrder",
    "fill_from",
    "ms_of_datetime",
    "order_from",
    "parse_ib_time",
]

OPEN_STATES = frozenset(
    {"PendingSubmit", "ApiPending", "PreSubmitted", "Submitted", "PendingCancel", "ApiUpdate"}
)
"""TWS statuses of a working order."""
CANCELED_STATES = frozenset({"Cancelled", "ApiCancelled"})
_TYPES = {wire: kind for kind, wire in IB_ORDER_TYPES.items()}
_TYPES["STPLMT"] = OrderType.STOP_LIMIT
_TIFS = {wire: tif for tif, wire in IB_TIME_IN_FORCE.items()}
_SIDES = {"BUY": OrderSide.BUY, "SELL": OrderSide.SELL, "BOT": OrderSide.BUY,
          "SLD": OrderSide.SELL}  # fmt: skip
_DASHED = re.compile(r"^(\d{8})-(\d{2}:\d{2}:\d{2})$")
_SPACED = re.compile(r"^(\d{8})\s+(\d{2}:\d{2}:\d{2})(?:\s+(\S+))?$")


@dataclass(frozen=True, slots=True)
class VenueOrder:
    """One order as TWS last described it.

    Attributes:
        client_order_id, created_ms: from `orderRef` (`requests.order_ref`); created_ms
            is None for orders not placed by this adapter.
        perm_id: TWS's permanent id (the venue order id); 0 before TWS assigned it.
        order_id, client_id: the API order id and the client that placed it.
        status: TWS's status (`Submitted`, `Filled`, `Cancelled`, `Inactive`, ...).
        filled: what TWS says has filled.
        completed_ms, completed_status: when and why it completed, when TWS said.
    """

    client_order_id: str
    created_ms: int | None
    perm_id: int
    order_id: int
    client_id: int
    symbol: str
    side: OrderSide
    order_type: OrderType
    time_in_force: TimeInForce
    quantity: Decimal
    price: Decimal | None
    trigger_price: Decimal | None
    status: str
    filled: Decimal
    completed_ms: int | None = None
    completed_status: str = ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def venue_order_id(self) -> str:
        return str(self.perm_id)


@dataclass(frozen=True, slots=True)
class VenueFill:
    """One execution (`execDetails`) with its commission (`commissionReport`)."""

    trade_id: str
    perm_id: int
    client_order_id: str
    symbol: str
    side: OrderSide
    quantity: Decimal
    price: Decimal
    ts_ms: int
    commission: Decimal
    commission_currency: str


def order_from(
    trade: Any,
    *,
    filled: Any = None,
    completed: CompletedState | None = None,
    tws_zone: str = "",
) -> VenueOrder | None:
    """The `VenueOrder` of an ib_async `Trade` (open or completed); None when its side,
    type or time in force has no domain equivalent or its quantity is not positive.

    `filled` overrides the filled quantity (a completed order's `filledQuantity`).
    """
    order, contract = trade.order, trade.contract
    side = _SIDES.get(str(order.action).upper())
    kind = _TYPES.get(str(order.orderType).upper())
    tif = _TIFS.get(str(order.tif).upper() or "DAY")
    quantity = decimal_of(order.totalQuantity)
    if side is None or kind is None or tif is None or quantity is None or quantity <= 0:
        return None
    client_order_id, created_ms = parse_order_ref(str(order.orderRef or ""))
    status = trade.orderStatus
    done = decimal_of(filled if filled is not None else status.filled) or Decimal(0)
    price = decimal_of(order.lmtPrice) if kind in (OrderType.LIMIT, OrderType.STOP_LIMIT) else None
    trigger = decimal_of(order.auxPrice) if kind in (OrderType.STOP, OrderType.STOP_LIMIT) else None
    return VenueOrder(
        client_order_id=client_order_id,
        created_ms=created_ms,
        perm_id=int(order.permId or status.permId or 0),
        order_id=int(order.orderId or status.orderId or 0),
        client_id=int(order.clientId or status.clientId or 0),
        symbol=symbol_of(contract),
        side=side,
        order_type=kind,
        time_in_force=tif,
        quantity=quantity,
        price=price,
        trigger_price=trigger,
        status=str(status.status),
        filled=min(max(done, Decimal(0)), quantity),
        completed_ms=parse_ib_time(completed.completed_time, tws_zone) if completed else None,
        completed_status=completed.completed_status if completed else "",
    )


def fill_from(fill: Any) -> VenueFill | None:
    """The `VenueFill` of an ib_async `Fill`; None without a usable side, size or price."""
    execution, report = fill.execution, fill.commissionReport
    side = _SIDES.get(str(execution.side).upper())
    quantity = decimal_of(execution.shares)
    price = decimal_of(execution.price)
    if side is None or quantity is None or quantity <= 0 or price is None:
        return None
    commission = decimal_of(report.commission) if report.execId else None
    client_order_id, _ = parse_order_ref(str(execution.orderRef or ""))
    return VenueFill(
        trade_id=str(execution.execId),
        perm_id=int(execution.permId or 0),
        client_order_id=client_order_id,
        symbol=symbol_of(fill.contract),
        side=side,
        quantity=quantity,
        price=price,
        ts_ms=ms_of_datetime(execution.time),
        commission=commission or Decimal(0),
        commission_currency=str(report.currency or ""),
    )


def ms_of_datetime(value: datetime) -> int:
    """Epoch ms of an aware datetime (a naive one is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return ns_of(value) // 1_000_000


def parse_ib_time(text: str, default_zone: str = "") -> int | None:
    """Epoch ms of a TWS time text; None when empty or not understood.

    Forms: `20240304-14:31:00` (UTC), `20240304 09:31:00 America/New_York`,
    `20240304 09:31:00` (in `default_zone`, UTC when empty) and epoch seconds.
    """
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return int(text) * 1000
    dashed = _DASHED.match(text)
    if dashed:
        return _ms(dashed.group(1), dashed.group(2), "UTC")
    spaced = _SPACED.match(text)
    if spaced:
        return _ms(spaced.group(1), spaced.group(2), spaced.group(3) or default_zone or "UTC")
    return None


def _ms(day: str, clock: str, zone: str) -> int | None:
    try:
        tz = UTC if zone.upper() in ("UTC", "GMT") else ZoneInfo(zone)
        moment = datetime.strptime(f"{day} {clock}", "%Y%m%d %H:%M:%S").replace(tzinfo=tz)
    except (ValueError, ZoneInfoNotFoundError):
        return None
    return ms_of_datetime(moment)
