"""`run_sweep_file`: trials journaled as they finish, an interrupted sweep resumed
without rerunning finished trials (same results as an uninterrupted one), a changed
request starting a new sweep, and the overfitting figures and the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.optimize_configs import ONE_MARKET

from tradewind.app import trial_pool
from tradewind.app.optimize import OptimizeRequest, parse_space
from tradewind.app.optimize_results import OptimizeResult
from tradewind.app.sweep import SweepOptions, WalkForwardPlan, run_sweep_file
from tradewind.app.trial_pool import InlinePool, TrialOutcome, TrialTask
from tradewind.domain.errors import TradewindError
from tradewind.store.journal import Journal

GRID = OptimizeRequest("sma_cross", parse_space(["fast=2:10:4", "slow=4:16:4"]), method="grid")


class CutOffError(TradewindError):
    """The sweep was cut off (as by a kill) after some trials."""


class CutOffPool(InlinePool):
    """Runs `allowed` tasks, then fails as a killed process would."""

    def __init__(self, allowed: int) -> None:
        super().__init__()
        self.allowed = allowed
        self.ran: list[TrialTask] = []

    def finished(self) -> list[TrialOutcome]:
        done = super().finished()
        self.ran.extend(o.task for o in done)
        if len(self.ran) > self.allowed:
            raise CutOffError(f"cut off after {self.allowed} trials")
        return done


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(ONE_MARKET, encoding="utf-8")
    return path


def options(config: Path, **overrides: object) -> SweepOptions:
    values: dict[str, object] = {"scheduler": "inline", "journal": str(config.parent / "j.sqlite"),
                                 "catalog": config.parent / "catalog"}  # fmt: skip
    values.update(overrides)
    return SweepOptions(**values)  # type: ignore[arg-type]


def by_params(result: OptimizeResult) -> dict[str, float | None]:
    return {json.dumps(t.params, sort_keys=True): t.objective for t in result.trials}


def test_an_interrupted_sweep_resumes_without_rerunning_its_finished_trials(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = run_sweep_file(config, GRID, options(config, journal=""))
    assert whole.search is not None
    assert whole.sweep_id is None
    pool = CutOffPool(allowed=4)
    monkeypatch.setattr(trial_pool, "InlinePool", lambda: pool)
    with pytest.raises(CutOffError):
        run_sweep_file(config, GRID, options(config))
    with Journal.open(str(config.parent / "j.sqlite")) as journal:
        (sweep,) = journal.sweeps()
        journaled = journal.sweep_trials(sweep.sweep_id)
    assert sweep.finished_at is None
    run_before = {json.dumps(t.params, sort_keys=True) for t in pool.ran[:4]}
    assert run_before <= {json.dumps(e.params, sort_keys=True) for e in journaled}

    again = CutOffPool(allowed=100)
    monkeypatch.setattr(trial_pool, "InlinePool", lambda: again)
    resumed = run_sweep_file(config, GRID, options(config))

    assert resumed.search is not None
    assert resumed.sweep_id == sweep.sweep_id
    rerun = {json.dumps(t.params, sort_keys=True) for t in again.ran}
    assert not rerun & run_before
    assert resumed.search.reused >= 4
    assert resumed.search.engine_runs == whole.search.engine_runs - len(run_before)
    assert by_params(resumed.search) == by_params(whole.search)
    with Journal.open(str(config.parent / "j.sqlite")) as journal:
        assert journal.sweeps()[0].finished_at is not None


def test_a_finished_or_changed_sweep_starts_afresh(config: Path) -> None:
    first = run_sweep_file(config, GRID, options(config))
    second = run_sweep_file(config, GRID, options(config))
    other = OptimizeRequest("sma_cross", GRID.space, method="grid", objective="return")
    third = run_sweep_file(config, other, options(config))

    ids = {first.sweep_id, second.sweep_id, third.sweep_id}
    assert len(ids) == 3
    assert second.search is not None
    assert second.search.reused == 0
    with Journal.open(str(config.parent / "j.sqlite")) as journal:
        assert len(journal.sweeps()) == 3
        assert len(journal.sweep_trials(str(first.sweep_id))) == len(first.search.trials)  # type: ignore[union-attr]


def test_a_walk_forward_journals_each_fold_and_writes_its_report(config: Path) -> None:
    plan = WalkForwardPlan(folds=2, train_rows=120, test_rows=60)
    report = config.parent / "wf.html"

    done = run_sweep_file(config, GRID, options(config, report=report), plan)

    assert done.walk_forward is not None
    assert len(done.walk_forward.folds) == 2
    with Journal.open(str(config.parent / "j.sqlite")) as journal:
        segments = {e.segment for e in journal.sweep_trials(str(done.sweep_id))}
    assert segments == {"fold 1 train", "fold 2 train"}
    assert report.read_text(encoding="utf-8").count("<svg") >= 2


def test_the_search_reports_its_overfitting_figures_in_json_and_html(config: Path) -> None:
    out, page = config.parent / "o.json", config.parent / "o.html"

    done = run_sweep_file(config, GRID, options(config, json_out=out, report=page))

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["sweep_id"] == done.sweep_id
    assert 0.0 <= data["deflated_sharpe"]["probability"] <= 1.0
    assert 0.0 <= data["backtest_overfitting"]["probability"] <= 1.0
    assert "verfitting" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"scheduler": "inline", "workers": 2}, "--workers"),
        ({"scheduler": "udp://x"}, "--scheduler udp://x: expected local, inline or tcp:"),
    ],
)
def test_bad_pool_options_are_refused_naming_the_option(
    config: Path, overrides: dict[str, object], expected: str
) -> None:
    with pytest.raises(TradewindError, match=expected):
        run_sweep_file(config, GRID, options(config, **overrides))


def test_a_bad_walk_forward_plan_is_refused_before_anything_runs(config: Path) -> None:
    with pytest.raises(TradewindError, match="--test 0: expected at least 1"):
        run_sweep_file(config, GRID, options(config), WalkForwardPlan(2, 100, 0))
