"""Capital in the compiled loop: the scaling engine sizes every entry, drawdown protection
halts it, the router's budgets reach risk, and off means off (bundled real data)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from tests.engine.capital_scenarios import (
    DOCUMENTED_BINDINGS,
    HALTING,
    ROUTED,
    SCALING,
    capital_config,
    drive,
)

from tradewind.app.backtest import BacktestOutcome, backtest_config
from tradewind.app.engine_setup import capital_plan, engine_spec_from_config
from tradewind.data.catalog import Catalog
from tradewind.engine.backtest import EngineRun


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return Catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture(scope="module")
def scaled(catalog: Catalog) -> BacktestOutcome:
    return backtest_config(capital_config(SCALING), catalog)


@pytest.fixture(scope="module")
def halting(catalog: Catalog) -> BacktestOutcome:
    return backtest_config(capital_config(HALTING), catalog)


def _entry_orders(run: EngineRun) -> pd.DataFrame:
    """Market orders placed on a non-flat target: they open, flip or resize a position."""
    orders = run.orders
    market = orders[orders["kind"] == "market"]
    target = run.books.target[market["book"].to_numpy(), market["row"].to_numpy()]
    entries: pd.DataFrame = market[target != 0]
    return entries


def _position_before(run: EngineRun, book: int, row: int) -> float:
    """A book's position when its row-`row` order is placed (next-open fills of that row
    happen before the row's signals become orders)."""
    fills = run.fills
    held = fills[(fills["book"] == book) & (fills["row"] <= row)]
    return float(held["qty"].sum())


# -- off means off ------------------------------------------------------------------------


def test_fixed_router_without_scaling_runs_exactly_as_without_a_capital_section(
    catalog: Catalog,
) -> None:
    plain = backtest_config(capital_config(end="2016-06-30"), catalog).run
    # Scaling settings that would change every size, but scaling is off.
    off = capital_config(
        {"capital": {"strategy": "FIXED"},
         "autonomous_scaling": {"enabled": False, "base_position_pct": 40,
                                "halt_threshold_pct": 1, "warning_threshold_pct": 0.5}},
        end="2016-06-30",
    )  # fmt: skip
    spec = engine_spec_from_config(off)
    assert spec.capital is None
    assert capital_plan(off, spec.markets) is None
    run = backtest_config(off, catalog).run
    assert run.capital is None
    assert len(run.orders) > 100
    pd.testing.assert_frame_equal(run.orders, plain.orders)
    pd.testing.assert_frame_equal(run.fills, plain.fills)
    np.testing.assert_array_equal(run.equity, plain.equity)


def test_scaling_on_changes_the_sizes_the_fixed_fraction_would_give(
    catalog: Catalog, scaled: BacktestOutcome
) -> None:
    plain = backtest_config(capital_config(), catalog).run
    assert scaled.run.capital is not None
    assert scaled.run.final_equity != pytest.approx(plain.final_equity, abs=1.0)
    # The same signals become orders; only their quantities differ.
    assert len(_entry_orders(scaled.run)) == len(_entry_orders(plain))
    assert not np.allclose(
        _entry_orders(scaled.run)["requested_qty"], _entry_orders(plain)["requested_qty"]
    )


# -- every entry is sized, and the size is explained ------------------------------------


def test_every_entry_order_has_exactly_one_sizing_decision_at_its_row_and_book(
    scaled: BacktestOutcome,
) -> None:
    run = scaled.run
    assert run.capital is not None
    decisions = run.capital.decisions
    keys = list(zip(decisions["row"], decisions["book"], strict=True))
    assert len(keys) == len(set(keys)), "two decisions for one book on one row"
    entries = _entry_orders(run)
    assert len(entries) >= 40
    decided = set(keys)
    for row, book in zip(entries["row"], entries["book"], strict=True):
        assert (row, book) in decided, f"entry order at row {row} book {book} was not sized"
    # A decision without an order sized the position to nothing.
    ordered = set(zip(entries["row"], entries["book"], strict=True))
    unordered = decisions[[k not in ordered for k in keys]]
    assert (unordered["final_position"] == 0).all()


