"""What a cash account can pay for (numba, scalars and the loop's arrays).

A cash account buys only with the cash it holds: at the decision, an order is cut to
what the cash not yet promised to resting buys pays for at the expected fill (slippage
and commission included); at the fill, a price that gapped above the expectation cuts
the fill again, so cash never goes below zero.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tradewind.execution.costs import apply_slippage, commission, round_down_to_lot

__all__ = ["affordable_qty", "reserved_cash"]

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
def reserved_cash(
    pending: np.ndarray,
    o_side: np.ndarray,
    o_ok: np.ndarray,
    o_price: np.ndarray,
    book_symbol: np.ndarray,
    scale: np.ndarray,
    slippage_bps: np.ndarray,
    commission_model: np.ndarray,
    commission_params: np.ndarray,
) -> float:
    """Cash promised to resting buy orders at their expected fill, commission included."""
    total = 0.0
    for k in range(pending.shape[0]):
        i = pending[k]
        if i < 0 or o_side[i] <= 0:
            continue
        n = book_symbol[k]
        price = apply_slippage(1, o_price[i], slippage_bps[n])
        total += _cost(o_ok[i], price, scale[n], commission_model[n], commission_params[n])
    return total
