"""breakout_v1: Donchian channel breakout with an ATR stop.

Rules (evaluated at each bar's close; channels use the bars before the current one):
- upper = highest high of the previous `entry_window` bars; lower = lowest low of them.
- Flat and close > upper: LONG with stop = close - stop_atr * ATR(atr_window) and,
  when target_atr > 0, target = close + target_atr * ATR. Long and close below the
  lowest low of the previous `exit_window` bars: FLAT.
- With `allow_short`: flat and close < lower: SHORT (mirror stop/target); short and
  close above the highest high of the previous `exit_window` bars: FLAT.
- No entry while ATR is still warming up. strength = 1; confidence = 0.5 + half the
  breakout distance in ATRs, clipped to [0, 1].
Close-only series: high and low fall back to close (the ATR becomes the mean absolute
close-to-close move).
"""

from __future__ import annotations

import numpy as np
import talib
from pydantic import Field

from tradewind.strategies.api import BarWindow, SignalArrays, StrategyConfig, StrategySpec
from tradewind.strategies.indicators import clip01, latch, previous
from tradewind.strategies.streams.breakout_v1 import breakout_stream

__all__ = ["STRATEGY", "BreakoutConfig", "breakout_signals"]


class BreakoutConfig(StrategyConfig):
    """Parameters of breakout_v1."""

    entry_window: int = Field(20, ge=2, le=5_000, description="entry channel length, bars")
    exit_window: int = Field(10, ge=2, le=5_000, description="exit channel length, bars")
    atr_window: int = Field(14, ge=1, le=1_000, description="ATR length, bars")
    stop_atr: float = Field(2.0, gt=0.0, le=50.0, description="stop distance in ATRs")
    target_atr: float = Field(0.0, ge=0.0, le=100.0, description="target in ATRs (0 = none)")
    allow_short: bool = Field(False, description="also enter short below the channel")


def breakout_signals(bars: BarWindow, config: BreakoutConfig) -> SignalArrays:
    """LONG above the prior channel high (SHORT below its low), FLAT on the exit channel."""
    close = bars.close
    high, low = bars.field_or_close("high"), bars.field_or_close("low")
    upper = previous(talib.MAX(high, timeperiod=config.entry_window))
    lower = previous(talib.MIN(low, timeperiod=config.entry_window))
    exit_low = previous(talib.MIN(low, timeperiod=config.exit_window))
    exit_high = previous(talib.MAX(high, timeperiod=config.exit_window))
    atr = talib.ATR(high, low, close, timeperiod=config.atr_window)
    ready = np.isfinite(atr) & (atr > 0.0)
    never = np.zeros(len(bars), np.bool_)
    active, direction = latch(
        ready & (close > upper),
        (ready & (close < lower)) if config.allow_short else never,
        close < exit_low,
        close > exit_high,
        0,
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        beyond = np.where(direction == 1, close - upper, lower - close) / atr
    confidence = np.where(direction != 0, clip01(0.5 + 0.5 * beyond), 1.0)
    stop = close - direction * config.stop_atr * atr
    target = close + direction * config.target_atr * atr if config.target_atr > 0 else np.nan
    return SignalArrays.build(
        active, direction, confidence=confidence, stop_price=stop, target_price=target
    )


STRATEGY = StrategySpec(
    name="breakout_v1",
    description="Donchian channel breakout with an ATR stop; exit on the shorter channel",
    config_cls=BreakoutConfig,
    signals=breakout_signals,
    warmup=lambda config: max(config.entry_window, config.atr_window),
    stream=breakout_stream,
)
