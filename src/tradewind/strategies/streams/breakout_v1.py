"""breakout_v1, streamed: four monotonic deques for the entry and exit channels (each
read one bar late, as the vectorized `previous`), Wilder ATR and the latch."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from tradewind.strategies.stream_kernels import atr, begin, clip01, emit, latch, rolling_max
from tradewind.strategies.streaming import KernelStream

__all__ = ["breakout_stream"]

# Deques (2 slots each) for upper, lower, exit low, exit high; their previous values.
_DEQUES, _PREVIOUS, _ATR, _LATCH, _SLOTS = 4, 12, 16, 18, 20


@njit(cache=True)
def _channels(
    p: np.ndarray, st: np.ndarray, rings: np.ndarray, hl: tuple[float, float], t: int
) -> tuple[float, float, float, float]:  # pragma: no cover
    """(upper, lower, exit low, exit high) over the bars before t; records bar t's."""
    high, low = hl
    entry_window, exit_window = int(p[0]), int(p[1])
    before = (np.nan, np.nan, np.nan, np.nan)
    if t > 0:
        before = (st[_PREVIOUS], st[_PREVIOUS + 1], st[_PREVIOUS + 2], st[_PREVIOUS + 3])
    st[_PREVIOUS] = rolling_max(st, _DEQUES, (rings[0], rings[1]), high, t, entry_window)
    st[_PREVIOUS + 1] = -rolling_max(st, _DEQUES + 2, (rings[2], rings[3]), -low, t, entry_window)
    st[_PREVIOUS + 2] = -rolling_max(st, _DEQUES + 4, (rings[4], rings[5]), -low, t, exit_window)
    st[_PREVIOUS + 3] = rolling_max(st, _DEQUES + 6, (rings[6], rings[7]), high, t, exit_window)
    return before


@njit(cache=True)
def _one(
    p: np.ndarray, st: np.ndarray, rings: np.ndarray, bar: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover
    t, high, low = begin(st, bar)
    close = bar[3]
    stop_atr, target_atr, short = p[3], p[4], p[5] != 0.0
    upper, lower, exit_low, exit_high = _channels(p, st, rings, (high, low), t)
    range_ = atr(st, _ATR, (high, low, close), t, int(p[2]))
    ready = np.isfinite(range_) and range_ > 0.0
    conditions = (
        ready and close > upper,
        short and ready and close < lower,
        close < exit_low,
        close > exit_high,
    )
    event = latch(st, _LATCH, conditions, 0)
    confidence = 1.0
    if event == 1 or event == -1:
        beyond = ((close - upper) if event == 1 else (lower - close)) / range_
        confidence = clip01(0.5 + 0.5 * beyond)
    stop = close - (event * stop_atr) * range_
    target = close + (event * target_atr) * range_ if target_atr > 0 else np.nan
    emit(out, event, (1.0, confidence, stop, target))


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


def breakout_stream(config: Any, symbols: int) -> KernelStream:
    """The streaming form of breakout_v1 under `config` for `symbols` series."""
    params = (
        config.entry_window,
        config.exit_window,
        config.atr_window,
        config.stop_atr,
        config.target_atr,
        float(config.allow_short),
    )
    longest = max(config.entry_window, config.exit_window)
    return KernelStream(_step, params, _SLOTS, (8, longest), symbols)
