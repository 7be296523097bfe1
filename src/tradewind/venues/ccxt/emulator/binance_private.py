"""Binance spot signed endpoints: account, order entry and queries, trades, sapi stubs.

`duplicate_ack` (a fault) answers a create whose client id was used before with that
first order instead of -2010; `reject` refuses an order request with -2010. An account's
`uid` is 100000001 for the first key that opened one, 100000002 for the second, ...
(`account_uid`; the order of opening survives `--state`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any, TypeVar

from tradewind.venues.ccxt.emulator.binance_public import PublicEndpoints
from tradewind.venues.ccxt.emulator.binance_wire import (
    BinanceError,
    Call,
    decimal_param,
    fmt,
    int_param,
    order_json,
    rejection_error,
    required,
    trade_json,
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

__all__ = ["PrivateEndpoints", "account_of", "account_uid", "cancel_json", "placement_json"]

_T = TypeVar("_T", Order, Trade)

# Binance type -> (market type, take_profit, limit_maker).
_TYPES = {
    "MARKET": (OrderType.MARKET, False, False),
    "LIMIT": (OrderType.LIMIT, False, False),
    "LIMIT_MAKER": (OrderType.LIMIT, False, True),
    "STOP_LOSS_LIMIT": (OrderType.STOP_LIMIT, False, False),
    "TAKE_PROFIT_LIMIT": (OrderType.STOP_LIMIT, True, False),
}


def account_uid(market: EmulatedMarket, api_key: str) -> int:
    """The `uid` of an api key's (opened) account: by opening order, from 100000001;
    nothing of the key shows in it."""
    return 100_000_001 + market.accounts().index(api_key)


class PrivateEndpoints:
    """Handlers of the signed endpoints; `call.account` is the authenticated api key."""

    def __init__(self, market: EmulatedMarket, public: PublicEndpoints) -> None:
        self.market = market
        self.public = public

    def account(self, call: Call) -> Any:
        balances = self.market.balances(account_of(call))
        return {
            "makerCommission": 10,
            "takerCommission": 10,
            "buyerCommission": 0,
            "sellerCommission": 0,
            "commissionRates": {
                "maker": "0.00100000",
                "taker": "0.00100000",
                "buyer": "0.00000000",
                "seller": "0.00000000",
            },
            "canTrade": True,
            "canWithdraw": False,
            "canDeposit": False,
            "brokered": False,
            "requireSelfTradePrevention": False,
            "preventSor": False,
            "updateTime": call.now_ms,
            "accountType": "SPOT",
            "balances": [
                {"asset": b.asset, "free": fmt(b.free), "locked": fmt(b.locked)} for b in balances
            ],
            "permissions": ["SPOT"],
            "uid": account_uid(self.market, account_of(call)),
        }

    def create_order(self, call: Call) -> Any:
        new = self.new_order(call)
        if call.request.fault.has(FaultKind.REJECT):
            raise BinanceError(400, -2010, "New order rejected.")
        account = account_of(call)
        shape = call.params.get("newOrderRespType") or (
            "FULL" if new.order_type is not OrderType.STOP_LIMIT else "ACK"
        )
        if call.request.fault.has(FaultKind.DUPLICATE_ACK) and new.client_order_id:
            first = self._used_client_id(account, new)
            if first is not None:
                trades = [
                    t
                    for t in self.market.trades(account, new.symbol)
                    if t.order_id == first.order_id
                ]
                return placement_json(first, trades, shape)
        try:
            placement = self.market.place_order(account, new)
        except OrderRejectedError as exc:
            raise rejection_error(exc) from None
        return placement_json(placement.order, placement.trades, shape)

    def _used_client_id(self, account: str, new: NewOrder) -> Order | None:
        try:
            return self.market.get_order(account, new.symbol, client_order_id=new.client_order_id)
        except OrderRejectedError:
            return None

    def test_order(self, call: Call) -> Any:
        self.new_order(call)
        return {}

    def get_order(self, call: Call) -> Any:
        symbol = self.public.symbol(call)
        order_id, client_id = _order_ref(call)
        try:
            order = self.market.get_order(account_of(call), symbol, order_id, client_id)
        except OrderRejectedError as exc:
            raise rejection_error(exc) from None
        return order_json(order, "QUERY")

    def cancel_order(self, call: Call) -> Any:
        symbol = self.public.symbol(call)
        order_id, client_id = _order_ref(call)
        try:
            order = self.market.cancel_order(account_of(call), symbol, order_id, client_id)
        except OrderRejectedError as exc:
            raise rejection_error(exc, cancel=True) from None
        return cancel_json(order, call.params.get("newClientOrderId"), call.now_ms)

    def open_orders(self, call: Call) -> Any:
        symbol = self.public.symbol(call) if "symbol" in call.params else None
        return [order_json(o, "QUERY") for o in self.market.open_orders(account_of(call), symbol)]

    def cancel_open_orders(self, call: Call) -> Any:
        symbol = self.public.symbol(call)
        canceled = self.market.cancel_all(account_of(call), symbol)
        if not canceled:
            raise BinanceError(400, -2011, "Unknown order sent.")
        return [cancel_json(o, None, call.now_ms) for o in canceled]

    def all_orders(self, call: Call) -> Any:
        symbol = self.public.symbol(call)
        orders = self.market.orders(account_of(call), symbol)
        from_id = int_param(call.params, "orderId")
        if from_id is not None:
            orders = [o for o in orders if o.order_id >= from_id]
        chosen = _window(call, orders, lambda o: o.time_ms, from_id is not None)
        return [order_json(o, "QUERY") for o in chosen]

    def my_trades(self, call: Call) -> Any:
        symbol = self.public.symbol(call)
        trades = self.market.trades(account_of(call), symbol)
        order_id = int_param(call.params, "orderId")
        if order_id is not None:
            trades = [t for t in trades if t.order_id == order_id]
        from_id = int_param(call.params, "fromId")
        if from_id is not None:
            trades = [t for t in trades if t.trade_id >= from_id]
        chosen = _window(call, trades, lambda t: t.time_ms, from_id is not None)
        return [trade_json(t) for t in chosen]

    def coins(self, call: Call) -> Any:
        """sapi capital/config/getall: the assets of the account and of the symbols."""
        held = {b.asset: b for b in self.market.balances(account_of(call))}
        assets = sorted(
            set(held)
            | {s.base for s in self.market.symbols.values()}
            | {s.quote for s in self.market.symbols.values()}
        )
        return [_coin_json(a, held.get(a)) for a in assets]

    def empty_list(self, call: Call) -> Any:
        return []

    def new_order(self, call: Call) -> NewOrder:
        """The order a create (or cancel-replace) request describes; raises BinanceError."""
        params = call.params
        symbol = self.public.symbol(call)
        side_raw = required(params, "side").upper()
        if side_raw not in ("BUY", "SELL"):
            raise BinanceError(400, -1117, "Invalid side.")
        type_raw = required(params, "type").upper()
        if type_raw not in _TYPES:
            raise BinanceError(400, -1116, "Invalid orderType.")
        order_type, take_profit, limit_maker = _TYPES[type_raw]
        tif = TimeInForce.GTC
        if order_type is not OrderType.MARKET and not limit_maker:
            tif_raw = required(params, "timeInForce").upper()
            if tif_raw not in TimeInForce.__members__:
                raise BinanceError(400, -1115, "Invalid timeInForce.")
            tif = TimeInForce(tif_raw)
        qty = decimal_param(params, "quantity")
        quote_qty = decimal_param(params, "quoteOrderQty")
        if order_type is not OrderType.MARKET or quote_qty is None:
            qty = (
                qty
                if qty is not None
                else decimal_param({"quantity": required(params, "quantity")}, "quantity")
            )
        price = decimal_param(params, "price")
        if order_type is not OrderType.MARKET and price is None:
            required(params, "price")
        stop = decimal_param(params, "stopPrice")
        if order_type is OrderType.STOP_LIMIT and stop is None:
            required(params, "stopPrice")
        return NewOrder(
            symbol=symbol,
            side=Side(side_raw),
            order_type=order_type,
            qty=qty,
            price=price if order_type is not OrderType.MARKET else None,
            stop_price=stop if order_type is OrderType.STOP_LIMIT else None,
            tif=tif,
            client_order_id=params.get("newClientOrderId") or None,
            take_profit=take_profit,
            quote_order_qty=quote_qty if order_type is OrderType.MARKET else None,
            limit_maker=limit_maker,
        )


def placement_json(order: Order, trades: Sequence[Trade], shape: str) -> dict[str, Any]:
    """A placed order in the answer shape asked: ACK, RESULT or FULL (with fills)."""
    if shape == "ACK":
        return order_json(order, "ACK")
    body = order_json(order, "RESULT")
    if shape == "FULL":
        body["fills"] = [
            {
                "price": fmt(t.price),
                "qty": fmt(t.qty),
                "commission": fmt(t.commission),
                "commissionAsset": t.commission_asset,
                "tradeId": t.trade_id,
            }
            for t in trades
        ]
    return body


def account_of(call: Call) -> str:
    """The authenticated api key of a signed call."""
    if call.account is None:
        raise BinanceError(401, -2015, "Invalid API-key, IP, or permissions for action.")
    return call.account


def _order_ref(call: Call) -> tuple[int | None, str | None]:
    order_id = int_param(call.params, "orderId")
    client_id = call.params.get("origClientOrderId") or None
    if order_id is None and client_id is None:
        raise BinanceError(
            400,
            -1102,
            "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
        )
    return order_id, (None if order_id is not None else client_id)


def cancel_json(order: Order, cancel_client_id: str | None, now_ms: int) -> dict[str, Any]:
    """A canceled order as a cancel answers it (its own client id as origClientOrderId)."""
    body = order_json(order, "RESULT")
    body.pop("workingTime", None)
    body.pop("origQuoteOrderQty", None)
    body["origClientOrderId"] = order.client_order_id
    body["clientOrderId"] = cancel_client_id or secrets.token_urlsafe(16)[:22]
    body["transactTime"] = now_ms
    return body


def _window(call: Call, rows: Sequence[_T], time_of: Any, from_id: bool) -> list[_T]:
    start = int_param(call.params, "startTime")
    end = int_param(call.params, "endTime")
    limit = min(int_param(call.params, "limit") or 500, 1000)
    if start is not None or end is not None:
        rows = [
            r
            for r in rows
            if (start is None or time_of(r) >= start) and (end is None or time_of(r) <= end)
        ]
    if from_id or start is not None:
        return list(rows[:limit])
    return list(rows[-limit:])


def _coin_json(asset: str, balance: Any) -> dict[str, Any]:
    return {
        "coin": asset,
        "name": asset,
        "free": fmt(balance.free if balance else None),
        "locked": fmt(balance.locked if balance else None),
        "freeze": "0",
        "withdrawing": "0",
        "ipoing": "0",
        "ipoable": "0",
        "storage": "0",
        "isLegalMoney": False,
        "trading": True,
        "depositAllEnable": False,
        "withdrawAllEnable": False,
        "networkList": [],
    }
