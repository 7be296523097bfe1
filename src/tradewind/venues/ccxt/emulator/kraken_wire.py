"""Kraken spot REST wire shapes: errors, ids, pair and asset names, and order/trade JSON.

Kraken answers HTTP 200 with `{"error": [...], "result": ...}`; an error is a string such
as `EOrder:Insufficient funds`. Legacy asset codes carry an X (crypto) or Z (fiat) prefix
(`XXBT`, `ZUSD`) that their altnames drop (`XBT`, `USD`); a pair id joins two codes
(`XXBTZUSD`), its altname the two altnames (`XBTUSD`). Order ids look like
`OABCDE-FGHIJ-KLMNOP` and trade ids like `TABCDE-FGHIJ-KLMNOP`; here they encode the
emulated market's integer ids, so they decode back without a lookup table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tradewind.venues.emulation import (
    NewOrder,
    Order,
    OrderRejectedError,
    OrderStatus,
    OrderType,
    RejectReason,
    SymbolSpec,
    Trade,
)
from tradewind.venues.emulation.server import EmulatorRequest

__all__ = [
    "Call",
    "KrakenError",
    "asset_altname",
    "client_id_of",
    "decimals_of",
    "decode_id",
    "description",
    "encode_id",
    "fmt",
    "order_json",
    "pair_altname",
    "parse_decimal",
    "rejection_error",
    "trade_json",
    "wire_type",
]

_ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ID_DIGITS = 16


class KrakenError(Exception):
    """An error answer: Kraken's `error` list with one message, and the HTTP status."""

    def __init__(self, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True, slots=True)
class Call:
    """One request as the endpoint handlers see it (params from query or body)."""

    request: EmulatorRequest
    params: Mapping[str, Any]
    account: str | None
    now_ms: int


def asset_altname(code: str) -> str:
    """`XXBT` -> `XBT`, `ZUSD` -> `USD`; other codes are their own altname."""
    if len(code) == 4 and code[0] in "XZ":
        return code[1:]
    return code


def pair_altname(spec: SymbolSpec) -> str:
    return asset_altname(spec.base) + asset_altname(spec.quote)


def decimals_of(step: Decimal) -> int:
    """The number of decimals of a tick or lot (0.1 -> 1, 0.00000001 -> 8, 1 -> 0)."""
    exponent = step.normalize().as_tuple().exponent
    return max(0, -int(exponent))


def fmt(value: Decimal | None, decimals: int) -> str:
    return f"{(value or Decimal(0)):.{decimals}f}"


def encode_id(prefix: str, number: int) -> str:
    """`O` + 16 base-36 digits of `number`, grouped 5-5-6 as Kraken's txids are (6-5-6)."""
    digits = []
    for _ in range(_ID_DIGITS):
        number, rest = divmod(number, len(_ID_ALPHABET))
        digits.append(_ID_ALPHABET[rest])
    text = "".join(reversed(digits))
    return f"{prefix}{text[:5]}-{text[5:10]}-{text[10:]}"


def decode_id(prefix: str, txid: str) -> int | None:
    """The integer behind an `encode_id` text, or None when it is not one."""
    raw = txid.strip().upper()
    if len(raw) != 1 + _ID_DIGITS + 2 or not raw.startswith(prefix) or raw.count("-") != 2:
        return None
    number = 0
    for char in raw[1:].replace("-", ""):
        index = _ID_ALPHABET.find(char)
        if index < 0:
            return None
        number = number * len(_ID_ALPHABET) + index
    return number


def parse_decimal(params: Mapping[str, Any], name: str) -> Decimal | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise KrakenError(f"EGeneral:Invalid arguments:{name}")
    return value


_REJECTIONS: dict[RejectReason, str] = {
    RejectReason.UNKNOWN_SYMBOL: "EQuery:Unknown asset pair",
    RejectReason.UNKNOWN_ORDER: "EOrder:Unknown order",
    RejectReason.DUPLICATE_ORDER: "EOrder:Duplicate order",
    RejectReason.INSUFFICIENT_BALANCE: "EOrder:Insufficient funds",
    RejectReason.LOT_SIZE: "EOrder:Order minimum not met",
    RejectReason.MARKET_LOT_SIZE: "EOrder:Order minimum not met",
    RejectReason.MIN_NOTIONAL: "EOrder:Cost minimum not met",
    RejectReason.NO_PRICE: "EService:Market in cancel_only mode",
    RejectReason.WOULD_TRIGGER_IMMEDIATELY: "EOrder:Invalid price:Invalid price argument",
    RejectReason.WOULD_MATCH: "EOrder:Post only order",
    RejectReason.BAD_PARAMETER: "EGeneral:Invalid arguments",
    RejectReason.UNKNOWN_ACCOUNT: "EAPI:Invalid key",
}


