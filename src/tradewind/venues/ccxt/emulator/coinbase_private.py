"""Coinbase private endpoints: accounts (v2 and v3), order entry, cancels, order and fill queries.

Order configurations: `market_market_ioc` (`base_size`, or `quote_size` to spend quote),
`limit_limit_gtc` (`post_only`), `sor_limit_ioc`, `limit_limit_fok` and
`stop_limit_stop_limit_gtc` (`stop_direction` STOP_UP triggers as the price rises to
`stop_price`, STOP_DOWN as it falls). GTD, bracket and TWAP configurations are refused with
UNSUPPORTED_ORDER_CONFIGURATION. A `client_order_id` already used by the account answers
with that first order, as Coinbase does (so the `duplicate_ack` fault adds nothing); the
`reject` fault refuses an order with UNKNOWN_FAILURE_REASON. Listings are newest first and
page with `limit` and an opaque `cursor`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from tradewind.venues.ccxt.emulator.coinbase_public import PublicEndpoints, is_fiat
from tradewind.venues.ccxt.emulator.coinbase_wire import (
    Call,
    CoinbaseError,
    api_error,
    decode_uuid,
    fill_json,
    iso_time,
    order_json,
    order_uuid,
    parse_decimal,
    parse_iso_ms,
    plain,
    refusal,
    rejection_error,
    wire_status,
)
from tradewind.venues.emulation import (
    EmulatedMarket,
    FaultKind,
    NewOrder,
    Order,
    OrderRejectedError,
    OrderType,
    Side,
    TimeInForce,
    Trade,
)

__all__ = ["PrivateEndpoints", "portfolio_id", "user_id"]

_T = TypeVar("_T")
_DEFAULT_LIMIT = 100
_MAX_LIMIT = 1000
_USER_NAMESPACE = uuid.UUID("9a3c5e7f-1b2d-4e6f-8a0b-2c4d6e8f0a1b")
# configuration -> (order type, time in force)
_CONFIGS = {
    "market_market_ioc": (OrderType.MARKET, TimeInForce.IOC),
    "limit_limit_gtc": (OrderType.LIMIT, TimeInForce.GTC),
    "sor_limit_ioc": (OrderType.LIMIT, TimeInForce.IOC),
    "limit_limit_fok": (OrderType.LIMIT, TimeInForce.FOK),
    "stop_limit_stop_limit_gtc": (OrderType.STOP_LIMIT, TimeInForce.GTC),
}
_DIRECTIONS = ("STOP_DIRECTION_STOP_UP", "STOP_DIRECTION_STOP_DOWN")


def user_id(account: str) -> str:
    """The stable user UUID of an api key's account."""
    return str(uuid.uuid5(_USER_NAMESPACE, account))


def portfolio_id(account: str) -> str:
    """The stable UUID of an api key's (one, default) portfolio."""
    return str(uuid.uuid5(_USER_NAMESPACE, f"{account}/portfolio"))


