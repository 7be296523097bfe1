"""`tradewind optimize --walk-forward`: search on each fold's train rows, run the best
parameters on the rows that follow, and stitch those out-of-sample returns.

Each segment is scored on its own rows: the engine runs over the panel cut at the
segment's end (earlier rows give indicators their warm-up) and the objective comes
from the returns of the segment's rows only.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tradewind.app.optimize import (
    OptimizeError,
    OptimizeRequest,
    TrialRecord,
    TrialRunner,
    search_trials,
    validate_request,
)
from tradewind.app.optimize_results import OptimizeResult
from tradewind.app.trial_pool import InlinePool, TrialPool
from tradewind.config import TradewindConfig
from tradewind.data.catalog import Catalog
from tradewind.research.optimize_space import Choice

if TYPE_CHECKING:
    from tradewind.app.sweep_journal import SweepLog

__all__ = [
    "Fold",
    "FoldResult",
    "WalkForwardResult",
    "fold_rows",
    "walk_forward_config",
    "walk_forward_config_file",
]


@dataclass(frozen=True, slots=True)
class Fold:
    """Row ranges [start, stop) of one fold's train and test segments."""

    train_start: int
    train_stop: int
    test_start: int
    test_stop: int


@dataclass(frozen=True, slots=True)
class FoldResult:
    """One fold: its rows, best in-sample trial and out-of-sample run of those params."""

    fold: Fold
    best: TrialRecord | None
    out_of_sample: TrialRecord | None
    oos_returns: np.ndarray
    """Per-row returns of the test rows (zeros without a best trial)."""

    @property
    def params(self) -> dict[str, Choice]:
        return {} if self.best is None else self.best.params

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (non-finite numbers as null)."""
        f = self.fold
        oos = self.out_of_sample
        return {
            "train_rows": [f.train_start, f.train_stop],
            "test_rows": [f.test_start, f.test_stop],
            "best_params": self.params,
            "in_sample_objective": _finite(None if self.best is None else self.best.objective),
            "out_of_sample_objective": _finite(None if oos is None else oos.objective),
            "out_of_sample_return": _finite(None if oos is None else oos.total_return),
        }


@dataclass(frozen=True, slots=True)
class WalkForwardResult:
    """Every fold and the stitched out-of-sample equity curve (one point per test row,
    compounded from `initial_equity`)."""

    request: OptimizeRequest
    markets: tuple[str, ...]
    anchored: bool
    folds: tuple[FoldResult, ...]
    initial_equity: float
    stitched_equity: np.ndarray
    stitched_sharpe: float
    stitched_max_drawdown: float
    seconds: float
    engine_runs: int

    @property
    def stitched_return(self) -> float:
        """Total return of the stitched curve (fraction)."""
        if not len(self.stitched_equity):
            return 0.0
        return float(self.stitched_equity[-1] / self.initial_equity - 1.0)

    @property
    def mean_in_sample(self) -> float:
        """Mean in-sample objective over folds with a finite one (NaN without)."""
        return _mean([None if f.best is None else f.best.objective for f in self.folds])

    @property
    def mean_out_of_sample(self) -> float:
        """Mean out-of-sample objective over folds with a finite one (NaN without)."""
        oos = [None if f.out_of_sample is None else f.out_of_sample.objective for f in self.folds]
        return _mean(oos)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the folds and the overall figures."""
        return {
            "anchored": self.anchored,
            "folds": [f.as_dict() for f in self.folds],
            "mean_in_sample_objective": _finite(self.mean_in_sample),
            "mean_out_of_sample_objective": _finite(self.mean_out_of_sample),
            "stitched_rows": len(self.stitched_equity),
            "stitched_return": _finite(self.stitched_return),
            "stitched_sharpe": _finite(self.stitched_sharpe),
            "stitched_max_drawdown": _finite(self.stitched_max_drawdown),
            "seconds": round(self.seconds, 6),
            "engine_runs": self.engine_runs,
        }


def fold_rows(n_rows: int, folds: int, train_rows: int, test_rows: int, *,
              anchored: bool = False) -> tuple[Fold, ...]:  # fmt: skip
    """The folds over `n_rows` panel rows: fold i tests rows [s + train, s + train +
    test) with s = i * test, and trains on [s, s + train) (anchored: [0, s + train)).

    Raises:
        OptimizeError: a count below 1, or the folds need more rows than the panel has.
    """
    for option, value in (("--walk-forward", folds), ("--train", train_rows),
                          ("--test", test_rows)):  # fmt: skip
        if value < 1:
            raise OptimizeError(f"{option} {value}: expected at least 1")
    needed = train_rows + folds * test_rows
    if needed > n_rows:
        raise OptimizeError(
            f"--walk-forward {folds} --train {train_rows} --test {test_rows}: the folds need "
            f"{needed} rows (train + folds x test), the panel has {n_rows}"
        )
    out = []
    for i in range(folds):
        s = i * test_rows
        start = 0 if anchored else s
        out.append(Fold(start, s + train_rows, s + train_rows, s + train_rows + test_rows))
    return tuple(out)