@pytest.mark.parametrize("method", ["autonomous", "atr", "kelly"])
def test_sizing_decisions_stay_within_the_balance_and_multiply_out(
    catalog: Catalog, method: str
) -> None:
    sections = {"autonomous_scaling": {**SCALING["autonomous_scaling"], "sizing_method": method}}
    run = backtest_config(capital_config(sections), catalog).run
    assert run.capital is not None
    decisions = run.capital.decisions
    assert len(decisions) >= 40
    final = decisions["final_position"].to_numpy()
    assert (final >= 0).all()
    assert (final <= decisions["available_balance"].to_numpy() * (1 + 1e-12)).all()
    assert set(decisions["binding"]) <= DOCUMENTED_BINDINGS
    uncapped = decisions[~decisions["binding"].isin(["available_balance", "halted"])]
    assert len(uncapped) > 0
    for row in uncapped.to_dict("records"):
        product = math.prod(row["factors"].values())
        assert row["final_position"] == pytest.approx(row["base_position"] * product, rel=1e-9)
    capped = decisions[decisions["binding"] == "available_balance"]
    np.testing.assert_allclose(capped["final_position"], capped["available_balance"])
    if method != "autonomous":
        # The alternative method ran (Kelly after enough trades) and is one of the factors.
        used = decisions[decisions["method"] == method]
        assert len(used) >= 10
        assert all(method in factors for factors in used["factors"])


def test_a_size_above_the_available_balance_is_capped_at_it(catalog: Catalog) -> None:
    sections = {"autonomous_scaling": {
        "enabled": True, "base_position_pct": 100, "enable_risk_adjustment": False,
        "enable_regime_allocation": False, "enable_drawdown_protection": False}}  # fmt: skip
    run = backtest_config(capital_config(sections), catalog).run
    assert run.capital is not None
    decisions = run.capital.decisions
    capped = decisions[decisions["binding"] == "available_balance"]
    assert len(capped) >= 5
    for row in capped.to_dict("records"):
        assert row["base_position"] * math.prod(row["factors"].values()) > row["available_balance"]
        assert row["final_position"] == row["available_balance"]
    # Risk still applies its own limits to what scaling asked for.
    assert (run.orders["reason"] == "MAX_POSITION_PCT").any()


def test_entry_order_requests_the_sized_notional(scaled: BacktestOutcome) -> None:
    run = scaled.run
    assert run.capital is not None
    sized = {
        (int(r), int(b)): float(f)
        for r, b, f in zip(run.capital.decisions["row"], run.capital.decisions["book"],
                           run.capital.decisions["final_position"], strict=True)
    }  # fmt: skip
    checked = 0
    for order in _entry_orders(run).to_dict("records"):
        row, book = int(order["row"]), int(order["book"])
        # The driver hands the loop a fraction of the equity it saw before the row; the
        # loop applies it to the equity marked at the row (lot size 0: no rounding).
        before = run.equity[row - 1] if row > 0 else run.spec.initial_cash
        expected = sized[(row, book)] * run.equity[row] / before
        side = 1.0 if order["side"] == "buy" else -1.0
        wanted = side * order["requested_qty"] + _position_before(run, book, row)
        assert abs(wanted) * order["price"] == pytest.approx(expected, rel=1e-9, abs=1e-6)
        checked += 1
    assert checked >= 40


# -- drawdown protection ------------------------------------------------------------------


def test_halt_stops_sizing_and_new_entries_for_the_rest_of_the_run(
    halting: BacktestOutcome,
) -> None:
    run = halting.run
    assert run.capital is not None
    events = run.capital.events
    halts = events[events["kind"] == "halt"]
    assert len(halts) == 1, events[["ts", "kind", "detail"]]
    halted_at = pd.DatetimeIndex(halts["ts"]).as_unit("ns").asi8[0]
    halt_row = int(np.searchsorted(run.panel.timestamps, halted_at))
    decisions = run.capital.decisions
    before = decisions[decisions["row"] < halt_row]
    after = decisions[decisions["row"] > halt_row]
    assert len(after) >= 5, "the scenario must size entries after the halt"
    assert (before["final_position"] > 0).all()
    assert (after["final_position"] == 0).all()
    assert (after["binding"] == "halted").all()
    assert (after["protection_level"] == "HALTED").all()
    # Nothing opens after the halt: orders placed later only close positions.
    opening = run.fills[run.fills["opens"]]
    order_rows = run.orders["row"].to_numpy()[opening["order_seq"].to_numpy()]
    assert len(opening) > 0
    assert (order_rows <= halt_row).all()
    assert run.capital.status["halted"] is True
    assert "HALTED" in run.capital.summary


