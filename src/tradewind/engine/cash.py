"""What a cash account can pay for (numba, scalars and the loop's arrays).

A cash account buys only with the cash it holds: at the decision, an order is cut to
what the cash not yet promised to resting buys pays for at the expected fill (slippage
and commission included); at the fill, a price that gapped above the expectation cuts
the fill again, so cash never goes below zero.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tradewind.engine.kernel_records import MarketArrays, OrderLog, Positions, no_refcount
from tradewind.execution.costs import apply_slippage, commission, round_down_to_lot

__all__ = ["affordable_qty", "open_fill_qty", "reserved_cash"]

# Shrink factor per retry when a minimum commission makes the first estimate too large.
_RETRY_SHRINK = 1.0 - 1e-9
_MAX_RETRIES = 8


@njit(cache=True)
def _cost(qty: float, price: float, scale: float, model: int, params: np.ndarray) -> float:
    return qty * price * scale + commission(model, qty, price, scale, params)


@njit(cache=True)
def affordable_qty(
    cash: float,
    qty: float,
    price: float,
    scale: float,
    lot: float,
    model: int,
    params: np.ndarray,
) -> float:
    """The largest quantity <= `qty` (on the lot grid) whose cost at `price`, commission
    included, is at most `cash` (account currency); 0 when not even one lot fits."""
    if qty <= 0.0 or cash <= 0.0 or not price > 0.0:
        return 0.0
    cost = _cost(qty, price, scale, model, params)
    if cost <= cash:
        return qty
    fitted = round_down_to_lot(qty * cash / cost, lot)
    for _ in range(_MAX_RETRIES):
        if fitted <= 0.0:
            return 0.0
        cost = _cost(fitted, price, scale, model, params)
        if cost <= cash:
            return fitted
        smaller = round_down_to_lot(fitted * cash / cost * _RETRY_SHRINK, lot)
        fitted = smaller if smaller < fitted else fitted - lot
    return 0.0


@njit(cache=True)
def open_fill_qty(
    cash: float,
    qty: float,
    price: float,
    scale: float,
    lot: float,
    model: int,
    params: np.ndarray,
    min_notional: float,
) -> float:
    """What of a resting buy of `qty` may fill at an open priced `price` (slippage
    included): all of it when `cash` covers it, else what the cash pays for on the lot
    grid, 0 when that is worth less than `min_notional` (account currency)."""
    fitted = affordable_qty(cash, qty, price, scale, lot, model, params)
    if fitted >= qty:
        return qty
    return fitted if fitted * price * scale >= min_notional else 0.0


@no_refcount
def reserved_cash(
    t: int, book_symbol: np.ndarray, market: MarketArrays, orders: OrderLog, positions: Positions
) -> float:
    """Cash promised at row t to resting buy orders at their expected fill, commission
    included (account currency)."""
    total = 0.0
    for k in range(positions.pending.shape[0]):
        i = positions.pending[k]
        if i < 0 or orders.side[i] <= 0:
            continue
        n = book_symbol[k]
        price = apply_slippage(1, orders.price[i], market.slippage_bps[n])
        total += _cost(
            orders.ok[i], price, market.value_scale[t, n], market.commission_model[n],
            market.commission_params[n],
        )  # fmt: skip
    return total