class PrivateEndpoints:
    """Handlers of the signed endpoints; `call.account` is the authenticated api key."""

    def __init__(self, market: EmulatedMarket, public: PublicEndpoints) -> None:
        self.market = market
        self.public = public

    # -- accounts ------------------------------------------------------------------------
    def accounts_v2(self, call: Call) -> Any:
        account = _acct(call)
        data = []
        for asset, free, locked in self._holdings(account):
            account_id = str(uuid.uuid5(_USER_NAMESPACE, f"{account}/{asset}"))
            data.append(
                {
                    "id": account_id,
                    "name": f"{asset} Wallet",
                    "primary": asset == "USD",
                    "type": "fiat" if is_fiat(asset) else "wallet",
                    "currency": {"code": asset, "name": asset, "type": _kind(asset)},
                    "balance": {"amount": plain(free + locked), "currency": asset},
                    "created_at": iso_time(0)[:19] + "Z",
                    "updated_at": iso_time(call.now_ms)[:19] + "Z",
                    "resource": "account",
                    "resource_path": f"/v2/accounts/{account_id}",
                    "allow_deposits": True,
                    "allow_withdrawals": True,
                }
            )
        return {"pagination": {"next_starting_after": None, "limit": len(data)}, "data": data}

    def accounts_v3(self, call: Call) -> Any:
        account = _acct(call)
        rows = []
        for asset, free, locked in self._holdings(account):
            rows.append(
                {
                    "uuid": str(uuid.uuid5(_USER_NAMESPACE, f"{account}/{asset}")),
                    "name": f"{asset} Wallet",
                    "currency": asset,
                    "available_balance": {"value": plain(free), "currency": asset},
                    "default": True,
                    "active": True,
                    "created_at": iso_time(0),
                    "updated_at": iso_time(call.now_ms),
                    "deleted_at": None,
                    "type": "ACCOUNT_TYPE_FIAT" if is_fiat(asset) else "ACCOUNT_TYPE_CRYPTO",
                    "ready": True,
                    "hold": {"value": plain(locked), "currency": asset},
                    "retail_portfolio_id": portfolio_id(account),
                }
            )
        return {"accounts": rows, "has_next": False, "cursor": "", "size": len(rows)}

    def transaction_summary(self, call: Call) -> Any:
        trades = self.market.trades(_acct(call))
        volume = sum((t.quote_qty for t in trades), Decimal(0))
        fees = sum((t.commission for t in trades), Decimal(0))
        rate = plain(self.market.config.commission_bps / Decimal(10_000))
        return {
            "total_volume": float(volume),
            "total_fees": float(fees),
            "fee_tier": {
                "pricing_tier": "Emulated",
                "usd_from": "0",
                "usd_to": "10000",
                "taker_fee_rate": rate,
                "maker_fee_rate": rate,
                "aop_from": "",
                "aop_to": "",
            },
            "margin_rate": None,
            "goods_and_services_tax": None,
            "advanced_trade_only_volume": float(volume),
            "advanced_trade_only_fees": float(fees),
            "coinbase_pro_volume": 0,
            "coinbase_pro_fees": 0,
        }

    # -- order entry -----------------------------------------------------------------------
    def create_order(self, call: Call) -> Any:
        account = _acct(call)
        configuration = call.params.get("order_configuration")
        new, direction = self._new_order(call)
        first = next(
            (o for o in self.market.orders(account) if o.client_order_id == new.client_order_id),
            None,
        )
        if first is not None:
            return _ack(first, configuration)
        if call.request.fault.has(FaultKind.REJECT):
            raise CoinbaseError(
                200, refusal("UNKNOWN_FAILURE_REASON", "", "Order rejected", configuration or {})
            )
        try:
            placement = self.market.place_order(account, new)
        except OrderRejectedError as exc:
            raise rejection_error(exc, configuration or {}, direction) from None
        return _ack(placement.order, configuration)

    def batch_cancel(self, call: Call) -> Any:
        account = _acct(call)
        ids = call.params.get("order_ids")
        if not isinstance(ids, list) or not ids:
            raise api_error(400, "INVALID_ARGUMENT", "order_ids: expected a non-empty list")
        by_id = {o.order_id: o for o in self.market.orders(account)}
        results = []
        for raw in ids:
            order = by_id.get(decode_uuid(str(raw)) or -1)
            reason = "UNKNOWN_CANCEL_FAILURE_REASON"
            if order is None:
                reason = "UNKNOWN_CANCEL_ORDER"
            elif not order.status.is_open:
                filled = wire_status(order) == "FILLED"
                reason = "ORDER_IS_FULLY_FILLED" if filled else "DUPLICATE_CANCEL_REQUEST"
            else:
                self.market.cancel_order(account, order.symbol, order_id=order.order_id)
            ok = reason == "UNKNOWN_CANCEL_FAILURE_REASON"
            results.append({"success": ok, "failure_reason": reason, "order_id": str(raw)})
        return {"results": results}

    # -- queries ---------------------------------------------------------------------------
    def historical_order(self, call: Call) -> Any:
        account = _acct(call)
        order_id = decode_uuid(call.path_args["order_id"])
        order = next((o for o in self.market.orders(account) if o.order_id == order_id), None)
        if order is None:
            raise api_error(404, "NOT_FOUND", "order with this orderID was not found")
        return {"order": self._orders_json(account, [order])[0]}

    def historical_batch(self, call: Call) -> Any:
        account = _acct(call)
        params = call.params
        statuses = {s.upper() for s in _values(params, "order_status")}
        products = {p.upper() for p in _values(params, "product_ids", "product_id")}
        wanted = {decode_uuid(i) for i in _values(params, "order_ids")}
        side = str(params.get("order_side") or "").upper()
        start = _time_param(params, "start_date")
        end = _time_param(params, "end_date")
        orders = [
            o
            for o in self.market.orders(account)
            if (not statuses or wire_status(o) in statuses)
            and (not products or o.symbol in products)
            and (not wanted or o.order_id in wanted)
            and (not side or o.side.value == side)
            and (start is None or o.time_ms >= start)
            and (end is None or o.time_ms <= end)
        ]
        page, cursor = _page(params, list(reversed(orders)))
        rows = self._orders_json(account, page)
        return {"orders": rows, "sequence": "0", "has_next": bool(cursor), "cursor": cursor}

    def fills(self, call: Call) -> Any:
        account = _acct(call)
        params = call.params
        orders = {decode_uuid(i) for i in _values(params, "order_ids", "order_id")}
        trade_ids = {decode_uuid(i, trade=True) for i in _values(params, "trade_ids")}
        products = {p.upper() for p in _values(params, "product_ids", "product_id")}
        start = _time_param(params, "start_sequence_timestamp")
        end = _time_param(params, "end_sequence_timestamp")
        trades = [
            t
            for t in self.market.trades(account)
            if (not orders or t.order_id in orders)
            and (not trade_ids or t.trade_id in trade_ids)
            and (not products or t.symbol in products)
            and (start is None or t.time_ms >= start)
            and (end is None or t.time_ms <= end)
        ]
        page, cursor = _page(params, list(reversed(trades)))
        who = user_id(account)
        return {"fills": [fill_json(t, who) for t in page], "cursor": cursor}

    # -- helpers ---------------------------------------------------------------------------
    def _holdings(self, account: str) -> list[tuple[str, Decimal, Decimal]]:
        held = {b.asset: (b.free, b.locked) for b in self.market.balances(account)}
        zero = (Decimal(0), Decimal(0))
        assets = sorted(set(held) | set(self.public.assets()))
        return [(a, *held.get(a, zero)) for a in assets]

    def _new_order(self, call: Call) -> tuple[NewOrder, str | None]:
        params = call.params
        client_id = str(params.get("client_order_id") or "")
        if not client_id:
            raise api_error(400, "INVALID_ARGUMENT", "client_order_id: required")
        product_id = str(params.get("product_id") or "").upper()
        self.public.product(product_id)
        side = str(params.get("side") or "").upper()
        if side not in ("BUY", "SELL"):
            raise api_error(400, "INVALID_ARGUMENT", "side: expected BUY or SELL")
        name, terms = _configuration(params.get("order_configuration"))
        order_type, tif = _CONFIGS[name]
        base = parse_decimal(terms.get("base_size"), f"{name}.base_size")
        quote = parse_decimal(terms.get("quote_size"), f"{name}.quote_size")
        quote_ok = quote is None or order_type is OrderType.MARKET
        if (base is None) == (quote is None) or not quote_ok:
            raise api_error(400, "INVALID_ARGUMENT", f"{name}: expected base_size or quote_size")
        price = parse_decimal(terms.get("limit_price"), f"{name}.limit_price")
        if order_type is not OrderType.MARKET and price is None:
            raise api_error(400, "INVALID_ARGUMENT", f"{name}.limit_price: required")
        stop, direction, take_profit = None, None, False
        if order_type is OrderType.STOP_LIMIT:
            stop = parse_decimal(terms.get("stop_price"), f"{name}.stop_price")
            direction = str(terms.get("stop_direction") or "")
            if stop is None or direction not in _DIRECTIONS:
                raise api_error(
                    400, "INVALID_ARGUMENT", f"{name}: expected stop_price and a stop_direction"
                )
            rising = direction == "STOP_DIRECTION_STOP_UP"
            take_profit = rising != (side == "BUY")
        new = NewOrder(
            symbol=product_id,
            side=Side(side),
            order_type=order_type,
            qty=base,
            price=price,
            stop_price=stop,
            tif=tif,
            client_order_id=client_id,
            take_profit=take_profit,
            quote_order_qty=quote,
            limit_maker=_flag(terms.get("post_only")),
        )
        return new, direction

    def _orders_json(self, account: str, orders: Iterable[Order]) -> list[dict[str, Any]]:
        by_order: dict[int, list[Trade]] = {}
        for trade in self.market.trades(account):
            by_order.setdefault(trade.order_id, []).append(trade)
        who = user_id(account)
        rows = []
        for order in orders:
            spec = self.market.spec(order.symbol)
            hold = Decimal(0)
            if order.status.is_open and order.price is not None:
                hold = (order.qty - order.executed_qty) * order.price
            rows.append(order_json(order, spec, by_order.get(order.order_id, []), who, hold))
        return rows


