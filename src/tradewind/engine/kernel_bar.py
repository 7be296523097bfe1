"""Steps 1 and 2 of the compiled loop's row (numba): what the bar itself fills.

1. Resting market orders fill at the bar's open (NEXT_OPEN; fresh bars only: nothing
   fills while a market is closed, the order waits). A cash account's buy whose open
   gapped above the cash it holds is cut again (INSUFFICIENT_CASH) or canceled.
2. Protective exits (stop-loss, take-profit) of open positions trigger on the bar.

When a venue fills (`FILLS_AT_VENUE`) the loop skips both.
"""

from __future__ import annotations

from tradewind.engine.cash import open_fill_qty
from tradewind.engine.kernel_fill import after_fill, fill_book
from tradewind.engine.kernel_records import (
    STATUS_CANCELED,
    BookArrays,
    FillLog,
    MarketArrays,
    OrderLog,
    Positions,
    Tally,
    no_refcount,
)
from tradewind.execution.costs import apply_slippage
from tradewind.execution.fills import EXIT_STOP_LOSS
from tradewind.risk.reasons import RiskReason

__all__ = ["fill_at_open", "fill_exit"]

_R_INSUFFICIENT_CASH = int(RiskReason.INSUFFICIENT_CASH)


@no_refcount
def fill_at_open(
    t: int,
    k: int,
    tally: Tally,
    cash_only: bool,
    market: MarketArrays,
    books: BookArrays,
    orders: OrderLog,
    fills: FillLog,
    positions: Positions,
) -> tuple[Tally, bool]:
    """Step 1 at row t for book k, whose resting market order has a fresh bar: fill it
    at the open. Returns the tally and whether the fill log was full (nothing filled)."""
    cash, equity, n_orders, n_fills, overflow = tally
    i, n = positions.pending[k], books.symbol[k]
    side = orders.side[i]
    price = apply_slippage(side, market.open_[t, n], market.slippage_bps[n])
    if cash_only and side > 0 and not _cut_to_cash(t, n, i, cash, price, market, orders):
        positions.pending[k] = -1
        return tally, False
    qty = side * orders.ok[i]
    if n_fills >= orders.row.shape[0]:
        return Tally(cash, equity, n_orders, n_fills, True), True
    fee, opened = fill_book(n_fills, i, k, n, t, qty, price, market, orders, fills, positions)
    cash -= qty * price * market.value_scale[t, n] + fee
    positions.pending[k] = -1
    n_orders = after_fill(
        k, price, opened, t, i, n_orders, books.stop_pct, books.take_pct, orders, positions
    )
    return Tally(cash, equity, n_orders, n_fills + 1, overflow), False


@no_refcount
def _cut_to_cash(
    t: int, n: int, i: int, cash: float, price: float, market: MarketArrays, orders: OrderLog
) -> bool:
    # Cut buy order i to what `cash` pays for at `price`; False when nothing is left
    # (the order is then canceled).
    allowed = open_fill_qty(
        cash, orders.ok[i], price, market.value_scale[t, n], market.lot[n],
        market.commission_model[n], market.commission_params[n], market.min_notional[n],
    )  # fmt: skip
    if allowed < orders.ok[i]:  # the open gapped above what the cash covers
        orders.reason[i] = _R_INSUFFICIENT_CASH
        orders.ok[i] = allowed
        if orders.ok[i] <= 0.0:
            orders.status[i] = STATUS_CANCELED
            return False
    return True


@no_refcount
def fill_exit(
    t: int,
    k: int,
    n: int,
    code: int,
    px: float,
    tally: Tally,
    market: MarketArrays,
    orders: OrderLog,
    fills: FillLog,
    positions: Positions,
) -> tuple[Tally, bool]:
    """Step 2 at row t: book k's (symbol n) protective exit `code` (`execution.fills`)
    triggered at `px`; fill it and cancel its sibling. Returns the tally and whether
    the fill log was full (nothing filled)."""
    cash, equity, n_orders, n_fills, overflow = tally
    p = positions
    if n_fills >= orders.row.shape[0]:
        return Tally(cash, equity, n_orders, n_fills, True), True
    i = p.stop_order[k] if code == EXIT_STOP_LOSS else p.take_order[k]
    other = p.take_order[k] if code == EXIT_STOP_LOSS else p.stop_order[k]
    qty = -p.pos[k]
    sign = 1 if p.pos[k] > 0 else -1
    price = apply_slippage(-sign, px, market.slippage_bps[n])
    orders.ok[i] = abs(qty)
    orders.req[i] = abs(qty)
    if other >= 0:
        orders.status[other] = STATUS_CANCELED
    p.stop_order[k] = -1
    p.take_order[k] = -1
    fee, _ = fill_book(n_fills, i, k, n, t, qty, price, market, orders, fills, p)
    cash -= qty * price * market.value_scale[t, n] + fee
    return Tally(cash, equity, n_orders, n_fills + 1, overflow), False
