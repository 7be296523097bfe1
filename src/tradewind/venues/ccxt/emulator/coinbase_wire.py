"""Coinbase Advanced Trade wire shapes: errors, ids, times, and order / fill JSON.

Errors come in three shapes, as Coinbase answers them: `{"error", "error_details",
"message"}` (v3 request errors), `{"errors": [{"id", "message"}]}` (v2, authentication and
rate limits) and, for a refused order, HTTP 200 with `{"success": false, "error_response":
{"error", "message", "error_details", "preview_failure_reason"}}`. Order and trade ids are
UUIDs; here their last 12 hex digits carry the emulated market's integer id, so they
decode without a lookup table. Times are RFC 3339 with microseconds (`...T00:00:00.000000Z`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tradewind.venues.emulation import (
    Order,
    OrderRejectedError,
    OrderStatus,
    OrderType,
    RejectReason,
    Side,
    SymbolSpec,
    TimeInForce,
    Trade,
)
from tradewind.venues.emulation.server import EmulatorRequest

__all__ = [
    "Call",
    "CoinbaseError",
    "api_error",
    "decode_uuid",
    "errors_error",
    "fill_json",
    "iso_time",
    "order_configuration",
    "order_json",
    "order_uuid",
    "parse_decimal",
    "parse_iso_ms",
    "plain",
    "refusal",
    "rejection_error",
    "stop_direction",
    "trade_uuid",
    "wire_status",
]

_ORDER_PREFIX = "7c0e3a52-5b1d-4f6a-9e28-"
_TRADE_PREFIX = "b4d2f9e1-0a63-4c8b-8d17-"
_ID_HEX = 12


class CoinbaseError(Exception):
    """An error answer: the HTTP status and the JSON body Coinbase sends."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        super().__init__(str(body))
        self.status = status
        self.body = dict(body)


def api_error(status: int, code: str, message: str) -> CoinbaseError:
    """A v3 request error, e.g. 400 INVALID_ARGUMENT."""
    return CoinbaseError(status, {"error": code, "error_details": message, "message": message})


def errors_error(status: int, error_id: str, message: str) -> CoinbaseError:
    """A v2-style error list, e.g. 401 authentication_error or 429 rate_limit_exceeded."""
    return CoinbaseError(status, {"errors": [{"id": error_id, "message": message}]})


@dataclass(frozen=True, slots=True)
class Call:
    """One request as the handlers see it.

    params: query and JSON body merged (a repeated query key becomes a list); path_args:
    the `{name}` parts of the route; account: the authenticated api key or None.
    """

    request: EmulatorRequest
    params: Mapping[str, Any]
    account: str | None
    now_ms: int
    path_args: Mapping[str, str] = field(default_factory=dict)


def iso_time(ms: int) -> str:
    """RFC 3339 with microseconds in UTC: `2023-11-14T22:14:00.000000Z`."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso_ms(text: str, name: str) -> int:
    """Milliseconds of an RFC 3339 time; 400 INVALID_ARGUMENT naming `name` otherwise."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise api_error(400, "INVALID_ARGUMENT", f"{name}: expected an RFC 3339 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def plain(value: Decimal | None) -> str:
    """A decimal without exponent or trailing zeros (`0.5`, `100`); None is `0`."""
    if value is None:
        return "0"
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def parse_decimal(raw: Any, name: str) -> Decimal | None:
    """A non-negative finite decimal, None when absent; 400 INVALID_ARGUMENT otherwise."""
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise api_error(400, "INVALID_ARGUMENT", f"{name}: expected a decimal >= 0, got {raw!r}")
    return value


def _encode(prefix: str, number: int) -> str:
    return f"{prefix}{number:0{_ID_HEX}x}"


def order_uuid(order_id: int) -> str:
    return _encode(_ORDER_PREFIX, order_id)


def trade_uuid(trade_id: int) -> str:
    return _encode(_TRADE_PREFIX, trade_id)


def decode_uuid(text: str, *, trade: bool = False) -> int | None:
    """The integer behind an `order_uuid` (or `trade_uuid`), or None when it is not one."""
    prefix = _TRADE_PREFIX if trade else _ORDER_PREFIX
    raw = text.strip().lower()
    tail = raw[len(prefix) :]
    if not raw.startswith(prefix) or len(tail) != _ID_HEX:
        return None
    try:
        return int(tail, 16)
    except ValueError:
        return None


