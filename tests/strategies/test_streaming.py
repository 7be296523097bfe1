"""Streaming strategies give, bar by bar, exactly the rows of the vectorized strategies."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tradewind.data.catalog import Catalog
from tradewind.strategies.api import (
    BarWindow,
    SignalArrays,
    StrategyConfig,
    StrategyError,
    StrategySpec,
)
from tradewind.strategies.registry import available
from tradewind.strategies.streaming import (
    BarRows,
    KernelStream,
    WindowStream,
    open_stream,
    stream_signals,
)

#: One non-default parameter set per built-in, exercising shorts, other windows and
#: the special cases (ATR of 1 bar = true range, no stop, no time stop).
OTHER_PARAMS: dict[str, dict[str, object]] = {
    "sma_cross": {"fast": 5, "slow": 20, "allow_short": True},
    "momentum_v1": {
        "lookback": 10,
        "entry_threshold": 0.02,
        "exit_threshold": -0.01,
        "allow_short": True,
    },
    "mean_reversion_v2": {
        "window": 10,
        "entry_z": 1.5,
        "exit_z": 0.5,
        "stop_z": 2.0,
        "allow_short": True,
    },
    "breakout_v1": {
        "entry_window": 30,
        "exit_window": 5,
        "atr_window": 1,
        "stop_atr": 1.5,
        "target_atr": 3.0,
        "allow_short": True,
    },
    "trend_following_v1": {
        "fast": 5,
        "slow": 30,
        "adx_window": 7,
        "adx_entry": 20.0,
        "adx_exit": 15.0,
        "stop_atr": 0.0,
        "allow_short": True,
    },
    "rsi_volume_breakout": {
        "rsi_window": 7,
        "oversold": 40.0,
        "overbought": 60.0,
        "oversold_lookback": 5,
        "volume_window": 10,
        "volume_mult": 1.2,
        "breakout_window": 5,
        "atr_window": 7,
        "max_hold_bars": 0,
    },
}

#: Floats may differ from TA-Lib's build in the last bits (its ATR and RSI recursions
#: are not reproducible operation for operation); decisions must not.
RELATIVE_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def daily_series() -> dict[str, BarWindow]:
    """Every bundled daily series, by symbol."""
    catalog = Catalog(include_bundled=True)
    return {
        entry.symbol: BarWindow.from_arrays(
            catalog.load_arrays(entry.symbol, market=entry.market, timeframe=entry.timeframe)
        )
        for entry in catalog.entries()
        if entry.timeframe == "1d" and entry.source == "bundled"
    }


def _stream_all(
    spec: StrategySpec[Any], config: Any, series: list[BarWindow]
) -> list[SignalArrays]:
    """Every series through one stream (one symbol each), row by row; a series that has
    ended is masked out, as a market without a new bar is."""
    lengths = np.array([len(bars) for bars in series])
    prices = np.full((int(lengths.max()), 5, len(series)), np.nan)
    stamps = np.zeros((int(lengths.max()), len(series)), np.int64)
    for i, bars in enumerate(series):
        for j, name in enumerate(("open", "high", "low", "close", "volume")):
            prices[: len(bars), j, i] = getattr(bars, name)
        stamps[: len(bars), i] = bars.timestamp
    stream = open_stream(spec, config, len(series))
    rows = [
        stream.update(BarRows.from_matrix(stamps[t], prices[t]), mask=t < lengths)
        for t in range(prices.shape[0])
    ]
    return [
        SignalArrays(
            *(np.array([getattr(row, name)[i] for row in rows[:n]]) for name in SignalArrays.FIELDS)
        )
        for i, n in enumerate(lengths)
    ]


def _assert_same(name: str, want: SignalArrays, got: SignalArrays) -> None:
    for field in ("active", "direction"):
        mine, theirs = getattr(want, field), getattr(got, field)
        bad = np.flatnonzero(mine != theirs)
        assert bad.size == 0, f"{name}: {field} differs first at bar {bad[:1]}"
    for field in ("strength", "confidence", "stop_price", "target_price"):
        mine, theirs = getattr(want, field), getattr(got, field)
        assert np.array_equal(np.isnan(mine), np.isnan(theirs)), f"{name}: {field} NaNs differ"
        np.testing.assert_allclose(theirs, mine, rtol=RELATIVE_TOLERANCE, atol=0, err_msg=name)


@pytest.mark.parametrize("spec", available(), ids=lambda spec: spec.name)
@pytest.mark.parametrize("params", ["default", "other"])
def test_streamed_signals_equal_the_vectorized_ones_on_every_bundled_daily_series(
    spec: StrategySpec[Any], params: str, daily_series: dict[str, BarWindow]
) -> None:
    assert len(daily_series) >= 20
    config = (
        spec.default_config() if params == "default" else spec.config_cls(**OTHER_PARAMS[spec.name])
    )
    symbols = list(daily_series)
    streamed = _stream_all(spec, config, [daily_series[s] for s in symbols])
    signalled = 0
    for symbol, got in zip(symbols, streamed, strict=True):
        want = spec.run(daily_series[symbol], config)
        _assert_same(f"{spec.name} {params} on {symbol}", want, got)
        signalled += want.count
    assert signalled > 0


def test_every_builtin_has_a_compiled_streaming_form() -> None:
    for spec in available():
        assert isinstance(open_stream(spec), KernelStream), spec.name


def test_one_series_streamed_through_update_equals_the_vectorized_signals(
    spx: BarWindow,
) -> None:
    bars = spx.head(600)
    for spec in available():
        _assert_same(spec.name, spec.run(bars), stream_signals(spec, bars))


def test_stream_state_does_not_grow_with_history(spx: BarWindow) -> None:
    spec = next(s for s in available() if s.name == "breakout_v1")
    stream = open_stream(spec)
    assert isinstance(stream, KernelStream)
    sizes = set()
    for t in range(len(spx)):
        stream.update(BarRows.at(spx, t))
        if t in (100, len(spx) - 1):
            sizes.add(stream._state.nbytes + stream._rings.nbytes)
    assert len(sizes) == 1


def test_masked_symbols_keep_their_state_and_get_a_blank_row(spx: BarWindow) -> None:
    spec = next(s for s in available() if s.name == "sma_cross")
    stream = open_stream(spec, None, 2)
    bars = spx.head(300)
    rows = []
    for t in range(len(bars)):
        one = BarRows.at(bars, t)
        two = BarRows(*(np.repeat(getattr(one, n), 2) for n in BarRows.__slots__))
        # symbol 1 sees each bar one call later: an idle call in between
        rows.append(stream.update(two, mask=np.array([True, False])))
        rows.append(stream.update(two, mask=np.array([False, True])))
    first = np.array([r.direction[0] for r in rows[0::2]])
    second = np.array([r.direction[1] for r in rows[1::2]])
    assert not any(r.active[1] for r in rows[0::2])
    np.testing.assert_array_equal(first, spec.run(bars).direction)
    np.testing.assert_array_equal(second, first)


def test_a_bar_matrix_of_the_wrong_shape_is_refused_naming_the_shapes() -> None:
    stream = open_stream(next(s for s in available() if s.name == "sma_cross"), None, 3)
    assert isinstance(stream, KernelStream)
    with pytest.raises(StrategyError, match=r"shape \(5, 3\)"):
        stream.update_matrix(np.zeros((5, 2)))
    with pytest.raises(StrategyError, match="mask of 3 values"):
        stream.update_matrix(np.zeros((5, 3)), np.ones(2, np.bool_))


class _ChannelConfig(StrategyConfig):
    window: int = 10


def _channel_signals(bars: BarWindow, config: _ChannelConfig) -> SignalArrays:
    """LONG when the close is the highest of the last `window` bars (no memory)."""
    close, n = bars.close, len(bars)
    active = np.zeros(n, np.bool_)
    for t in range(config.window - 1, n):
        active[t] = close[t] >= close[t - config.window + 1 : t + 1].max()
    return SignalArrays.build(active, 1)


_CHANNEL = StrategySpec(
    name="channel_high",
    description="close at the high of the window",
    config_cls=_ChannelConfig,
    signals=_channel_signals,
    warmup=lambda config: config.window - 1,
)


def test_a_strategy_without_a_streaming_form_reruns_over_its_lookback_window(
    spx: BarWindow,
) -> None:
    bars = spx.head(400)
    stream = open_stream(_CHANNEL)
    assert isinstance(stream, WindowStream)
    got = stream_signals(_CHANNEL, bars)
    want = _CHANNEL.run(bars)
    assert want.count > 0
    assert want.first_difference(got, len(bars)) is None
