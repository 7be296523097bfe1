"""momentum_v1, streamed: ROCP from a ring of lookback + 1 closes, the up-move share as
a pandas-identical running mean, and the entry/exit latch."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from tradewind.strategies.stream_kernels import begin, clip01, emit, latch, pandas_mean, rocp
from tradewind.strategies.streaming import KernelStream

__all__ = ["momentum_stream"]

_PREVIOUS_CLOSE, _UP_SHARE, _LATCH, _SLOTS = 4, 5, 12, 14


@njit(cache=True)
def _one(
    p: np.ndarray, st: np.ndarray, rings: np.ndarray, bar: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover
    t, _, _ = begin(st, bar)
    close, lookback = bar[3], int(p[0])
    entry, leave, short = p[1], p[2], p[3] != 0.0
    roc = rocp(rings[0], close, t, lookback)
    move = np.nan if t == 0 else (1.0 if close - st[_PREVIOUS_CLOSE] > 0.0 else 0.0)
    st[_PREVIOUS_CLOSE] = close
    up_share = pandas_mean(st, _UP_SHARE, rings[1], move, t, lookback)
    conditions = (roc > entry, short and roc < -entry, roc < leave, roc > -leave)
    event = latch(st, _LATCH, conditions, 0)
    strength = clip01(abs(roc) / (2.0 * entry)) if event != 0 else 1.0
    confidence = 1.0
    if event == 1:
        confidence = clip01(up_share)
    elif event == -1:
        confidence = clip01(1.0 - up_share)
    emit(out, event, (strength, confidence, np.nan, np.nan))


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


def momentum_stream(config: Any, symbols: int) -> KernelStream:
    """The streaming form of momentum_v1 under `config` for `symbols` series."""
    params = (
        config.lookback,
        config.entry_threshold,
        config.exit_threshold,
        float(config.allow_short),
    )
    return KernelStream(_step, params, _SLOTS, (2, config.lookback + 1), symbols)
