"""Kraken spot private endpoints: balances, AddOrder, cancels, order and trade queries.

Order types: `market`, `limit`, `stop-loss-limit` and `take-profit-limit` (`price` the
trigger, `price2` the limit); `oflags` `post` (post-only) and `viqc` (market volume in
quote); `timeinforce` GTC or IOC. A client tags an order with `cl_ord_id` (text, unique
among its open orders) or `userref` (an integer, not unique). Listings page by 50 with
`ofs`, newest first; `start` is exclusive and `end` inclusive (unix seconds).
`duplicate_ack` (a fault) answers an AddOrder whose cl_ord_id was used before with that
first order's acknowledgement; `reject` refuses it with `EOrder:Invalid order`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from tradewind.venues.ccxt.emulator.kraken_public import PublicEndpoints
from tradewind.venues.ccxt.emulator.kraken_wire import (
    Call,
    KrakenError,
    client_id_of,
    decimals_of,
    decode_id,
    description,
    encode_id,
    fmt,
    order_json,
    parse_decimal,
    rejection_error,
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
    SymbolSpec,
    TimeInForce,
    Trade,
)

__all__ = ["PrivateEndpoints"]

_T = TypeVar("_T")

_PAGE = 50
# Kraken ordertype -> (market order type, take_profit).
_TYPES = {
    "market": (OrderType.MARKET, False),
    "limit": (OrderType.LIMIT, False),
    "stop-loss-limit": (OrderType.STOP_LIMIT, False),
    "take-profit-limit": (OrderType.STOP_LIMIT, True),
}
_TIFS = {"GTC": TimeInForce.GTC, "IOC": TimeInForce.IOC}


class PrivateEndpoints:
    """Handlers of the signed endpoints; `call.account` is the authenticated api key."""

    def __init__(self, market: EmulatedMarket, public: PublicEndpoints) -> None:
        self.market = market
        self.public = public
        self._userrefs: dict[tuple[str, int], int] = {}

    # -- balances ------------------------------------------------------------------------
    def balance(self, call: Call) -> Any:
        return {
            b.asset: _amount(b.asset, b.free + b.locked) for b in self.market.balances(_acct(call))
        }

    def balance_ex(self, call: Call) -> Any:
        return {
            b.asset: {
                "balance": _amount(b.asset, b.free + b.locked),
                "hold_trade": _amount(b.asset, b.locked),
            }
            for b in self.market.balances(_acct(call))
        }

    # -- order entry -----------------------------------------------------------------------
    def add_order(self, call: Call) -> Any:
        account = _acct(call)
        new, spec, userref = self._new_order(call)
        descr = {"order": description(new, spec)["order"]}
        if _flag(call.params.get("validate")):
            return {"descr": descr}
        if call.request.fault.has(FaultKind.REJECT):
            raise KrakenError("EOrder:Invalid order")
        if call.request.fault.has(FaultKind.DUPLICATE_ACK) and new.client_order_id:
            first = next(
                (
                    o
                    for o in self.market.orders(account)
                    if o.client_order_id == new.client_order_id
                ),
                None,
            )
            if first is not None:
                return {"descr": descr, "txid": [encode_id("O", first.order_id)]}
        try:
            placement = self.market.place_order(account, new)
        except OrderRejectedError as exc:
            raise rejection_error(exc, spec) from None
        order_id = placement.order.order_id
        if userref is not None:
            self._userrefs[(account, order_id)] = userref
        return {"descr": descr, "txid": [encode_id("O", order_id)]}

    def cancel_order(self, call: Call) -> Any:
        account = _acct(call)
        open_orders = self.market.open_orders(account)
        client_id = str(call.params.get("cl_ord_id") or "")
        txid = str(call.params.get("txid") or "")
        if client_id:
            chosen = [o for o in open_orders if client_id_of(o) == client_id]
        elif txid.lstrip("-").isdigit():
            chosen = [o for o in open_orders if self._userref(o) == int(txid)]
        else:
            order_id = decode_id("O", txid)
            if order_id is None:
                raise KrakenError("EOrder:Invalid order")
            chosen = [o for o in open_orders if o.order_id == order_id]
        if not chosen:
            raise KrakenError("EOrder:Unknown order")
        for order in chosen:
            self.market.cancel_order(account, order.symbol, order_id=order.order_id)
        return {"count": len(chosen), "pending": False}

    def cancel_all(self, call: Call) -> Any:
        account = _acct(call)
        count = sum(len(self.market.cancel_all(account, s)) for s in self.market.symbols)
        return {"count": count}

    # -- queries ---------------------------------------------------------------------------
    def open_orders(self, call: Call) -> Any:
        orders = self._filtered(call, self.market.open_orders(_acct(call)))
        return {"open": self._orders_json(call, orders)}

    def closed_orders(self, call: Call) -> Any:
        account = _acct(call)
        closed = [o for o in self.market.orders(account) if not o.status.is_open]
        which = str(call.params.get("closetime") or "both")
        stamp: Callable[[Order], int] = (
            (lambda o: o.time_ms) if which == "open" else (lambda o: o.update_time_ms)
        )
        chosen = _window(call, self._filtered(call, closed), stamp)
        page = _page(call, chosen)
        return {"closed": self._orders_json(call, page), "count": len(chosen)}

    def query_orders(self, call: Call) -> Any:
        account = _acct(call)
        userref = _userref_param(call.params)
        by_id = {o.order_id: o for o in self.market.orders(account)}
        raw = str(call.params.get("txid") or "")
        if not raw and userref is None:
            raise KrakenError("EGeneral:Invalid arguments:txid")
        chosen: list[Order] = []
        for item in (t.strip() for t in raw.split(",") if t.strip()):
            order_id = decode_id("O", item)
            if order_id is None:
                raise KrakenError("EOrder:Invalid order")
            if order_id in by_id:
                chosen.append(by_id[order_id])
        if not raw:
            chosen = list(by_id.values())
        if userref is not None:
            chosen = [o for o in chosen if self._userref(o) == userref]
        return self._orders_json(call, chosen)

    def trades_history(self, call: Call) -> Any:
        account = _acct(call)
        trades = _window(call, self.market.trades(account), lambda t: t.time_ms)
        page = _page(call, trades)
        return {"trades": self._trades_json(account, page), "count": len(trades)}

    def query_trades(self, call: Call) -> Any:
        account = _acct(call)
        wanted = set()
        for item in str(call.params.get("txid") or "").split(","):
            trade_id = decode_id("T", item) if item.strip() else None
            if trade_id is None:
                raise KrakenError("EGeneral:Invalid arguments:txid")
            wanted.add(trade_id)
        chosen = [t for t in self.market.trades(account) if t.trade_id in wanted]
        return self._trades_json(account, chosen)

    # -- helpers ---------------------------------------------------------------------------
    def _new_order(self, call: Call) -> tuple[NewOrder, SymbolSpec, int | None]:
        params = call.params
        pair_id, spec = self.public.pair(str(params.get("pair") or ""))
        side = str(params.get("type") or "").lower()
        if side not in ("buy", "sell"):
            raise KrakenError("EGeneral:Invalid arguments:type")
        kind = str(params.get("ordertype") or "").lower()
        if kind not in _TYPES:
            raise KrakenError("EGeneral:Invalid arguments:ordertype")
        order_type, take_profit = _TYPES[kind]
        flags = {f.strip() for f in str(params.get("oflags") or "").split(",") if f.strip()}
        volume = parse_decimal(params, "volume")
        if volume is None or volume <= 0:
            raise KrakenError("EGeneral:Invalid arguments:volume")
        viqc = "viqc" in flags
        if not viqc:
            _check_volume(volume, spec)
        price, price2 = parse_decimal(params, "price"), parse_decimal(params, "price2")
        if order_type is not OrderType.MARKET and price is None:
            raise KrakenError("EGeneral:Invalid arguments:price")
        if order_type is OrderType.STOP_LIMIT and price2 is None:
            raise KrakenError("EGeneral:Invalid arguments:price2")
        tif = _TIFS.get(str(params.get("timeinforce") or "GTC").upper())
        if tif is None:
            raise KrakenError("EGeneral:Invalid arguments:timeinforce")
        client_id = str(params.get("cl_ord_id") or "") or None
        new = NewOrder(
            symbol=pair_id,
            side=Side.BUY if side == "buy" else Side.SELL,
            order_type=order_type,
            qty=None if viqc else volume,
            price=price2 if order_type is OrderType.STOP_LIMIT else price,
            stop_price=price if order_type is OrderType.STOP_LIMIT else None,
            tif=tif,
            client_order_id=client_id,
            take_profit=take_profit,
            quote_order_qty=volume if viqc else None,
            limit_maker="post" in flags,
        )
        return new, spec, _userref_param(params)

    def _userref(self, order: Order) -> int | None:
        return self._userrefs.get((order.account, order.order_id))

    def _filtered(self, call: Call, orders: Iterable[Order]) -> list[Order]:
        userref = _userref_param(call.params)
        client_id = str(call.params.get("cl_ord_id") or "")
        return [
            o
            for o in orders
            if (userref is None or self._userref(o) == userref)
            and (not client_id or client_id_of(o) == client_id)
        ]

    def _orders_json(self, call: Call, orders: Iterable[Order]) -> dict[str, Any]:
        orders = list(orders)
        with_trades = _flag(call.params.get("trades"))
        account = _acct(call)
        by_order: dict[int, list[Trade]] = {}
        for trade in self.market.trades(account):
            by_order.setdefault(trade.order_id, []).append(trade)
        answer = {}
        for order in orders:
            trades = by_order.get(order.order_id, [])
            answer[encode_id("O", order.order_id)] = order_json(
                order,
                self.market.spec(order.symbol),
                userref=self._userref(order),
                fee=sum((t.commission for t in trades), Decimal(0)),
                trade_ids=[encode_id("T", t.trade_id) for t in trades] if with_trades else None,
                close_ms=None if order.status.is_open else order.update_time_ms,
            )
        return answer

    def _trades_json(self, account: str, trades: Iterable[Trade]) -> dict[str, Any]:
        by_id = {o.order_id: o for o in self.market.orders(account)}
        return {
            encode_id("T", t.trade_id): trade_json(
                t, by_id[t.order_id], self.market.spec(t.symbol), t.symbol
            )
            for t in trades
        }


def _acct(call: Call) -> str:
    if call.account is None:
        raise KrakenError("EAPI:Invalid key")
    return call.account


def _amount(asset: str, value: Decimal) -> str:
    fiat = len(asset) == 4 and asset.startswith("Z")
    return fmt(value, 4 if fiat else 10)


def _flag(value: Any) -> bool:
    return str(value).lower() in ("true", "1")


def _userref_param(params: Mapping[str, Any]) -> int | None:
    raw = params.get("userref")
    if raw is None or raw == "":
        return None
    text = str(raw)
    if not text.lstrip("-").isdigit():
        raise KrakenError("EGeneral:Invalid arguments:userref")
    return int(text)


def _check_volume(volume: Decimal, spec: SymbolSpec) -> None:
    if decimals_of(volume) > decimals_of(spec.lot) or volume % spec.lot:
        raise KrakenError("EGeneral:Invalid arguments:volume")
    if volume < spec.min_qty:
        raise KrakenError("EOrder:Order minimum not met")


def _seconds(params: Mapping[str, Any], name: str) -> float | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return float(str(raw))
    except ValueError:
        raise KrakenError(f"EGeneral:Invalid arguments:{name}") from None


def _window(call: Call, rows: Iterable[_T], stamp_ms: Callable[[_T], int]) -> list[_T]:
    """Rows with start < time <= end (seconds), newest first."""
    start, end = _seconds(call.params, "start"), _seconds(call.params, "end")
    kept = [
        r
        for r in rows
        if (start is None or stamp_ms(r) / 1000 > start)
        and (end is None or stamp_ms(r) / 1000 <= end)
    ]
    return list(reversed(kept))


def _page(call: Call, rows: list[_T]) -> list[_T]:
    raw = call.params.get("ofs")
    try:
        offset = int(str(raw)) if raw not in (None, "") else 0
    except ValueError:
        raise KrakenError("EGeneral:Invalid arguments:ofs") from None
    return rows[max(offset, 0) : max(offset, 0) + _PAGE]
