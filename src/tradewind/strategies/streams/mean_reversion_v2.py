"""mean_reversion_v2, streamed: TA-Lib SMA and STDDEV from running sums over one ring of
`window` closes, and the entry/exit latch."""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit

from tradewind.strategies.stream_kernels import begin, clip01, emit, latch, sma, stddev
from tradewind.strategies.streaming import KernelStream

__all__ = ["mean_reversion_stream"]

_MEAN, _DEVIATION, _LATCH, _SLOTS = 4, 5, 9, 11


@njit(cache=True)
def _one(
    p: np.ndarray, st: np.ndarray, rings: np.ndarray, bar: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover
    t, _, _ = begin(st, bar)
    close, window = bar[3], int(p[0])
    entry_z, exit_z, stop_z, short = p[1], p[2], p[3], p[4] != 0.0
    mid = sma(st, _MEAN, rings[0], close, t, window)
    sd = stddev(st, _DEVIATION, rings[0], close, t, window)
    z = (close - mid) / sd if sd > 0.0 else np.nan
    conditions = (z <= -entry_z, short and z >= entry_z, z >= -exit_z, z <= exit_z)
    event = latch(st, _LATCH, conditions, 0)
    weight = clip01(abs(z) / (2.0 * entry_z)) if event != 0 else 1.0
    stop = close - (event * stop_z) * sd
    emit(out, event, (weight, weight, stop, mid))


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


def mean_reversion_stream(config: Any, symbols: int) -> KernelStream:
    """The streaming form of mean_reversion_v2 under `config` for `symbols` series."""
    params = (
        config.window,
        config.entry_z,
        config.exit_z,
        config.stop_z,
        float(config.allow_short),
    )
    return KernelStream(_step, params, _SLOTS, (1, config.window), symbols)
