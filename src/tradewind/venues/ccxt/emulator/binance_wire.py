"""Binance spot v3 wire shapes: errors, parameters, and the JSON of symbols, orders, trades."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tradewind.venues.emulation import (
    Order,
    OrderRejectedError,
    OrderType,
    RejectReason,
    SymbolSpec,
    Trade,
)
from tradewind.venues.emulation.server import EmulatorRequest

__all__ = [
    "INTERVAL_MS",
    "BinanceError",
    "Call",
    "decimal_param",
    "fmt",
    "int_param",
    "order_json",
    "rejection_error",
    "required",
    "symbol_json",
    "trade_json",
    "wire_type",
]

INTERVAL_MS = {
    "1s": 1_000,
    "1m": 60_000,
    "3m": 180_000,
    "5m": 300_000,
    "15m": 900_000,
    "30m": 1_800_000,
    "1h": 3_600_000,
    "2h": 7_200_000,
    "4h": 14_400_000,
    "6h": 21_600_000,
    "8h": 28_800_000,
    "12h": 43_200_000,
    "1d": 86_400_000,
    "3d": 259_200_000,
    "1w": 604_800_000,
}


class BinanceError(Exception):
    """An error answer in Binance's shape {"code": ..., "msg": ...}.

    `data` (when not None) is sent as the answer's "data" member, as Binance does for a
    cancel-replace that failed in part or in whole.
    """

    def __init__(self, status: int, code: int, msg: str, data: Any = None) -> None:
        super().__init__(msg)
        self.status = status
        self.code = code
        self.msg = msg
        self.data = data


@dataclass(frozen=True, slots=True)
class Call:
    """One request as the endpoint handlers see it."""

    request: EmulatorRequest
    params: Mapping[str, str]
    account: str | None
    now_ms: int


def required(params: Mapping[str, str], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise BinanceError(
            400, -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
        )
    return value


def decimal_param(params: Mapping[str, str], name: str) -> Decimal | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise BinanceError(
            400,
            -1100,
            f"Illegal characters found in parameter '{name}'; legal range is "
            "'^([0-9]{1,20})(\\.[0-9]{1,20})?$'.",
        )
    return value


def int_param(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise BinanceError(
            400,
            -1100,
            f"Illegal characters found in parameter '{name}'; legal range is '^[0-9]+$'.",
        ) from None


_REJECTIONS: dict[RejectReason, tuple[int, str]] = {
    RejectReason.UNKNOWN_SYMBOL: (-1121, "Invalid symbol."),
    RejectReason.DUPLICATE_ORDER: (-2010, "Duplicate order sent."),
    RejectReason.INSUFFICIENT_BALANCE: (
        -2010,
        "Account has insufficient balance for requested action.",
    ),
    RejectReason.PRICE_FILTER: (-1013, "Filter failure: PRICE_FILTER"),
    RejectReason.LOT_SIZE: (-1013, "Filter failure: LOT_SIZE"),
    RejectReason.MARKET_LOT_SIZE: (-1013, "Filter failure: MARKET_LOT_SIZE"),
    RejectReason.MIN_NOTIONAL: (-1013, "Filter failure: NOTIONAL"),
    RejectReason.NO_PRICE: (-2010, "Market is closed."),
    RejectReason.WOULD_TRIGGER_IMMEDIATELY: (-2010, "Stop price would trigger immediately."),
    RejectReason.WOULD_MATCH: (-2010, "Order would immediately match and take."),
    RejectReason.BAD_PARAMETER: (-1102, "A mandatory parameter was not sent or was malformed."),
    RejectReason.UNKNOWN_ACCOUNT: (-2015, "Invalid API-key, IP, or permissions for action."),
}


def rejection_error(exc: OrderRejectedError, *, cancel: bool = False) -> BinanceError:
    """The Binance error for a market rejection (unknown orders differ for cancels)."""
    if exc.reason is RejectReason.UNKNOWN_ORDER:
        if cancel:
            return BinanceError(400, -2011, "Unknown order sent.")
        return BinanceError(400, -2013, "Order does not exist.")
    code, msg = _REJECTIONS[exc.reason]
    status = 401 if exc.reason is RejectReason.UNKNOWN_ACCOUNT else 400
    return BinanceError(status, code, msg)


def fmt(value: Decimal | None) -> str:
    """Binance's 8-decimal number string."""
    return f"{(value or Decimal(0)):.8f}"