def rejection_error(exc: OrderRejectedError, spec: SymbolSpec | None = None) -> KrakenError:
    """The Kraken error for a market rejection."""
    if exc.reason is RejectReason.PRICE_FILTER and spec is not None:
        decimals = decimals_of(spec.price_tick)
        return KrakenError(
            f"EOrder:Invalid price:{pair_altname(spec)} price can only be specified up to "
            f"{decimals} decimals."
        )
    if exc.reason is RejectReason.PRICE_FILTER:
        return KrakenError("EOrder:Invalid price:Invalid price argument")
    return KrakenError(_REJECTIONS[exc.reason])


_STATUS = {
    OrderStatus.NEW: "open",
    OrderStatus.PARTIALLY_FILLED: "open",
    OrderStatus.FILLED: "closed",
    OrderStatus.CANCELED: "canceled",
    OrderStatus.REJECTED: "canceled",
    OrderStatus.EXPIRED: "expired",
}


def wire_type(order: Order) -> str:
    """Kraken's ordertype of an order (`limit`, `market`, `stop-loss-limit`, ...)."""
    return _wire_type(order.order_type, order.take_profit)


def _wire_type(order_type: OrderType, take_profit: bool) -> str:
    if order_type is OrderType.MARKET:
        return "market"
    if order_type is OrderType.STOP_LIMIT:
        return "take-profit-limit" if take_profit else "stop-loss-limit"
    return "limit"


def description(order: Order | NewOrder, spec: SymbolSpec) -> dict[str, str]:
    """The `descr` object, its `order` sentence as Kraken writes it."""
    px = decimals_of(spec.price_tick)
    pair = pair_altname(spec)
    side = order.side.value.lower()
    head = f"{side} {fmt(order.qty or order.quote_order_qty, 8)} {pair} @ "
    if order.order_type is OrderType.MARKET:
        price, price2, tail = "0", "0", "market"
    elif order.order_type is OrderType.STOP_LIMIT:
        price, price2 = fmt(order.stop_price, px), fmt(order.price, px)
        words = "take profit" if order.take_profit else "stop loss"
        tail = f"{words} {price} -> limit {price2}"
    else:
        price, price2, tail = fmt(order.price, px), "0", f"limit {fmt(order.price, px)}"
    return {
        "pair": pair,
        "type": side,
        "ordertype": _wire_type(order.order_type, order.take_profit),
        "price": price,
        "price2": price2,
        "leverage": "none",
        "order": head + tail,
        "close": "",
    }


def client_id_of(order: Order) -> str | None:
    """The client's cl_ord_id, or None when the market named the order itself."""
    if order.client_order_id == f"emu-{order.order_id}":
        return None
    return order.client_order_id


def order_json(
    order: Order,
    spec: SymbolSpec,
    *,
    userref: int | None,
    fee: Decimal,
    trade_ids: list[str] | None,
    close_ms: int | None,
) -> dict[str, Any]:
    """One order of OpenOrders / ClosedOrders / QueryOrders."""
    px = decimals_of(spec.price_tick)
    average = order.cumulative_quote / order.executed_qty if order.executed_qty else None
    body: dict[str, Any] = {
        "refid": None,
        "userref": userref,
        "cl_ord_id": client_id_of(order),
        "status": _STATUS[order.status],
        "opentm": order.time_ms / 1000,
        "starttm": 0,
        "expiretm": 0,
        "descr": description(order, spec),
        "vol": fmt(order.qty, 8),
        "vol_exec": fmt(order.executed_qty, 8),
        "cost": fmt(order.cumulative_quote, 5),
        "fee": fmt(fee, 5),
        "price": fmt(average, px),
        "stopprice": fmt(order.stop_price, px),
        "limitprice": fmt(order.price, px),
        "misc": "",
        "oflags": "fciq,post" if order.limit_maker else "fciq",
    }
    if close_ms is not None:
        body["closetm"] = close_ms / 1000
        body["reason"] = "User requested" if order.status is OrderStatus.CANCELED else None
    if trade_ids:
        body["trades"] = trade_ids
    return body


def trade_json(trade: Trade, order: Order, spec: SymbolSpec, pair_id: str) -> dict[str, Any]:
    """One trade of TradesHistory / QueryTrades."""
    px = decimals_of(spec.price_tick)
    return {
        "ordertxid": encode_id("O", trade.order_id),
        "postxid": encode_id("P", trade.trade_id),
        "pair": pair_id,
        "time": trade.time_ms / 1000,
        "type": trade.side.value.lower(),
        "ordertype": wire_type(order),
        "price": fmt(trade.price, px),
        "cost": fmt(trade.quote_qty, 5),
        "fee": fmt(trade.commission, 5),
        "vol": fmt(trade.qty, 8),
        "margin": "0.00000",
        "leverage": "0",
        "misc": "",
        "trade_id": trade.trade_id,
        "maker": trade.is_maker,
    }
