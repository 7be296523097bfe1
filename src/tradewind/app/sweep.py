"""`tradewind optimize` end to end: the config checked, the trials run where the
options say (this process, a local Dask cluster or an existing one), every finished
trial journaled, an interrupted sweep resumed, and the HTML report written."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tradewind.app.optimize import (
    OptimizeError,
    OptimizeRequest,
    OptimizeResult,
    TrialRunner,
    optimize_config,
    validate_request,
)
from tradewind.app.optimize_results import write_optimize_json

if TYPE_CHECKING:
    from tradewind.app.sweep_journal import SweepLog
    from tradewind.app.trial_pool import TrialPool
    from tradewind.app.walk_forward import WalkForwardResult
    from tradewind.config import TradewindConfig
    from tradewind.data.catalog import Catalog
    from tradewind.store.journal import Journal

__all__ = ["INLINE", "SweepOptions", "SweepOutcome", "WalkForwardPlan", "run_sweep_file"]

INLINE = "inline"
"""`--scheduler inline`: every trial in this process, no cluster."""


@dataclass(frozen=True, slots=True)
class SweepOptions:
    """Where trials run and what is kept: `scheduler` local, tcp://HOST:PORT or
    inline; `workers` of a local cluster (None: one per core); `journal` None: the
    config's `backtest.journal`, "" journals nothing."""

    scheduler: str = "local"
    workers: int | None = None
    journal: str | None = None
    catalog: Path | None = None
    report: Path | None = None
    json_out: Path | None = None


@dataclass(frozen=True, slots=True)
class WalkForwardPlan:
    """K folds of `train_rows` then `test_rows` rows (anchored: training from row 0)."""

    folds: int
    train_rows: int
    test_rows: int
    anchored: bool = False


@dataclass(frozen=True, slots=True)
class SweepOutcome:
    """What a sweep gave: exactly one of `search` and `walk_forward`, where it ran, the
    sweep's journal id, trials taken from an interrupted run, files written."""

    search: OptimizeResult | None
    walk_forward: WalkForwardResult | None
    ran_on: str
    sweep_id: str | None
    resumed_trials: int
    journal: str | None
    report: Path | None
    json_out: Path | None


def run_sweep_file(
    path: Path,
    request: OptimizeRequest,
    options: SweepOptions,
    plan: WalkForwardPlan | None = None,
    *,
    on_trial: Callable[[int, int], None] | None = None,
    on_pool: Callable[[str], None] | None = None,
) -> SweepOutcome:
    """Load and preflight `path`, then search (or walk forward) on the pool the
    options name; `on_pool(description)` once the pool is up.

    Raises:
        TradewindError: invalid config, options or data; an unreachable scheduler; a
            journal that cannot be written.
    """
    from tradewind.app.config_commands import load_config
    from tradewind.app.market_data import catalog_for
    from tradewind.app.preflight import preflight

    config = load_config(path)
    catalog = catalog_for(config, options.catalog)
    validate_request(config, request)
    _check_plan(plan)
    preflight(config, catalog, source=path, run="backtest")
    journal_target = config.backtest.journal if options.journal is None else options.journal
    journal = _open_journal(journal_target)
    logs: list[SweepLog] = []
    try:
        opener = None if journal is None else _log_opener(journal, path, plan, logs)
        with closing(_open_pool(options)) as pool:
            ran_on = pool.description
            if on_pool is not None:
                on_pool(ran_on)
            search, walk = _run(config, catalog, request, plan, pool, opener, on_trial)
    finally:
        if journal is not None:
            journal.close()
    log = logs[0] if logs else None
    outcome = SweepOutcome(search, walk, ran_on, None if log is None else log.sweep_id,
                           0 if log is None else log.reusable, journal_target or None,
                           None, None)  # fmt: skip
    return _write_files(outcome, options, path)


