"""`optimize_config`: a grid of sma_cross over bundled BTC-USD (2015) where infeasible
pairs are counted and never run, the best is the max of the completed trials, seeded
searches repeat, trials without trades get the worst objective, and the JSON has it all."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tradewind.app.optimize import (
    OptimizeError,
    OptimizeRequest,
    OptimizeResult,
    optimize_config,
    parse_space,
    write_optimize_json,
)
from tradewind.config import TradewindConfig
from tradewind.config.loader import load_config_text
from tradewind.data.catalog import Catalog
from tradewind.strategies.errors import StrategyError

SMALL = """
config_version: 1
base_currency: USD
mode: backtest
data: {start: 2015-01-01, end: 2015-12-31}
markets:
  crypto:
    provider: sim
    symbols: [BTC-USD]
    strategies: [sma_cross]
    strategy_params: {sma_cross: {allow_short: true}}
    timeframe: 1d
    risk_allocation_pct: 50
  equities:
    provider: sim
    symbols: [SPY]
    strategies: [momentum_v1]
    timeframe: 1d
    risk_allocation_pct: 50
execution:
  sizing: {mode: fraction, value: 0.2}
"""


@pytest.fixture(scope="module")
def config() -> TradewindConfig:
    return load_config_text(SMALL)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return Catalog(tmp_path_factory.mktemp("catalog"))


def search(
    config: TradewindConfig, catalog: Catalog, *params: str, **options: object
) -> OptimizeResult:
    request = OptimizeRequest(strategy="sma_cross", space=parse_space(params), **options)  # type: ignore[arg-type]
    return optimize_config(config, catalog, request)


@pytest.fixture(scope="module")
def grid(config: TradewindConfig, catalog: Catalog) -> OptimizeResult:
    return search(config, catalog, "fast=2:10:4", "slow=4:12:4", method="grid")


def test_the_grid_covers_every_pair_once_and_never_runs_an_infeasible_one(
    grid: OptimizeResult,
) -> None:
    pairs = [(t.params["fast"], t.params["slow"]) for t in grid.trials]
    assert sorted(pairs) == [(f, s) for f in (2, 6, 10) for s in (4, 8, 12)]
    infeasible = sorted((t.params["fast"], t.params["slow"]) for t in grid.trials
                        if t.state == "infeasible")  # fmt: skip
    assert infeasible == [(6, 4), (10, 4), (10, 8)]
    assert grid.infeasible == 3
    assert grid.engine_runs == 6
    for t in grid.trials:
        if t.state == "infeasible":
            assert t.objective is None
            assert t.trades is None
            assert "must be below slow" in t.note


def test_the_best_trial_is_the_max_of_the_completed_ones(grid: OptimizeResult) -> None:
    done = [t for t in grid.trials if t.state == "complete"]
    best = grid.best
    assert best is not None
    assert best.objective == max(t.objective for t in done if t.objective is not None)
    assert best.objective == best.sharpe
    assert grid.complete[0] is best
    assert (
        grid.param_line()
        == f"--param fast={best.params['fast']} --param slow={best.params['slow']}"
    )


def test_trial_params_keep_the_markets_other_params(grid: OptimizeResult) -> None:
    # allow_short: true in the config; a long-only run of the same pair would differ.
    assert all(t.trades and t.trades > 0 for t in grid.complete)


def test_a_seeded_search_repeats_its_trials_and_best(
    config: TradewindConfig, catalog: Catalog
) -> None:
    def run() -> list[tuple[object, ...]]:
        result = search(config, catalog, "fast=2:20", "slow=5:40", method="tpe", trials=8, seed=7)
        return [(t.number, t.params, t.state, t.objective) for t in result.trials]

    assert run() == run()


def test_random_search_honours_the_trial_count(config: TradewindConfig, catalog: Catalog) -> None:
    result = search(config, catalog, "fast=2:20", "slow=5:40", method="random", trials=5, seed=1)
    assert [t.number for t in result.trials] == [0, 1, 2, 3, 4]


def test_a_trial_without_trades_gets_the_worst_objective_and_says_so(
    config: TradewindConfig, catalog: Catalog
) -> None:
    result = search(config, catalog, "fast=2", "slow=500", method="grid", objective="return")
    (trial,) = result.trials
    assert trial.state == "complete"
    assert trial.objective == -math.inf
    assert trial.note == "no trades: worst objective"


def test_the_json_has_every_trial_with_state_metrics_and_seconds(
    grid: OptimizeResult, tmp_path: Path
) -> None:
    data = json.loads(write_optimize_json(tmp_path / "out" / "opt.json", grid).read_text())
    assert data["strategy"] == "sma_cross"
    assert data["markets"] == ["crypto"]
    assert data["grid_points"] == 9
    assert data["infeasible"] == 3
    assert len(data["trials"]) == 9
    assert {t["state"] for t in data["trials"]} == {"complete", "infeasible"}
    first = next(t for t in data["trials"] if t["state"] == "complete")
    assert set(first) >= {"number", "params", "objective", "total_return", "sharpe",
                          "max_drawdown", "trades", "seconds"}  # fmt: skip
    assert data["best"]["number"] == grid.best.number if grid.best else False
    assert data["best_params_line"] == grid.param_line()


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"method": "anneal"}, "--method 'anneal': expected one of grid, random, tpe"),
        ({"objective": "omega"}, "--objective 'omega': expected one of sharpe, sortino"),
        ({"trials": 0}, "--trials 0: expected at least 1"),
    ],
)
def test_bad_options_are_refused(
    config: TradewindConfig, catalog: Catalog, options: dict[str, object], expected: str
) -> None:
    with pytest.raises(OptimizeError, match=expected):
        search(config, catalog, "fast=2:4", **options)


def test_a_strategy_no_enabled_market_runs_is_refused_naming_who_runs_what(
    config: TradewindConfig, catalog: Catalog
) -> None:
    request = OptimizeRequest("breakout_v1", parse_space(["entry_window=10:20"]))
    with pytest.raises(OptimizeError, match="no enabled market runs it, the markets run "
                       "crypto: sma_cross; equities: momentum_v1"):  # fmt: skip
        optimize_config(config, catalog, request)


def test_an_unknown_strategy_is_refused(config: TradewindConfig, catalog: Catalog) -> None:
    with pytest.raises(StrategyError, match="unknown strategy 'sma_crosss'"):
        optimize_config(config, catalog, OptimizeRequest("sma_crosss", parse_space(["fast=1:2"])))
