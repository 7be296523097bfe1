"""Deliberately broken strategies that use future bars; the look-ahead check must refuse them."""

from __future__ import annotations

import random

import numpy as np

from tradewind.strategies.api import BarWindow, SignalArrays, StrategyConfig, StrategySpec


class NoParams(StrategyConfig):
    """No parameters."""


def _next_close_up(bars: BarWindow, config: NoParams) -> SignalArrays:
    # Peeks: np.roll(-1) puts close[t+1] at t (and wraps close[0] to the last bar).
    tomorrow = np.roll(bars.close, -1)
    return SignalArrays.build(np.ones(len(bars), np.bool_), np.where(tomorrow > bars.close, 1, 0))


def _centered_mean(bars: BarWindow, config: NoParams) -> SignalArrays:
    # Peeks: a centered 21-bar mean uses the 10 bars after t.
    n = len(bars)
    mean = np.full(n, np.nan)
    if n >= 21:
        mean[10:-10] = np.convolve(bars.close, np.ones(21) / 21.0, mode="valid")
    above = bars.close > mean
    flips = np.zeros(n, np.bool_)
    flips[1:] = above[1:] != above[:-1]
    return SignalArrays.build(flips & ~np.isnan(mean), np.where(above, 1, 0))


def _full_sample_zscore(bars: BarWindow, config: NoParams) -> SignalArrays:
    # Peeks: normalizing by the whole sample's mean and deviation.
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (bars.close - bars.close.mean()) / bars.close.std()
    return SignalArrays.build(z < -1.0, 1)


def _coin_flip(bars: BarWindow, config: NoParams) -> SignalArrays:
    # Not deterministic: fresh randomness each run.
    draws = np.array([random.random() for _ in range(len(bars))])
    return SignalArrays.build(draws < 0.1, 1)


STRATEGY = StrategySpec(
    name="peek_next_close",
    description="goes long when tomorrow's close is higher (cheats)",
    config_cls=NoParams,
    signals=_next_close_up,
)
CENTERED = StrategySpec(
    name="centered_mean",
    description="crosses of a centered moving average (cheats)",
    config_cls=NoParams,
    signals=_centered_mean,
    warmup=lambda config: 20,
)
FULL_SAMPLE = StrategySpec(
    name="full_sample_zscore",
    description="z-score against the whole sample (cheats)",
    config_cls=NoParams,
    signals=_full_sample_zscore,
)
COIN_FLIP = StrategySpec(
    name="coin_flip",
    description="random entries",
    config_cls=NoParams,
    signals=_coin_flip,
)