# -- order refusals --------------------------------------------------------------------------
# reason -> (error, preview_failure_reason, message)
_REFUSALS: dict[RejectReason, tuple[str, str, str]] = {
    RejectReason.INSUFFICIENT_BALANCE: (
        "INSUFFICIENT_FUND",
        "PREVIEW_INSUFFICIENT_FUND",
        "Insufficient balance in source account",
    ),
    RejectReason.PRICE_FILTER: (
        "INVALID_PRICE_PRECISION",
        "PREVIEW_INVALID_PRICE_PRECISION",
        "Invalid price precision",
    ),
    RejectReason.LOT_SIZE: (
        "INVALID_SIZE_PRECISION",
        "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL",
        "Invalid order size",
    ),
    RejectReason.MARKET_LOT_SIZE: (
        "INVALID_SIZE_PRECISION",
        "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL",
        "Invalid order size",
    ),
    RejectReason.MIN_NOTIONAL: (
        "UNKNOWN_FAILURE_REASON",
        "PREVIEW_INVALID_QUOTE_SIZE_TOO_SMALL",
        "Order size is too small",
    ),
    RejectReason.NO_PRICE: ("INVALID_NO_LIQUIDITY", "PREVIEW_INVALID_NO_LIQUIDITY", "No liquidity"),
    RejectReason.WOULD_MATCH: (
        "INVALID_LIMIT_PRICE_POST_ONLY",
        "PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY",
        "Limit price would take liquidity on a post-only order",
    ),
    RejectReason.UNKNOWN_SYMBOL: ("INVALID_PRODUCT_ID", "", "Invalid product_id"),
    RejectReason.BAD_PARAMETER: ("INVALID_ARGUMENT", "", "Invalid order arguments"),
}


def refusal(
    error: str, preview: str, message: str, configuration: Mapping[str, Any]
) -> dict[str, Any]:
    """The HTTP 200 body of a refused order."""
    return {
        "success": False,
        "failure_reason": "UNKNOWN_FAILURE_REASON",
        "order_id": "",
        "error_response": {
            "error": error,
            "message": message,
            "error_details": "",
            "preview_failure_reason": preview,
            "new_order_failure_reason": error,
        },
        "order_configuration": dict(configuration),
    }


def rejection_error(
    exc: OrderRejectedError, configuration: Mapping[str, Any], direction: str | None
) -> CoinbaseError:
    """The refused-order answer for a market rejection (HTTP 200, success false)."""
    if exc.reason is RejectReason.WOULD_TRIGGER_IMMEDIATELY:
        where = "ABOVE" if direction == "STOP_DIRECTION_STOP_DOWN" else "BELOW"
        preview = f"PREVIEW_STOP_PRICE_{where}_LAST_TRADE_PRICE"
        body = refusal("INVALID_STOP_PRICE", preview, str(exc), configuration)
        return CoinbaseError(200, body)
    if exc.reason is RejectReason.UNKNOWN_ACCOUNT:
        return errors_error(401, "authentication_error", "invalid api key")
    error, preview, message = _REFUSALS.get(
        exc.reason, ("UNKNOWN_FAILURE_REASON", "", "Order refused")
    )
    return CoinbaseError(200, refusal(error, preview, message, configuration))


# -- orders ----------------------------------------------------------------------------------
_STATUS = {
    OrderStatus.NEW: "OPEN",
    OrderStatus.PARTIALLY_FILLED: "OPEN",
    OrderStatus.FILLED: "FILLED",
    OrderStatus.CANCELED: "CANCELLED",
    OrderStatus.EXPIRED: "EXPIRED",
    OrderStatus.REJECTED: "FAILED",
}
_TIF = {
    TimeInForce.GTC: "GOOD_UNTIL_CANCELLED",
    TimeInForce.IOC: "IMMEDIATE_OR_CANCEL",
    TimeInForce.FOK: "FILL_OR_KILL",
}


def wire_status(order: Order) -> str:
    return _STATUS[order.status]


def stop_direction(side: Side, take_profit: bool) -> str:
    """STOP_UP triggers when the price rises to the stop (a stop-loss buy)."""
    rising = (side is Side.BUY) != take_profit
    return "STOP_DIRECTION_STOP_UP" if rising else "STOP_DIRECTION_STOP_DOWN"