def _run(
    config: TradewindConfig, catalog: Catalog, request: OptimizeRequest,
    plan: WalkForwardPlan | None, pool: TrialPool,
    opener: Callable[[TrialRunner], SweepLog] | None,
    on_trial: Callable[[int, int], None] | None,
) -> tuple[OptimizeResult | None, WalkForwardResult | None]:  # fmt: skip
    from tradewind.app.walk_forward import walk_forward_config

    if plan is None:
        result = optimize_config(config, catalog, request, on_trial=on_trial, pool=pool,
                                 open_log=opener)  # fmt: skip
        return result, None
    walk = walk_forward_config(config, catalog, request, plan.folds, plan.train_rows,
                               plan.test_rows, anchored=plan.anchored, on_trial=on_trial,
                               pool=pool, open_log=opener)  # fmt: skip
    return None, walk


def _check_plan(plan: WalkForwardPlan | None) -> None:
    if plan is None:
        return
    for name, value in (("--walk-forward", plan.folds), ("--train", plan.train_rows),
                        ("--test", plan.test_rows)):  # fmt: skip
        if value < 1:
            raise OptimizeError(f"{name} {value}: expected at least 1")


def _open_journal(target: str) -> Journal | None:
    from tradewind.app.journal_access import open_journal

    return open_journal(target) if target else None


def _log_opener(
    journal: Journal, path: Path, plan: WalkForwardPlan | None, logs: list[SweepLog]
) -> Callable[[TrialRunner], SweepLog]:
    from tradewind.app.sweep_journal import SweepLog, sweep_fingerprint

    def open_log(runner: TrialRunner) -> SweepLog:
        r = runner.request
        described = None if plan is None else asdict(plan)
        label = f"{r.strategy} on {path} ({r.method}, {r.objective})" + (
            "" if plan is None else f", walk-forward {plan.folds} folds"
        )
        request = {"config": str(path), "strategy": r.strategy, "method": r.method,
                   "objective": r.objective, "trials": r.trials, "seed": r.seed,
                   "space": {d.name: d.describe() for d in r.space}, "plan": described}  # fmt: skip
        total = r.trials or 0
        log = SweepLog.open(journal, sweep_fingerprint(runner, described), label, request, total)
        logs.append(log)
        return log

    return open_log


def _open_pool(options: SweepOptions) -> TrialPool:
    """The pool the options name (the caller closes it).

    Raises:
        OptimizeError: --workers with inline, or a scheduler of no known kind.
        DaskPoolError: see `app.dask_pool.open_pool`.
    """
    from tradewind.app.trial_pool import InlinePool

    if options.scheduler == INLINE:
        if options.workers is not None:
            raise OptimizeError("--workers: only with --scheduler local (inline runs here)")
        return InlinePool()
    if options.scheduler != "local" and not options.scheduler.startswith("tcp://"):
        raise OptimizeError(
            f"--scheduler {options.scheduler}: expected local, inline or tcp://HOST:PORT"
        )
    from tradewind.app.dask_pool import DaskSettings, open_pool

    return open_pool(DaskSettings(options.scheduler, options.workers))


def _write_files(outcome: SweepOutcome, options: SweepOptions, path: Path) -> SweepOutcome:
    import json
    from dataclasses import replace

    from tradewind.research.optimize_report import (
        OverfittingFigures,
        optimize_html,
        walk_forward_html,
        write_report,
    )

    report = json_out = None
    if options.report is not None:
        if outcome.search is not None:
            figures = OverfittingFigures(outcome.search.deflated, outcome.search.overfitting)
            page = optimize_html(outcome.search, title=f"tradewind optimize: {path}",
                                 overfitting=figures)  # fmt: skip
        else:
            page = walk_forward_html(outcome.walk_forward, title=f"tradewind optimize: {path}")
        report = write_report(options.report, page)
    if options.json_out is not None:
        if outcome.search is not None:
            json_out = write_optimize_json(options.json_out, outcome.search)
        elif outcome.walk_forward is not None:
            r = outcome.walk_forward.request
            payload = {"strategy": r.strategy, "method": r.method, "objective": r.objective,
                       "seed": r.seed, "sweep_id": outcome.sweep_id,
                       "walk_forward": outcome.walk_forward.as_dict()}  # fmt: skip
            options.json_out.parent.mkdir(parents=True, exist_ok=True)
            options.json_out.write_text(json.dumps(payload, indent=2), encoding="utf-8")
            json_out = options.json_out
    return replace(outcome, report=report, json_out=json_out)
