"""mean_reversion_v2: Bollinger-band mean reversion with band-width stop and mean target.

Rules (evaluated at each bar's close):
- mid = SMA(close, window), sd = population standard deviation of close over the same
  window (TA-Lib SMA and STDDEV), z = (close - mid) / sd; no signal where sd is 0.
- Flat and z <= -entry_z (close at or below the lower band): LONG with
  stop = close - stop_z * sd and target = mid (the mean). Long and z >= -exit_z: FLAT.
- With `allow_short`: flat and z >= entry_z: SHORT, stop = close + stop_z * sd,
  target = mid; short and z <= exit_z: FLAT.
- strength = confidence = |z| / (2 * entry_z), clipped to [0, 1] (0.5 on the band).
Exits carry strength and confidence 1. Uses close only.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import talib
from pydantic import Field, model_validator

from tradewind.strategies.api import BarWindow, SignalArrays, StrategyConfig, StrategySpec
from tradewind.strategies.indicators import clip01, latch
from tradewind.strategies.streams.mean_reversion_v2 import mean_reversion_stream

__all__ = ["STRATEGY", "MeanReversionConfig", "mean_reversion_signals"]


class MeanReversionConfig(StrategyConfig):
    """Parameters of mean_reversion_v2."""

    window: int = Field(20, ge=2, le=5_000, description="rolling mean and deviation window, bars")
    entry_z: float = Field(2.0, gt=0.0, le=10.0, description="band width for entries, in sd")
    exit_z: float = Field(
        0.0, ge=0.0, le=10.0, description="exit once within this many sd of the mean"
    )
    stop_z: float = Field(1.0, gt=0.0, le=20.0, description="stop distance beyond entry, in sd")
    allow_short: bool = Field(False, description="also sell the upper band")

    @model_validator(mode="after")
    def _exit_inside_entry(self) -> Self:
        if self.exit_z >= self.entry_z:
            raise ValueError(f"exit_z ({self.exit_z}) must be below entry_z ({self.entry_z})")
        return self


def mean_reversion_signals(bars: BarWindow, config: MeanReversionConfig) -> SignalArrays:
    """LONG below the lower band (SHORT above the upper), FLAT back near the mean."""
    close = bars.close
    mid = talib.SMA(close, timeperiod=config.window)
    sd = talib.STDDEV(close, timeperiod=config.window, nbdev=1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0.0, (close - mid) / sd, np.nan)
    never = np.zeros(len(bars), np.bool_)
    active, direction = latch(
        z <= -config.entry_z,
        (z >= config.entry_z) if config.allow_short else never,
        z >= -config.exit_z,
        z <= config.exit_z,
        0,
    )
    entry = direction != 0
    weight = np.where(entry, clip01(np.abs(z) / (2.0 * config.entry_z)), 1.0)
    stop = close - direction * config.stop_z * sd
    return SignalArrays.build(
        active, direction, strength=weight, confidence=weight, stop_price=stop, target_price=mid
    )


STRATEGY = StrategySpec(
    name="mean_reversion_v2",
    description="Bollinger band breach enters toward the mean; exit at the mean, stop by band",
    config_cls=MeanReversionConfig,
    signals=mean_reversion_signals,
    warmup=lambda config: config.window - 1,
    stream=mean_reversion_stream,
)
