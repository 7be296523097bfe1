"""BarWindow and SignalArrays: the validated array shapes strategies consume and produce."""

from __future__ import annotations

import numpy as np
import pytest

from tradewind.strategies.api import BarWindow, SignalArrays, StrategyError


def _bars(n: int = 5) -> BarWindow:
    close = np.linspace(100.0, 104.0, n)
    return BarWindow(np.arange(n, dtype=np.int64), close, close, close, close, np.ones(n))


def test_bar_window_converts_datetimes_and_numbers_to_int64_and_float64() -> None:
    stamps = np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]")
    ints = np.array([1, 2])
    bars = BarWindow(stamps, ints, ints, ints, ints, np.array([np.nan, np.nan]))
    assert bars.timestamp.dtype == np.int64
    assert bars.timestamp[1] - bars.timestamp[0] == 86_400 * 10**9
    assert bars.close.dtype == np.float64
    assert not bars.has("volume")
    assert bars.has("close")


def test_bar_window_refuses_mismatched_lengths() -> None:
    ones = np.ones(3)
    with pytest.raises(StrategyError, match=r"BarWindow.volume: expected 3 values .* got 2"):
        BarWindow(np.arange(3), ones, ones, ones, ones, np.ones(2))


def test_bar_window_refuses_unsorted_timestamps_naming_the_bar() -> None:
    ones = np.ones(3)
    with pytest.raises(StrategyError, match="bar 2"):
        BarWindow(np.array([1, 2, 2]), ones, ones, ones, ones, ones)


def test_bar_window_refuses_text_prices() -> None:
    with pytest.raises(StrategyError, match=r"BarWindow\.close: expected float64"):
        BarWindow(
            np.arange(2), np.ones(2), np.ones(2), np.ones(2), np.array(["a", "b"]), np.ones(2)
        )


def test_bar_window_arrays_are_read_only_but_the_callers_are_not() -> None:
    close = np.linspace(1.0, 2.0, 4)
    bars = BarWindow(np.arange(4), close, close, close, close, close)
    with pytest.raises(ValueError, match="read-only"):
        bars.close[0] = 5.0
    close[0] = 5.0  # the caller's array stays writeable
    assert bars.close[0] == 5.0


def test_field_or_close_falls_back_for_close_only_series() -> None:
    n = 3
    nan = np.full(n, np.nan)
    bars = BarWindow(np.arange(n), nan, nan, nan, np.array([1.0, 2.0, 3.0]), nan)
    assert bars.field_or_close("high") is bars.close
    assert len(bars.head(2)) == 2


def test_empty_signal_arrays_have_the_blank_row_everywhere() -> None:
    empty = SignalArrays.empty(4)
    assert len(empty) == 4
    assert empty.count == 0
    assert empty.direction.dtype == np.int8
    assert np.isnan(empty.stop_price).all()


def test_build_blanks_inactive_bars_and_stops_on_exits() -> None:
    arrays = SignalArrays.build(
        np.array([True, False, True]),
        np.array([1, 1, 0]),
        strength=0.5,
        stop_price=np.array([90.0, 91.0, 92.0]),
    )
    assert arrays.direction.tolist() == [1, 0, 0]
    assert arrays.strength.tolist() == [0.5, 0.0, 0.5]
    assert arrays.stop_price[0] == 90.0
    assert np.isnan(arrays.stop_price[1:]).all()  # inactive bar and exit carry no stop


def test_strength_outside_unit_interval_is_refused_naming_bar_and_field() -> None:
    with pytest.raises(StrategyError, match=r"strength at bar 1: expected a value in \[0, 1\]"):
        SignalArrays.build(np.array([False, True]), 1, strength=1.5)


def test_direction_other_than_minus_one_zero_one_is_refused() -> None:
    with pytest.raises(StrategyError, match="direction at bar 0: expected -1, 0 or \\+1, got 2"):
        SignalArrays.build(np.array([True]), 2)


def test_long_stop_above_target_is_refused() -> None:
    with pytest.raises(StrategyError, match="stop_price at bar 0: expected below target_price"):
        SignalArrays.build(np.array([True]), 1, stop_price=110.0, target_price=100.0)


def test_short_stop_below_target_is_refused() -> None:
    with pytest.raises(StrategyError, match="above target_price on SHORT"):
        SignalArrays.build(np.array([True]), -1, stop_price=90.0, target_price=100.0)


def test_wrong_dtype_is_refused() -> None:
    empty = SignalArrays.empty(2)
    with pytest.raises(StrategyError, match=r"SignalArrays\.direction: expected dtype int8"):
        SignalArrays(
            empty.active,
            np.zeros(2, np.int64),
            empty.strength,
            empty.confidence,
            empty.stop_price,
            empty.target_price,
        )


def test_garbage_on_inactive_bars_is_refused() -> None:
    empty = SignalArrays.empty(2)
    with pytest.raises(StrategyError, match="confidence at bar 1: expected 0 on inactive bars"):
        SignalArrays(
            empty.active,
            empty.direction,
            empty.strength,
            np.array([0.0, 0.3]),
            empty.stop_price,
            empty.target_price,
        )


def test_first_difference_finds_the_earliest_bar_and_treats_nan_as_equal() -> None:
    a = SignalArrays.build(np.array([True, False, True, True]), np.array([1, 0, 0, 1]))
    b = SignalArrays.build(np.array([True, False, True, False]), np.array([1, 0, 1, 0]))
    assert a.first_difference(a, 4) is None
    assert a.first_difference(b, 4) == (2, "direction")
    assert a.first_difference(b, 2) is None
    assert a.describe(2, "direction") == "FLAT"
    assert b.describe(2, "direction") == "LONG"
    assert b.describe(3, "active") == "no signal"
