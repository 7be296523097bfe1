"""Per-bar strategies: an `on_bar` handler run over a window to produce `SignalArrays`.

For logic that is easier to write one bar at a time (backtesting.py's `next`). The
adapter hands the handler the bars up to and including the current one, so such a
strategy is causal by construction; it is a Python loop, slower than a vectorized
`signals` function, and meant for prototypes and small windows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from tradewind.strategies.arrays import BarWindow, SignalArrays
from tradewind.strategies.config import StrategyConfig
from tradewind.strategies.errors import StrategyError

__all__ = ["BarSignal", "OnBarHandler", "run_on_bar"]

C_contra = TypeVar("C_contra", bound=StrategyConfig, contravariant=True)


@dataclass(frozen=True, slots=True)
class BarSignal:
    """What an `on_bar` handler emits at the current bar.

    Attributes:
        direction: +1 LONG entry, -1 SHORT entry, 0 FLAT (exit).
        strength, confidence: in [0, 1].
        stop_price, target_price: quote currency, NaN = none (entries only).

    Raises:
        StrategyError: direction not -1, 0 or +1.
    """

    direction: int
    strength: float = 1.0
    confidence: float = 1.0
    stop_price: float = math.nan
    target_price: float = math.nan

    def __post_init__(self) -> None:
        if isinstance(self.direction, bool) or self.direction not in (-1, 0, 1):
            raise StrategyError(
                f"invalid BarSignal direction {self.direction!r}: expected -1, 0 or +1"
            )


class OnBarHandler(Protocol[C_contra]):
    """`on_bar(window, config, state) -> BarSignal | None`.

    `window` holds the bars up to and including the current one (the current bar is
    `window.close[-1]`); `state` is a dict the handler owns for the whole run, empty at
    the first bar. Return None for no signal.
    """

    def __call__(
        self, window: BarWindow, config: C_contra, state: dict[str, Any], /
    ) -> BarSignal | None: ...


def run_on_bar(handler: OnBarHandler[C_contra], bars: BarWindow, config: C_contra) -> SignalArrays:
    """Call `handler` at every bar of `bars`, oldest first, and collect its signals.

    Raises:
        StrategyError: the handler returned something other than a BarSignal or None,
            or values out of range (naming the bar).
    """
    n = len(bars)
    active = np.zeros(n, np.bool_)
    direction = np.zeros(n, np.int8)
    values = np.zeros((4, n))
    values[2:] = np.nan
    state: dict[str, Any] = {}
    for t in range(n):
        out = handler(bars.head(t + 1), config, state)
        if out is None:
            continue
        if not isinstance(out, BarSignal):
            raise StrategyError(
                f"on_bar returned {type(out).__name__} at bar {t}: expected BarSignal or None"
            )
        active[t] = True
        direction[t] = out.direction
        values[:, t] = (out.strength, out.confidence, out.stop_price, out.target_price)
    return SignalArrays.build(
        active,
        direction,
        strength=values[0],
        confidence=values[1],
        stop_price=values[2],
        target_price=values[3],
    )
