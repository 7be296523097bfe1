"""Walk-forward optimize: fold boundaries (rolling, anchored), refusal of folds that do
not fit, the stitched out-of-sample curve, in-sample objectives equal to a direct
search on the train rows, and repeatable results."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from tests.optimize_configs import ONE_MARKET

from tradewind.app.optimize import OptimizeError, OptimizeRequest, optimize_config, parse_space
from tradewind.app.walk_forward import Fold, WalkForwardResult, fold_rows, walk_forward_config
from tradewind.config import TradewindConfig
from tradewind.config.loader import load_config_text
from tradewind.data.catalog import Catalog

REQUEST = OptimizeRequest(
    strategy="sma_cross", space=parse_space(["fast=2,6", "slow=8,12"]), method="grid"
)


@pytest.fixture(scope="module")
def config() -> TradewindConfig:
    return load_config_text(ONE_MARKET)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return Catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture(scope="module")
def rolling(config: TradewindConfig, catalog: Catalog) -> WalkForwardResult:
    return walk_forward_config(config, catalog, REQUEST, 3, 120, 60)


def test_rolling_folds_slide_train_and_test_by_the_test_length() -> None:
    assert fold_rows(100, 3, 40, 20) == (
        Fold(0, 40, 40, 60),
        Fold(20, 60, 60, 80),
        Fold(40, 80, 80, 100),
    )


def test_anchored_folds_always_train_from_row_zero() -> None:
    assert fold_rows(100, 3, 40, 20, anchored=True) == (
        Fold(0, 40, 40, 60),
        Fold(0, 60, 60, 80),
        Fold(0, 80, 80, 100),
    )


def test_folds_that_need_more_rows_than_the_panel_are_refused_naming_the_options() -> None:
    with pytest.raises(OptimizeError, match=r"--walk-forward 3 --train 40 --test 20.*100.*99"):
        fold_rows(99, 3, 40, 20)
    with pytest.raises(OptimizeError, match="--test 0: expected at least 1"):
        fold_rows(99, 3, 40, 0)


def test_a_walk_forward_longer_than_the_panel_is_refused(
    config: TradewindConfig, catalog: Catalog
) -> None:
    with pytest.raises(OptimizeError, match="--walk-forward 4 --train 400 --test 100"):
        walk_forward_config(config, catalog, REQUEST, 4, 400, 100)


def test_the_stitched_curve_has_one_point_per_test_row_compounded_from_the_folds(
    rolling: WalkForwardResult,
) -> None:
    assert len(rolling.stitched_equity) == 3 * 60
    growth = np.prod([1.0 + (f.out_of_sample.total_return or 0.0) for f in rolling.folds
                      if f.out_of_sample is not None])  # fmt: skip
    assert rolling.stitched_return == pytest.approx(growth - 1.0, rel=1e-9, abs=1e-12)
    assert rolling.as_dict()["stitched_rows"] == 180


def test_each_folds_in_sample_objective_is_a_direct_search_on_its_train_rows(
    rolling: WalkForwardResult, config: TradewindConfig, catalog: Catalog
) -> None:
    for result in rolling.folds:
        f = result.fold
        direct = optimize_config(config, catalog, REQUEST, rows=(f.train_start, f.train_stop))
        assert direct.best is not None
        assert result.best is not None
        assert result.best.params == direct.best.params
        assert result.best.objective == direct.best.objective


def test_a_train_segment_is_scored_on_its_rows_not_the_whole_run(
    config: TradewindConfig, catalog: Catalog
) -> None:
    whole = optimize_config(config, catalog, REQUEST)
    late = optimize_config(config, catalog, REQUEST, rows=(120, 240))
    assert whole.best is not None
    assert late.best is not None
    assert whole.best.objective != late.best.objective


def test_the_same_request_walks_forward_to_the_same_result(
    rolling: WalkForwardResult, config: TradewindConfig, catalog: Catalog
) -> None:
    again = walk_forward_config(config, catalog, REQUEST, 3, 120, 60)
    first, second = rolling.as_dict(), again.as_dict()
    first.pop("seconds"), second.pop("seconds")
    assert first == second
    assert np.array_equal(rolling.stitched_equity, again.stitched_equity)
    assert math.isfinite(rolling.stitched_sharpe)


def test_the_cli_prints_the_folds_and_writes_them_under_walk_forward(
    tmp_path: Path,
) -> None:
    import json

    from typer.testing import CliRunner

    from tradewind.cli.main import app

    root = tmp_path
    path = root / "small.yaml"
    path.write_text(ONE_MARKET, encoding="utf-8")
    common = ["optimize", "--config", str(path), "--catalog", str(root / "catalog"),
              "--strategy", "sma_cross", "--param", "fast=2,6", "--param", "slow=8,12",
              "--method", "grid", "--scheduler", "inline", "--journal", ""]  # fmt: skip
    walk = ["--walk-forward", "2", "--train", "120", "--test", "60", "--anchored"]
    done = CliRunner().invoke(app, [*common, *walk, "--json", str(root / "wf.json")])
    assert done.exit_code == 0, done.output
    assert "walk-forward (anchored)" in done.output
    assert "0-180" in done.output
    folds = json.loads((root / "wf.json").read_text())["walk_forward"]["folds"]
    assert [f["train_rows"] for f in folds] == [[0, 120], [0, 180]]
    refused = CliRunner().invoke(app, [*common, "--walk-forward", "9", "--train", "400",
                                       "--test", "100"])  # fmt: skip
    assert refused.exit_code == 2
    assert "--walk-forward 9 --train 400 --test 100" in " ".join(refused.output.split())
