"""rsi_volume_breakout: RSI oversold + volume surge + breakout.

Rules (evaluated at each bar's close, long only):
- RSI(rsi_window) was below `oversold` on at least one of the last `oversold_lookback`
  bars (the current one included), and
- volume > volume_mult x the mean volume of the previous `volume_window` bars, and
- close > the highest high of the previous `breakout_window` bars:
  LONG with stop = close - stop_atr * ATR(atr_window) and
  target = close + target_atr * ATR.
- Long and RSI > `overbought`, or `max_hold_bars` bars after the entry (0 = no time
  stop): FLAT.
- strength = 1; confidence = volume ratio / (2 x volume_mult), clipped to [0, 1]
  (0.5 at the surge threshold).
Series without volume (close-only indices, yields) emit nothing: a volume surge cannot
be seen. Without high/low, the breakout and ATR use close.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import talib
from pydantic import Field, model_validator

from tradewind.strategies.api import BarWindow, SignalArrays, StrategyConfig, StrategySpec
from tradewind.strategies.indicators import clip01, latch, previous
from tradewind.strategies.streams.rsi_volume_breakout import rsi_volume_breakout_stream

__all__ = ["STRATEGY", "RsiVolumeBreakoutConfig", "rsi_volume_breakout_signals"]


class RsiVolumeBreakoutConfig(StrategyConfig):
    """Parameters of rsi_volume_breakout."""

    rsi_window: int = Field(14, ge=2, le=1_000, description="RSI length, bars")
    oversold: float = Field(30.0, gt=0.0, lt=100.0, description="RSI below this is oversold")
    overbought: float = Field(70.0, gt=0.0, lt=100.0, description="exit when RSI rises above")
    oversold_lookback: int = Field(
        10, ge=1, le=1_000, description="bars within which RSI must have been oversold"
    )
    volume_window: int = Field(20, ge=1, le=5_000, description="volume average length, bars")
    volume_mult: float = Field(1.5, gt=0.0, le=100.0, description="surge: volume > mult x avg")
    breakout_window: int = Field(10, ge=1, le=5_000, description="breakout high length, bars")
    atr_window: int = Field(14, ge=1, le=1_000, description="ATR length, bars")
    stop_atr: float = Field(2.0, gt=0.0, le=50.0, description="stop distance in ATRs")
    target_atr: float = Field(3.0, gt=0.0, le=100.0, description="target distance in ATRs")
    max_hold_bars: int = Field(20, ge=0, le=100_000, description="time stop, bars (0 = none)")

    @model_validator(mode="after")
    def _oversold_below_overbought(self) -> Self:
        if self.oversold >= self.overbought:
            raise ValueError(
                f"oversold ({self.oversold}) must be below overbought ({self.overbought})"
            )
        return self


def rsi_volume_breakout_signals(bars: BarWindow, config: RsiVolumeBreakoutConfig) -> SignalArrays:
    """LONG when a recently oversold market breaks out on a volume surge."""
    n = len(bars)
    if not bars.has("volume"):
        return SignalArrays.empty(n)
    close, volume = bars.close, bars.volume
    high, low = bars.field_or_close("high"), bars.field_or_close("low")
    rsi = talib.RSI(close, timeperiod=config.rsi_window)
    oversold = (rsi < config.oversold).astype(np.float64)
    recently_oversold = talib.MAX(oversold, timeperiod=config.oversold_lookback) > 0.5
    avg_volume = previous(talib.SMA(volume, timeperiod=config.volume_window))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(avg_volume > 0.0, volume / avg_volume, np.nan)
    surge = ratio > config.volume_mult
    breakout = close > previous(talib.MAX(high, timeperiod=config.breakout_window))
    atr = talib.ATR(high, low, close, timeperiod=config.atr_window)
    ready = np.isfinite(atr) & (atr > 0.0)
    never = np.zeros(n, np.bool_)
    active, direction = latch(
        recently_oversold & surge & breakout & ready,
        never,
        rsi > config.overbought,
        never,
        config.max_hold_bars,
    )
    confidence = np.where(direction == 1, clip01(ratio / (2.0 * config.volume_mult)), 1.0)
    return SignalArrays.build(
        active,
        direction,
        confidence=confidence,
        stop_price=close - config.stop_atr * atr,
        target_price=close + config.target_atr * atr,
    )


STRATEGY = StrategySpec(
    name="rsi_volume_breakout",
    description="RSI oversold + volume surge + breakout high: long with ATR stop and target",
    config_cls=RsiVolumeBreakoutConfig,
    signals=rsi_volume_breakout_signals,
    warmup=lambda config: max(
        config.rsi_window, config.volume_window, config.breakout_window, config.atr_window
    ),
    stream=rsi_volume_breakout_stream,
)
