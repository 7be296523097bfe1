"""Rebuilding a v20 ledger from a market restored from `--state`.

The toolkit's state keeps orders and executions; the ledger's transactions are replayed
from them in time order (order creations, fills, cancellations), so order and trade ids
come out as they were as long as the venue refused no order before the save. What the
market does not keep is lost: tags and comments, GTD/GFD expiry (such orders become GTC)
and orders refused before they reached the market.
"""

from __future__ import annotations

from typing import Any

from tradewind.venues.emulation import EmulatedMarket, Order, OrderStatus, OrderType, Side
from tradewind.venues.oanda.emulator.ledger import AccountLedger
from tradewind.venues.oanda.emulator.records import OrderRecord, create_fields

__all__ = ["first_instant", "rebuild"]

_KIND = {
    OrderType.MARKET: "MARKET",
    OrderType.LIMIT: "LIMIT",
    OrderType.STOP: "STOP",
    OrderType.STOP_LIMIT: "STOP",
}
_CREATE, _FILL, _CLOSE = 0, 1, 2


def first_instant(market: EmulatedMarket, account_id: str) -> int:
    """When the account was opened: before its first order, else the market time."""
    times = [o.time_ms for o in market.orders(account_id)]
    return min([market.now_ms, *times])


def rebuild(ledger: AccountLedger, market: EmulatedMarket) -> None:
    """Replay the market's orders and executions of the account into the ledger."""
    orders = market.orders(ledger.id)
    trades = market.trades(ledger.id)
    # an order's creation and immediate fills come before the next order's creation
    events: list[tuple[int, int, int, int, Any]] = [
        (o.time_ms, o.order_id, _CREATE, 0, o) for o in orders
    ]
    events += [(t.time_ms, t.order_id, _FILL, t.trade_id, t) for t in trades]
    events += [
        (o.update_time_ms, o.order_id, _CLOSE, 0, o)
        for o in orders
        if o.status in (OrderStatus.CANCELED, OrderStatus.EXPIRED)
    ]
    filled = {o.order_id: o for o in orders if o.status is OrderStatus.FILLED}
    last_fill = {t.order_id: t.trade_id for t in trades}
    for _, _, kind, _, item in sorted(events, key=lambda e: e[:4]):
        if kind == _CREATE:
            _create(ledger, item)
        elif kind == _FILL:
            record = ledger.orders[ledger.by_toolkit[item.order_id]]
            done = item.order_id in filled and last_fill[item.order_id] == item.trade_id
            ledger.fill(record, item, done)
        else:
            record = ledger.orders[ledger.by_toolkit[item.order_id]]
            reason = (
                "CLIENT_REQUEST" if item.status is OrderStatus.CANCELED else "TIME_IN_FORCE_EXPIRED"
            )
            ledger.cancel(record, reason, item.update_time_ms)
    ledger.seen_fills = len(trades)


def _create(ledger: AccountLedger, order: Order) -> None:
    units = order.qty if order.side is Side.BUY else -order.qty
    kind = _KIND[order.order_type]
    if order.order_type is OrderType.STOP and order.take_profit:
        kind = "MARKET_IF_TOUCHED"
    custom_id = not order.client_order_id.startswith("emu-")
    record = OrderRecord(
        id=ledger.new_order_id(),
        kind=kind,
        instrument=order.symbol,
        units=units,
        tif="FOK" if kind == "MARKET" else order.tif.value.replace("DAY", "GFD"),
        create_ms=order.time_ms,
        price=order.price if kind == "LIMIT" else order.stop_price,
        client_ext={"id": order.client_order_id} if custom_id else None,
        toolkit_id=order.order_id,
    )
    ledger.add(create_fields(record, ledger.instruments[record.instrument]), order.time_ms)
    ledger.orders[record.id] = record
    ledger.by_toolkit[order.order_id] = record.id
