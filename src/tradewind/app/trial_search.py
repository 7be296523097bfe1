"""The search loop of `tradewind optimize`: Optuna's ask-and-tell interface feeding a
`TrialPool`, `pool.width` trials in flight, trials the journal already holds reused,
every newly finished trial journaled at once."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from tradewind.app.optimize_results import WORST, OptimizeRequest, TrialRecord
from tradewind.app.trial_pool import TrialOutcome, TrialPool, TrialTask
from tradewind.research.optimize_space import Choice, ParamDimension, grid_size, grid_values
from tradewind.research.overfitting import ReturnSummary, summarize_returns

if TYPE_CHECKING:
    import optuna

    from tradewind.app.optimize import TrialRunner
    from tradewind.app.sweep_journal import SweepLog
    from tradewind.research.overfitting import BacktestOverfitting, DeflatedSharpe

__all__ = [
    "DEFAULT_TRIALS",
    "SearchRun",
    "overfitting_figures",
    "params_key",
    "search_trials",
]

DEFAULT_TRIALS = 50


@dataclass(frozen=True, slots=True)
class SearchRun:
    """The trials of one search (by number), the return summaries of those that ran,
    how many ran now and how many came from the journal."""

    records: tuple[TrialRecord, ...]
    summaries: dict[int, ReturnSummary]
    grid_points: int | None
    engine_runs: int
    reused: int


def search_trials(
    runner: TrialRunner,
    pool: TrialPool,
    *,
    rows: tuple[int, int] | None = None,
    on_trial: Callable[[int, int], None] | None = None,
    log: SweepLog | None = None,
    segment: str = "search",
) -> SearchRun:
    """Run the Optuna search of `runner.request` on `pool` (started with `runner`),
    `pool.width` trials in flight; parameters the journal already holds for `segment`
    are not run again, and every newly finished trial is journaled at once."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    request = runner.request
    points = grid_size(request.space) if request.method == "grid" else None
    total = _total_trials(request, points)
    study = optuna.create_study(direction="maximize", sampler=_sampler(request))
    if request.method == "grid":
        _enqueue_grid(study, request.space, total)
    known = {} if log is None else log.finished(segment)
    search = _Search(runner, pool, study, total, rows, known, set(known),
                     _Journal(log, segment, on_trial))  # fmt: skip
    while len(search.outcomes) < total:
        search.send()
        search.collect()
    return search.result(points)


@dataclass(frozen=True, slots=True)
class _Journal:
    log: SweepLog | None
    segment: str
    on_trial: Callable[[int, int], None] | None


@dataclass(slots=True)
class _Search:
    runner: TrialRunner
    pool: TrialPool
    study: optuna.Study
    total: int
    rows: tuple[int, int] | None
    known: dict[str, TrialOutcome]
    reused_keys: set[str]
    journal: _Journal
    outcomes: dict[int, TrialOutcome] = field(default_factory=dict)
    in_flight: dict[int, Any] = field(default_factory=dict)
    asked: int = 0
    ran: int = 0

    def send(self) -> None:
        """Ask Optuna for trials until `pool.width` are in flight (or all were asked):
        known parameters and refused ones finish at once, the rest go to the pool."""
        while self.asked < self.total and len(self.in_flight) < self.pool.width:
            trial = self.study.ask()
            self.asked += 1
            params = _suggest(trial, self.runner.request.space)
            key = params_key(params)
            if key in self.known:
                self._finish(trial, _as_number(self.known[key], trial.number), fresh=False)
                continue
            refused = self.runner.refusal(params)
            if refused is not None:
                record = TrialRecord(trial.number, params, "infeasible", note=refused)
                self.known[key] = TrialOutcome(TrialTask(trial.number, params, self.rows),
                                               record, summarize_returns(np.zeros(0)))  # fmt: skip
                self._finish(trial, self.known[key], fresh=True)
                continue
            self.pool.submit(TrialTask(trial.number, params, self.rows))
            self.in_flight[trial.number] = trial

    def collect(self) -> None:
        """Wait for the pool's next finished trials and tell Optuna their results."""
        if not self.in_flight:
            return
        for outcome in self.pool.finished():
            self.ran += 1
            self.known[params_key(outcome.task.params)] = outcome
            self._finish(self.in_flight.pop(outcome.task.number), outcome, fresh=True)

    def result(self, points: int | None) -> SearchRun:
        outcomes = self.outcomes
        ordered = tuple(outcomes[n].record for n in sorted(outcomes))
        summaries = {n: o.returns for n, o in outcomes.items() if o.record.state == "complete"}
        reused = sum(1 for o in outcomes.values() if params_key(o.task.params) in self.reused_keys)
        return SearchRun(ordered, summaries, points, self.ran, reused)

    def _finish(self, trial: optuna.Trial, outcome: TrialOutcome, *, fresh: bool) -> None:
        import optuna

        self.outcomes[trial.number] = outcome
        journal = self.journal
        if fresh and journal.log is not None:
            journal.log.record(journal.segment, outcome)
        record = outcome.record
        if record.state == "complete":
            self.study.tell(trial, WORST if record.objective is None else record.objective)
        else:
            self.study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        if journal.on_trial is not None:
            journal.on_trial(len(self.outcomes), self.total)