def test_protection_shrinks_sizes_before_the_halt(halting: BacktestOutcome) -> None:
    assert halting.run.capital is not None
    decisions = halting.run.capital.decisions
    levels = set(decisions["protection_level"])
    assert {"NORMAL", "HALTED"} <= levels
    assert levels & {"CAUTION", "WARNING", "DANGER"}
    multipliers = {"NORMAL": 1.0, "CAUTION": 0.75, "WARNING": 0.5, "DANGER": 0.25, "HALTED": 0.0}
    expected = decisions["protection_level"].map(multipliers)
    np.testing.assert_array_equal(decisions["protection_multiplier"], expected)
    kinds = list(halting.run.capital.events["kind"])
    assert kinds.index("protection_level") < kinds.index("halt")


# -- the driver itself --------------------------------------------------------------------


def test_driver_prepares_only_on_decision_rows_and_leaves_the_callers_books(
    catalog: Catalog,
) -> None:
    driven = drive(capital_config(ROUTED), catalog)
    rows = driven.driver.decision_rows()
    assert list(driven.prepared_rows) == rows.tolist()
    assert len(rows) < driven.panel.shape[0] / 2
    # Every rebalance row and every sized row is a decision row.
    assert set(driven.record.allocations["row"]) <= set(rows.tolist())
    assert set(driven.record.decisions["row"]) <= set(rows.tolist())
    # The loop read sizes from the driver's copies; the books as built are untouched.
    assert (driven.books.size_mode == 1).all()
    assert (driven.books.size_value == 0.08).all()
    changed = driven.driver.books.size_value != driven.books.size_value
    assert changed.any()


def test_row_by_row_spans_make_the_same_decisions_as_one_span(catalog: Catalog) -> None:
    config = capital_config(ROUTED)
    whole = drive(config, catalog)
    stepped = drive(config, catalog, span_rows=1)
    assert float(stepped.state.money[1]) == float(whole.state.money[1])
    pd.testing.assert_frame_equal(stepped.record.decisions, whole.record.decisions)
    pd.testing.assert_frame_equal(stepped.record.allocations, whole.record.allocations)
    pd.testing.assert_frame_equal(stepped.record.events, whole.record.events)
    np.testing.assert_array_equal(stepped.inputs.allocation, whole.inputs.allocation)


def test_driven_run_is_the_backtest(catalog: Catalog) -> None:
    config = capital_config(ROUTED)
    driven = drive(config, catalog)
    run = backtest_config(config, catalog).run
    assert run.capital is not None
    assert float(driven.state.money[1]) == run.final_equity
    pd.testing.assert_frame_equal(driven.record.decisions, run.capital.decisions)


def test_adaptive_router_moves_each_rows_budget_within_its_bounds(catalog: Catalog) -> None:
    driven = drive(capital_config(ROUTED), catalog)
    allocations = driven.record.allocations
    rebalances = driven.record.events[driven.record.events["kind"] == "rebalance"]
    assert len(rebalances) >= 5
    assert len(set(allocations["row"])) == len(rebalances)
    # The budget risk saw at every row is the latest rebalance's shares.
    matrix = driven.inputs.allocation
    markets = [m.name for m in driven.spec.markets]
    shares = allocations.pivot(index="row", columns="market", values="share")[markets]
    for row, values in zip(shares.index, shares.to_numpy(), strict=True):
        np.testing.assert_allclose(matrix[int(row)], values)
    assert not np.isnan(matrix).any()
    assert (matrix >= 0.05 - 1e-12).all()
    assert (matrix <= 0.50 + 1e-12).all()
    assert (matrix.sum(axis=1) <= 1.0 + 1e-9).all()
    # The split moves: some market's share differs by at least 5 points between rebalances.
    assert (shares.max() - shares.min()).max() >= 0.05
    turnover = [event["turnover"] for event in rebalances["data"]]
    assert all(t > 0 for t in turnover[1:]), turnover
