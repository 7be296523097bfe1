"""The shapes of streaming strategies: one closed bar per symbol in, one signal row out.

A stream holds the incremental state of one strategy under one parameter set for a
fixed number of symbols (1 for a single series). `update` takes the bar that just
closed for every symbol and returns, per symbol, the row the vectorized strategy gives
at that bar (`SignalArrays` semantics: inactive rows are blank). See
`tradewind.strategies.streaming` for opening one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from tradewind.strategies.errors import StrategyError

__all__ = ["BarRows", "SignalRows", "StrategyStream", "StreamFactory"]

_PRICES = ("open", "high", "low", "close", "volume")


@dataclass(frozen=True, slots=True)
class BarRows:
    """One closed bar for each of `n` symbols (arrays of shape (n,)).

    Attributes:
        timestamp: int64 ns since the epoch (UTC), as in `BarWindow`.
        open, high, low, close, volume: float64, NaN where the series lacks the field.
    """

    timestamp: np.ndarray
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume: np.ndarray

    @classmethod
    def at(cls, bars: Any, t: int) -> BarRows:
        """Bar `t` of a single series (anything with `BarWindow`'s arrays) as one row."""
        return cls(*(getattr(bars, n)[t : t + 1] for n in ("timestamp", *_PRICES)))

    @classmethod
    def from_matrix(cls, timestamp: np.ndarray, prices: np.ndarray) -> BarRows:
        """Rows from timestamps (n,) and a (5, n) float64 matrix open..volume (views)."""
        return cls(timestamp, prices[0], prices[1], prices[2], prices[3], prices[4])

    def __len__(self) -> int:
        return int(self.close.shape[0])

    def matrix(self) -> np.ndarray:
        """The prices as one C-contiguous (5, n) float64 matrix open..volume.

        Raises:
            StrategyError: the arrays are not 1-D or differ in length.
        """
        n = len(self)
        columns = [np.asarray(getattr(self, name), dtype=np.float64) for name in _PRICES]
        for name, column in zip(_PRICES, columns, strict=True):
            if column.shape != (n,):
                raise StrategyError(
                    f"invalid BarRows.{name}: expected {n} values (one per symbol), "
                    f"got shape {column.shape}"
                )
        return np.ascontiguousarray(np.stack(columns))


@dataclass(frozen=True, slots=True)
class SignalRows:
    """One signal row for each of `n` symbols: the fields of `SignalArrays` at one bar."""

    active: np.ndarray
    direction: np.ndarray
    strength: np.ndarray
    confidence: np.ndarray
    stop_price: np.ndarray
    target_price: np.ndarray

    @classmethod
    def from_matrix(cls, out: np.ndarray) -> SignalRows:
        """Rows from a (6, n) float64 matrix active, direction, strength, confidence,
        stop, target (the streaming kernels' output)."""
        return cls(
            out[0] != 0.0,
            out[1].astype(np.int8),
            out[2].copy(),
            out[3].copy(),
            out[4].copy(),
            out[5].copy(),
        )

    def __len__(self) -> int:
        return int(self.active.shape[0])


class StrategyStream(Protocol):
    """Incremental state of one strategy for `symbols` series; O(1) work per bar.

    `update(bars, mask)` advances the symbols where `mask` is True (all when None) by
    one closed bar and returns their signal rows; symbols outside the mask keep their
    state and get a blank row.
    """

    @property
    def symbols(self) -> int: ...

    def update(self, bars: BarRows, mask: np.ndarray | None = None) -> SignalRows: ...


StreamFactory = Callable[[Any, int], StrategyStream]
"""`factory(config, symbols) -> StrategyStream`: a strategy's streaming form."""