def overfitting_figures(
    search: SearchRun,
) -> tuple[DeflatedSharpe | None, BacktestOverfitting | None]:
    """The deflated Sharpe ratio of the best trial and the probability of backtest
    overfitting (CSCV) over every complete trial of `search`."""
    from tradewind.research.overfitting import backtest_overfitting, deflated_sharpe

    ranked = [r for r in search.records if r.state == "complete" and r.number in search.summaries]
    if len(ranked) < 2:
        return None, None
    best = max(ranked, key=lambda r: (WORST if r.objective is None else r.objective, -r.number))
    summaries = [search.summaries[r.number] for r in ranked]
    return deflated_sharpe(summaries, ranked.index(best)), backtest_overfitting(summaries)


def params_key(params: Mapping[str, Choice]) -> str:
    """The canonical text of a trial's parameters (what makes two trials the same)."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"))


def _as_number(outcome: TrialOutcome, number: int) -> TrialOutcome:
    if outcome.task.number == number:
        return outcome
    task = replace(outcome.task, number=number)
    return replace(outcome, task=task, record=_renumbered(outcome.record, number))


def _sampler(request: OptimizeRequest) -> optuna.samplers.BaseSampler:
    import optuna

    if request.method in ("grid", "random"):  # grid points are enqueued: see _enqueue_grid
        return optuna.samplers.RandomSampler(seed=request.seed)
    return optuna.samplers.TPESampler(seed=request.seed)


def _enqueue_grid(study: optuna.Study, space: Sequence[ParamDimension], count: int) -> None:
    # Optuna's GridSampler stops the study from inside `tell` on the last point, which
    # the ask-and-tell loop cannot allow; its order (names sorted, then the product of
    # each one's values) is kept.
    import itertools

    dimensions = sorted(space, key=lambda d: d.name)
    points = itertools.product(*(grid_values(d) for d in dimensions))
    for values in itertools.islice(points, count):
        study.enqueue_trial({d.name: v for d, v in zip(dimensions, values, strict=True)})


def _suggest(trial: optuna.Trial, space: Sequence[ParamDimension]) -> dict[str, Choice]:
    params: dict[str, Choice] = {}
    for d in space:
        if d.kind == "int":
            params[d.name] = trial.suggest_int(
                d.name, int(d.low), int(d.high), step=int(d.step or 1)
            )
        elif d.kind == "float":
            params[d.name] = trial.suggest_float(d.name, d.low, d.high, step=d.step)
        else:
            params[d.name] = cast(Choice, trial.suggest_categorical(d.name, list(d.choices)))
    return params


def _total_trials(request: OptimizeRequest, points: int | None) -> int:
    if points is None:
        return request.trials or DEFAULT_TRIALS
    return min(points, request.trials) if request.trials else points


def _renumbered(record: TrialRecord, number: int) -> TrialRecord:
    note = f"same params as trial {record.number}" + (f"; {record.note}" if record.note else "")
    return replace(record, number=number, seconds=0.0, note=note)
