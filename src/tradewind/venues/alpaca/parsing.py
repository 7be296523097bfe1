"""Alpaca's JSON payloads (as alpaca-py returns them raw) to typed records.

Numbers arrive as strings and are read as `Decimal`; instants are RFC 3339 (up to
nanoseconds) and are kept as ms since the epoch. A payload missing a field the adapter
needs raises `VenueError` naming the field, so a bad answer never becomes a wrong order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.domain.venue_errors import VenueError
from tradewind.venues.alpaca.client_ids import read_client_id

__all__ = [
    "CLOSED_STATUSES",
    "AlpacaFill",
    "AlpacaOrder",
    "ms_of_rfc3339",
    "parse_fill",
    "parse_order",
    "to_decimal",
]

_TYPES = {t.value: t for t in OrderType}
_TIFS = {t.value: t for t in TimeInForce}
_RFC3339 = re.compile(
    r"^(?P<base>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})(?:\.(?P<frac>\d+))?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
CLOSED_STATUSES = frozenset({"filled", "canceled", "expired", "rejected", "replaced"})
"""Alpaca order statuses after which an order never changes again."""


@dataclass(frozen=True, slots=True)
class AlpacaOrder:
    """An order as Alpaca reports it.

    `status` is Alpaca's (new, accepted, pending_new, partially_filled, filled,
    canceled, expired, rejected, replaced, done_for_day, pending_cancel, ...).
    Instants are ms since the epoch; `ended_ms` is when it was canceled, expired,
    failed or replaced (None while it works). `client_order_id` is the domain client
    order id (`client_ids`: our prefix taken off); `ours` says it had the prefix, so
    this adapter sent it.
    """

    venue_order_id: str
    client_order_id: str
    symbol: str
    side: OrderSide
    order_type: OrderType
    time_in_force: TimeInForce
    quantity: Decimal
    filled: Decimal
    avg_price: Decimal | None
    price: Decimal | None
    trigger_price: Decimal | None
    status: str
    created_ms: int
    updated_ms: int
    ended_ms: int | None = None
    replaced_by: str | None = None
    replaces: str | None = None
    ours: bool = False

    @property
    def is_open(self) -> bool:
        """Still working at the venue (not in a final status)."""
        return self.status not in CLOSED_STATUSES


@dataclass(frozen=True, slots=True)
class AlpacaFill:
    """One FILL account activity: an execution of one of our orders.

    The activity id (`20240304143000000::<uuid>`) is the trade id; Alpaca orders
    activity ids by time, so they also serve as the polling cursor.
    """

    trade_id: str
    venue_order_id: str
    symbol: str
    side: OrderSide
    quantity: Decimal
    price: Decimal
    ts_ms: int


def parse_order(payload: Any) -> AlpacaOrder:
    """An order payload (`POST/GET /v2/orders...`) as an `AlpacaOrder`.

    Raises:
        VenueError: a required field missing or malformed (named).
    """
    row = _mapping(payload, "order")
    where = f"order {row.get('id')!r}"
    kind = _text(row, "type", where) if row.get("type") else _text(row, "order_type", where)
    order_type = _TYPES.get(kind.lower())
    if order_type is None:
        raise VenueError(f"invalid {where}: type {kind!r} is not market, limit, stop or stop_limit")
    tif_text = _text(row, "time_in_force", where).lower()
    # opg / cls orders are day orders as far as the port goes
    tif = _TIFS.get(tif_text) or (TimeInForce.DAY if tif_text in ("opg", "cls") else None)
    if tif is None:
        raise VenueError(f"invalid {where}: time_in_force {tif_text!r} is not known")
    filled = to_decimal(row.get("filled_qty") or "0", f"filled_qty of {where}")
    qty_raw = row.get("qty")
    quantity = filled if qty_raw in (None, "") else to_decimal(qty_raw, f"qty of {where}")
    ended = [row.get(k) for k in ("canceled_at", "expired_at", "failed_at", "replaced_at")]
    ended_ms = next((ms_of_rfc3339(v, where) for v in ended if v), None)
    client_order_id, ours = read_client_id(str(row.get("client_order_id") or ""))
    return AlpacaOrder(
        venue_order_id=_text(row, "id", where),
        client_order_id=client_order_id,
        symbol=_text(row, "symbol", where),
        side=_side(_text(row, "side", where), where),
        order_type=order_type,
        time_in_force=tif,
        quantity=quantity,
        filled=filled,
        avg_price=_optional_decimal(row, "filled_avg_price", where),
        price=_optional_decimal(row, "limit_price", where),
        trigger_price=_optional_decimal(row, "stop_price", where),
        status=_text(row, "status", where).lower(),
        created_ms=ms_of_rfc3339(row.get("submitted_at") or row.get("created_at"), where),
        updated_ms=ms_of_rfc3339(row.get("updated_at") or row.get("created_at"), where),
        ended_ms=ended_ms,
        replaced_by=_optional_text(row, "replaced_by"),
        replaces=_optional_text(row, "replaces"),
        ours=ours,
    )


def parse_fill(payload: Any) -> AlpacaFill:
    """A FILL activity (`GET /v2/account/activities`) as an `AlpacaFill`.

    Raises:
        VenueError: a required field missing or malformed (named).
    """
    row = _mapping(payload, "activity")
    where = f"fill activity {row.get('id')!r}"
    return AlpacaFill(
        trade_id=_text(row, "id", where),
        venue_order_id=_text(row, "order_id", where),
        symbol=_text(row, "symbol", where),
        side=_side(_text(row, "side", where), where),
        quantity=to_decimal(row.get("qty"), f"qty of {where}"),
        price=to_decimal(row.get("price"), f"price of {where}"),
        ts_ms=ms_of_rfc3339(row.get("transaction_time"), where),
    )


def ms_of_rfc3339(value: Any, where: str = "payload") -> int:
    """ms since the epoch of an RFC 3339 instant (`Z` or an offset; naive is UTC).

    Raises:
        VenueError: not an RFC 3339 instant.
    """
    if isinstance(value, datetime):
        instant = value if value.tzinfo else value.replace(tzinfo=UTC)
        return int(instant.timestamp() * 1000)
    match = _RFC3339.match(str(value).strip()) if isinstance(value, str) else None
    if match is None:
        raise VenueError(f"invalid instant {value!r} in {where}: expected RFC 3339")
    frac = (match.group("frac") or "")[:6].ljust(6, "0")
    tz = match.group("tz") or "Z"
    tz = "+00:00" if tz == "Z" else (tz if ":" in tz else f"{tz[:3]}:{tz[3:]}")
    instant = datetime.fromisoformat(f"{match.group('base')}.{frac}{tz}")
    return int(instant.timestamp() * 1_000_000) // 1000


def to_decimal(value: Any, field: str) -> Decimal:
    """A finite `Decimal` from a JSON number or numeric string.

    Raises:
        VenueError: missing, not numeric, or not finite (naming `field`).
    """
    if isinstance(value, bool) or value is None:
        raise VenueError(f"invalid {field}: {value!r} is not a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise VenueError(f"invalid {field}: {value!r} is not a number") from None
    if not number.is_finite():
        raise VenueError(f"invalid {field}: {value!r} is not finite")
    return number


def _mapping(payload: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(payload, Mapping):
        raise VenueError(
            f"invalid {what} payload: expected an object, got {type(payload).__name__}"
        )
    return payload


def _text(row: Mapping[str, Any], name: str, where: str) -> str:
    value = row.get(name)
    if value is None or value == "":
        raise VenueError(f"invalid {where}: {name} is missing")
    return str(value)


def _optional_text(row: Mapping[str, Any], name: str) -> str | None:
    value = row.get(name)
    return None if value in (None, "") else str(value)


def _optional_decimal(row: Mapping[str, Any], name: str, where: str) -> Decimal | None:
    value = row.get(name)
    return None if value in (None, "") else to_decimal(value, f"{name} of {where}")


def _side(text: str, where: str) -> OrderSide:
    lowered = text.lower()
    if lowered == "buy":
        return OrderSide.BUY
    if lowered in ("sell", "sell_short"):
        return OrderSide.SELL
    raise VenueError(f"invalid {where}: side {text!r} is not buy or sell")
