"""The request dispatch of one API client: message id -> name -> handler.

`MESSAGE_NAMES` names every request the emulator knows (ib_async's client method names);
faults are armed and requests counted by these names. Unknown requests are counted as
`msg<id>` and ignored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

from tradewind.venues.emulation import FaultDecision, FaultKind
from tradewind.venues.ib.emulator import reporting, trading
from tradewind.venues.ib.emulator.contracts import contract_details_fields, parse_contract
from tradewind.venues.ib.emulator.core import NO_SECURITY, ClientState, Core, Reply
from tradewind.venues.ib.emulator.history import (
    HistoryError,
    head_timestamp,
    historical_bars,
    historical_data_message,
    parse_end_ms,
    parse_history_request,
)
from tradewind.venues.ib.emulator.marketdata import Subscription, quote_of, tick_messages
from tradewind.venues.ib.emulator.wire import FieldReader

__all__ = ["MESSAGE_NAMES", "REQ_ID_INDEX", "handle"]

MESSAGE_NAMES: Mapping[int, str] = {
    1: "reqMktData", 2: "cancelMktData", 3: "placeOrder", 4: "cancelOrder",
    5: "reqOpenOrders", 6: "reqAccountUpdates", 7: "reqExecutions", 8: "reqIds",
    9: "reqContractDetails", 15: "reqAutoOpenOrders", 16: "reqAllOpenOrders",
    17: "reqManagedAccts", 20: "reqHistoricalData", 25: "cancelHistoricalData",
    49: "reqCurrentTime", 58: "reqGlobalCancel", 59: "reqMarketDataType", 61: "reqPositions",
    62: "reqAccountSummary", 63: "cancelAccountSummary", 64: "cancelPositions",
    71: "startApi", 76: "reqAccountUpdatesMulti", 77: "cancelAccountUpdatesMulti",
    87: "reqHeadTimeStamp", 90: "cancelHeadTimeStamp", 92: "reqPnL", 93: "cancelPnL",
    99: "reqCompletedOrders",
}  # fmt: skip
REQ_ID_INDEX: Mapping[str, int] = {
    "reqMktData": 2, "placeOrder": 1, "cancelOrder": 2, "reqExecutions": 2,
    "reqContractDetails": 2, "reqHistoricalData": 1, "reqAccountSummary": 2,
    "reqAccountUpdatesMulti": 2, "reqHeadTimeStamp": 1, "reqPnL": 1,
}  # fmt: skip
"""Where a request carries its reqId / orderId (errors caused by a fault go there)."""

_Handler = Callable[[Core, ClientState, Sequence[str], FaultDecision], Reply]


def handle(
    core: Core, client: ClientState, name: str, fields: Sequence[str], fault: FaultDecision
) -> Reply:
    """The reply to one request (an empty reply for requests without an answer)."""
    handler = _HANDLERS.get(name)
    if handler is None:
        return Reply(client.client_id)
    return handler(core, client, fields, fault)


def _now_s(core: Core, fault: FaultDecision) -> int:
    market_ms = core.market.now_ms
    now_ms = market_ms if market_ms > 0 else int(time.time() * 1000)
    return (now_ms - fault.skew_ms) // 1000


def _current_time(
    core: Core, client: ClientState, _f: Sequence[str], fault: FaultDecision
) -> Reply:
    return Reply(client.client_id).send([49, 1, _now_s(core, fault)])


def _ids(core: Core, client: ClientState, _f: Sequence[str], _fault: FaultDecision) -> Reply:
    return Reply(client.client_id).send([9, 1, core.book.next_order_id(client.client_id)])


def _accounts(core: Core, client: ClientState, _f: Sequence[str], _x: FaultDecision) -> Reply:
    return Reply(client.client_id).send([15, 1, core.account])


def _contract_details(
    core: Core, client: ClientState, fields: Sequence[str], _fault: FaultDecision
) -> Reply:
    reader = FieldReader(fields, start=2)
    req_id = reader.integer()
    found = core.find(parse_contract(reader))
    reply = Reply(client.client_id)
    if not found:
        return reply.error(req_id, 200, NO_SECURITY)
    reply.send_all(contract_details_fields(req_id, c) for c in found)
    return reply.send([52, 1, req_id])


def _market_data(
    core: Core, client: ClientState, fields: Sequence[str], _fault: FaultDecision
) -> Reply:
    reader = FieldReader(fields, start=2)
    req_id = reader.integer()
    found = core.find(parse_contract(reader))
    if reader.flag():  # delta-neutral contract
        reader.skip(3)
    reader.skip(1)  # genericTickList
    snapshot = reader.flag()
    reply = Reply(client.client_id)
    if not found:
        return reply.error(req_id, 200, NO_SECURITY)
    contract = found[0]
    reply.send([58, 1, req_id, client.market_data_type])
    quote = quote_of(core.market, contract)
    if quote is not None:
        reply.send_all(tick_messages(req_id, contract, quote, client.market_data_type))
    if snapshot:
        return reply.send([57, 1, req_id])
    client.subscriptions[req_id] = Subscription(req_id, contract, client.market_data_type, quote)
    return reply


def _cancel_market_data(
    core: Core, client: ClientState, fields: Sequence[str], _fault: FaultDecision
) -> Reply:
    client.subscriptions.pop(FieldReader(fields, start=2).integer(), None)
    return Reply(client.client_id)


def _market_data_type(
    core: Core, client: ClientState, fields: Sequence[str], _fault: FaultDecision
) -> Reply:
    client.market_data_type = FieldReader(fields, start=2).integer(1)
    return Reply(client.client_id)


def _history(core: Core, client: ClientState, fields: Sequence[str], _f: FaultDecision) -> Reply:
    request = parse_history_request(fields)
    reply = Reply(client.client_id)
    found = core.find(request.contract)
    if not found:
        return reply.error(request.req_id, 200, NO_SECURITY)
    contract = found[0]
    now_ms = core.market.now_ms
    try:
        klines = historical_bars(
            request, core.market.bars(contract.market_symbol), now_ms, is_forex=contract.is_forex
        )
        end_ms = min(parse_end_ms(request.end_date_time, now_ms), now_ms)
    except HistoryError as exc:
        return reply.error(
            request.req_id, 162, f"Historical Market Data Service error message:{exc}"
        )
    return reply.send(historical_data_message(request, klines, end_ms))


def _head_timestamp(
    core: Core, client: ClientState, fields: Sequence[str], _fault: FaultDecision
) -> Reply:
    reader = FieldReader(fields, start=1)
    req_id = reader.integer()
    found = core.find(parse_contract(reader))
    reader.skip(3)  # includeExpired, useRTH, whatToShow
    format_date = reader.integer(1)
    reply = Reply(client.client_id)
    if not found:
        return reply.error(req_id, 200, NO_SECURITY)
    try:
        stamp = head_timestamp(core.market.bars(found[0].market_symbol), format_date)
    except HistoryError as exc:
        return reply.error(req_id, 162, f"Historical Market Data Service error message:{exc}")
    return reply.send([88, req_id, stamp])


def _place(core: Core, client: ClientState, fields: Sequence[str], fault: FaultDecision) -> Reply:
    return trading.place_order(
        core,
        client,
        fields,
        reject=fault.has(FaultKind.REJECT),
        duplicate_ack=fault.has(FaultKind.DUPLICATE_ACK),
    )


def _simple(
    handler: Callable[[Core, ClientState], Reply],
) -> _Handler:
    return lambda core, client, _fields, _fault: handler(core, client)


def _with_fields(handler: Callable[[Core, ClientState, Sequence[str]], Reply]) -> _Handler:
    return lambda core, client, fields, _fault: handler(core, client, fields)


def _nothing(core: Core, client: ClientState, _f: Sequence[str], _x: FaultDecision) -> Reply:
    return Reply(client.client_id)


_HANDLERS: Mapping[str, _Handler] = {
    "reqCurrentTime": _current_time,
    "reqIds": _ids,
    "reqManagedAccts": _accounts,
    "reqContractDetails": _contract_details,
    "reqMktData": _market_data,
    "cancelMktData": _cancel_market_data,
    "reqMarketDataType": _market_data_type,
    "reqHistoricalData": _history,
    "reqHeadTimeStamp": _head_timestamp,
    "placeOrder": _place,
    "cancelOrder": _with_fields(trading.cancel_order),
    "reqGlobalCancel": _simple(trading.global_cancel),
    "reqOpenOrders": _simple(lambda c, cl: reporting.open_orders(c, cl, all_clients=False)),
    "reqAllOpenOrders": _simple(lambda c, cl: reporting.open_orders(c, cl, all_clients=True)),
    "reqCompletedOrders": _simple(reporting.completed_orders),
    "reqExecutions": _with_fields(reporting.executions),
    "reqPositions": _simple(reporting.positions),
    "reqAccountUpdates": _with_fields(reporting.account_updates),
    "reqAccountUpdatesMulti": _with_fields(reporting.account_updates_multi),
    "reqAccountSummary": _with_fields(reporting.account_summary),
    "reqPnL": _with_fields(reporting.pnl),
    "reqAutoOpenOrders": _nothing,
    "cancelHistoricalData": _nothing,
    "cancelAccountSummary": _nothing,
    "cancelPositions": _nothing,
    "cancelAccountUpdatesMulti": _nothing,
    "cancelHeadTimeStamp": _nothing,
    "cancelPnL": _nothing,
}
