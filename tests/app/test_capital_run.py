"""Backtests with capital on: the router's budgets are what risk enforces and what the
scaling engine sizes from, and everything capital decided is journaled (bundled data)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tests.engine.capital_scenarios import HALTING, ROUTED, SCALING, capital_config

from tradewind.app.backtest import BacktestOutcome, backtest_config
from tradewind.app.journaling import journal_run
from tradewind.data.catalog import Catalog
from tradewind.engine.backtest import EngineRun
from tradewind.store import Journal


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return Catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture(scope="module")
def routed(catalog: Catalog) -> BacktestOutcome:
    return backtest_config(capital_config(ROUTED), catalog)


def _share_at(run: EngineRun, market: str, row: int) -> float:
    """The router's share of `market` in force at `row` (the latest allocation at or
    before it)."""
    assert run.capital is not None
    allocations = run.capital.allocations
    mine = allocations[(allocations["market"] == market) & (allocations["row"] <= row)]
    return float(mine["share"].to_numpy()[-1])


def _entries_from_flat(run: EngineRun) -> pd.DataFrame:
    """Market orders of books that held nothing when the order was placed."""
    orders = run.orders[run.orders["kind"] == "market"]
    fills = run.fills
    flat = []
    for book, row in zip(orders["book"], orders["row"], strict=True):
        held = fills[(fills["book"] == book) & (fills["row"] <= row)]["qty"].sum()
        flat.append(abs(held) < 1e-12)
    return orders[np.array(flat, dtype=bool)]


# -- the router's budgets -----------------------------------------------------------------


def test_aggressive_router_leaves_markets_unfunded_and_risk_denies_their_entries(
    catalog: Catalog,
) -> None:
    run = backtest_config(capital_config({"capital": {"strategy": "AGGRESSIVE"}}), catalog).run
    assert run.capital is not None
    shares = run.capital.allocations.pivot(index="row", columns="market", values="share")
    # The top three markets get 50/30/20, the fourth nothing, and who is fourth changes.
    for split in shares.to_numpy():
        assert sorted(split.round(12).tolist()) == [0.0, 0.2, 0.3, 0.5]
    assert shares.idxmin(axis=1).nunique() >= 2
    entries = _entries_from_flat(run)
    unfunded = entries[
        [
            _share_at(run, market, row) == 0.0
            for market, row in zip(entries["market"], entries["row"], strict=True)
        ]
    ]
    assert len(unfunded) >= 3
    assert (unfunded["status"] == "denied").all()
    assert (unfunded["reason"] == "MARKET_ALLOCATION").all()
    funded = entries.drop(unfunded.index)
    assert (funded["status"] != "denied").sum() > len(funded) / 2


def test_small_market_budget_cuts_entries_to_the_budget(catalog: Catalog) -> None:
    sections = {"capital": {"strategy": "BALANCED", "max_allocation_pct": 5,
                            "min_allocation_pct": 1}}  # fmt: skip
    run = backtest_config(capital_config(sections), catalog).run
    assert run.capital is not None
    assert np.allclose(run.capital.allocations["share"], 0.05)
    # Crypto and commodities trade one book each: an entry from flat is the market's
    # only position, so its budget (5% of equity) caps it below the 8% it asks for.
    entries = _entries_from_flat(run)
    single = entries[entries["market"].isin(["crypto", "commodities"])]
    assert len(single) >= 5
    for order in single.to_dict("records"):
        equity = run.equity[int(order["row"])]
        assert order["requested_qty"] * order["price"] == pytest.approx(0.08 * equity, rel=1e-9)
        assert order["reason"] == "MARKET_ALLOCATION"
        assert order["approved_qty"] * order["price"] == pytest.approx(0.05 * equity, rel=1e-6)
    assert (run.orders["reason"] == "MARKET_ALLOCATION").sum() > len(single)


def test_scaling_sizes_each_entry_from_its_markets_budget(routed: BacktestOutcome) -> None:
    run = routed.run
    assert run.capital is not None
    decisions = run.capital.decisions
    assert len(decisions) >= 30
    for d in decisions.to_dict("records"):
        row = int(d["row"])
        equity_before = run.equity[row - 1] if row > 0 else run.spec.initial_cash
        budget = _share_at(run, str(d["market"]), row) * equity_before
        assert d["available_balance"] == pytest.approx(budget, rel=1e-9)
        assert d["final_position"] <= budget * (1 + 1e-12)


# -- the journal ----------------------------------------------------------------------------


def test_journal_holds_every_capital_decision_of_the_run(
    routed: BacktestOutcome, tmp_path: Path
) -> None:
    run = routed.run
    assert run.capital is not None
    record = run.capital
    path = tmp_path / "journal.sqlite"
    stored = journal_run(run, routed.results, path, config_json="{}")
    with Journal.open(path, create=False) as journal:
        decisions = journal.sizing_decisions(stored.run_id)
        allocations = journal.allocations(stored.run_id)
        events = journal.capital_events(stored.run_id)
        status = journal.capital_status(stored.run_id)
        orders = {o.client_order_id: o for o in journal.orders(stored.run_id)}
    assert len(decisions) == len(record.decisions)
    np.testing.assert_allclose(decisions["final_position"], record.decisions["final_position"])
    assert list(decisions["binding"]) == list(record.decisions["binding"])
    # A decision whose order exists links to it: same market, symbol and time.
    market_orders = run.orders[run.orders["kind"] == "market"]
    placed = set(zip(market_orders["row"], market_orders["book"], strict=True))
    linked = 0
    for (row, book), coid, market, symbol, ts in zip(
        zip(record.decisions["row"], record.decisions["book"], strict=True),
        decisions["client_order_id"], decisions["market"], decisions["symbol"],
        decisions["ts"], strict=True,
    ):  # fmt: skip
        if (row, book) not in placed:
            assert pd.isna(coid)
            continue
        order = orders[coid]
        assert (order.market, order.symbol) == (market, symbol)
        assert pd.Timestamp(order.ts_created) == ts
        assert str(order.order_type) == "market"
        linked += 1
    assert linked >= 30
    assert len(allocations) == len(record.allocations) > 0
    np.testing.assert_allclose(allocations["share"], record.allocations["share"])
    assert len(events) == len(record.events) > 0
    assert list(events["kind"]) == list(record.events["kind"])
    assert status is not None
    assert status.summary == record.summary
    assert status.summary.startswith("💰 $")
    assert status.status["halted"] == record.status["halted"]


def test_journal_of_a_run_without_capital_has_no_capital_records(
    catalog: Catalog, tmp_path: Path
) -> None:
    outcome = backtest_config(capital_config(), catalog)
    assert outcome.run.capital is None
    path = tmp_path / "journal.sqlite"
    stored = journal_run(outcome.run, outcome.results, path, config_json="{}")
    with Journal.open(path, create=False) as journal:
        assert journal.capital_status(stored.run_id) is None
        assert journal.sizing_decisions(stored.run_id).empty
        assert journal.allocations(stored.run_id).empty
        assert journal.capital_events(stored.run_id).empty
        assert journal.latest_capital_run() is None


def test_run_digest_follows_the_scaling_parameters(catalog: Catalog) -> None:
    def digest(sections: dict[str, Any]) -> str:
        outcome = backtest_config(capital_config(sections), catalog)
        return journal_run(outcome.run, outcome.results, ":memory:", config_json="{}").digest

    base = digest(SCALING)
    assert digest(SCALING) == base
    smaller = {"autonomous_scaling": {**SCALING["autonomous_scaling"], "base_position_pct": 4}}
    assert digest(smaller) != base
    assert digest(HALTING) != base
