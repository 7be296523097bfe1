"""Causal building blocks shared by the built-in strategies.

Indicators come from TA-Lib where it has them; the kernels here are numba loops for
what cannot be vectorized (a pandas-identical rolling mean, the entry/exit latch).
Every function returns, at bar t, a value computed from bars 0..t only.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "clip01",
    "cross_above_zero",
    "cross_below_zero",
    "latch",
    "previous",
    "rolling_mean",
]


@njit(cache=True)
def rolling_mean(values: np.ndarray, window: int) -> np.ndarray:  # pragma: no cover - numba
    """Mean of the last `window` values, bit-identical to `pd.Series.rolling(window).mean()`.

    NaN until `window` non-NaN values are in the window. Uses the same Kahan-compensated
    running sum (separate compensation for additions and removals), the same
    repeated-value and sign corrections as pandas, so a cross of two averages is decided
    exactly as the pandas-based peer reference decides it.

    Kept as one compiled loop: it follows pandas' `roll_mean` step for step, and helpers
    passing its seven running variables back and forth would hide that correspondence.
    """
    n = values.shape[0]
    out = np.empty(n)
    nobs = 0
    negatives = 0
    total = 0.0
    comp_add = 0.0
    comp_remove = 0.0
    repeats = 0
    prev = np.nan
    for i in range(n):
        if i == 0 or window == 1:
            lo = max(i - window + 1, 0)
            nobs = 0
            negatives = 0
            total = 0.0
            comp_add = 0.0
            comp_remove = 0.0
            prev = values[lo]
            repeats = 0
            first = lo
        else:
            first = i
            old = i - window
            if old >= 0:
                v = values[old]
                if v == v:
                    nobs -= 1
                    y = -v - comp_remove
                    t = total + y
                    comp_remove = t - total - y
                    total = t
                    if np.signbit(v):
                        negatives -= 1
        for j in range(first, i + 1):
            v = values[j]
            if v == v:
                nobs += 1
                y = v - comp_add
                t = total + y
                comp_add = t - total - y
                total = t
                if np.signbit(v):
                    negatives += 1
                repeats = repeats + 1 if v == prev else 1
                prev = v
        if nobs >= window and nobs > 0:
            mean = total / nobs
            if repeats >= nobs:
                mean = prev
            elif (negatives == 0 and mean < 0) or (negatives == nobs and mean > 0):
                mean = 0.0
            out[i] = mean
        else:
            out[i] = np.nan
    return out


@njit(cache=True)
def latch(
    enter_long: np.ndarray,
    enter_short: np.ndarray,
    exit_long: np.ndarray,
    exit_short: np.ndarray,
    max_hold_bars: int,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - numba
    """Turn level conditions into entry/exit events by tracking the strategy's own view.

    Flat: `enter_long` emits +1 (checked before `enter_short`, which emits -1). Long:
    `exit_long`, or `max_hold_bars` bars after the entry (0 = no time stop), emits 0,
    or -1 when `enter_short` holds on the same bar (a reversal); short is symmetric.
    Returns `(active, direction)`.
    """
    n = enter_long.shape[0]
    active = np.zeros(n, np.bool_)
    direction = np.zeros(n, np.int8)
    view = 0
    held = 0
    for t in range(n):
        if view == 0:
            if enter_long[t]:
                view = 1
            elif enter_short[t]:
                view = -1
            else:
                continue
            held = 0
            active[t] = True
            direction[t] = view
            continue
        held += 1
        timed_out = max_hold_bars > 0 and held >= max_hold_bars
        leave = exit_long[t] if view == 1 else exit_short[t]
        if not (leave or timed_out):
            continue
        flip = enter_short[t] if view == 1 else enter_long[t]
        view = -view if flip else 0
        held = 0
        active[t] = True
        direction[t] = view
    return active, direction


def previous(values: np.ndarray, bars: int = 1) -> np.ndarray:
    """`values` delayed by `bars` (NaN for the first `bars` entries)."""
    out = np.full(values.shape[0], np.nan)
    if bars < values.shape[0]:
        out[bars:] = values[: values.shape[0] - bars]
    return out


def cross_above_zero(diff: np.ndarray) -> np.ndarray:
    """Bars t where `diff[t-1] <= 0 < diff[t]` (False where either is NaN)."""
    out = np.zeros(diff.shape[0], np.bool_)
    out[1:] = (diff[:-1] <= 0.0) & (diff[1:] > 0.0)
    return out


def cross_below_zero(diff: np.ndarray) -> np.ndarray:
    """Bars t where `diff[t-1] >= 0 > diff[t]` (False where either is NaN)."""
    out = np.zeros(diff.shape[0], np.bool_)
    out[1:] = (diff[:-1] >= 0.0) & (diff[1:] < 0.0)
    return out


def clip01(values: np.ndarray) -> np.ndarray:
    """`values` clipped to [0, 1], NaN -> 0."""
    clipped: np.ndarray = np.clip(np.nan_to_num(values, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
    return clipped
