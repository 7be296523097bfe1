"""v20 order endpoints: create, list, get (id or @clientID), cancel and replace.

Placing an order records its create transaction, hands it to the toolkit market and
books what the market did at once (fill, expiry). A market order while the market is
closed, or one the margin does not cover, is created and cancelled in the same answer
(201 with orderCancelTransaction reason MARKET_HALTED / INSUFFICIENT_MARGIN), as v20 does.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tradewind.venues.emulation import FaultKind, OrderRejectedError, RejectReason
from tradewind.venues.oanda.emulator.books import Books
from tradewind.venues.oanda.emulator.ledger import AccountLedger
from tradewind.venues.oanda.emulator.order_requests import (
    RequestRejectedError,
    parse_order,
    toolkit_order,
)
from tradewind.venues.oanda.emulator.records import OrderRecord, create_fields, order_json
from tradewind.venues.oanda.emulator.wire import Call, OandaError, int_param

__all__ = ["Answer", "OrderEndpoints", "find_order", "place"]

_CANCEL_REASON = {
    RejectReason.MARKET_CLOSED: "MARKET_HALTED",
    RejectReason.NO_PRICE: "MARKET_HALTED",
    RejectReason.INSUFFICIENT_MARGIN: "INSUFFICIENT_MARGIN",
    RejectReason.INSUFFICIENT_BALANCE: "INSUFFICIENT_MARGIN",
}
_STATES = ("PENDING", "FILLED", "TRIGGERED", "CANCELLED", "ALL")


class Answer(dict[str, Any]):
    """A response body with a status other than 200."""

    def __init__(self, status: int, body: Mapping[str, Any]) -> None:
        super().__init__(body)
        self.status = status


def place(books: Books, ledger: AccountLedger, order: OrderRecord, now_ms: int) -> dict[str, Any]:
    """Create the order and book what happened at once: the transactions by role.

    Returns {"orderCreateTransaction", "orderFillTransaction"?, "orderCancelTransaction"?}.
    The caller holds market.atomic() and the ledger's batch.
    """
    market = books.market
    info = books.info(order.instrument)
    create = ledger.add(create_fields(order, info), now_ms)
    ledger.orders[order.id] = order
    out = {"orderCreateTransaction": create}
    bound_violation = _bound_violated(order, market.last_price(order.instrument))
    if bound_violation:
        out["orderCancelTransaction"] = ledger.cancel(order, "BOUNDS_VIOLATION", now_ms)
        return out
    try:
        try:
            placed = market.place_order(ledger.id, toolkit_order(order))
        except OrderRejectedError as exc:
            if exc.reason is not RejectReason.WOULD_TRIGGER_IMMEDIATELY:
                raise
            placed = market.place_order(ledger.id, toolkit_order(order, as_market=True))
    except OrderRejectedError as exc:
        reason = _CANCEL_REASON.get(exc.reason, "INTERNAL_SERVER_ERROR")
        out["orderCancelTransaction"] = ledger.cancel(order, reason, now_ms)
        return out
    order.toolkit_id = placed.order.order_id
    ledger.by_toolkit[placed.order.order_id] = order.id
    first_new = ledger.last_id
    ledger.sync(market, now_ms)
    for txn in ledger.since(first_new):
        if txn["type"] == "ORDER_FILL" and txn["orderID"] == str(order.id):
            out["orderFillTransaction"] = txn
        elif txn["type"] == "ORDER_CANCEL" and txn["orderID"] == str(order.id):
            out["orderCancelTransaction"] = txn
    return out


def _bound_violated(order: OrderRecord, last: Decimal | None) -> bool:
    if order.kind != "MARKET" or order.price_bound is None or last is None:
        return False
    return last > order.price_bound if order.units > 0 else last < order.price_bound


def find_order(ledger: AccountLedger, specifier: str) -> OrderRecord:
    """The order an OrderSpecifier names (an id or @clientID); raises OandaError 404."""
    order = None
    if specifier.startswith("@"):
        order = ledger.order_by_client_id(specifier[1:])
    elif specifier.isdigit():
        order = ledger.orders.get(int(specifier))
    else:
        raise OandaError(400, "Invalid value specified for 'orderSpecifier'")
    if order is None:
        raise OandaError(
            404,
            "The Order specified does not exist",
            "ORDER_DOESNT_EXIST",
            {"lastTransactionID": str(ledger.last_id)},
        )
    return order


class OrderEndpoints:
    """Handlers of /v3/accounts/{id}/orders...; each takes a Call and returns the body."""

    def __init__(self, books: Books) -> None:
        self.books = books

    def create(self, call: Call) -> Answer:
        spec = _order_spec(call)
        ledger = self.books.ledger(call.account_id)
        with self.books.market.atomic():
            ledger.sync(self.books.market, call.now_ms)
            ledger.begin_batch()
            try:
                order = self._parse(ledger, spec, call)
                duplicate = self._duplicate_ack(ledger, order, call)
                if duplicate is not None:
                    return duplicate
                result = place(self.books, ledger, order, call.now_ms)
            finally:
                ledger.end_batch()
        return Answer(201, _with_ids(ledger, result))

    def _parse(self, ledger: AccountLedger, spec: Mapping[str, Any], call: Call) -> OrderRecord:
        try:
            if call.request.fault.has(FaultKind.REJECT):
                raise RequestRejectedError(
                    "ACCOUNT_ORDER_CREATION_LOCKED", "Order creation is locked"
                )
            order = parse_order(spec, self.books.instruments, ledger.new_order_id(), call.now_ms)
            client_id = order.client_id
            if client_id and not call.request.fault.has(FaultKind.DUPLICATE_ACK):
                used = ledger.order_by_client_id(client_id)
                if used is not None and used.state == "PENDING":
                    raise RequestRejectedError(
                        "CLIENT_ORDER_ID_ALREADY_EXISTS",
                        f"The client Order ID {client_id} is already used by a pending Order",
                    )
            return order
        except RequestRejectedError as exc:
            raise _reject(ledger, spec, exc, call.now_ms) from None

    def _duplicate_ack(
        self, ledger: AccountLedger, order: OrderRecord, call: Call
    ) -> Answer | None:
        if not call.request.fault.has(FaultKind.DUPLICATE_ACK) or not order.client_id:
            return None
        used = ledger.order_by_client_id(order.client_id)
        if used is None:
            return None
        first = ledger.transactions[used.id - 1]
        result: dict[str, Any] = {"orderCreateTransaction": first}
        if used.filling_txn is not None:
            result["orderFillTransaction"] = ledger.transactions[used.filling_txn - 1]
        return Answer(201, _with_ids(ledger, result))

    def list(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        state = call.params.get("state") or "PENDING"
        if state not in _STATES:
            raise OandaError(400, "Invalid value specified for 'state'")
        orders = _filtered(ledger, call.params, state)
        return {"orders": orders, "lastTransactionID": str(ledger.last_id)}

    def pending(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        orders = [
            order_json(o, self.books.info(o.instrument))
            for o in sorted(ledger.orders.values(), key=lambda o: -o.id)
            if o.state == "PENDING"
        ]
        return {"orders": orders, "lastTransactionID": str(ledger.last_id)}

    def get(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        order = find_order(ledger, call.args[1])
        return {
            "order": order_json(order, self.books.info(order.instrument)),
            "lastTransactionID": str(ledger.last_id),
        }

    def cancel(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        with self.books.market.atomic():
            order = find_order(ledger, call.args[1])
            if order.state != "PENDING" or order.toolkit_id is None:
                raise _cancel_reject(ledger, order, call.now_ms)
            self.books.market.cancel_order(ledger.id, order.instrument, order_id=order.toolkit_id)
            txn = ledger.cancel(order, "CLIENT_REQUEST", call.now_ms)
        return {
            "orderCancelTransaction": txn,
            "relatedTransactionIDs": [txn["id"]],
            "lastTransactionID": str(ledger.last_id),
        }

    def replace(self, call: Call) -> Answer:
        spec = _order_spec(call)
        ledger = self.books.ledger(call.account_id)
        market = self.books.market
        with market.atomic():
            old = find_order(ledger, call.args[1])
            if old.state != "PENDING" or old.toolkit_id is None:
                raise _cancel_reject(ledger, old, call.now_ms)
            ledger.begin_batch()
            try:
                try:
                    new = parse_order(spec, self.books.instruments, ledger.last_id + 2, call.now_ms)
                except RequestRejectedError as exc:
                    raise _reject(ledger, spec, exc, call.now_ms) from None
                market.cancel_order(ledger.id, old.instrument, order_id=old.toolkit_id)
                cancel = ledger.cancel(old, "CLIENT_REQUEST_REPLACED", call.now_ms, new.id)
                new.reason, new.replaces = "REPLACEMENT", old.id
                new.client_ext = new.client_ext or old.client_ext
                result = {
                    "orderCancelTransaction": cancel,
                    **place(self.books, ledger, new, call.now_ms),
                }
            finally:
                ledger.end_batch()
        return Answer(201, _with_ids(ledger, result))

    def client_extensions(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        body = call.json_body()
        with self.books.market.atomic():
            order = find_order(ledger, call.args[1])
            fields: dict[str, Any] = {
                "type": "ORDER_CLIENT_EXTENSIONS_MODIFY",
                "orderID": str(order.id),
            }
            if isinstance(body.get("clientExtensions"), dict):
                order.client_ext = {k: str(v) for k, v in body["clientExtensions"].items()}
                fields["clientExtensionsModify"] = dict(order.client_ext)
            if isinstance(body.get("tradeClientExtensions"), dict):
                order.trade_client_ext = {
                    k: str(v) for k, v in body["tradeClientExtensions"].items()
                }
                fields["tradeClientExtensionsModify"] = dict(order.trade_client_ext)
            txn = ledger.add(fields, call.now_ms)
        return {
            "orderClientExtensionsModifyTransaction": txn,
            "relatedTransactionIDs": [txn["id"]],
            "lastTransactionID": str(ledger.last_id),
        }


def _order_spec(call: Call) -> dict[str, Any]:
    spec = call.json_body().get("order")
    if not isinstance(spec, dict):
        raise OandaError(400, "Invalid value specified for 'order'")
    return spec


def _reject(
    ledger: AccountLedger, spec: Mapping[str, Any], exc: RequestRejectedError, now_ms: int
) -> OandaError:
    kind = str(spec.get("type") or "MARKET")
    fields: dict[str, Any] = {"type": f"{kind}_ORDER_REJECT"}
    for name in ("instrument", "units", "price", "timeInForce", "positionFill", "clientExtensions"):
        if spec.get(name) is not None:
            fields[name] = spec[name]
    fields["reason"] = "CLIENT_ORDER"
    fields["rejectReason"] = exc.reason
    txn = ledger.add(fields, now_ms)
    return OandaError(
        400,
        exc.message,
        exc.reason,
        {
            "orderRejectTransaction": txn,
            "relatedTransactionIDs": [txn["id"]],
            "lastTransactionID": str(ledger.last_id),
        },
    )


def _cancel_reject(ledger: AccountLedger, order: OrderRecord, now_ms: int) -> OandaError:
    fields: dict[str, Any] = {"type": "ORDER_CANCEL_REJECT", "orderID": str(order.id)}
    if order.client_id:
        fields["clientOrderID"] = order.client_id
    fields["rejectReason"] = "ORDER_DOESNT_EXIST"
    txn = ledger.add(fields, now_ms)
    return OandaError(
        404,
        f"The Order specified is {order.state}, not PENDING",
        "ORDER_DOESNT_EXIST",
        {
            "orderCancelRejectTransaction": txn,
            "relatedTransactionIDs": [txn["id"]],
            "lastTransactionID": str(ledger.last_id),
        },
    )


def _with_ids(ledger: AccountLedger, result: Mapping[str, Any]) -> dict[str, Any]:
    ids = sorted({int(t["id"]) for t in result.values()})
    return {
        **result,
        "relatedTransactionIDs": [str(i) for i in ids],
        "lastTransactionID": str(ledger.last_id),
    }


def _filtered(ledger: AccountLedger, params: Mapping[str, str], state: str) -> list[dict[str, Any]]:
    count = int_param(params, "count", 50, 500)
    before = params.get("beforeID")
    wanted_ids = (
        {int(i) for i in params["ids"].split(",") if i.isdigit()} if params.get("ids") else None
    )
    instrument = params.get("instrument")
    out = []
    for order in sorted(ledger.orders.values(), key=lambda o: -o.id):
        if (
            (state == "ALL" or order.state == state)
            and (instrument is None or order.instrument == instrument)
            and (before is None or not before.isdigit() or order.id < int(before))
            and (wanted_ids is None or order.id in wanted_ids)
        ):
            out.append(order_json(order, ledger.instruments[order.instrument]))
        if len(out) >= count:
            break
    return out
