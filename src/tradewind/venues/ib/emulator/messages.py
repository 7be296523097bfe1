"""Outgoing order and execution messages, field by field as decoder.py reads them (v178).

Every function returns the fields of one message (the message id first); unset values
are empty fields, which ib_async reads as its defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from tradewind.venues.emulation import Order, OrderType, Side, Trade
from tradewind.venues.ib.emulator.contracts import IbContract, contract_fields
from tradewind.venues.ib.emulator.orders import IbIdentity

__all__ = [
    "OrderView",
    "commission_report",
    "completed_order",
    "error",
    "exec_details",
    "exec_id",
    "ib_time",
    "open_order",
    "order_status",
]

_IB_TYPES = {
    OrderType.MARKET: "MKT",
    OrderType.LIMIT: "LMT",
    OrderType.STOP: "STP",
    OrderType.STOP_LIMIT: "STP LMT",
}


@dataclass(frozen=True, slots=True)
class OrderView:
    """A market order with what TWS shows of it: contract, identity, account, status."""

    order: Order
    contract: IbContract
    identity: IbIdentity
    account: str
    status: str

    @property
    def lmt_price(self) -> Decimal | None:
        return self.order.price

    @property
    def aux_price(self) -> Decimal | None:
        return self.order.stop_price

    @property
    def avg_fill_price(self) -> Decimal:
        executed = self.order.executed_qty
        return self.order.cumulative_quote / executed if executed else Decimal(0)


def ib_time(ms: int) -> str:
    """An instant as TWS writes execution times: `YYYYMMDD HH:MM:SS UTC`."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y%m%d %H:%M:%S UTC")


def exec_id(trade: Trade) -> str:
    """A TWS-looking execution id, unique per market trade."""
    return f"0000e0d5.{trade.trade_id:08x}.01.01"


def error(req_id: int, code: int, message: str) -> list[object]:
    """An error/notice message (id 4): reqId (-1: none), code, text, advanced json."""
    return [4, 2, req_id, code, message, ""]


def order_status(view: OrderView, last_fill_price: Decimal | None = None) -> list[object]:
    """orderStatus (id 3)."""
    order = view.order
    remaining = order.qty - order.executed_qty if view.status not in _DONE else Decimal(0)
    return [
        3, view.identity.order_id, view.status, order.executed_qty, remaining,
        view.avg_fill_price, order.order_id, 0, last_fill_price or Decimal(0),
        view.identity.client_id, "", "",
    ]  # fmt: skip


_DONE = frozenset({"Filled", "Cancelled", "Inactive", "ApiCancelled"})


def _order_head(view: OrderView) -> list[object]:
    order = view.order
    return [
        "BUY" if order.side is Side.BUY else "SELL", order.qty, _IB_TYPES[order.order_type],
        view.lmt_price, view.aux_price, order.tif.value, "", view.account, "", 0,
        view.identity.order_ref,
    ]  # fmt: skip


def open_order(view: OrderView) -> list[object]:
    """openOrder (id 5) with the order's state."""
    ids = [view.identity.client_id, view.order.order_id, False, False, "", "", "", "", "", ""]
    # modelCode .. stockRangeUpper, then displaySize .. deltaNeutralAuxPrice
    terms = [""] * 14 + [0, False, False, False, "", 0, False, False, "", 0, 0, "", 0, "", ""]
    reference = ["", 0, "", "", "", "", ""]  # continuousUpdate .. comboLegsDescrip
    legs = [0, 0, 0]  # combo legs, order combo legs, smart routing params
    scale_and_hedge = ["", "", "", ""]  # scaleInit/SubsLevelSize, priceIncrement, hedgeType
    routing = [False, "", "", False, 0, ""]  # optOut .. notHeld, no dnc, no algo
    state = [False, False, view.status, *[""] * 12, "USD", "", False, False]
    adjusted = ["", "", "", "", "", "", "", 0, "", "", "", "", False, False, "", ""]
    return [
        5, view.identity.order_id, *contract_fields(view.contract), *_order_head(view),
        *ids, *terms, *reference, *legs, *scale_and_hedge, *routing, *state,
        0,  # conditions
        *adjusted, "", "", "", *[""] * 5,  # duration, postToAts, autoCancelParent, peg fields
    ]  # fmt: skip


def completed_order(view: OrderView, completed_ms: int) -> list[object]:
    """completedOrder (id 101): a filled or cancelled order (no API order id)."""
    order = view.order
    head = [101, *contract_fields(view.contract), *_order_head(view)]
    ids = [order.order_id, False, False, "", "", "", "", ""]
    terms = [""] * 13 + [0, False, False, "", 0, 0, "", 0, "", ""]
    reference = ["", 0, "", "", ""]  # continuousUpdate .. comboLegsDescrip
    legs_scale_hedge = [0, 0, 0, "", "", "", ""]
    routing = ["", "", False, 0, ""]  # clearingAccount, clearingIntent, notHeld, dnc, algo
    state = [False, view.status, False, False, 0]  # solicited, status, randomize x2, conditions
    completed_status = "Filled" if view.status == "Filled" else "Cancelled by Trader"
    rest = [
        "", "", "", False, False, "", order.executed_qty, 0, False, "", False, False, 0,
        ib_time(completed_ms), completed_status, *[""] * 5,
    ]  # fmt: skip
    return [*head, *ids, *terms, *reference, *legs_scale_hedge, *routing, *state, *rest]


def exec_details(req_id: int, view: OrderView, trade: Trade, cum_qty: Decimal) -> list[object]:
    """execDetails (id 11) of one execution."""
    order = view.order
    avg = view.avg_fill_price if order.executed_qty else trade.price
    return [
        11, req_id, view.identity.order_id, *contract_fields(view.contract),
        exec_id(trade), ib_time(trade.time_ms), view.account, view.contract.exchange,
        "BOT" if trade.side is Side.BUY else "SLD", trade.qty, trade.price, order.order_id,
        view.identity.client_id, 0, cum_qty, avg, view.identity.order_ref, "", "", "",
        1 if trade.is_maker else 2, False,
    ]  # fmt: skip


def commission_report(
    trade: Trade, commission: Decimal, realized_pnl: Decimal | None
) -> list[object]:
    """commissionReport (id 59): the execution's commission (USD) and realized P&L."""
    pnl: object = realized_pnl if realized_pnl is not None else 1.7976931348623157e308
    return [59, 1, exec_id(trade), commission, "USD", pnl, "", ""]
