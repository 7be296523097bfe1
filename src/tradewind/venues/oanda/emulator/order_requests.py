"""Parsing a v20 order request (MarketOrderRequest, LimitOrderRequest, ...) into records.

A request that v20 would refuse with a reject transaction raises `RequestRejectedError` (its
rejectReason and message); a malformed body raises `OandaError` 400 without one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tradewind.venues.emulation import NewOrder, OrderType, Side, TimeInForce
from tradewind.venues.oanda.emulator.instruments import InstrumentInfo
from tradewind.venues.oanda.emulator.records import OrderRecord
from tradewind.venues.oanda.emulator.wire import OandaError, decimal_field, parse_time

__all__ = ["KINDS", "RequestRejectedError", "parse_order", "toolkit_order"]

KINDS = ("MARKET", "LIMIT", "STOP", "MARKET_IF_TOUCHED")
_TIF = {
    "MARKET": ("FOK", ("FOK", "IOC")),
    "LIMIT": ("GTC", ("GTC", "GTD", "GFD", "FOK", "IOC")),
    "STOP": ("GTC", ("GTC", "GTD", "GFD")),
    "MARKET_IF_TOUCHED": ("GTC", ("GTC", "GTD", "GFD")),
}
_TRIGGERS = ("DEFAULT", "INVERSE", "BID", "ASK", "MID")
_NOT_EMULATED = (
    "takeProfitOnFill",
    "stopLossOnFill",
    "trailingStopLossOnFill",
    "guaranteedStopLossOnFill",
)
_NEW_YORK = ZoneInfo("America/New_York")


class RequestRejectedError(Exception):
    """An order request v20 refuses with a reject transaction (reason = rejectReason)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def parse_order(
    spec: Mapping[str, Any],
    instruments: Mapping[str, InstrumentInfo],
    order_id: int,
    now_ms: int,
) -> OrderRecord:
    """The order record a request describes; raises RequestRejectedError or OandaError 400."""
    kind = str(spec.get("type") or "MARKET")
    if kind not in KINDS:
        raise OandaError(
            400, f"Invalid value specified for 'order.type': {kind} is not emulated (use {KINDS})"
        )
    for name in _NOT_EMULATED:
        if spec.get(name) is not None:
            raise OandaError(400, f"'order.{name}' is not supported by the emulator")
    info = _instrument(spec, instruments)
    units = _units(spec, info)
    tif = _tif(spec, kind)
    record = OrderRecord(
        id=order_id,
        kind=kind,
        instrument=info.name,
        units=units,
        tif=tif,
        create_ms=now_ms,
        price=_price(spec, info, "price") if kind != "MARKET" else None,
        price_bound=_bound(spec, info),
        gtd_ms=_gtd(spec, tif, now_ms),
        position_fill=_position_fill(spec),
        trigger_condition=_trigger(spec, kind),
        client_ext=_extensions(spec, "clientExtensions"),
        trade_client_ext=_extensions(spec, "tradeClientExtensions"),
    )
    record.expire_ms = record.gtd_ms if tif == "GTD" else _gfd_expiry(now_ms, tif)
    return record


def toolkit_order(record: OrderRecord, *, as_market: bool = False) -> NewOrder:
    """The toolkit command for an order (as_market: a stop whose price is already passed)."""
    side = Side.BUY if record.units > 0 else Side.SELL
    qty = abs(record.units)
    client_id = record.client_id
    if record.kind == "MARKET" or as_market:
        tif = TimeInForce.IOC if record.tif == "IOC" else TimeInForce.FOK
        return NewOrder(
            record.instrument, side, OrderType.MARKET, qty, tif=tif, client_order_id=client_id
        )
    if record.kind == "LIMIT":
        tif = {"FOK": TimeInForce.FOK, "IOC": TimeInForce.IOC}.get(record.tif, TimeInForce.GTC)
        return NewOrder(
            record.instrument,
            side,
            OrderType.LIMIT,
            qty,
            price=record.price,
            tif=tif,
            client_order_id=client_id,
        )
    return NewOrder(
        record.instrument,
        side,
        OrderType.STOP,
        qty,
        stop_price=record.price,
        client_order_id=client_id,
        take_profit=record.kind == "MARKET_IF_TOUCHED",
    )


def _instrument(
    spec: Mapping[str, Any], instruments: Mapping[str, InstrumentInfo]
) -> InstrumentInfo:
    name = spec.get("instrument")
    if not name:
        raise RequestRejectedError("INSTRUMENT_MISSING", "Order instrument is missing")
    info = instruments.get(str(name))
    if info is None:
        raise RequestRejectedError("INSTRUMENT_UNKNOWN", f"Order instrument {name} is unknown")
    return info


