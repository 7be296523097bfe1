"""The regime inside runs: the router gets the walk-forward macro regime known at each
rebalance (never a later one), and the regime actions scale budgets, tighten stops and
flag the CRISIS soft stop (bundled real data, example portfolio)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.engine.regime_scenarios import ADAPTIVE, drive_regimes, forecasts_at, prepared

from tradewind.capital.regime import RegimeAction, RegimePlan, regime_stop
from tradewind.data.catalog import Catalog
from tradewind.domain.regimes import MacroRegime, MarketRegime
from tradewind.engine.capital.conditions import symbol_conditions
from tradewind.engine.capital.regimes import MacroForecasts, macro_forecasts

ON, OFF, REC = MacroRegime.RISK_ON, MacroRegime.RISK_OFF, MacroRegime.RECESSION
DAY_NS = 86_400 * 10**9
DEFENSIVE = RegimePlan(actions={"risk_off": RegimeAction(exposure_factor=0.5, stop_factor=0.75)})


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return Catalog(tmp_path_factory.mktemp("catalog"))


# -- the macro regime in the router --------------------------------------------------------


def test_the_router_never_receives_a_forecast_dated_after_its_rebalance(
    catalog: Catalog,
) -> None:
    # RISK_OFF is dated one nanosecond after the rebalance at row 21: that rebalance must
    # still see RISK_ON. RECESSION is dated exactly at row 42's instant: usable there.
    probe = drive_regimes(ADAPTIVE, catalog, RegimePlan(macro_regime=True), MacroForecasts(
        np.zeros(0, dtype=np.int64), ()))  # fmt: skip
    panel = probe.panel
    marks = [(0, -DAY_NS, ON), (21, 1, OFF), (42, 0, REC)]
    run = drive_regimes(ADAPTIVE, catalog, RegimePlan(macro_regime=True),
                        forecasts_at(panel, marks))  # fmt: skip
    told = dict(run.router_regimes)
    assert sorted(told)[:4] == [0, 21, 42, 63]
    assert (told[0], told[21], told[42], told[63]) == (ON, ON, REC, REC)
    # Whatever the router was told, its forecast was made at or before the row.
    stamps = forecasts_at(panel, marks).as_of_ns
    for row, regime in run.router_regimes:
        known = [r for (_, _, r), at in zip(marks, stamps, strict=True)
                 if at <= panel.timestamps[row]]  # fmt: skip
        assert regime == known[-1]
    # Without forecasts the router is told nothing.
    assert {regime for _, regime in probe.router_regimes} == {None}


def test_the_macro_regime_moves_the_routers_budget_toward_its_preferred_markets(
    catalog: Catalog,
) -> None:
    def first_shares(regime: MacroRegime) -> pd.Series:
        forecasts = forecasts_at(drive_regimes(ADAPTIVE, catalog, None).panel,
                                 [(0, -DAY_NS, regime)])  # fmt: skip
        run = drive_regimes(ADAPTIVE, catalog, RegimePlan(macro_regime=True), forecasts)
        allocations = run.record.allocations
        first = allocations[allocations["row"] == 0]
        return first.set_index("market")["share"]

    risk_off, risk_on = first_shares(OFF), first_shares(ON)
    # RISK_OFF prefers bonds and shuns crypto and equities; RISK_ON the other way round.
    assert risk_off["bonds"] > risk_on["bonds"] + 0.05
    assert risk_off["crypto"] < risk_on["crypto"]
    assert risk_off["equities"] < risk_on["equities"]


def test_without_a_regime_plan_the_router_gets_none_and_no_regime_is_read(
    catalog: Catalog,
) -> None:
    run = drive_regimes(ADAPTIVE, catalog, None)
    assert {regime for _, regime in run.router_regimes} == {None}
    assert run.driver.regime_at(0) is None
    assert run.record.regimes.empty


def test_bundled_walk_forward_forecasts_are_dated_at_month_ends_before_their_use(
    catalog: Catalog,
) -> None:
    run = drive_regimes(None, catalog, None)
    forecasts = macro_forecasts(run.panel, run.spec.markets)
    stamps = pd.to_datetime(forecasts.as_of_ns, utc=True)
    assert len(forecasts.regimes) >= 12
    # The month before the run is forecast, so the first row already has a regime.
    assert stamps[0] <= pd.Timestamp(int(run.panel.timestamps[0]), tz="UTC")
    assert (np.diff(forecasts.as_of_ns) > 0).all()
    in_force = forecasts.in_force(run.panel.timestamps)
    assert (forecasts.as_of_ns[in_force] <= run.panel.timestamps).all()


# -- regime actions ------------------------------------------------------------------------


def test_risk_off_halves_every_budget_from_the_row_its_forecast_is_known(
    catalog: Catalog,
) -> None:
    panel = drive_regimes(None, catalog, None).panel
    run = drive_regimes(None, catalog, DEFENSIVE,
                        forecasts_at(panel, [(0, -DAY_NS, ON), (100, 0, OFF)]))  # fmt: skip
    allocation = run.inputs.allocation
    configured = np.array([m.allocation for m in run.spec.markets])
    np.testing.assert_allclose(allocation[:100], np.tile(configured, (100, 1)))
    np.testing.assert_allclose(
        allocation[100:], np.tile(configured * 0.5, (panel.shape[0] - 100, 1))
    )
    changes = run.record.regimes
    assert changes["row"].tolist() == [0, 100]
    assert changes["regime"].tolist() == ["RISK_ON", "RISK_OFF"]
    assert changes["exposure_factor"].tolist() == [1.0, 0.5]


def test_risk_off_tightens_stops_only_for_entries_it_is_in_force_for(catalog: Catalog) -> None:
    panel = drive_regimes(None, catalog, None).panel
    run = drive_regimes(None, catalog, DEFENSIVE,
                        forecasts_at(panel, [(0, -DAY_NS, ON), (100, 0, OFF)]))  # fmt: skip
    books = run.driver.books
    # The configured 8% stop distance is 6% while RISK_OFF is in force (to the end).
    np.testing.assert_allclose(books.stop_pct, run.books.stop_pct * 0.75)
    assert (run.books.stop_pct == 0.08).all(), "the books as built keep their distance"
    entries = books.edge & (books.target != 0) & np.isfinite(run.stop_as_built)
    close = panel.close[:, books.symbol].T
    before, after = entries.copy(), entries.copy()
    before[:, 100:], after[:, :100] = False, False
    assert before.any()
    assert after.any()
    np.testing.assert_array_equal(books.stop[before], run.stop_as_built[before])
    expected = close[after] + (run.stop_as_built[after] - close[after]) * 0.75
    np.testing.assert_allclose(books.stop[after], expected)


def test_regime_actions_change_the_run_and_neutral_ones_do_not(catalog: Catalog) -> None:
    panel = drive_regimes(None, catalog, None).panel
    forecasts = forecasts_at(panel, [(0, -DAY_NS, OFF)])
    plain = drive_regimes(None, catalog, None)
    neutral = drive_regimes(None, catalog, RegimePlan(actions={"risk_off": RegimeAction()}),
                            forecasts)  # fmt: skip
    defended = drive_regimes(None, catalog, DEFENSIVE, forecasts)
    assert float(neutral.state.money[1]) == float(plain.state.money[1])
    assert float(defended.state.money[1]) != float(plain.state.money[1])
    gross = defended.state.gross_out / defended.state.equity_out
    assert gross.max() < (plain.state.gross_out / plain.state.equity_out).max()


def test_crisis_asks_for_a_soft_stop_where_most_markets_read_crisis(catalog: Catalog) -> None:
    plan = RegimePlan(actions={"crisis": RegimeAction(soft_stop=True)})
    run = drive_regimes(None, catalog, plan)
    _, panel, windows, *_ = prepared(None, catalog)
    regimes = symbol_conditions(panel, windows, 0).regime
    known = (regimes >= 0).sum(axis=1)
    crisis = (regimes == list(MarketRegime).index(MarketRegime.CRISIS)).sum(axis=1)
    expected = (known > 0) & (crisis >= 0.5 * known)
    assert expected.any()
    assert not expected.all()
    flags = [regime_stop(run.driver.regime_at(t)) for t in range(run.panel.shape[0])]
    np.testing.assert_array_equal(np.array(flags), expected)
    readings = [run.driver.regime_at(int(t)) for t in np.flatnonzero(expected)]
    assert {r.regime for r in readings if r is not None} == {"CRISIS"}
    # A soft stop is the session's: the engine's budgets and stops are untouched.
    assert float(run.state.money[1]) == float(drive_regimes(None, catalog, None).state.money[1])


# -- paper = backtest ----------------------------------------------------------------------


def test_row_by_row_runs_apply_the_same_regimes_as_one_span(catalog: Catalog) -> None:
    panel = drive_regimes(None, catalog, None).panel
    forecasts = forecasts_at(panel, [(0, -DAY_NS, ON), (60, 0, OFF), (200, 0, REC)])
    plan = RegimePlan(
        macro_regime=True,
        actions={"risk_off": RegimeAction(0.5, 0.75), "recession": RegimeAction(0.25, 0.5)},
    )
    whole = drive_regimes(ADAPTIVE, catalog, plan, forecasts)
    stepped = drive_regimes(ADAPTIVE, catalog, plan, forecasts, span_rows=1)
    assert float(stepped.state.money[1]) == float(whole.state.money[1])
    np.testing.assert_array_equal(stepped.inputs.allocation, whole.inputs.allocation)
    np.testing.assert_array_equal(stepped.driver.books.stop, whole.driver.books.stop)
    pd.testing.assert_frame_equal(stepped.record.regimes, whole.record.regimes)
    pd.testing.assert_frame_equal(stepped.record.allocations, whole.record.allocations)
    assert stepped.router_regimes == whole.router_regimes
