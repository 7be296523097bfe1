"""`tradewind optimize`: the best-trials table, the best params as a --param line and the
JSON; bad input exits 2 with one line naming the option."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.dask_cluster import external_scheduler
from tests.optimize_configs import ONE_MARKET
from typer.testing import CliRunner, Result

from tradewind.cli.main import app


def tradewind(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(ONE_MARKET, encoding="utf-8")
    return path


def optimize(config: Path, *args: str) -> Result:
    catalog = config.parent / "catalog"
    journal = str(config.parent / "journal.sqlite")
    return tradewind("optimize", "--config", str(config), "--catalog", str(catalog),
                     "--strategy", "sma_cross", "--scheduler", "inline", "--journal", journal,
                     *args)  # fmt: skip


def test_a_grid_prints_the_best_trials_and_the_line_to_paste_and_writes_json(
    config: Path,
) -> None:
    out = config.parent / "opt.json"
    result = optimize(config, "--param", "fast=2:10:4", "--param", "slow=4:12:4",
                      "--method", "grid", "--json", str(out))  # fmt: skip
    assert result.exit_code == 0, result.output
    text = one_line(result.output)
    assert "9 trials (grid, seed 0), 3 infeasible, 6 engine runs" in text
    assert "best trials by sharpe" in text
    data = json.loads(out.read_text())
    best = data["best"]["params"]
    assert f"best: --param fast={best['fast']} --param slow={best['slow']}" in text
    assert len(data["trials"]) == 9


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--param", "fast=9:5"), "error: --param 'fast=9:5': lo (9) is above hi (5)"),
        (("--param", "fast=1:5:0"), "step must be above 0"),
        (("--param", "fast=a:5"), "'a' is not a number"),
        (
            ("--param", "fsat=1:5"),
            "--param fsat: not a parameter of strategy sma_cross, "
            "expected one of fast, slow, allow_short",
        ),
        (("--param", "fast=1:5", "--method", "anneal"), "--method 'anneal': expected one of"),
        (("--param", "fast=1:5", "--objective", "omega"), "--objective 'omega': expected one"),
        (("--param", "fast=0.5:2", "--method", "grid"), "a float range needs a step"),
    ],
)
def test_bad_input_exits_2_with_one_line(
    config: Path, args: tuple[str, ...], expected: str
) -> None:
    result = optimize(config, *args)
    assert result.exit_code == 2
    assert expected in one_line(result.output)


def test_an_unknown_strategy_or_one_no_market_runs_exits_2(config: Path) -> None:
    catalog = str(config.parent / "catalog")
    unknown = tradewind("optimize", "-c", str(config), "--catalog", catalog, "-s", "smacross",
                        "-p", "fast=1:2")  # fmt: skip
    assert unknown.exit_code == 2
    assert "unknown strategy 'smacross'" in one_line(unknown.output)
    unused = tradewind("optimize", "-c", str(config), "--catalog", catalog, "-s", "breakout_v1",
                       "-p", "entry_window=10:20")  # fmt: skip
    assert unused.exit_code == 2
    assert "no enabled market runs it, the markets run crypto: sma_cross" in one_line(unused.output)


@pytest.mark.slow
def test_a_small_sweep_runs_through_an_existing_dask_cluster_and_is_journaled(
    config: Path,
) -> None:
    import sqlite3

    address = external_scheduler()
    journal = config.parent / "cluster.sqlite"
    result = tradewind("optimize", "--config", str(config), "--catalog",
                       str(config.parent / "catalog"), "--strategy", "sma_cross",
                       "--param", "fast=2:10:4", "--param", "slow=4:12:4", "--method", "grid",
                       "--scheduler", address, "--journal", str(journal))  # fmt: skip

    assert result.exit_code == 0, result.output
    assert f"running on {address}" in one_line(result.output)
    assert "9 trials (grid, seed 0), 3 infeasible, 6 engine runs" in one_line(result.output)
    with sqlite3.connect(journal) as db:
        workers = {w for (w,) in db.execute("select worker from sweep_trials")}
    assert len(workers - {"inline"}) == 2, workers


def test_ctrl_c_exits_130_saying_the_same_command_resumes(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tradewind.app import sweep

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep, "run_sweep_file", interrupted)
    result = optimize(config, "--param", "fast=2:10:4", "--param", "slow=4:12:4")

    assert result.exit_code == 130
    assert "interrupted: every finished trial is journaled, and the same command resumes" in (
        one_line(result.output)
    )