def _units(spec: Mapping[str, Any], info: InstrumentInfo) -> Decimal:
    if spec.get("units") in (None, ""):
        raise RequestRejectedError("UNITS_MISSING", "Order units are missing")
    try:
        units = decimal_field(spec, "units", "order")
    except OandaError:
        raise RequestRejectedError("UNITS_INVALID", "Order units are invalid") from None
    if units is None or units == 0:
        raise RequestRejectedError(
            "UNITS_INVALID", "Order units are invalid: expected a non-zero number"
        )
    if units != units.quantize(Decimal(1).scaleb(-info.trade_units_precision)):
        raise RequestRejectedError(
            "UNITS_PRECISION_EXCEEDED",
            f"Order units {units} exceed the precision of {info.trade_units_precision} decimals",
        )
    if abs(units) < info.minimum_trade_size:
        raise RequestRejectedError(
            "UNITS_MINIMUM_NOT_MET", f"Order units are below the minimum {info.minimum_trade_size}"
        )
    if abs(units) > info.maximum_order_units:
        raise RequestRejectedError(
            "UNITS_LIMIT_EXCEEDED", f"Order units exceed the maximum {info.maximum_order_units}"
        )
    return units


def _price(spec: Mapping[str, Any], info: InstrumentInfo, name: str) -> Decimal:
    if spec.get(name) in (None, ""):
        raise RequestRejectedError("PRICE_MISSING", "Order price is missing")
    try:
        price = decimal_field(spec, name, "order")
    except OandaError:
        raise RequestRejectedError("PRICE_INVALID", "Order price is invalid") from None
    if price is None or price <= 0:
        raise RequestRejectedError("PRICE_INVALID", "Order price is invalid: expected > 0")
    if price != price.quantize(Decimal(1).scaleb(-info.display_precision)):
        raise RequestRejectedError(
            "PRICE_PRECISION_EXCEEDED",
            f"Order price {price} exceeds the precision of {info.display_precision} decimals",
        )
    return price


def _bound(spec: Mapping[str, Any], info: InstrumentInfo) -> Decimal | None:
    if spec.get("priceBound") in (None, ""):
        return None
    try:
        return _price(spec, info, "priceBound")
    except RequestRejectedError as exc:
        raise RequestRejectedError(
            exc.reason.replace("PRICE_", "PRICE_BOUND_"), exc.message
        ) from None


def _tif(spec: Mapping[str, Any], kind: str) -> str:
    default, allowed = _TIF[kind]
    tif = str(spec.get("timeInForce") or default)
    if tif not in allowed:
        raise RequestRejectedError(
            "TIME_IN_FORCE_INVALID", f"timeInForce {tif} is not allowed for {kind} orders"
        )
    return tif


def _gtd(spec: Mapping[str, Any], tif: str, now_ms: int) -> int | None:
    if tif != "GTD":
        return None
    raw = spec.get("gtdTime")
    if not raw:
        raise RequestRejectedError(
            "TIME_IN_FORCE_GTD_TIMESTAMP_MISSING", "gtdTime is required for GTD"
        )
    gtd_ms = parse_time("order.gtdTime", str(raw))
    if gtd_ms <= now_ms:
        raise RequestRejectedError("TIME_IN_FORCE_GTD_TIMESTAMP_IN_PAST", "gtdTime is in the past")
    return gtd_ms


def _gfd_expiry(now_ms: int, tif: str) -> int | None:
    """GFD orders expire at the next 17:00 America/New_York (the end of the trading day)."""
    if tif != "GFD":
        return None
    local = datetime.fromtimestamp(now_ms / 1000, tz=UTC).astimezone(_NEW_YORK)
    close = local.replace(hour=17, minute=0, second=0, microsecond=0)
    if close <= local:
        close = (close.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=_NEW_YORK)
    return int(close.timestamp() * 1000)


def _position_fill(spec: Mapping[str, Any]) -> str:
    fill = str(spec.get("positionFill") or "DEFAULT")
    if fill not in ("DEFAULT", "REDUCE_FIRST"):
        raise OandaError(
            400, f"Invalid value specified for 'order.positionFill': {fill} is not emulated"
        )
    return fill


def _trigger(spec: Mapping[str, Any], kind: str) -> str:
    trigger = str(spec.get("triggerCondition") or "DEFAULT")
    if trigger not in _TRIGGERS:
        raise OandaError(400, "Invalid value specified for 'order.triggerCondition'")
    return trigger if kind != "MARKET" else "DEFAULT"


def _extensions(spec: Mapping[str, Any], name: str) -> dict[str, str] | None:
    raw = spec.get(name)
    if raw is None:
        return None
    if not isinstance(raw, dict) or any(k not in ("id", "tag", "comment") for k in raw):
        raise OandaError(400, f"Invalid value specified for 'order.{name}'")
    if len(str(raw.get("id", ""))) > 128:
        raise RequestRejectedError(
            "CLIENT_ORDER_ID_INVALID", "clientExtensions.id is longer than 128"
        )
    return {k: str(v) for k, v in raw.items()}
