"""Transfer routes measured walk-forward on bundled real data; unproven routes get 0."""

from __future__ import annotations

import numpy as np
import pytest

from tradewind.data.catalog import Catalog
from tradewind.domain.market import MarketClass
from tradewind.intelligence.transfer import TransferLearningEngine
from tradewind.research.evaluation.transfer_eval import (
    DEFAULT_ROUTES,
    TransferEvaluation,
    evaluate_transfer,
    market_table,
)

C, E, B = MarketClass.CRYPTO, MarketClass.EQUITIES, MarketClass.BONDS
SMALL_MARKETS = {
    C: ("BTC-USD", "ETH-USD", "LTC-USD"),
    E: ("SPX", "SPY", "MSFT", "JPM", "XOM"),
    B: ("TLT", "IEF", "LQD"),
}


@pytest.fixture(scope="module")
def engine() -> TransferLearningEngine:
    return TransferLearningEngine(n_boot=500)


@pytest.fixture(scope="module")
def small(engine: TransferLearningEngine) -> TransferEvaluation:
    return evaluate_transfer(
        ((C, E), (E, C), (E, B)), markets=SMALL_MARKETS, n_boot=500, engine=engine
    )


def test_each_route_is_tested_out_of_sample_on_thousands_of_bars(
    small: TransferEvaluation,
) -> None:
    assert [r.name for r in small.routes] == [
        "crypto->equities",
        "equities->crypto",
        "equities->bonds",
    ]
    for route in small.routes:
        assert route.n_trials > 2000
        assert 0.4 < route.transfer_hit_rate < 0.65
        assert 0.4 < route.own_hit_rate < 0.65
    # Crypto data starts late 2014: the first year with 250 crypto patterns is 2016.
    assert small.routes[0].test_start.startswith("2016")


def test_lift_intervals_bracket_the_measured_lifts(small: TransferEvaluation) -> None:
    for route in small.routes:
        low, high = route.lift_vs_own_ci
        assert low <= route.lift_vs_own <= high
        assert route.lift_vs_own == pytest.approx(route.transfer_hit_rate - route.own_hit_rate)
        blow, bhigh = route.lift_vs_base_rate_ci
        assert blow <= route.lift_vs_base_rate <= bhigh


def test_routes_without_significant_lift_get_confidence_zero_in_the_engine(
    small: TransferEvaluation, engine: TransferLearningEngine
) -> None:
    # Measured: lifts over the target's own patterns of -0.001 [-0.026, +0.020],
    # +0.021 [-0.010, +0.049] and +0.012 [-0.008, +0.033]: none significant.
    for route in small.routes:
        assert route.significant == (route.lift_vs_own_ci[0] > 0)
        assert not route.significant
        assert route.engine_confidence == 0.0
        assert "route confidence set to 0" in route.line()
    measured = {r.name: r for r in engine.routes()}
    assert set(measured) == {r.name for r in small.routes}
    assert all(r.confidence == 0.0 for r in measured.values())


def test_outcomes_are_forward_returns_known_only_after_the_horizon() -> None:
    bars = Catalog().load_bars("TLT", timeframe="1d")
    table = market_table({"TLT": bars}, horizon_bars=5)
    close = bars["close"].to_numpy()
    stamps = bars["timestamp"].dt.tz_convert(None).to_numpy()
    row = table.iloc[100]
    t = int(np.flatnonzero(stamps == row["date"])[0])
    assert row["forward"] == pytest.approx(np.log(close[t + 5] / close[t]))
    assert row["known"] == stamps[t + 5]
    assert (table["known"] > table["date"]).all()
    assert table["date"].max() == stamps[-6]


@pytest.mark.slow
def test_full_bundled_evaluation_reports_every_default_route() -> None:
    result = evaluate_transfer()
    assert len(result.routes) == len(DEFAULT_ROUTES) >= 6
    for route in result.routes:
        assert route.n_trials > 2000
        assert route.significant == (route.lift_vs_own_ci[0] > 0)
        assert (route.engine_confidence > 0) == route.significant
    assert "block bootstrap" in result.method
    assert len(result.summary().splitlines()) == len(DEFAULT_ROUTES)
