"""The v20 side of an emulated account: orders and trades as OANDA shows them.

The toolkit market matches; these records keep what v20 adds on top (order types and
time in force, client extensions, trade ids, per-trade P&L). Times are `Ms`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tradewind.venues.oanda.emulator.instruments import InstrumentInfo
from tradewind.venues.oanda.emulator.wire import Ms, money

__all__ = ["OrderRecord", "TradeRecord", "create_fields", "order_json", "trade_json"]

_ZERO = Decimal(0)


@dataclass(slots=True)
class OrderRecord:
    """One v20 order: its request, its toolkit order and how it ended."""

    id: int
    kind: str  # MARKET, LIMIT, STOP, MARKET_IF_TOUCHED
    instrument: str
    units: Decimal  # signed: negative sells
    tif: str
    create_ms: int
    price: Decimal | None = None
    price_bound: Decimal | None = None
    gtd_ms: int | None = None
    position_fill: str = "DEFAULT"
    trigger_condition: str = "DEFAULT"
    client_ext: dict[str, str] | None = None
    trade_client_ext: dict[str, str] | None = None
    reason: str = "CLIENT_ORDER"
    close_trade_id: int | None = None
    closeout_side: str | None = None  # "long" / "short" for a position closeout
    expire_ms: int | None = None
    toolkit_id: int | None = None
    state: str = "PENDING"
    filling_txn: int | None = None
    filled_ms: int | None = None
    trade_opened_id: int | None = None
    trade_reduced_id: int | None = None
    trade_closed_ids: list[int] = field(default_factory=list)
    cancelling_txn: int | None = None
    cancelled_ms: int | None = None
    replaces: int | None = None
    replaced_by: int | None = None

    @property
    def client_id(self) -> str | None:
        return (self.client_ext or {}).get("id")

    @property
    def txn_type(self) -> str:
        return f"{self.kind}_ORDER"


@dataclass(slots=True)
class TradeRecord:
    """One v20 trade: opened by a fill, reduced and closed by later fills."""

    id: int
    instrument: str
    price: Decimal
    open_ms: int
    initial_units: Decimal
    current_units: Decimal
    margin_rate: Decimal
    client_ext: dict[str, str] | None = None
    realized_pl: Decimal = _ZERO
    closed_units: Decimal = _ZERO
    close_value: Decimal = _ZERO
    closing_txns: list[int] = field(default_factory=list)
    close_ms: int | None = None

    @property
    def is_open(self) -> bool:
        return self.current_units != 0


def order_json(order: OrderRecord, info: InstrumentInfo) -> dict[str, Any]:
    """The v20 Order definition of one order in its current state."""
    out: dict[str, Any] = {
        "id": str(order.id),
        "createTime": Ms(order.create_ms),
        "type": order.kind,
        "instrument": order.instrument,
        "units": info.units(order.units),
        "timeInForce": order.tif,
        "positionFill": order.position_fill,
        "state": order.state,
    }
    if order.client_ext:
        out["clientExtensions"] = dict(order.client_ext)
    if order.trade_client_ext:
        out["tradeClientExtensions"] = dict(order.trade_client_ext)
    if order.price is not None:
        out["price"] = info.price(order.price)
        out["triggerCondition"] = order.trigger_condition
        out["partialFill"] = "DEFAULT_FILL"
    if order.price_bound is not None:
        out["priceBound"] = info.price(order.price_bound)
    if order.gtd_ms is not None:
        out["gtdTime"] = Ms(order.gtd_ms)
    if order.close_trade_id is not None:
        out["tradeClose"] = {"tradeID": str(order.close_trade_id), "units": "ALL"}
    _order_outcome(order, out)
    return out


def _order_outcome(order: OrderRecord, out: dict[str, Any]) -> None:
    if order.filling_txn is not None:
        out["fillingTransactionID"] = str(order.filling_txn)
        out["filledTime"] = Ms(order.filled_ms or order.create_ms)
    if order.trade_opened_id is not None:
        out["tradeOpenedID"] = str(order.trade_opened_id)
    if order.trade_reduced_id is not None:
        out["tradeReducedID"] = str(order.trade_reduced_id)
    if order.trade_closed_ids:
        out["tradeClosedIDs"] = [str(i) for i in order.trade_closed_ids]
    if order.cancelling_txn is not None:
        out["cancellingTransactionID"] = str(order.cancelling_txn)
        out["cancelledTime"] = Ms(order.cancelled_ms or order.create_ms)
    if order.replaces is not None:
        out["replacesOrderID"] = str(order.replaces)
    if order.replaced_by is not None:
        out["replacedByOrderID"] = str(order.replaced_by)


def trade_json(trade: TradeRecord, info: InstrumentInfo, mark: Decimal | None) -> dict[str, Any]:
    """The v20 Trade definition; unrealized P&L and margin at `mark` (home = quote)."""
    out: dict[str, Any] = {
        "id": str(trade.id),
        "instrument": trade.instrument,
        "price": info.price(trade.price),
        "openTime": Ms(trade.open_ms),
        "state": "OPEN" if trade.is_open else "CLOSED",
        "initialUnits": info.units(trade.initial_units),
        "initialMarginRequired": money(abs(trade.initial_units) * trade.price * trade.margin_rate),
        "currentUnits": info.units(trade.current_units),
        "realizedPL": money(trade.realized_pl),
        "financing": "0.0000",
        "dividendAdjustment": "0.0000",
    }
    if trade.client_ext:
        out["clientExtensions"] = dict(trade.client_ext)
    if trade.is_open:
        price = mark if mark is not None else trade.price
        out["unrealizedPL"] = money(trade.current_units * (price - trade.price))
        out["marginUsed"] = money(abs(trade.current_units) * price * trade.margin_rate)
    else:
        out["unrealizedPL"] = "0.0000"
        out["marginUsed"] = "0.0000"
        out["closeTime"] = Ms(trade.close_ms or trade.open_ms)
    if trade.closed_units:
        out["averageClosePrice"] = info.price(trade.close_value / trade.closed_units)
    if trade.closing_txns:
        out["closingTransactionIDs"] = [str(i) for i in trade.closing_txns]
    return out


def create_fields(order: OrderRecord, info: InstrumentInfo) -> dict[str, Any]:
    """The fields of the transaction creating the order (MARKET_ORDER, LIMIT_ORDER, ...)."""
    fields: dict[str, Any] = {
        "type": order.txn_type,
        "instrument": order.instrument,
        "units": info.units(order.units),
        "timeInForce": order.tif,
        "positionFill": order.position_fill,
        "reason": order.reason,
    }
    if order.price is not None:
        fields["price"] = info.price(order.price)
        fields["triggerCondition"] = order.trigger_condition
    if order.price_bound is not None:
        fields["priceBound"] = info.price(order.price_bound)
    if order.gtd_ms is not None:
        fields["gtdTime"] = Ms(order.gtd_ms)
    if order.client_ext:
        fields["clientExtensions"] = dict(order.client_ext)
    if order.trade_client_ext:
        fields["tradeClientExtensions"] = dict(order.trade_client_ext)
    if order.close_trade_id is not None:
        fields["tradeClose"] = {"tradeID": str(order.close_trade_id), "units": "ALL"}
    if order.closeout_side is not None:
        fields[f"{order.closeout_side}PositionCloseout"] = {
            "instrument": order.instrument,
            "units": "ALL",
        }
    if order.replaces is not None:
        fields["replacesOrderID"] = str(order.replaces)
    return fields
