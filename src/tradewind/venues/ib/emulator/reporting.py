"""Read requests about the account: open and completed orders, executions, positions,
account updates / summary / PnL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from tradewind.venues.emulation import Side
from tradewind.venues.ib.emulator.account import (
    SUMMARY_TAGS,
    AccountSnapshot,
    account_snapshot,
    account_value_messages,
    portfolio_message,
    position_message,
)
from tradewind.venues.ib.emulator.contracts import contract_fields
from tradewind.venues.ib.emulator.core import ClientState, Core, Reply
from tradewind.venues.ib.emulator.history import HistoryError, parse_end_ms
from tradewind.venues.ib.emulator.messages import (
    commission_report,
    completed_order,
    exec_details,
    open_order,
    order_status,
)
from tradewind.venues.ib.emulator.wire import FieldReader

__all__ = [
    "account_download",
    "account_summary",
    "account_updates",
    "account_updates_multi",
    "completed_orders",
    "executions",
    "open_orders",
    "pnl",
    "position_update",
    "positions",
    "snapshot",
]


def snapshot(core: Core) -> AccountSnapshot:
    return account_snapshot(
        core.market, core.account, core.contracts, core.book.extra_commission_usd()
    )


def open_orders(core: Core, client: ClientState, *, all_clients: bool) -> Reply:
    """reqOpenOrders (this client's) / reqAllOpenOrders: openOrder + orderStatus, then end."""
    reply = Reply(client.client_id)
    for order in core.book.orders():
        view = core.book.view(order)
        if order.status.is_open and (all_clients or view.identity.client_id == client.client_id):
            reply.send(open_order(view)).send(order_status(view))
    return reply.send([53, 1])


def completed_orders(core: Core, client: ClientState) -> Reply:
    """reqCompletedOrders: every filled, cancelled or expired order of the account."""
    reply = Reply(client.client_id)
    for order in core.book.orders():
        if not order.status.is_open:
            reply.send(completed_order(core.book.view(order), order.update_time_ms))
    return reply.send([102])


def executions(core: Core, client: ClientState, fields: Sequence[str]) -> Reply:
    """reqExecutions with its filter (clientId, account, time, symbol, secType, side)."""
    reader = FieldReader(fields, start=2)
    req_id, filter_client, account = reader.integer(), reader.integer(), reader.text()
    since, symbol, sec_type = reader.text(), reader.text().upper(), reader.text().upper()
    reader.skip(1)  # exchange
    side = reader.text().upper()
    reply = Reply(client.client_id)
    try:
        since_ms = parse_end_ms(since, 0) if since else 0
    except HistoryError:
        since_ms = 0
    orders = {o.order_id: o for o in core.book.orders()}
    cumulative: dict[int, Decimal] = {}
    for trade in core.market.trades(core.account):
        if trade.order_id not in orders:
            continue
        cumulative[trade.order_id] = cumulative.get(trade.order_id, Decimal(0)) + trade.qty
        view = core.book.view(orders[trade.order_id])
        wanted = (
            (not filter_client or view.identity.client_id == filter_client)
            and (not account or account == core.account)
            and trade.time_ms >= since_ms
            and (not symbol or symbol in (view.contract.symbol, view.contract.local_symbol))
            and (not sec_type or sec_type == view.contract.sec_type)
            and (not side or side == ("BUY" if trade.side is Side.BUY else "SELL"))
        )
        if wanted:
            reply.send(exec_details(req_id, view, trade, cumulative[trade.order_id]))
            reply.send(commission_report(trade, core.book.commission(trade), None))
    return reply.send([55, 1, req_id])


def positions(core: Core, client: ClientState) -> Reply:
    """reqPositions: position per open position, then positionEnd (then on every fill)."""
    client.positions = True
    reply = Reply(client.client_id)
    reply.send_all(position_message(line, core.account) for line in snapshot(core).lines)
    return reply.send([62, 1])


def position_update(core: Core, reply: Reply, symbols: Iterable[str]) -> Reply:
    """position messages for the symbols an execution changed (qty 0 once flat)."""
    lines = {line.contract.market_symbol: line for line in snapshot(core).lines}
    for symbol in sorted(set(symbols)):
        line = lines.get(symbol)
        if line is not None:
            reply.send(position_message(line, core.account))
        elif symbol in core.contracts:
            flat = [61, 3, core.account, *contract_fields(core.contracts[symbol]), 0, 0]
            reply.send(flat)
    return reply


def account_updates(core: Core, client: ClientState, fields: Sequence[str]) -> Reply:
    """reqAccountUpdates: values, portfolio, time, accountDownloadEnd (then on every fill)."""
    reader = FieldReader(fields, start=2)
    subscribe = reader.flag()
    client.account_updates = subscribe
    reply = Reply(client.client_id)
    if subscribe:
        account_download(core, reply)
    return reply


def account_download(core: Core, reply: Reply) -> Reply:
    """The full account update sequence ending with accountDownloadEnd."""
    snap = snapshot(core)
    reply.send_all(account_value_messages(snap, core.account))
    reply.send_all(portfolio_message(line, core.account) for line in snap.lines)
    clock = datetime.fromtimestamp(core.market.now_ms / 1000, tz=UTC).strftime("%H:%M")
    return reply.send([8, 1, clock]).send([54, 1, core.account])


def account_updates_multi(core: Core, client: ClientState, fields: Sequence[str]) -> Reply:
    """reqAccountUpdatesMulti: accountUpdateMulti per value, then the end."""
    reader = FieldReader(fields, start=2)
    req_id, _account, model = reader.integer(), reader.text(), reader.text()
    reply = Reply(client.client_id)
    for message in account_value_messages(snapshot(core), core.account):
        _, _, tag, value, currency, account = message
        reply.send([73, 1, req_id, account, model, tag, value, currency])
    return reply.send([74, 1, req_id])


def account_summary(core: Core, client: ClientState, fields: Sequence[str]) -> Reply:
    """reqAccountSummary: the requested tags (or all with `All`/`$LEDGER`), then the end."""
    reader = FieldReader(fields, start=2)
    req_id, _group, tags_text = reader.integer(), reader.text(), reader.text()
    tags = {t.strip() for t in tags_text.split(",") if t.strip()}
    everything = not tags or bool(tags & {"All", "$LEDGER", "$LEDGER:ALL", "$LEDGER:USD"})
    reply = Reply(client.client_id)
    values = snapshot(core).values
    for tag in SUMMARY_TAGS:
        if everything or tag in tags:
            currency = "" if tag in ("AccountType", "Cushion", "Leverage") else "USD"
            reply.send([63, 1, req_id, core.account, tag, values[tag], currency])
    return reply.send([64, 1, req_id])


def pnl(core: Core, client: ClientState, fields: Sequence[str]) -> Reply:
    """reqPnL: one pnl message (daily = unrealized + realized since the start)."""
    req_id = FieldReader(fields, start=1).integer()
    values = snapshot(core).values
    unrealized, realized = Decimal(values["UnrealizedPnL"]), Decimal(values["RealizedPnL"])
    return Reply(client.client_id).send([94, req_id, unrealized + realized, unrealized, realized])
