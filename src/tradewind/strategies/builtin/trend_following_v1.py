"""trend_following_v1: EMA trend filter confirmed by ADX strength.

Rules (evaluated at each bar's close):
- fast = EMA(close, fast), slow = EMA(close, slow), ADX(adx_window) (TA-Lib).
- Flat, fast > slow, close > slow and ADX >= adx_entry: LONG, with
  stop = close - stop_atr * ATR(adx_window) when stop_atr > 0.
- Long and (fast <= slow or ADX < adx_exit): FLAT (the trend is lost).
- With `allow_short`: the mirror image (fast < slow, close < slow) enters SHORT.
- strength = confidence = ADX / 50, clipped to [0, 1] (ADX 25 -> 0.5, 50+ -> 1).
Exits carry strength and confidence 1. Close-only series: high and low fall back to
close, so ADX measures the directional consistency of close-to-close moves.
"""

from __future__ import annotations

from typing import Self

import numpy as np
import talib
from pydantic import Field, model_validator

from tradewind.strategies.api import BarWindow, SignalArrays, StrategyConfig, StrategySpec
from tradewind.strategies.indicators import clip01, latch
from tradewind.strategies.streams.trend_following_v1 import trend_following_stream

__all__ = ["STRATEGY", "TrendFollowingConfig", "trend_following_signals"]


class TrendFollowingConfig(StrategyConfig):
    """Parameters of trend_following_v1."""

    fast: int = Field(20, ge=1, le=5_000, description="fast EMA length, bars")
    slow: int = Field(100, ge=2, le=5_000, description="slow EMA length, bars")
    adx_window: int = Field(14, ge=2, le=1_000, description="ADX and ATR length, bars")
    adx_entry: float = Field(25.0, gt=0.0, le=100.0, description="minimum ADX to enter")
    adx_exit: float = Field(20.0, ge=0.0, le=100.0, description="exit when ADX falls below")
    stop_atr: float = Field(3.0, ge=0.0, le=50.0, description="stop distance in ATRs (0 = none)")
    allow_short: bool = Field(False, description="also follow down-trends short")

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.fast >= self.slow:
            raise ValueError(f"fast ({self.fast}) must be below slow ({self.slow})")
        if self.adx_exit > self.adx_entry:
            raise ValueError(
                f"adx_exit ({self.adx_exit}) must not exceed adx_entry ({self.adx_entry})"
            )
        return self


def trend_following_signals(bars: BarWindow, config: TrendFollowingConfig) -> SignalArrays:
    """LONG (or SHORT) in a strong EMA trend, FLAT when the trend or its strength goes."""
    close = bars.close
    high, low = bars.field_or_close("high"), bars.field_or_close("low")
    fast = talib.EMA(close, timeperiod=config.fast)
    slow = talib.EMA(close, timeperiod=config.slow)
    adx = talib.ADX(high, low, close, timeperiod=config.adx_window)
    atr = talib.ATR(high, low, close, timeperiod=config.adx_window)
    strong = adx >= config.adx_entry
    never = np.zeros(len(bars), np.bool_)
    weak = ~(adx >= config.adx_exit)
    active, direction = latch(
        strong & (fast > slow) & (close > slow),
        (strong & (fast < slow) & (close < slow)) if config.allow_short else never,
        (fast <= slow) | weak,
        (fast >= slow) | weak,
        0,
    )
    weight = np.where(direction != 0, clip01(adx / 50.0), 1.0)
    stop = close - direction * config.stop_atr * atr if config.stop_atr > 0 else np.nan
    return SignalArrays.build(
        active, direction, strength=weight, confidence=weight, stop_price=stop
    )


STRATEGY = StrategySpec(
    name="trend_following_v1",
    description="EMA(fast) vs EMA(slow) trend with ADX strength; exit on trend loss",
    config_cls=TrendFollowingConfig,
    signals=trend_following_signals,
    warmup=lambda config: max(config.slow - 1, 2 * config.adx_window - 1),
    stream=trend_following_stream,
)
