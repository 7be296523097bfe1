"""The look-ahead check refuses strategies whose past signals change with later bars."""

from __future__ import annotations

import numpy as np
import pytest

from tradewind.strategies.api import BarWindow, LookAheadError, StrategyError
from tradewind.strategies.builtin.sma_cross import STRATEGY as SMA_CROSS
from tradewind.strategies.lookahead import check_causality, default_cut_points, require_causal

from . import peeking


def test_strategy_using_next_close_is_refused_with_bar_date_and_values(spx: BarWindow) -> None:
    with pytest.raises(LookAheadError) as info:
        require_causal(peeking.STRATEGY, spx)
    message = str(info.value)
    assert message.startswith("strategy peek_next_close peeks ahead: signal at bar ")
    assert "when later bars were appended" in message
    report = check_causality(peeking.STRATEGY, spx)
    v = report.violation
    assert v is not None
    assert not report.ok
    assert v.bar == v.cut  # the last bar of the prefix saw a wrapped-around "tomorrow"
    assert f"signal at bar {v.bar} (" in message
    assert {v.before, v.after} == {"LONG", "FLAT"}
    date = np.datetime64(int(spx.timestamp[v.bar]), "ns").astype("datetime64[D]")
    assert f"({date})" in message


def test_centered_moving_average_is_refused(btc: BarWindow) -> None:
    with pytest.raises(LookAheadError, match="centered_mean peeks ahead"):
        require_causal(peeking.CENTERED, btc)


def test_full_sample_normalization_is_refused(spx: BarWindow) -> None:
    report = check_causality(peeking.FULL_SAMPLE, spx)
    assert report.violation is not None
    assert report.violation.field in ("active", "direction")


def test_non_deterministic_strategy_is_refused(spx: BarWindow) -> None:
    with pytest.raises(StrategyError, match="coin_flip is not deterministic"):
        check_causality(peeking.COIN_FLIP, spx)


def test_causal_strategy_report_counts_cut_points_and_signals(spx: BarWindow) -> None:
    report = require_causal(SMA_CROSS, spx)
    assert report.ok
    assert report.violation is None
    assert report.signals == SMA_CROSS.run(spx).count
    assert len(report.cut_points) >= 10
    assert "is causal" in report.message


def test_explicit_cut_points_are_used_and_checked(spx: BarWindow) -> None:
    report = check_causality(SMA_CROSS, spx, cut_points=(100, 60, 100))
    assert report.cut_points == (60, 100)
    with pytest.raises(StrategyError, match="cut point 99999 is outside the window"):
        check_causality(SMA_CROSS, spx, cut_points=(99_999,))


def test_default_cut_points_cover_warmup_first_signals_and_the_end() -> None:
    cuts = default_cut_points(1000, 50, np.array([70, 300]), random_cuts=4, seed=1)
    assert {49, 50, 51, 52, 69, 70, 299, 300, 500, 998} <= set(cuts)
    assert all(0 <= c <= 998 for c in cuts)
    assert cuts == default_cut_points(1000, 50, np.array([70, 300]), random_cuts=4, seed=1)
    assert default_cut_points(1, 0, np.array([], np.int64)) == ()
