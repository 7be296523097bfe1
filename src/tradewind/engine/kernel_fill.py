"""One fill's bookkeeping (numba): the book, the symbol's net position, the fill log and
the protective orders an entry places. The loop and `engine.venue_fills` share these."""

from __future__ import annotations

import numpy as np
from numba import njit

from tradewind.engine.kernel_records import (
    KIND_STOP_LOSS,
    KIND_TAKE_PROFIT,
    STATUS_CANCELED,
    STATUS_FILLED,
    STATUS_OPEN,
    FillLog,
    MarketArrays,
    OrderLog,
    Positions,
    no_refcount,
)
from tradewind.execution.costs import commission

__all__ = ["after_fill", "apply_to_book", "fill_book"]


@no_refcount
def fill_book(
    j: int,
    i: int,
    k: int,
    n: int,
    t: int,
    qty: float,
    price: float,
    market: MarketArrays,
    orders: OrderLog,
    fills: FillLog,
    positions: Positions,
) -> tuple[float, bool]:
    """Fill order i of book k (symbol n) at row t as fill-log entry j; returns the
    commission (account currency) and whether it opened exposure. The caller moves
    cash and advances the fill count."""
    scale = market.value_scale[t, n]
    fee = commission(market.commission_model[n], qty, price, scale, market.commission_params[n])
    realized, opened = apply_to_book(k, qty, price, scale, positions.pos, positions.avg_px)
    positions.sym_pos[n] = _net(positions.sym_pos[n] + qty)
    orders.status[i] = STATUS_FILLED
    fills.order[j], fills.row[j], fills.qty[j] = i, t, qty
    fills.price[j], fills.fee[j] = price, fee
    fills.realized[j], fills.entry[j] = realized, opened
    return fee, opened


@njit(cache=True)
def _net(position: float) -> float:
    # Books of one symbol (INDEPENDENT strategies) sum with float residue; a residue far
    # below any lot is flat, or it would count as an open position.
    return 0.0 if abs(position) < 1e-10 else position


@no_refcount
def apply_to_book(
    k: int, qty: float, price: float, multiplier: float, pos: np.ndarray, avg_px: np.ndarray
) -> tuple[float, bool]:
    """Apply a signed fill to book k; returns (realized P&L, opened-or-increased)."""
    old = pos[k]
    new = old + qty
    realized = 0.0
    opened = False
    if old == 0.0 or old * qty > 0.0:  # open or add
        avg_px[k] = (avg_px[k] * abs(old) + price * abs(qty)) / abs(new)
        opened = True
    else:  # reduce, close or flip
        closed = min(abs(qty), abs(old))
        realized = closed * (price - avg_px[k]) * (1.0 if old > 0 else -1.0) * multiplier
        if new == 0.0:
            avg_px[k] = 0.0
        elif new * old < 0.0:  # flipped: the remainder opens at this price
            avg_px[k] = price
            opened = True
    pos[k] = _net(new)
    return realized, opened


@no_refcount
def after_fill(
    k: int,
    price: float,
    opened: bool,
    entry_row: int,
    parent: int,
    n_orders: int,
    stop_pct: np.ndarray,
    take_pct: np.ndarray,
    orders: OrderLog,
    positions: Positions,
) -> int:
    """Cancel book k's old protective orders; after an entry (order `parent` filled at
    `price`), place new ones as the next entries of the order log and return the new
    order count. `entry_row` is the row the fill was at an open (the orders work from
    that bar on), or -1 for a fill at a close (they work from the next bar)."""
    p = positions
    for j in (p.stop_order[k], p.take_order[k]):
        if j >= 0:
            orders.status[j] = STATUS_CANCELED
    p.stop_order[k] = -1
    p.take_order[k] = -1
    p.entry_row[k] = -1
    if not opened or p.pos[k] == 0.0:
        return n_orders
    sign = 1.0 if p.pos[k] > 0 else -1.0
    stop = p.entry_stop[k]
    if np.isnan(stop) and not np.isnan(stop_pct[k]):
        stop = price * (1.0 - sign * stop_pct[k])
    take = p.entry_take[k]
    if np.isnan(take) and not np.isnan(take_pct[k]):
        take = price * (1.0 + sign * take_pct[k])
    p.entry_row[k] = entry_row
    o, capacity = orders, orders.row.shape[0]
    for kind, level in ((KIND_STOP_LOSS, stop), (KIND_TAKE_PROFIT, take)):
        if np.isnan(level) or n_orders >= capacity:
            continue
        i = n_orders
        o.row[i], o.book[i], o.side[i], o.kind[i] = o.row[parent], k, -int(sign), kind
        o.req[i], o.ok[i], o.reason[i], o.price[i] = abs(p.pos[k]), abs(p.pos[k]), 0, level
        o.contrib[i], o.status[i] = o.contrib[parent], STATUS_OPEN
        if kind == KIND_STOP_LOSS:
            p.stop_order[k] = i
        else:
            p.take_order[k] = i
        n_orders += 1
    return n_orders
