"""Binance spot `POST /api/v3/order/cancelReplace`: cancel one order and place another.

As Binance documents it: the new order's parameters and filters are checked before
anything happens (a refusal is the plain error, e.g. -1013 "Filter failure: LOT_SIZE",
and the old order is untouched). Then, in one step no bar or other request can come
between, the old order is canceled and the new one placed:

- `STOP_ON_FAILURE`: a failed cancel places nothing: HTTP 400, -2022 "Order
  cancel-replace failed." with `newOrderResult` NOT_ATTEMPTED;
- `ALLOW_FAILURE`: the new order is placed whatever the cancel did;
- cancel done but placement refused (or the reverse): HTTP 409, -2021 "Order
  cancel-replace partially failed."; both failed: 400, -2022.

Each error carries `data` with `cancelResult`, `newOrderResult`, `cancelResponse` and
`newOrderResponse` (an order, or the {"code", "msg"} of its refusal, or null). The new
order may reuse the old order's client id (`newClientOrderId`): the old one is no longer
open when the new one is placed. What the old order filled stays with it; the new order
is a fresh order of the quantity asked.
"""

from __future__ import annotations

from typing import Any

from tradewind.venues.ccxt.emulator.binance_private import (
    PrivateEndpoints,
    account_of,
    cancel_json,
    placement_json,
)
from tradewind.venues.ccxt.emulator.binance_wire import (
    BinanceError,
    Call,
    int_param,
    rejection_error,
    required,
)
from tradewind.venues.emulation import (
    EmulatedMarket,
    NewOrder,
    Order,
    OrderRejectedError,
    OrderType,
    Placement,
)
from tradewind.venues.emulation.matching import check_filters

__all__ = ["ReplaceEndpoint"]

_MODES = ("STOP_ON_FAILURE", "ALLOW_FAILURE")


class ReplaceEndpoint:
    """The cancel-replace handler; `private` parses the new order as a create does."""

    def __init__(self, market: EmulatedMarket, private: PrivateEndpoints) -> None:
        self.market = market
        self.private = private

    def cancel_replace(self, call: Call) -> Any:
        """Answer one cancel-replace (see the module docstring); raises BinanceError."""
        mode = required(call.params, "cancelReplaceMode").upper()
        if mode not in _MODES:
            raise BinanceError(400, -1100, "Illegal characters found in parameter "
                               "'cancelReplaceMode'; legal range is 'STOP_ON_FAILURE, "
                               "ALLOW_FAILURE'.")  # fmt: skip
        new = self.private.new_order(call)
        order_id, client_id = _cancel_ref(call)
        account = account_of(call)
        self._check_filters(new)
        shape = call.params.get("newOrderRespType") or (
            "FULL" if new.order_type is not OrderType.STOP_LIMIT else "ACK"
        )
        cancel_client_id = call.params.get("cancelNewClientOrderId")
        # The market's lock is re-entrant: holding it makes the cancel and the placement
        # one step (EmulatedMarket has no public seam for that).
        with self.market.atomic():
            canceled, cancel_error = self._cancel(account, new.symbol, order_id, client_id)
            if cancel_error is not None and mode == "STOP_ON_FAILURE":
                raise BinanceError(400, -2022, "Order cancel-replace failed.",
                                   _data(None, cancel_error, None, None))  # fmt: skip
            placement, place_error = self._place(account, new)
        cancel_body = None if canceled is None else cancel_json(
            canceled, cancel_client_id, call.now_ms
        )  # fmt: skip
        new_body = None if placement is None else placement_json(
            placement.order, placement.trades, shape
        )  # fmt: skip
        if cancel_error is None and place_error is None:
            return _data(cancel_body, None, new_body, None)
        data = _data(cancel_body, cancel_error, new_body, place_error)
        if cancel_error is not None and place_error is not None:
            raise BinanceError(400, -2022, "Order cancel-replace failed.", data)
        raise BinanceError(409, -2021, "Order cancel-replace partially failed.", data)

    def _check_filters(self, new: NewOrder) -> None:
        """Binance evaluates the new order's filters before it cancels anything."""
        if new.qty is None:
            return  # a market order by quote amount: its quantity needs the fill price
        try:
            spec = self.market.spec(new.symbol)
            check_filters(new, spec, new.qty, self.market.last_price(new.symbol))
        except OrderRejectedError as exc:
            raise rejection_error(exc) from None

    def _cancel(
        self, account: str, symbol: str, order_id: int | None, client_id: str | None
    ) -> tuple[Order | None, BinanceError | None]:
        try:
            if order_id is not None and client_id is not None:
                # Both given: found by id, then its client id must match.
                found = self.market.get_order(account, symbol, order_id)
                if found.client_order_id != client_id:
                    return None, BinanceError(400, -2011, "Unknown order sent.")
            return self.market.cancel_order(account, symbol, order_id, client_id), None
        except OrderRejectedError as exc:
            return None, rejection_error(exc, cancel=True)

    def _place(self, account: str, new: NewOrder) -> tuple[Placement | None, BinanceError | None]:
        try:
            return self.market.place_order(account, new), None
        except OrderRejectedError as exc:
            return None, rejection_error(exc)


def _cancel_ref(call: Call) -> tuple[int | None, str | None]:
    order_id = int_param(call.params, "cancelOrderId")
    client_id = call.params.get("cancelOrigClientOrderId") or None
    if order_id is None and client_id is None:
        raise BinanceError(
            400,
            -1102,
            "Param 'cancelOrigClientOrderId' or 'cancelOrderId' must be sent, "
            "but both were empty/null!",
        )
    return order_id, client_id


def _data(
    cancel_body: Any,
    cancel_error: BinanceError | None,
    new_body: Any,
    place_error: BinanceError | None,
) -> dict[str, Any]:
    """The four members of a cancel-replace answer (or of its error's `data`)."""
    cancel_result = "FAILURE" if cancel_error is not None else "SUCCESS"
    if place_error is not None:
        new_result = "FAILURE"
    elif new_body is None:
        new_result = "NOT_ATTEMPTED"
    else:
        new_result = "SUCCESS"
    return {
        "cancelResult": cancel_result,
        "newOrderResult": new_result,
        "cancelResponse": _error_body(cancel_error) if cancel_error else cancel_body,
        "newOrderResponse": _error_body(place_error) if place_error else new_body,
    }


def _error_body(error: BinanceError) -> dict[str, Any]:
    return {"code": error.code, "msg": error.msg}
