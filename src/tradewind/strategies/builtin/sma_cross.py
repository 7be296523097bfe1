"""sma_cross: fast/slow simple-moving-average crossover.

Rules (evaluated at each bar's close):
- fast = SMA(close, fast), slow = SMA(close, slow), d = fast - slow; the averages are
  bit-identical to `pandas.Series.rolling(n).mean()`, so crosses are decided exactly as
  the peer benchmark reference (`bench/ref_numpy.py`) decides them.
- cross-up at t (`d[t-1] <= 0 and d[t] > 0`): LONG.
- cross-down at t (`d[t-1] >= 0 and d[t] < 0`): FLAT (exit), or SHORT when
  `allow_short`.
- No signal while either average is still warming up (the first `slow` bars).
Strength and confidence are 1; no stop or target. Uses close only.
"""

from __future__ import annotations

from typing import Self

import numpy as np
from pydantic import Field, model_validator

from tradewind.strategies.api import BarWindow, SignalArrays, StrategyConfig, StrategySpec
from tradewind.strategies.indicators import cross_above_zero, cross_below_zero, rolling_mean
from tradewind.strategies.streams.sma_cross import sma_cross_stream

__all__ = ["STRATEGY", "SmaCrossConfig", "sma_cross_signals"]


class SmaCrossConfig(StrategyConfig):
    """Parameters of sma_cross."""

    fast: int = Field(10, ge=1, le=10_000, description="fast SMA length, bars")
    slow: int = Field(50, ge=2, le=10_000, description="slow SMA length, bars")
    allow_short: bool = Field(False, description="cross-down opens a short instead of exiting")

    @model_validator(mode="after")
    def _fast_below_slow(self) -> Self:
        if self.fast >= self.slow:
            raise ValueError(f"fast ({self.fast}) must be below slow ({self.slow})")
        return self


def sma_cross_signals(bars: BarWindow, config: SmaCrossConfig) -> SignalArrays:
    """LONG on a fast-over-slow cross, FLAT (or SHORT) on the cross back."""
    close = bars.close
    diff = rolling_mean(close, config.fast) - rolling_mean(close, config.slow)
    up = cross_above_zero(diff)
    down = cross_below_zero(diff)
    direction = np.where(up, 1, -1 if config.allow_short else 0).astype(np.int8)
    return SignalArrays.build(up | down, direction)


STRATEGY = StrategySpec(
    name="sma_cross",
    description="SMA(fast) crosses SMA(slow): long on cross-up, exit (or short) on cross-down",
    config_cls=SmaCrossConfig,
    signals=sma_cross_signals,
    warmup=lambda config: config.slow,
    stream=sma_cross_stream,
)
