"""Commission, slippage and float rounding for the kernels (numba, scalars only).

The exact `Decimal` rounding of orders stays in `tradewind.domain.Instrument` at the
edge; these float versions are for the compiled backtest loop.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tradewind.domain.errors import DomainError
from tradewind.execution.models import N_COMMISSION_PARAMS, CommissionModel, CommissionParam

__all__ = [
    "apply_slippage",
    "commission",
    "commission_params",
    "round_down_to_lot",
    "round_to_tick",
]

_BPS = int(CommissionModel.BPS)
_PER_SHARE = int(CommissionModel.PER_SHARE)
_FX_SPREAD = int(CommissionModel.FX_SPREAD)
_P_BPS = int(CommissionParam.BPS)
_P_PER_UNIT = int(CommissionParam.PER_UNIT)
_P_MIN = int(CommissionParam.MIN_PER_ORDER)
_P_SPREAD = int(CommissionParam.SPREAD)
# Float noise guard when snapping to a grid (1.005 / 0.005 = 200.99999...).
_GRID_EPS = 1e-9


def commission_params(
    *, bps: float = 0.0, per_unit: float = 0.0, min_per_order: float = 0.0, spread: float = 0.0
) -> np.ndarray:
    """The float64 params vector `commission` reads (`CommissionParam` order).

    Raises:
        DomainError: a negative or non-finite value, naming it.
    """
    values = {"bps": bps, "per_unit": per_unit, "min_per_order": min_per_order, "spread": spread}
    for name, value in values.items():
        if not (np.isfinite(value) and value >= 0):
            raise DomainError(f"invalid commission {name} {value!r}: expected a finite value >= 0")
    params = np.zeros(N_COMMISSION_PARAMS)
    params[CommissionParam.BPS] = bps
    params[CommissionParam.PER_UNIT] = per_unit
    params[CommissionParam.MIN_PER_ORDER] = min_per_order
    params[CommissionParam.SPREAD] = spread
    return params


@njit(cache=True)
def commission(
    model: int, qty: float, price: float, multiplier: float, params: np.ndarray
) -> float:
    """Commission of one fill in quote currency (>= 0; `qty` unsigned).

    BPS: `|qty * price * multiplier| * bps / 10_000`. PER_SHARE: `per_unit * qty`,
    at least `min_per_order`. FX_SPREAD: `spread / 2 * qty * multiplier` (half the
    spread in price units, paid on each side). NONE or an unknown model: 0.
    """
    qty = abs(qty)
    if model == _BPS:
        return float(abs(qty * price * multiplier) * params[_P_BPS] / 10_000.0)
    if model == _PER_SHARE:
        return float(max(params[_P_PER_UNIT] * qty, params[_P_MIN]))
    if model == _FX_SPREAD:
        return float(0.5 * params[_P_SPREAD] * qty * multiplier)
    return 0.0


@njit(cache=True)
def apply_slippage(side: int, price: float, bps: float) -> float:
    """`price` moved against the trader by `bps` basis points (up for buys)."""
    factor = bps / 10_000.0
    return price * (1.0 + factor) if side > 0 else price * (1.0 - factor)


@njit(cache=True)
def round_to_tick(price: float, tick: float) -> float:
    """`price` snapped to the nearest multiple of `tick` (halves away from zero).

    A non-positive tick leaves the price unchanged.
    """
    if not tick > 0.0:
        return price
    ticks = np.floor(abs(price) / tick + 0.5 + _GRID_EPS)
    return float(np.copysign(ticks * tick, price))


@njit(cache=True)
def round_down_to_lot(qty: float, lot: float) -> float:
    """`qty` (>= 0) rounded down to a multiple of `lot`; never increases the size."""
    if not lot > 0.0:
        return qty
    return float(min(np.floor(qty / lot + _GRID_EPS) * lot, qty)) if qty > 0.0 else 0.0
