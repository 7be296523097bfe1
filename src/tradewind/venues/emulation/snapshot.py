"""JSON-ready snapshots of accounts, orders and trades (`EmulatedMarket.export_state`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from decimal import Decimal
from typing import Any

from tradewind.venues.emulation.book import Account, WorkingOrder
from tradewind.venues.emulation.records import (
    Order,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
    Trade,
)

__all__ = ["account_from_state", "account_state"]


def account_state(acct: Account, trades: list[Trade]) -> dict[str, Any]:
    return {
        "name": acct.name,
        "free": {k: str(v) for k, v in acct.free.items()},
        "locked": {k: str(v) for k, v in acct.locked.items()},
        "orders": [
            {
                **_record_state(w.order),
                "locked_asset": w.locked_asset,
                "locked_amount": str(w.locked_amount),
                "triggered": w.triggered,
            }
            for w in acct.orders.values()
        ],
        "trades": [_record_state(t) for t in trades],
    }


def _record_state(record: Order | Trade) -> dict[str, Any]:
    return {
        f.name: (str(v) if isinstance(v, Decimal) else v)
        for f in fields(record)
        for v in [getattr(record, f.name)]
    }


def account_from_state(raw: Mapping[str, Any]) -> tuple[Account, list[Trade]]:
    acct = Account(
        raw["name"],
        free={k: Decimal(v) for k, v in raw["free"].items()},
        locked={k: Decimal(v) for k, v in raw["locked"].items()},
    )
    for item in raw["orders"]:
        order = _order_from_state(item)
        acct.orders[order.order_id] = WorkingOrder(
            order, item["locked_asset"], Decimal(item["locked_amount"]), bool(item["triggered"])
        )
    trades = [_trade_from_state(t) for t in raw["trades"]]
    return acct, trades


def _opt_dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _order_from_state(d: Mapping[str, Any]) -> Order:
    return Order(
        order_id=int(d["order_id"]),
        client_order_id=d["client_order_id"],
        account=d["account"],
        symbol=d["symbol"],
        side=Side(d["side"]),
        order_type=OrderType(d["order_type"]),
        tif=TimeInForce(d["tif"]),
        qty=Decimal(d["qty"]),
        price=_opt_dec(d["price"]),
        stop_price=_opt_dec(d["stop_price"]),
        take_profit=bool(d["take_profit"]),
        limit_maker=bool(d["limit_maker"]),
        status=OrderStatus(d["status"]),
        executed_qty=Decimal(d["executed_qty"]),
        cumulative_quote=Decimal(d["cumulative_quote"]),
        time_ms=int(d["time_ms"]),
        update_time_ms=int(d["update_time_ms"]),
        working_time_ms=d["working_time_ms"],
        quote_order_qty=_opt_dec(d["quote_order_qty"]),
    )


def _trade_from_state(d: Mapping[str, Any]) -> Trade:
    return Trade(
        trade_id=int(d["trade_id"]),
        order_id=int(d["order_id"]),
        symbol=d["symbol"],
        side=Side(d["side"]),
        price=Decimal(d["price"]),
        qty=Decimal(d["qty"]),
        quote_qty=Decimal(d["quote_qty"]),
        commission=Decimal(d["commission"]),
        commission_asset=d["commission_asset"],
        time_ms=int(d["time_ms"]),
        is_buyer=bool(d["is_buyer"]),
        is_maker=bool(d["is_maker"]),
    )
