"""sma_cross, streamed: two pandas-identical running means and the sign of their gap."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from tradewind.strategies.stream_kernels import begin, emit, pandas_mean
from tradewind.strategies.streaming import KernelStream

__all__ = ["sma_cross_stream"]

_FAST, _SLOW, _PREVIOUS_GAP, _SLOTS = 4, 11, 18, 19


@njit(cache=True)
def _one(
    p: np.ndarray, st: np.ndarray, rings: np.ndarray, bar: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover
    t, _, _ = begin(st, bar)
    close = bar[3]
    fast = pandas_mean(st, _FAST, rings[0], close, t, int(p[0]))
    slow = pandas_mean(st, _SLOW, rings[1], close, t, int(p[1]))
    gap = fast - slow
    previous = st[_PREVIOUS_GAP]
    st[_PREVIOUS_GAP] = gap
    event = -2
    if t >= 1 and previous <= 0.0 and gap > 0.0:
        event = 1
    elif t >= 1 and previous >= 0.0 and gap < 0.0:
        event = -1 if p[2] != 0.0 else 0
    emit(out, event, (1.0, 1.0, np.nan, np.nan))


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


def sma_cross_stream(config: Any, symbols: int) -> KernelStream:
    """The streaming form of sma_cross under `config` for `symbols` series."""
    params = (config.fast, config.slow, float(config.allow_short))
    return KernelStream(_step, params, _SLOTS, (2, config.slow), symbols)
