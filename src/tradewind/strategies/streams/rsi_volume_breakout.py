"""rsi_volume_breakout, streamed: Wilder RSI, the last oversold bar, a running volume
SMA and a deque for the breakout high (both read one bar late), ATR and the latch."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from tradewind.strategies.stream_kernels import (
    atr,
    begin,
    clip01,
    emit,
    latch,
    rolling_max,
    rsi,
    sma,
)
from tradewind.strategies.streaming import KernelStream

__all__ = ["rsi_volume_breakout_stream"]

# RSI (3 slots), 1 + the last oversold bar (0 = never), volume SMA total, its previous
# value, breakout deque (2), previous breakout high, ATR (2), latch (2).
_RSI, _OVERSOLD_AT, _VOLUME, _PREVIOUS_VOLUME = 4, 7, 8, 9
_DEQUE, _PREVIOUS_HIGH, _ATR, _LATCH, _SLOTS = 10, 12, 13, 15, 17


@njit(cache=True)
def _surge_and_breakout(
    p: np.ndarray, st: np.ndarray, rings: np.ndarray, vhc: tuple[float, float, float], t: int
) -> tuple[float, bool]:  # pragma: no cover
    """(volume ratio to the previous average, close above the previous breakout high)."""
    volume, high, close = vhc
    average = st[_PREVIOUS_VOLUME] if t > 0 else np.nan
    highest = st[_PREVIOUS_HIGH] if t > 0 else np.nan
    st[_PREVIOUS_VOLUME] = sma(st, _VOLUME, rings[0], volume, t, int(p[4]))
    deque = (rings[1], rings[2])
    st[_PREVIOUS_HIGH] = rolling_max(st, _DEQUE, deque, high, t, int(p[6]))
    ratio = volume / average if average > 0.0 else np.nan
    return ratio, close > highest


@njit(cache=True)
def _one(
    p: np.ndarray, st: np.ndarray, rings: np.ndarray, bar: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover
    t, high, low = begin(st, bar)
    if st[3] == 0.0:  # no volume: a surge cannot be seen, no signal ever
        emit(out, -2, (0.0, 0.0, 0.0, 0.0))
        return
    close, lookback, volume_mult = bar[3], int(p[3]), p[5]
    strength = rsi(st, _RSI, close, t, int(p[0]))
    if strength < p[1]:
        st[_OVERSOLD_AT] = t + 1
    recently = t >= lookback - 1 and st[_OVERSOLD_AT] > 0 and t - st[_OVERSOLD_AT] + 1 < lookback
    ratio, breakout = _surge_and_breakout(p, st, rings, (bar[4], high, close), t)
    range_ = atr(st, _ATR, (high, low, close), t, int(p[7]))
    ready = np.isfinite(range_) and range_ > 0.0
    entry = recently and ratio > volume_mult and breakout and ready
    event = latch(st, _LATCH, (entry, False, strength > p[2], False), int(p[10]))
    confidence = clip01(ratio / (2.0 * volume_mult)) if event == 1 else 1.0
    stop, target = close - p[8] * range_, close + p[9] * range_
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


def rsi_volume_breakout_stream(config: Any, symbols: int) -> KernelStream:
    """The streaming form of rsi_volume_breakout under `config` for `symbols` series."""
    params = (
        config.rsi_window,
        config.oversold,
        config.overbought,
        config.oversold_lookback,
        config.volume_window,
        config.volume_mult,
        config.breakout_window,
        config.atr_window,
        config.stop_atr,
        config.target_atr,
        config.max_hold_bars,
    )
    longest = max(config.volume_window, config.breakout_window)
    return KernelStream(_step, params, _SLOTS, (3, longest), symbols)
