"""Placing and canceling orders at TWS and waiting for its acknowledgement.

`placeOrder` and `cancelOrder` are fire-and-forget in the TWS API: the answer is an
`openOrder` / `orderStatus` message (or an error message with the order id). `place`
and `cancel` send on the event loop, then wait there until TWS has answered or the
timeout passed. No answer in time is an unknown outcome (`TimeoutError`): the order is
looked up by its `orderRef` at the next sync, never sent twice blindly.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from tradewind.venues.ib.errors import INFO_CODES
from tradewind.venues.ib.parsing import CANCELED_STATES

__all__ = ["Ack", "cancel_and_wait", "modify_and_wait", "place_and_wait"]

_POLL_S = 0.005
_ACKED = frozenset({"PreSubmitted", "Submitted", "Filled", "Inactive"}) | CANCELED_STATES
_CANCEL_DONE = CANCELED_STATES | {"Filled", "Inactive"}
_CANCEL_FAILED = frozenset({10147, 10148, 161, 100})  # 100: refused for the message rate


@dataclass(frozen=True, slots=True)
class Ack:
    """TWS's answer to a placement or cancel: the order id, the `Trade`, and the error
    code TWS gave for it (0 when none)."""

    order_id: int
    trade: Any
    error_code: int = 0
    error_text: str = ""


def _order_error(errors: list[tuple[int, int, str]], order_id: int) -> tuple[int, str]:
    for req_id, code, text in errors:
        if req_id == order_id and code not in INFO_CODES and not 2100 <= code < 2200:
            return code, text
    return 0, ""


async def place_and_wait(ib: Any, contract: Any, order: Any, timeout_s: float) -> Ack:
    """Place `order` (a fresh order id unless it has one) and wait for TWS's answer.

    Raises:
        TimeoutError: no answer within `timeout_s` (outcome unknown).
        ConnectionError: the socket is closed (nothing was sent).
    """
    errors: list[tuple[int, int, str]] = []

    def on_error(req_id: int, code: int, text: str, _contract: Any = None) -> None:
        errors.append((int(req_id), int(code), str(text)))

    ib.errorEvent += on_error
    try:
        trade = ib.placeOrder(contract, order)
        order_id = int(trade.order.orderId)
        deadline = time.monotonic() + timeout_s
        while True:
            code, text = _order_error(errors, order_id)
            if code:
                return Ack(order_id, trade, code, text)
            if trade.orderStatus.status in _ACKED and (
                trade.order.permId or trade.orderStatus.permId
            ):
                return Ack(order_id, trade)
            if not ib.isConnected():
                raise ConnectionError("the connection to TWS closed before it answered")
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no answer from TWS to placeOrder {order_id}")
            await asyncio.sleep(_POLL_S)
    finally:
        ib.errorEvent -= on_error


async def cancel_and_wait(ib: Any, order: Any, timeout_s: float) -> Ack:
    """Cancel API order `order.orderId` and wait until TWS says it is done or refuses.

    Raises:
        TimeoutError: no answer within `timeout_s` (outcome unknown).
        ConnectionError: the socket is closed.
    """
    errors: list[tuple[int, int, str]] = []

    def on_error(req_id: int, code: int, text: str, _contract: Any = None) -> None:
        errors.append((int(req_id), int(code), str(text)))

    ib.errorEvent += on_error
    try:
        trade = ib.cancelOrder(order)
        deadline = time.monotonic() + timeout_s
        while True:
            failed = [e for e in errors if e[0] == order.orderId and e[1] in _CANCEL_FAILED]
            if failed:
                return Ack(order.orderId, trade, failed[0][1], failed[0][2])
            if trade is not None and trade.orderStatus.status in _CANCEL_DONE:
                return Ack(order.orderId, trade)
            if not ib.isConnected():
                raise ConnectionError("the connection to TWS closed before it answered")
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no answer from TWS to cancelOrder {order.orderId}")
            await asyncio.sleep(_POLL_S)
    finally:
        ib.errorEvent -= on_error


async def modify_and_wait(
    ib: Any,
    contract: Any,
    order: Any,
    terms: tuple[float, float | None, float | None],
    timeout_s: float,
) -> Ack:
    """Place `order` again under its order id with new terms and wait until TWS echoes
    them (`openOrder`) or refuses (an error with the order id).

    `terms` are the expected (quantity, limit price, trigger) as floats (None: unchanged).

    Raises:
        TimeoutError: no answer within `timeout_s` (outcome unknown).
        ConnectionError: the socket is closed.
    """
    errors: list[tuple[int, int, str]] = []

    def on_error(req_id: int, code: int, text: str, _contract: Any = None) -> None:
        errors.append((int(req_id), int(code), str(text)))

    ib.errorEvent += on_error
    try:
        trade = ib.placeOrder(contract, order)
        deadline = time.monotonic() + timeout_s
        while True:
            code, text = _order_error(errors, int(order.orderId))
            if code:
                return Ack(int(order.orderId), trade, code, text)
            if _echoes(trade.order, terms):
                return Ack(int(order.orderId), trade)
            if not ib.isConnected():
                raise ConnectionError("the connection to TWS closed before it answered")
            if time.monotonic() >= deadline:
                raise TimeoutError(f"no answer from TWS to the modify of {order.orderId}")
            await asyncio.sleep(_POLL_S)
    finally:
        ib.errorEvent -= on_error


def _echoes(order: Any, terms: tuple[float, float | None, float | None]) -> bool:
    quantity, price, trigger = terms
    same = _close(order.totalQuantity, quantity)
    if price is not None:
        same = same and _close(order.lmtPrice, price)
    if trigger is not None:
        same = same and _close(order.auxPrice, trigger)
    return same


def _close(value: Any, expected: float) -> bool:
    try:
        return abs(float(value) - expected) <= 1e-9 * max(1.0, abs(expected))
    except (TypeError, ValueError):
        return False
