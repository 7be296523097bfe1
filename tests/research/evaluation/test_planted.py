"""Planted truth: lead-lag and correlation-break detection against the generator's truth."""

from __future__ import annotations

import pandas as pd
import pytest

from tradewind.data.synthetic import SyntheticMarket, SyntheticSpec, generate
from tradewind.research.evaluation.planted import (
    DEFAULT_SPEC,
    grid_groups,
    measure_breaks,
    measure_lead_lag,
    measure_planted,
    measure_planted_seeds,
)


@pytest.fixture(scope="module")
def market() -> SyntheticMarket:
    return generate(DEFAULT_SPEC)


def test_grid_groups_follow_the_calendars_without_reading_the_truth(
    market: SyntheticMarket,
) -> None:
    groups = grid_groups(market.frames)

    by_symbols = {frozenset(g.columns): g for g in groups}
    for truth_group in market.truth.groups:
        closes = by_symbols[frozenset(truth_group.symbols)]
        assert len(closes) == truth_group.n_bars
        assert not closes.isna().any().any()
        assert isinstance(closes.index, pd.DatetimeIndex)
    assert len(groups) == len(market.truth.groups)


def test_planted_lead_lag_is_found_with_its_exact_lag(market: SyntheticMarket) -> None:
    figures = measure_lead_lag(market)

    assert DEFAULT_SPEC.n_symbols >= 100
    assert figures.n_planted >= 10
    assert figures.precision >= 0.9
    assert figures.recall >= 0.9
    assert figures.lag_exact == figures.true_positives


def test_planted_breaks_are_located_within_ten_bars(market: SyntheticMarket) -> None:
    figures = measure_breaks(market)

    # Seed 7: 5 of 6 within 10 bars; the sixth (a 0.76 -> 0.04 decouple) is placed
    # 21 bars early, which is within the estimator's spread for a decouple that size.
    assert figures.hits >= figures.n_planted - 1
    assert figures.false_alarms == 0
    assert figures.max_abs_delay_bars <= 10
    assert figures.mean_abs_delay_bars <= 3


def test_figures_carry_the_spec_they_came_from() -> None:
    spec = SyntheticSpec(n_symbols=40, n_bars=1500, timeframe="1h", seed=3)

    figures = measure_planted(spec)

    assert (figures.n_symbols, figures.n_bars, figures.timeframe, figures.seed) == (
        40,
        1500,
        "1h",
        3,
    )
    assert figures.lead_lag.n_planted == 4
    assert figures.breaks.tolerance_bars == 10


@pytest.mark.slow
def test_pooled_over_twelve_seeds_the_issue_bars_hold() -> None:
    pooled = measure_planted_seeds(range(1, 13))

    assert pooled.lead_lag_planted == 144
    assert pooled.lead_lag_precision >= 0.9
    assert pooled.lead_lag_recall >= 0.9
    assert pooled.lead_lag_exact_share == 1.0
    assert pooled.break_recall >= 0.9
    assert pooled.break_false_alarms <= 2
