"""Alpaca's order endpoints over the emulated market.

POST /v2/orders, GET /v2/orders (status open|closed|all, limit <= 500, after, until,
direction, nested, symbols, side), GET /v2/orders/{id}, GET
/v2/orders:by_client_order_id, DELETE /v2/orders/{id} (204), DELETE /v2/orders (207,
one entry per open order), PATCH /v2/orders/{id} (a new order that `replaces` the old
one, which becomes `replaced`).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tradewind.venues.alpaca.emulator.order_json import OrderRenderer, ReplaceLinks
from tradewind.venues.alpaca.emulator.order_requests import new_order, replacement
from tradewind.venues.alpaca.emulator.wire import (
    AlpacaError,
    Call,
    bad_request,
    not_found,
    order_number,
    order_uuid,
    parse_time_ms,
    unprocessable,
)
from tradewind.venues.emulation import (
    EmulatedMarket,
    FaultKind,
    NewOrder,
    Order,
    OrderRejectedError,
    OrderType,
    RejectReason,
    Side,
    TimeInForce,
)
from tradewind.venues.emulation.hours import TradingHours

__all__ = ["OrderEndpoints", "rejection"]

_DEFAULT_LIST_LIMIT = 50
_MAX_LIST_LIMIT = 500
_BUYING_POWER = AlpacaError(403, 40310000, "insufficient buying power")


class OrderEndpoints:
    """The order routes; `renderer` turns market orders into Alpaca order objects."""

    def __init__(self, market: EmulatedMarket, hours: Callable[[str], TradingHours]) -> None:
        self.market = market
        self.renderer = OrderRenderer(hours, ReplaceLinks())

    # -- reads -------------------------------------------------------------------------------
    def render(self, call: Call, order: Order) -> dict[str, Any]:
        fills = self._last_fill_ms(call.account)
        return self.renderer.render(order, call.now_ms, fills.get(order.order_id))

    def list_orders(self, call: Call) -> list[dict[str, Any]]:
        status = call.params.get("status", "open") or "open"
        if status not in ("open", "closed", "all"):
            raise unprocessable(f"invalid status: expected open, closed or all, got {status!r}")
        limit = _int_param(call, "limit", _DEFAULT_LIST_LIMIT)
        if not 1 <= limit <= _MAX_LIST_LIMIT:
            raise unprocessable(f"invalid limit: expected 1..{_MAX_LIST_LIMIT}, got {limit}")
        after = parse_time_ms(call.params.get("after"), "after")
        until = parse_time_ms(call.params.get("until"), "until")
        direction = call.params.get("direction", "desc") or "desc"
        if direction not in ("asc", "desc"):
            raise unprocessable(f"invalid direction: expected asc or desc, got {direction!r}")
        symbols = {s.strip().upper() for s in call.params.get("symbols", "").split(",") if s}
        side = call.params.get("side")
        orders = [
            o
            for o in self.market.orders(call.account)
            if (status == "all" or o.status.is_open == (status == "open"))
            and (after is None or o.time_ms > after)
            and (until is None or o.time_ms < until)
            and (not symbols or o.symbol in symbols)
            and (side is None or o.side.value.lower() == side)
        ]
        orders.sort(key=lambda o: (o.time_ms, o.order_id), reverse=direction == "desc")
        fills = self._last_fill_ms(call.account)
        return [self.renderer.render(o, call.now_ms, fills.get(o.order_id)) for o in orders[:limit]]

    def get_order(self, call: Call) -> dict[str, Any]:
        return self.render(call, self._find(call.account, call.path_arg))

    def by_client_id(self, call: Call) -> dict[str, Any]:
        client_id = call.params.get("client_order_id")
        if not client_id:
            raise unprocessable("client_order_id is required")
        for order in reversed(self.market.orders(call.account)):
            if order.client_order_id == client_id:
                return self.render(call, order)
        raise not_found("order not found")

    # -- writes ------------------------------------------------------------------------------
    def submit(self, call: Call) -> dict[str, Any]:
        if call.request.fault.has(FaultKind.REJECT):
            raise _BUYING_POWER
        command = new_order(call.body)
        with self.market.atomic():
            duplicate = self._same_client_id(call.account, command.client_order_id)
            if duplicate is not None:
                if call.request.fault.has(FaultKind.DUPLICATE_ACK):
                    return self.render(call, duplicate)
                raise unprocessable("client_order_id must be unique")
            self._check_fractional_short(call.account, command)
            order = self._place(call.account, command)
        return self.render(call, order)

    def cancel(self, call: Call) -> None:
        order = self._find(call.account, call.path_arg)
        self._cancel_open(call.account, order)

    def cancel_all(self, call: Call) -> list[dict[str, Any]]:
        answers = []
        with self.market.atomic():
            for order in self.market.open_orders(call.account):
                canceled = self.market.cancel_order(
                    call.account, order.symbol, order_id=order.order_id
                )
                answers.append(
                    {
                        "id": order_uuid(canceled.order_id),
                        "status": 200,
                        "body": self.render(call, canceled),
                    }
                )
        return answers

    def replace(self, call: Call) -> dict[str, Any]:
        with self.market.atomic():
            old = self._find(call.account, call.path_arg)
            if not old.status.is_open or self.renderer.links.replaced(old.order_id):
                raise _not_open(self.renderer.status(old, call.now_ms))
            command = replacement(old, call.body)
            if self._same_client_id(call.account, command.client_order_id) is not None:
                raise unprocessable("client_order_id must be unique")
            if command.client_order_id is None:
                command = dataclasses.replace(command, client_order_id=str(uuid.uuid4()))
            self._cancel_open(call.account, old)
            new = self._place(call.account, command)
            self.renderer.links.record(old.order_id, new.order_id, call.now_ms)
        return self.render(call, new)

    def place_market(self, account: str, symbol: str, side: Side, qty: Decimal) -> Order:
        """A DAY market order (closing a position); raises AlpacaError if refused."""
        command = NewOrder(symbol, side, OrderType.MARKET, qty=qty, tif=TimeInForce.DAY)
        return self._place(account, command)

    # -- helpers -----------------------------------------------------------------------------
    def _place(self, account: str, command: NewOrder) -> Order:
        try:
            return self.market.place_order(account, command).order
        except OrderRejectedError as exc:
            raise rejection(exc, command.symbol) from None

    def _cancel_open(self, account: str, order: Order) -> None:
        if not order.status.is_open:
            raise _not_open(order.status.value.lower())
        try:
            self.market.cancel_order(account, order.symbol, order_id=order.order_id)
        except OrderRejectedError:
            raise _not_open(order.status.value.lower()) from None

    def _find(self, account: str, order_uuid: str) -> Order:
        number = order_number(order_uuid)
        if number is not None:
            for order in self.market.orders(account):
                if order.order_id == number:
                    return order
        raise not_found("order not found")

    def _same_client_id(self, account: str, client_id: str | None) -> Order | None:
        if client_id is None:
            return None
        for order in self.market.orders(account):
            if order.client_order_id == client_id:
                return order
        return None

    def _check_fractional_short(self, account: str, command: NewOrder) -> None:
        fractional = command.quote_order_qty is not None or (
            command.qty is not None and command.qty % 1 != 0
        )
        if command.side is not Side.SELL or not fractional:
            return
        held = self.market.position(account, command.symbol).qty
        if held <= 0 or (command.qty is not None and command.qty > held):
            raise AlpacaError(403, 40310000, "fractional orders cannot be sold short")

    def _last_fill_ms(self, account: str) -> dict[int, int]:
        return {t.order_id: t.time_ms for t in self.market.trades(account)}


def rejection(exc: OrderRejectedError, symbol: str) -> AlpacaError:
    """Alpaca's answer to a market refusal."""
    reason = exc.reason
    if reason in (RejectReason.INSUFFICIENT_BALANCE, RejectReason.INSUFFICIENT_MARGIN):
        return _BUYING_POWER
    if reason is RejectReason.UNKNOWN_SYMBOL:
        return unprocessable(f'asset "{symbol}" not found')
    if reason is RejectReason.PRICE_FILTER:
        return unprocessable(
            f"invalid price: sub-penny increment does not fulfill minimum pricing criteria ({exc})"
        )
    if reason in (RejectReason.LOT_SIZE, RejectReason.MARKET_LOT_SIZE):
        return unprocessable(f"invalid qty: {exc}")
    if reason is RejectReason.DUPLICATE_ORDER:
        return unprocessable("client_order_id must be unique")
    if reason is RejectReason.MARKET_CLOSED:
        return AlpacaError(403, 40310000, f"market for {symbol} is closed")
    return unprocessable(str(exc))


def _not_open(status: str) -> AlpacaError:
    return AlpacaError(422, 42210000, f'order is already in "{status}" state')


def _int_param(call: Call, name: str, default: int) -> int:
    raw = call.params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"invalid {name}: expected an integer, got {raw!r}") from None
