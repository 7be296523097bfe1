"""momentum_v1: rate-of-change momentum with a fade exit.

Rules (evaluated at each bar's close):
- roc = close[t] / close[t - lookback] - 1 (TA-Lib ROCP).
- Flat and roc > entry_threshold: LONG. Long and roc < exit_threshold (momentum has
  faded): FLAT.
- With `allow_short`: flat and roc < -entry_threshold: SHORT; short and
  roc > -exit_threshold: FLAT.
- strength = |roc| / (2 * entry_threshold), clipped to [0, 1] (0.5 at the threshold);
  confidence = share of the last `lookback` bar-to-bar moves that went the entry's way.
Exits carry strength and confidence 1. No stop or target. Uses close only.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import talib
from pydantic import Field, model_validator

from tradewind.strategies.api import BarWindow, SignalArrays, StrategyConfig, StrategySpec
from tradewind.strategies.indicators import clip01, latch, rolling_mean
from tradewind.strategies.streams.momentum_v1 import momentum_stream

__all__ = ["STRATEGY", "MomentumConfig", "momentum_signals"]


class MomentumConfig(StrategyConfig):
    """Parameters of momentum_v1."""

    lookback: int = Field(20, ge=1, le=5_000, description="rate-of-change lookback, bars")
    entry_threshold: float = Field(
        0.05, gt=0.0, le=10.0, description="roc above which to enter (0.05 = +5%)"
    )
    exit_threshold: float = Field(
        0.0, ge=-10.0, le=10.0, description="roc below which a long exits (momentum fade)"
    )
    allow_short: bool = Field(False, description="also enter short on negative momentum")

    @model_validator(mode="after")
    def _exit_below_entry(self) -> Self:
        if self.exit_threshold >= self.entry_threshold:
            raise ValueError(
                f"exit_threshold ({self.exit_threshold}) must be below entry_threshold "
                f"({self.entry_threshold})"
            )
        return self


def momentum_signals(bars: BarWindow, config: MomentumConfig) -> SignalArrays:
    """LONG (or SHORT) on strong rate of change, FLAT when it fades."""
    close = bars.close
    roc = talib.ROCP(close, timeperiod=config.lookback)
    never = np.zeros(len(bars), np.bool_)
    active, direction = latch(
        roc > config.entry_threshold,
        (roc < -config.entry_threshold) if config.allow_short else never,
        roc < config.exit_threshold,
        roc > -config.exit_threshold,
        0,
    )
    up_share = rolling_mean(np.sign(np.diff(close, prepend=np.nan)).clip(0.0, 1.0), config.lookback)
    entry = direction != 0
    strength = np.where(entry, clip01(np.abs(roc) / (2.0 * config.entry_threshold)), 1.0)
    confidence = np.where(direction == 1, up_share, np.where(direction == -1, 1.0 - up_share, 1.0))
    return SignalArrays.build(active, direction, strength=strength, confidence=clip01(confidence))


STRATEGY = StrategySpec(
    name="momentum_v1",
    description="rate of change over a lookback above a threshold; exit when momentum fades",
    config_cls=MomentumConfig,
    signals=momentum_signals,
    warmup=lambda config: config.lookback,
    stream=momentum_stream,
)