def wire_type(order: Order) -> str:
    if order.order_type is OrderType.MARKET:
        return "MARKET"
    if order.order_type is OrderType.STOP_LIMIT:
        return "TAKE_PROFIT_LIMIT" if order.take_profit else "STOP_LOSS_LIMIT"
    return "LIMIT_MAKER" if order.limit_maker else "LIMIT"


def symbol_json(symbol: str, spec: SymbolSpec) -> dict[str, Any]:
    """One entry of exchangeInfo's `symbols`."""
    return {
        "symbol": symbol,
        "status": "TRADING",
        "baseAsset": spec.base,
        "baseAssetPrecision": 8,
        "quoteAsset": spec.quote,
        "quotePrecision": 8,
        "quoteAssetPrecision": 8,
        "baseCommissionPrecision": 8,
        "quoteCommissionPrecision": 8,
        "orderTypes": ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"],
        "icebergAllowed": False,
        "ocoAllowed": False,
        "otoAllowed": False,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": False,
        "cancelReplaceAllowed": True,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": False,
        "filters": _filters(spec),
        "permissions": [],
        "permissionSets": [["SPOT"]],
        "defaultSelfTradePreventionMode": "NONE",
        "allowedSelfTradePreventionModes": ["NONE"],
    }


def _filters(spec: SymbolSpec) -> list[dict[str, Any]]:
    lot = {"minQty": fmt(spec.min_qty), "maxQty": fmt(spec.max_qty), "stepSize": fmt(spec.lot)}
    return [
        {
            "filterType": "PRICE_FILTER",
            "minPrice": fmt(spec.price_tick),
            "maxPrice": fmt(spec.max_price),
            "tickSize": fmt(spec.price_tick),
        },
        {"filterType": "LOT_SIZE", **lot},
        {"filterType": "MARKET_LOT_SIZE", **lot},
        {
            "filterType": "NOTIONAL",
            "minNotional": fmt(spec.min_notional),
            "applyMinToMarket": True,
            "maxNotional": "9000000.00000000",
            "applyMaxToMarket": False,
            "avgPriceMins": 5,
        },
    ]


def order_json(order: Order, shape: str) -> dict[str, Any]:
    """An order as Binance answers it: shape "ACK", "RESULT" (order POST) or "QUERY" (GET)."""
    body: dict[str, Any] = {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderListId": -1,
        "clientOrderId": order.client_order_id,
    }
    if shape == "ACK":
        body["transactTime"] = order.time_ms
        return body
    body.update(
        {
            "price": fmt(order.price),
            "origQty": fmt(order.qty),
            "executedQty": fmt(order.executed_qty),
            "cummulativeQuoteQty": fmt(order.cumulative_quote),
            "status": order.status.value,
            "timeInForce": order.tif.value,
            "type": wire_type(order),
            "side": order.side.value,
        }
    )
    if order.stop_price is not None or shape == "QUERY":
        body["stopPrice"] = fmt(order.stop_price)
    working = order.working_time_ms if order.working_time_ms is not None else -1
    if shape == "QUERY":
        body.update(
            {
                "icebergQty": fmt(None),
                "time": order.time_ms,
                "updateTime": order.update_time_ms,
                "isWorking": order.working_time_ms is not None,
                "workingTime": working,
                "origQuoteOrderQty": fmt(order.quote_order_qty),
            }
        )
    else:
        body["transactTime"] = order.time_ms
        body["workingTime"] = working
        body["origQuoteOrderQty"] = fmt(order.quote_order_qty)
    body["selfTradePreventionMode"] = "NONE"
    return body


def trade_json(trade: Trade) -> dict[str, Any]:
    """One entry of myTrades."""
    return {
        "symbol": trade.symbol,
        "id": trade.trade_id,
        "orderId": trade.order_id,
        "orderListId": -1,
        "price": fmt(trade.price),
        "qty": fmt(trade.qty),
        "quoteQty": fmt(trade.quote_qty),
        "commission": fmt(trade.commission),
        "commissionAsset": trade.commission_asset,
        "time": trade.time_ms,
        "isBuyer": trade.is_buyer,
        "isMaker": trade.is_maker,
        "isBestMatch": True,
    }