def order_configuration(order: Order) -> dict[str, Any]:
    """The `order_configuration` object that places this order."""
    if order.order_type is OrderType.MARKET:
        if order.quote_order_qty is not None:
            return {"market_market_ioc": {"quote_size": plain(order.quote_order_qty)}}
        return {"market_market_ioc": {"base_size": plain(order.qty)}}
    base = {"base_size": plain(order.qty), "limit_price": plain(order.price)}
    if order.order_type is OrderType.STOP_LIMIT:
        return {
            "stop_limit_stop_limit_gtc": {
                **base,
                "stop_price": plain(order.stop_price),
                "stop_direction": stop_direction(order.side, order.take_profit),
            }
        }
    if order.tif is TimeInForce.IOC:
        return {"sor_limit_ioc": base}
    if order.tif is TimeInForce.FOK:
        return {"limit_limit_fok": base}
    return {"limit_limit_gtc": {**base, "post_only": order.limit_maker}}


def _order_type(order: Order) -> str:
    if order.order_type is OrderType.STOP_LIMIT:
        return "STOP_LIMIT"
    return "MARKET" if order.order_type is OrderType.MARKET else "LIMIT"


def _trigger_status(order: Order) -> str:
    if order.order_type is not OrderType.STOP_LIMIT:
        return "INVALID_ORDER_TYPE"
    return "STOP_PENDING" if order.working_time_ms is None else "STOP_TRIGGERED"


def order_json(
    order: Order, spec: SymbolSpec, trades: list[Trade], user_id: str, hold: Decimal
) -> dict[str, Any]:
    """One order of historical/{order_id} and historical/batch."""
    fees = sum((t.commission for t in trades), Decimal(0))
    value = order.cumulative_quote
    average = value / order.executed_qty if order.executed_qty else Decimal(0)
    after_fees = value + fees if order.side is Side.BUY else value - fees
    percent = order.executed_qty * 100 / order.qty if order.qty else Decimal(0)
    status = wire_status(order)
    return {
        "order_id": order_uuid(order.order_id),
        "product_id": order.symbol,
        "user_id": user_id,
        "order_configuration": order_configuration(order),
        "side": order.side.value,
        "client_order_id": order.client_order_id,
        "status": status,
        "time_in_force": _TIF[order.tif],
        "created_time": iso_time(order.time_ms),
        "completion_percentage": plain(round(percent, 2)),
        "filled_size": plain(order.executed_qty),
        "average_filled_price": plain(round(average, _decimals(spec.price_tick) + 4)),
        "fee": "",
        "number_of_fills": str(len(trades)),
        "filled_value": plain(value),
        "pending_cancel": False,
        "size_in_quote": order.quote_order_qty is not None,
        "total_fees": plain(fees),
        "size_inclusive_of_fees": False,
        "total_value_after_fees": plain(after_fees),
        "trigger_status": _trigger_status(order),
        "order_type": _order_type(order),
        "reject_reason": "REJECT_REASON_UNSPECIFIED",
        "settled": not order.status.is_open,
        "product_type": "SPOT",
        "reject_message": "",
        "cancel_message": "User requested cancel" if status == "CANCELLED" else "",
        "order_placement_source": "RETAIL_ADVANCED",
        "outstanding_hold_amount": plain(hold),
        "is_liquidation": False,
        "last_fill_time": iso_time(trades[-1].time_ms) if trades else None,
        "edit_history": [],
        "leverage": "",
        "margin_type": "UNKNOWN_MARGIN_TYPE",
        "retail_portfolio_id": "",
    }


def fill_json(trade: Trade, user_id: str) -> dict[str, Any]:
    """One fill of historical/fills."""
    stamp = iso_time(trade.time_ms)
    return {
        "entry_id": f"{trade.trade_id:064x}",
        "trade_id": trade_uuid(trade.trade_id),
        "order_id": order_uuid(trade.order_id),
        "trade_time": stamp,
        "trade_type": "FILL",
        "price": plain(trade.price),
        "size": plain(trade.qty),
        "commission": plain(trade.commission),
        "product_id": trade.symbol,
        "sequence_timestamp": stamp,
        "liquidity_indicator": "MAKER" if trade.is_maker else "TAKER",
        "size_in_quote": False,
        "user_id": user_id,
        "side": trade.side.value,
        "retail_portfolio_id": "",
    }


def _decimals(step: Decimal) -> int:
    return max(0, -int(step.normalize().as_tuple().exponent))
