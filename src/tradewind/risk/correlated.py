"""Exposure that moves with a new order: the input of the correlation-concentration rule."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["correlated_exposure"]


@njit(cache=True)
def correlated_exposure(
    symbol: int,
    side_sign: int,
    symbol_position: np.ndarray,
    mark: np.ndarray,
    value_scale: np.ndarray,
    correlation_row: np.ndarray,
    threshold: float,
) -> float:
    """Gross exposure (account currency) of the other symbols' positions whose P&L moves
    with an order of `side_sign` on `symbol`: correlation x position sign x side at least
    `threshold`. NaN correlations count as unrelated. The order's own symbol is excluded
    (the rule adds the position already held on it)."""
    total = 0.0
    for j in range(symbol_position.shape[0]):
        held = symbol_position[j]
        if j == symbol or held == 0.0:
            continue
        c = correlation_row[j]
        if not np.isfinite(c):
            continue
        if c * side_sign * (1.0 if held > 0.0 else -1.0) >= threshold:
            value = abs(held * mark[j] * value_scale[j])
            if np.isfinite(value):
                total += value
    return total