def _ack(order: Order, configuration: Any) -> dict[str, Any]:
    uid = order_uuid(order.order_id)
    return {
        "success": True,
        "failure_reason": "UNKNOWN_FAILURE_REASON",
        "order_id": uid,
        "success_response": {
            "order_id": uid,
            "product_id": order.symbol,
            "side": order.side.value,
            "client_order_id": order.client_order_id,
        },
        "order_configuration": configuration,
    }


def _configuration(raw: Any) -> tuple[str, Mapping[str, Any]]:
    if not isinstance(raw, dict) or len(raw) != 1:
        raise api_error(
            400, "INVALID_ARGUMENT", "order_configuration: expected one configuration object"
        )
    name, terms = next(iter(raw.items()))
    if name not in _CONFIGS:
        raise api_error(
            400, "UNSUPPORTED_ORDER_CONFIGURATION", f"order_configuration {name!r} is not supported"
        )
    if not isinstance(terms, dict):
        raise api_error(400, "INVALID_ARGUMENT", f"order_configuration.{name}: expected an object")
    return name, terms


def _acct(call: Call) -> str:
    if call.account is None:
        raise CoinbaseError(
            401, {"errors": [{"id": "authentication_error", "message": "unauthorized"}]}
        )
    return call.account


def _kind(asset: str) -> str:
    return "fiat" if is_fiat(asset) else "crypto"


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "1")


def _values(params: Mapping[str, Any], *names: str) -> list[str]:
    """The values of list parameters (repeated keys or comma-separated) under any name."""
    values: list[str] = []
    for name in names:
        raw = params.get(name)
        if raw is None or raw == "":
            continue
        items = raw if isinstance(raw, list) else str(raw).split(",")
        values += [str(item).strip() for item in items if str(item).strip()]
    return values


def _time_param(params: Mapping[str, Any], name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    return parse_iso_ms(str(raw), name)


def _page(params: Mapping[str, Any], rows: list[_T]) -> tuple[list[_T], str]:
    """One page of `limit` rows from the offset in `cursor`; the next cursor or ''."""
    try:
        limit = int(str(params.get("limit") or _DEFAULT_LIMIT))
        offset = int(str(params.get("cursor") or 0))
    except ValueError:
        raise api_error(400, "INVALID_ARGUMENT", "limit and cursor: expected integers") from None
    limit = max(1, min(limit, _MAX_LIMIT))
    offset = max(offset, 0)
    page = rows[offset : offset + limit]
    return page, str(offset + limit) if offset + limit < len(rows) else ""