def walk_forward_config_file(
    path: Path, request: OptimizeRequest, folds: int, train_rows: int, test_rows: int, *,
    anchored: bool = False, catalog: Path | None = None,
    on_fold: Callable[[int, int], None] | None = None,
) -> WalkForwardResult:  # fmt: skip
    """Load and preflight `path` (as `tradewind optimize`), then walk forward."""
    from tradewind.app.config_commands import load_config
    from tradewind.app.market_data import catalog_for
    from tradewind.app.preflight import preflight

    config = load_config(path)
    found = catalog_for(config, catalog)
    validate_request(config, request)
    preflight(config, found, source=path, run="backtest")
    return walk_forward_config(config, found, request, folds, train_rows, test_rows,
                               anchored=anchored, on_fold=on_fold)  # fmt: skip


def walk_forward_config(
    config: TradewindConfig, catalog: Catalog, request: OptimizeRequest, folds: int,
    train_rows: int, test_rows: int, *, anchored: bool = False,
    on_fold: Callable[[int, int], None] | None = None,
    on_trial: Callable[[int, int], None] | None = None,
    pool: TrialPool | None = None,
    open_log: Callable[[TrialRunner], SweepLog] | None = None,
) -> WalkForwardResult:  # fmt: skip
    """Search on each fold's train rows, run the best params on its test rows.

    `pool` runs the searches' trials (default: this process), `open_log` journals
    them and gives back those of an interrupted run (see `optimize_config`);
    `on_trial` counts trials over all folds.

    Raises:
        OptimizeError: see `fold_rows` and `validate_request`.
        TradewindError: missing data or bad risk settings.
    """
    started = time.perf_counter()
    markets = validate_request(config, request)
    runner = TrialRunner.prepare(config, catalog, request, markets)
    plan = fold_rows(runner.n_rows, folds, train_rows, test_rows, anchored=anchored)
    log = None if open_log is None else open_log(runner)
    owned = pool is None
    pool = InlinePool() if pool is None else pool
    results: list[FoldResult] = []
    runs = 0
    try:
        pool.start(runner)
        for fold in plan:
            search = _FoldSearch(runner, pool, len(results), len(plan), on_trial, log)
            result, fold_runs = search.run(fold)
            results.append(result)
            runs += fold_runs
            if on_fold is not None:
                on_fold(len(results), len(plan))
    finally:
        if owned:
            pool.close()
    if log is not None:
        log.finish()
    initial = _initial_equity(runner)
    returns = np.concatenate([f.oos_returns for f in results])
    stitched = initial * np.cumprod(1.0 + returns)
    sharpe, drawdown = _stitched_stats(runner, plan, initial, stitched)
    return WalkForwardResult(
        request=request, markets=markets, anchored=anchored, folds=tuple(results),
        initial_equity=initial, stitched_equity=stitched, stitched_sharpe=sharpe,
        stitched_max_drawdown=drawdown, seconds=time.perf_counter() - started,
        engine_runs=runs,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _FoldSearch:
    runner: TrialRunner
    pool: TrialPool
    index: int
    folds: int
    on_trial: Callable[[int, int], None] | None
    log: SweepLog | None

    def run(self, fold: Fold) -> tuple[FoldResult, int]:
        """The fold's search on its train rows, then its best params on the test rows."""
        search = search_trials(self.runner, self.pool, rows=(fold.train_start, fold.train_stop),
                               on_trial=self._progress, log=self.log,
                               segment=f"fold {self.index + 1} train")  # fmt: skip
        runner = self.runner
        best = OptimizeResult(runner.request, runner.markets, search.records, 0.0, 0.0, 0,
                              search.grid_points).best  # fmt: skip
        zeros = np.zeros(fold.test_stop - fold.test_start)
        if best is None:
            return FoldResult(fold, None, None, zeros), search.engine_runs
        record, equity = runner.for_rows(fold.test_start, fold.test_stop).run_params(best.params)
        returns = equity[1:] / equity[:-1] - 1.0
        return FoldResult(fold, best, record, returns), search.engine_runs + 1

    def _progress(self, done: int, total: int) -> None:
        if self.on_trial is not None:
            self.on_trial(self.index * total + done, self.folds * total)


def _initial_equity(runner: TrialRunner) -> float:
    from tradewind.app.engine_setup import engine_spec_from_config

    return float(engine_spec_from_config(runner.config, runner.keys).initial_cash)


def _stitched_stats(
    runner: TrialRunner, plan: tuple[Fold, ...], initial: float, stitched: np.ndarray
) -> tuple[float, float]:
    from tradewind.research.stats import compute_stats

    first = plan[0].test_start - 1
    rows = np.concatenate([[first], *(np.arange(f.test_start, f.test_stop) for f in plan)])
    stats = compute_stats(runner.panel.timestamps[rows], np.concatenate([[initial], stitched]))
    return float(stats.sharpe), float(stats.max_drawdown)


def _mean(values: list[float | None]) -> float:
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return float(np.mean(finite)) if finite else float("nan")


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None
