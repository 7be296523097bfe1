"""trend_following_v1, streamed: two TA-Lib EMAs, Wilder ADX and ATR, and the latch
(no window to keep: every indicator is a recursion)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from tradewind.strategies.stream_kernels import adx, atr, begin, clip01, ema, emit, latch
from tradewind.strategies.streaming import KernelStream

__all__ = ["trend_following_stream"]

_FAST, _SLOW, _ADX, _ATR, _LATCH, _SLOTS = 4, 5, 6, 14, 16, 18


@njit(cache=True)
def _one(
    p: np.ndarray, st: np.ndarray, rings: np.ndarray, bar: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover
    t, high, low = begin(st, bar)
    close, window = bar[3], int(p[2])
    adx_entry, adx_exit, stop_atr, short = p[3], p[4], p[5], p[6] != 0.0
    fast = ema(st, _FAST, close, t, int(p[0]))
    slow = ema(st, _SLOW, close, t, int(p[1]))
    strength = adx(st, _ADX, (high, low, close), t, window)
    range_ = atr(st, _ATR, (high, low, close), t, window)
    strong = strength >= adx_entry
    weak = not (strength >= adx_exit)
    conditions = (
        strong and fast > slow and close > slow,
        short and strong and fast < slow and close < slow,
        fast <= slow or weak,
        fast >= slow or weak,
    )
    event = latch(st, _LATCH, conditions, 0)
    weight = clip01(strength / 50.0) if event != 0 else 1.0
    stop = close - (event * stop_atr) * range_ if stop_atr > 0 else np.nan
    emit(out, event, (weight, weight, stop, np.nan))


@njit(cache=True)
def _step(  # pragma: no cover - numba
    p: np.ndarray,
    state: np.ndarray,
    rings: np.ndarray,
    prices: np.ndarray,
    mask: np.ndarray,
    out: np.ndarray,
) -> None:
    for i in range(state.shape[0]):
        if mask[i]:
            _one(p, state[i], rings[i], prices[:, i], out[:, i])
        else:
            emit(out[:, i], -2, (0.0, 0.0, 0.0, 0.0))


def trend_following_stream(config: Any, symbols: int) -> KernelStream:
    """The streaming form of trend_following_v1 under `config` for `symbols` series."""
    params = (
        config.fast,
        config.slow,
        config.adx_window,
        config.adx_entry,
        config.adx_exit,
        config.stop_atr,
        float(config.allow_short),
    )
    return KernelStream(_step, params, _SLOTS, (1, 1), symbols)
