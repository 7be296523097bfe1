"""One emulated v20 account's books: transactions, orders, trades and balance.

The toolkit market matches orders; the ledger turns what happened there into v20
transactions with increasing ids (ORDER_FILL, ORDER_CANCEL, ...) and keeps v20's trades:
a fill first reduces the open trades on the other side, oldest first (or the trade a
trade-close names), then opens a trade whose id is the fill's transaction id. Realized
P&L moves the balance. The caller holds `market.atomic()` around every mutation.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tradewind.venues.emulation import EmulatedMarket, OrderStatus, Side, Trade
from tradewind.venues.oanda.emulator.instruments import InstrumentInfo
from tradewind.venues.oanda.emulator.records import OrderRecord, TradeRecord
from tradewind.venues.oanda.emulator.wire import Ms, money

__all__ = ["AccountLedger"]

_ZERO = Decimal(0)
_FILL_REASON = {
    "CLIENT_ORDER": "{kind}_ORDER",
    "REPLACEMENT": "{kind}_ORDER",
    "TRADE_CLOSE": "MARKET_ORDER_TRADE_CLOSE",
    "POSITION_CLOSEOUT": "MARKET_ORDER_POSITION_CLOSEOUT",
}


class AccountLedger:
    """The v20 books of one account; see the module docstring."""

    def __init__(
        self,
        account_id: str,
        currency: str,
        instruments: Mapping[str, InstrumentInfo],
        created_ms: int,
        deposit: Decimal,
    ) -> None:
        self.id = account_id
        self.currency = currency
        self.instruments = instruments
        self.created_ms = created_ms
        self.transactions: list[dict[str, Any]] = []
        self.orders: dict[int, OrderRecord] = {}
        self.by_toolkit: dict[int, int] = {}
        self.trades: dict[int, TradeRecord] = {}
        self.balance = _ZERO
        self.realized_pl: dict[str, dict[str, Decimal]] = {}
        self.seen_fills = 0
        self._batch: int | None = None
        self.add(
            {
                "type": "CREATE",
                "divisionID": 1,
                "siteID": 101,
                "accountUserID": 1,
                "accountNumber": 1,
                "homeCurrency": currency,
            },
            created_ms,
        )
        self.balance = deposit
        self.add(
            {
                "type": "TRANSFER_FUNDS",
                "amount": money(deposit),
                "fundingReason": "CLIENT_FUNDING",
                "accountBalance": money(deposit),
            },
            created_ms,
        )

    # -- transactions -------------------------------------------------------------------
    @property
    def last_id(self) -> int:
        return len(self.transactions)

    def begin_batch(self) -> None:
        """The transactions added until `end_batch` share one batchID (one request)."""
        self._batch = self.last_id + 1

    def end_batch(self) -> None:
        self._batch = None

    def add(self, fields: dict[str, Any], time_ms: int) -> dict[str, Any]:
        """Append a transaction with the next id; returns it (JSON-ready, times as Ms)."""
        txn_id = self.last_id + 1
        txn = {
            "id": str(txn_id),
            "time": Ms(time_ms),
            "userID": 1,
            "accountID": self.id,
            "batchID": str(self._batch or txn_id),
            "requestID": str(10_000_000_000 + txn_id),
            **fields,
        }
        self.transactions.append(txn)
        return txn

    def since(self, txn_id: int) -> list[dict[str, Any]]:
        return self.transactions[max(txn_id, 0) :]

    # -- orders -------------------------------------------------------------------------
    def new_order_id(self) -> int:
        return self.last_id + 1

    def order_by_client_id(self, client_id: str) -> OrderRecord | None:
        for order in reversed(self.orders.values()):
            if order.client_id == client_id:
                return order
        return None

    def cancel(
        self, order: OrderRecord, reason: str, time_ms: int, replaced_by: int | None = None
    ) -> dict[str, Any]:
        """Record the order's cancellation (the toolkit order is already closed)."""
        fields: dict[str, Any] = {"type": "ORDER_CANCEL", "orderID": str(order.id)}
        if order.client_id:
            fields["clientOrderID"] = order.client_id
        fields["reason"] = reason
        if replaced_by is not None:
            fields["replacedByOrderID"] = str(replaced_by)
            order.replaced_by = replaced_by
        txn = self.add(fields, time_ms)
        order.state = "CANCELLED"
        order.cancelling_txn = int(txn["id"])
        order.cancelled_ms = time_ms
        return txn

    # -- fills --------------------------------------------------------------------------
    def fill(self, order: OrderRecord, trade: Trade, order_done: bool) -> dict[str, Any]:
        """Book one toolkit execution of the order as an ORDER_FILL transaction."""
        info = self.instruments[order.instrument]
        units = trade.qty if trade.side is Side.BUY else -trade.qty
        fill_id = self.last_id + 1
        closed, reduced, remaining, pl = self._reduce(order, units, trade.price, fill_id, trade)
        self.balance += pl
        fields: dict[str, Any] = {
            "type": "ORDER_FILL",
            "orderID": str(order.id),
            "instrument": order.instrument,
            "units": info.units(units),
            "requestedUnits": info.units(order.units),
            "price": info.price(trade.price),
            "fullVWAP": info.price(trade.price),
            "fullPrice": self._full_price(info, trade),
            "reason": _FILL_REASON[order.reason].format(kind=order.kind),
            "pl": money(pl),
            "quotePL": str(pl),
            "financing": "0.0000",
            "baseFinancing": "0",
            "commission": "0.0000",
            "guaranteedExecutionFee": "0.0000",
            "quoteGuaranteedExecutionFee": "0",
            "accountBalance": money(self.balance),
            "halfSpreadCost": "0.0000",
            "gainQuoteHomeConversionFactor": "1",
            "lossQuoteHomeConversionFactor": "1",
        }
        if order.client_id:
            fields["clientOrderID"] = order.client_id
        if remaining != 0:
            fields["tradeOpened"] = self._open(order, info, remaining, trade, fill_id)
        if closed:
            fields["tradesClosed"] = closed
        if reduced is not None:
            fields["tradeReduced"] = reduced
        txn = self.add(fields, trade.time_ms)
        if order_done:
            order.state = "FILLED"
            order.filling_txn = fill_id
            order.filled_ms = trade.time_ms
        return txn

    def _full_price(self, info: InstrumentInfo, trade: Trade) -> dict[str, Any]:
        quote = info.quote_at(trade.price)
        return {
            "type": "PRICE",
            "instrument": info.name,
            "time": Ms(trade.time_ms),
            "bids": [{"price": info.price(quote.bid), "liquidity": "10000000"}],
            "asks": [{"price": info.price(quote.ask), "liquidity": "10000000"}],
            "closeoutBid": info.price(quote.bid),
            "closeoutAsk": info.price(quote.ask),
        }

    def _reduce(
        self, order: OrderRecord, units: Decimal, price: Decimal, fill_id: int, trade: Trade
    ) -> tuple[list[dict[str, Any]], dict[str, Any] | None, Decimal, Decimal]:
        info = self.instruments[order.instrument]
        closed: list[dict[str, Any]] = []
        reduced = None
        remaining, total_pl = units, _ZERO
        for record in self._opposite(order, units):
            if remaining == 0:
                break
            take = min(abs(remaining), abs(record.current_units))
            amount = take if record.current_units > 0 else -take  # units leaving the trade
            pl = amount * (price - record.price)
            record.current_units -= amount
            record.realized_pl += pl
            record.closed_units += take
            record.close_value += take * price
            record.closing_txns.append(fill_id)
            remaining += amount
            total_pl += pl
            side = "long" if amount > 0 else "short"
            self._book_pl(order.instrument, side, pl)
            entry = {
                "tradeID": str(record.id),
                "units": info.units(-amount),
                "price": info.price(price),
                "realizedPL": money(pl),
                "financing": "0.0000",
                "baseFinancing": "0",
                "guaranteedExecutionFee": "0.0000",
                "halfSpreadCost": "0.0000",
            }
            if record.client_ext:
                entry["clientTradeID"] = record.client_ext.get("id", "")
            if record.current_units == 0:
                record.close_ms = trade.time_ms
                closed.append(entry)
                order.trade_closed_ids.append(record.id)
            else:
                reduced = entry
                order.trade_reduced_id = record.id
        return closed, reduced, remaining, total_pl

    def _opposite(self, order: OrderRecord, units: Decimal) -> list[TradeRecord]:
        candidates = [
            t
            for t in self.trades.values()
            if t.is_open
            and t.instrument == order.instrument
            and (t.current_units > 0) != (units > 0)
        ]
        if order.close_trade_id is not None:
            return [t for t in candidates if t.id == order.close_trade_id]
        return sorted(candidates, key=lambda t: t.id)

    def _open(
        self, order: OrderRecord, info: InstrumentInfo, units: Decimal, trade: Trade, fill_id: int
    ) -> dict[str, Any]:
        record = TradeRecord(
            id=fill_id,
            instrument=order.instrument,
            price=trade.price,
            open_ms=trade.time_ms,
            initial_units=units,
            current_units=units,
            margin_rate=info.margin_rate,
            client_ext=order.trade_client_ext,
        )
        self.trades[fill_id] = record
        order.trade_opened_id = fill_id
        opened: dict[str, Any] = {
            "tradeID": str(fill_id),
            "units": info.units(units),
            "price": info.price(trade.price),
            "guaranteedExecutionFee": "0.0000",
            "halfSpreadCost": "0.0000",
            "initialMarginRequired": money(abs(units) * trade.price * info.margin_rate),
        }
        if order.trade_client_ext:
            opened["clientExtensions"] = dict(order.trade_client_ext)
        return opened

    def _book_pl(self, instrument: str, side: str, pl: Decimal) -> None:
        book = self.realized_pl.setdefault(instrument, {"long": _ZERO, "short": _ZERO})
        book[side] += pl

    # -- catching up with the market -----------------------------------------------------
    def sync(self, market: EmulatedMarket, now_ms: int) -> None:
        """Book the toolkit's new executions and the orders it closed on its own."""
        trades = market.trades(self.id)
        for trade in trades[self.seen_fills :]:
            order_id = self.by_toolkit.get(trade.order_id)
            if order_id is None:
                continue
            order = self.orders[order_id]
            status = market.get_order(self.id, trade.symbol, order_id=trade.order_id).status
            last = _last_fill(trades, trade.order_id)
            done = status is OrderStatus.FILLED and trade.trade_id == last.trade_id
            self.fill(order, trade, done)
        self.seen_fills = len(trades)
        self._expire(market, now_ms)

    def _expire(self, market: EmulatedMarket, now_ms: int) -> None:
        for order in list(self.orders.values()):
            if order.state != "PENDING" or order.toolkit_id is None:
                continue
            toolkit = market.get_order(self.id, order.instrument, order_id=order.toolkit_id)
            if toolkit.status.is_open and order.expire_ms is not None and now_ms >= order.expire_ms:
                market.cancel_order(self.id, order.instrument, order_id=order.toolkit_id)
                self.cancel(order, "TIME_IN_FORCE_EXPIRED", order.expire_ms)
            elif toolkit.status in (OrderStatus.EXPIRED, OrderStatus.CANCELED):
                self.cancel(order, self._expiry_reason(market, order), toolkit.update_time_ms)

    def _expiry_reason(self, market: EmulatedMarket, order: OrderRecord) -> str:
        if not market.is_open(order.instrument):
            return "MARKET_HALTED"
        if order.kind == "MARKET" or order.tif == "FOK":
            return "INSUFFICIENT_LIQUIDITY"
        return "TIME_IN_FORCE_EXPIRED"


def _last_fill(trades: list[Trade], order_id: int) -> Trade:
    return [t for t in trades if t.order_id == order_id][-1]
