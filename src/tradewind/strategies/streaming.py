"""Streaming strategies: O(1) work per new bar instead of recomputing the whole history.

`open_stream(spec, config, symbols)` gives a `StrategyStream` for `symbols` series.
Each `update` takes the bar that just closed for every symbol and returns the row the
vectorized `spec.run(bars)` gives at that bar:

- Built-in strategies carry a streaming form (`StrategySpec.stream`): incremental
  numba state (running sums, Wilder/EMA recursions, monotonic deques, small rings of
  the longest lookback). On NaN-free series the decisions (active, direction) are
  identical to the vectorized ones and the floats agree to about 1e-15 relative (ATR and
  RSI may differ from TA-Lib 0.8's build in the last bit; `tests/strategies/
  test_streaming.py` checks every bundled daily series). Whether a
  series has high, low and volume is decided on its first bar (the vectorized form looks
  at the whole window; the two agree when a field is present on every bar or on none).
- A strategy without one (a user's own) falls back to `WindowStream`: it keeps the
  last `window_bars` bars per symbol (default: its warm-up plus one) and reruns the
  vectorized strategy over that window on every bar, taking the last row. That is
  O(window) per bar, independent of the history length, and equals the full-history
  signal only when the strategy looks back no further than the window (path-dependent
  logic such as an entry/exit latch may differ); give the spec a `stream` for exactness.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tradewind.strategies.api import StrategySpec
from tradewind.strategies.arrays import BarWindow, SignalArrays
from tradewind.strategies.errors import StrategyError
from tradewind.strategies.stream_kernels import BASE_SLOTS
from tradewind.strategies.stream_types import BarRows, SignalRows, StrategyStream

__all__ = [
    "BarRows",
    "KernelStream",
    "SignalRows",
    "StrategyStream",
    "WindowStream",
    "open_stream",
    "stream_signals",
]

StepKernel = Callable[
    [np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray], None
]
"""`step(params, state, rings, prices (5, n), mask (n,), out (6, n))`, compiled."""


class KernelStream:
    """A streaming form backed by one compiled step over every symbol.

    Args:
        step: the strategy's compiled step kernel (see `StepKernel`).
        params: the parameters as float64, in the order the kernel reads them.
        state_slots: float64 slots per symbol (`BASE_SLOTS` included).
        rings: (count, length) of the per-symbol ring buffers.
        symbols: number of series.
    """

    def __init__(
        self,
        step: StepKernel,
        params: tuple[float, ...],
        state_slots: int,
        rings: tuple[int, int],
        symbols: int,
    ) -> None:
        if symbols < 1:
            raise StrategyError(f"a strategy stream needs at least 1 symbol, got {symbols}")
        self._step = step
        self._params = np.asarray(params, dtype=np.float64)
        self._state = np.zeros((symbols, max(state_slots, BASE_SLOTS)))
        self._rings = np.zeros((symbols, max(rings[0], 1), max(rings[1], 1)))
        self._out = np.zeros((6, symbols))
        self._all = np.ones(symbols, np.bool_)

    @property
    def symbols(self) -> int:
        """Number of series this stream updates."""
        return int(self._state.shape[0])

    def update(self, bars: BarRows, mask: np.ndarray | None = None) -> SignalRows:
        """Advance the masked symbols by one bar; their signal rows (blank elsewhere)."""
        return SignalRows.from_matrix(self.update_matrix(bars.matrix(), mask))

    def update_matrix(self, prices: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """`update` on a C-contiguous (5, n) float64 matrix open..volume, for hot loops.

        Returns the (6, n) output matrix (active, direction, strength, confidence, stop,
        target), owned by the stream and overwritten by the next update.

        Raises:
            StrategyError: the matrix or the mask has the wrong shape.
        """
        n = self.symbols
        if prices.shape != (5, n):
            raise StrategyError(f"expected prices of shape (5, {n}), got {prices.shape}")
        chosen = self._all if mask is None else np.asarray(mask, dtype=np.bool_)
        if chosen.shape != (n,):
            raise StrategyError(f"expected a mask of {n} values, got shape {chosen.shape}")
        self._step(self._params, self._state, self._rings, prices, chosen, self._out)
        return self._out


class WindowStream:
    """Fallback streaming form: the vectorized strategy rerun over a bounded window.

    Keeps the last `window_bars` bars of each symbol; each update costs one run over at
    most that many bars, whatever the length of the history (see the module docstring
    for when it differs from the full-history signal).
    """

    def __init__(
        self, spec: StrategySpec[Any], config: Any, symbols: int, window_bars: int
    ) -> None:
        if symbols < 1 or window_bars < 1:
            raise StrategyError(
                f"strategy {spec.name}: a window stream needs >= 1 symbol and >= 1 bar, "
                f"got {symbols} symbols and {window_bars} bars"
            )
        self._spec, self._config = spec, config
        self._window = window_bars
        self._stamps = np.zeros((symbols, window_bars), np.int64)
        self._prices = np.zeros((symbols, 5, window_bars))
        self._seen = np.zeros(symbols, np.int64)
        self._symbols = symbols

    @property
    def symbols(self) -> int:
        """Number of series this stream updates."""
        return self._symbols

    def update(self, bars: BarRows, mask: np.ndarray | None = None) -> SignalRows:
        """Advance the masked symbols by one bar; their signal rows (blank elsewhere)."""
        prices = bars.matrix()
        out = SignalArrays.empty(self._symbols)
        chosen = np.ones(self._symbols, np.bool_) if mask is None else np.asarray(mask, bool)
        for i in np.flatnonzero(chosen):
            row = self._push(int(i), int(bars.timestamp[i]), prices[:, i])
            for name in SignalArrays.FIELDS:
                getattr(out, name)[i] = getattr(row, name)[-1]
        return SignalRows(*(getattr(out, name) for name in SignalArrays.FIELDS))

    def _push(self, i: int, stamp: int, prices: np.ndarray) -> SignalArrays:
        slot = int(self._seen[i] % self._window)
        self._stamps[i, slot] = stamp
        self._prices[i, :, slot] = prices
        self._seen[i] += 1
        count = int(min(self._seen[i], self._window))
        order = (np.arange(self._seen[i] - count, self._seen[i]) % self._window).astype(np.intp)
        window = BarWindow(self._stamps[i, order], *self._prices[i][:, order])
        return self._spec.run(window, self._config)


def open_stream(
    spec: StrategySpec[Any],
    config: Any = None,
    symbols: int = 1,
    *,
    window_bars: int | None = None,
) -> StrategyStream:
    """The streaming form of `spec` under `config` (defaults when None) for `symbols` series.

    `window_bars` sizes the fallback window of a strategy without a streaming form
    (default: its warm-up bars plus one) and is ignored otherwise.

    Raises:
        StrategyError: `config` belongs to another strategy, or `symbols` < 1.
    """
    chosen = spec.default_config() if config is None else config
    spec.warmup_bars(chosen)  # validates that `chosen` is this strategy's config
    if spec.stream is not None:
        return spec.stream(chosen, symbols)
    bars = window_bars if window_bars is not None else spec.warmup_bars(chosen) + 1
    return WindowStream(spec, chosen, symbols, max(bars, 1))


def stream_signals(spec: StrategySpec[Any], bars: BarWindow, config: Any = None) -> SignalArrays:
    """`spec`'s signals over `bars` computed bar by bar through its stream (for checks)."""
    stream = open_stream(spec, config, 1)
    rows = [stream.update(BarRows.at(bars, t)) for t in range(len(bars))]
    if not rows:
        return SignalArrays.empty(0)
    fields = (np.concatenate([getattr(r, name) for r in rows]) for name in SignalArrays.FIELDS)
    return SignalArrays(*fields)
