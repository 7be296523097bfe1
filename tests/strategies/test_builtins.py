"""The built-in strategies on real bundled data: signals, causality, bounds, fallbacks."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from tradewind.strategies.api import BarWindow, SignalArrays, StrategyError, StrategySpec
from tradewind.strategies.builtin.mean_reversion_v2 import STRATEGY as MEAN_REVERSION
from tradewind.strategies.builtin.rsi_volume_breakout import STRATEGY as RSI_VOLUME
from tradewind.strategies.builtin.sma_cross import STRATEGY as SMA_CROSS
from tradewind.strategies.indicators import latch, rolling_mean
from tradewind.strategies.lookahead import require_causal
from tradewind.strategies.registry import available

from .conftest import random_walk_bars

NAMES = [spec.name for spec in available()]

#: One out-of-bounds and one broken-rule parameter set per strategy, with the message part.
BAD_PARAMS = {
    "sma_cross": [({"fast": "0"}, "fast"), ({"fast": "60"}, "must be below slow")],
    "momentum_v1": [({"lookback": "-1"}, "lookback"), ({"exit_threshold": "0.2"}, "below")],
    "mean_reversion_v2": [({"entry_z": "0"}, "entry_z"), ({"exit_z": "3"}, "below entry_z")],
    "breakout_v1": [({"stop_atr": "x"}, "stop_atr"), ({"entry_window": "1"}, "entry_window")],
    "trend_following_v1": [({"adx_entry": "101"}, "adx_entry"), ({"adx_exit": "30"}, "exceed")],
    "rsi_volume_breakout": [
        ({"oversold": "80"}, "below overbought"),
        ({"volume_mult": "0"}, "volume_mult"),
    ],
}


def _spec(name: str) -> StrategySpec:  # type: ignore[type-arg]
    return next(spec for spec in available() if spec.name == name)


@pytest.mark.parametrize("name", NAMES)
def test_builtin_signals_on_spx_and_btc_and_passes_causality(
    name: str, spx: BarWindow, btc: BarWindow
) -> None:
    spec = _spec(name)
    for bars in (spx, btc):
        report = require_causal(spec, bars)
        assert report.signals > 0, f"{name} emitted nothing on {len(bars)} bars"
        signals = spec.run(bars)
        entries = signals.active & (signals.direction != 0)
        exits = signals.active & (signals.direction == 0)
        assert entries.any()
        assert exits.any()
        assert signals.active[: spec.warmup_bars()].sum() == 0


@pytest.mark.parametrize("name", NAMES)
def test_builtin_runs_on_close_only_vix_without_crashing(name: str, vix: BarWindow) -> None:
    spec = _spec(name)
    report = require_causal(spec, vix)
    if name == "rsi_volume_breakout":
        assert report.signals == 0  # no volume, no surge: documented to emit nothing
    elif name != "trend_following_v1":
        assert report.signals > 0


@pytest.mark.parametrize("name", NAMES)
def test_builtin_refuses_bad_parameters_with_a_clear_error(name: str) -> None:
    spec = _spec(name)
    for params, part in BAD_PARAMS[name]:
        with pytest.raises(StrategyError, match=part) as info:
            spec.config_from_params(params)
        assert name in str(info.value)


@pytest.mark.parametrize("name", NAMES)
def test_builtin_handles_tiny_windows(name: str, spx: BarWindow) -> None:
    spec = _spec(name)
    for n in (0, 1, 2, 5):
        assert spec.run(spx.head(n)).count == 0


def _reference_crosses(close: np.ndarray, fast: int, slow: int) -> tuple[np.ndarray, np.ndarray]:
    # bench/ref_numpy.py's definition, verbatim in substance.
    d = (
        pd.Series(close).rolling(fast).mean().to_numpy()
        - pd.Series(close).rolling(slow).mean().to_numpy()
    )
    up = np.zeros(len(close), bool)
    down = np.zeros(len(close), bool)
    up[1:] = (d[:-1] <= 0) & (d[1:] > 0)
    down[1:] = (d[:-1] >= 0) & (d[1:] < 0)
    return up, down


@pytest.mark.parametrize("decimals", [4, 2])
def test_sma_cross_decides_crosses_exactly_like_the_pandas_reference(decimals: int) -> None:
    bars = random_walk_bars(100_000, seed=42, decimals=decimals)
    signals = SMA_CROSS.run(bars)
    up, down = _reference_crosses(bars.close, 10, 50)
    assert up.sum() > 500
    np.testing.assert_array_equal(signals.active & (signals.direction == 1), up)
    np.testing.assert_array_equal(signals.active & (signals.direction == 0), down)


def test_sma_cross_allow_short_turns_exits_into_shorts(spx: BarWindow) -> None:
    plain = SMA_CROSS.run(spx)
    short = SMA_CROSS.run(spx, SMA_CROSS.config_from_params({"allow_short": "true"}))
    np.testing.assert_array_equal(plain.active, short.active)
    assert set(short.direction[short.active].tolist()) == {1, -1}


def test_rolling_mean_is_bit_identical_to_pandas_with_ties_and_gaps() -> None:
    rng = np.random.default_rng(3)
    values = np.round(rng.normal(size=20_000), 1)  # many repeated values
    values[:5] = np.nan
    values[700:703] = np.nan
    for window in (1, 2, 7, 50):
        expected = pd.Series(values).rolling(window).mean().to_numpy()
        np.testing.assert_array_equal(rolling_mean(values, window), expected)


def test_sma_cross_on_a_million_bars_takes_well_under_100_ms() -> None:
    bars = random_walk_bars(1_000_000)
    SMA_CROSS.run(bars.head(1000))  # compile / load the numba cache
    best = min(_timed(lambda: SMA_CROSS.run(bars)) for _ in range(3))
    assert best < 0.1, f"sma_cross took {best * 1e3:.1f} ms on 1,000,000 bars"


def _timed(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def test_mean_reversion_entries_target_the_mean_with_stop_beyond(spx: BarWindow) -> None:
    signals = MEAN_REVERSION.run(spx)
    longs = signals.active & (signals.direction == 1)
    assert longs.any()
    close = spx.close[longs]
    assert (signals.stop_price[longs] < close).all()
    assert (signals.target_price[longs] > close).all()


def test_rsi_volume_breakout_entries_carry_stop_and_target_and_exit_within_time_stop(
    btc: BarWindow,
) -> None:
    config = RSI_VOLUME.default_config()
    signals = RSI_VOLUME.run(btc, config)
    entries = np.flatnonzero(signals.active & (signals.direction == 1))
    exits = np.flatnonzero(signals.active & (signals.direction == 0))
    assert entries.size
    assert exits.size
    close = btc.close[entries]
    assert (signals.stop_price[entries] < close).all()
    assert (signals.target_price[entries] > close).all()
    for entry in entries:
        later = exits[exits > entry]
        if later.size:
            assert later[0] - entry <= config.max_hold_bars


def test_latch_enters_once_exits_on_condition_and_reverses() -> None:
    f, t = False, True
    enter_long = np.array([t, t, f, f, f, f])
    enter_short = np.array([f, f, f, t, f, f])
    exit_long = np.array([f, f, t, t, f, f])
    exit_short = np.array([f, f, f, f, f, t])
    active, direction = latch(enter_long, enter_short, exit_long, exit_short, 0)
    assert active.tolist() == [t, f, t, t, f, t]
    assert direction.tolist() == [1, 0, 0, -1, 0, 0]


def test_latch_time_stop_exits_after_max_hold_bars() -> None:
    n = 6
    enter = np.zeros(n, np.bool_)
    enter[0] = True
    never = np.zeros(n, np.bool_)
    active, direction = latch(enter, never, never, never, 3)
    assert np.flatnonzero(active).tolist() == [0, 3]
    assert direction[3] == 0


def test_signals_are_signal_arrays_of_bar_length(spx: BarWindow) -> None:
    for spec in available():
        result = spec.run(spx.head(300))
        assert isinstance(result, SignalArrays)
        assert len(result) == 300
