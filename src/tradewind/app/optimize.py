"""`tradewind optimize`: an Optuna search of one strategy's parameters over a config.

The market data is prepared once; each trial rebuilds only the engine spec with the
trial's parameters in every enabled market that runs the strategy, and runs the engine.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from tradewind.app.engine_setup import engine_spec_from_config
from tradewind.app.market_data import prepare_market_data
from tradewind.app.optimize_results import (
    WORST,
    OptimizeRequest,
    OptimizeResult,
    TrialRecord,
    write_optimize_json,
)
from tradewind.app.trial_pool import InlinePool, TrialOutcome, TrialPool, TrialTask
from tradewind.config import TradewindConfig
from tradewind.data.catalog import Catalog
from tradewind.domain.errors import TradewindError
from tradewind.engine.backtest import EngineRun, run_engine
from tradewind.engine.panel import MarketPanel, panel_from_aligned
from tradewind.research.optimize_space import (
    Choice,
    ParamDimension,
    check_known,
    grid_size,
    grid_values,
    parse_space,
)
from tradewind.research.overfitting import ReturnSummary, summarize_returns
from tradewind.research.run_results import summarize_run
from tradewind.strategies.api import BarWindow
from tradewind.strategies.errors import StrategyError
from tradewind.strategies.registry import get_strategy

if TYPE_CHECKING:
    import optuna

    from tradewind.app.sweep_journal import SweepLog
    from tradewind.research.overfitting import BacktestOverfitting, DeflatedSharpe
    from tradewind.research.stats import PerformanceStats

__all__ = [
    "METHODS",
    "OBJECTIVES",
    "OptimizeError",
    "OptimizeRequest",
    "OptimizeResult",
    "SearchRun",
    "TrialRecord",
    "TrialRunner",
    "optimize_config",
    "optimize_config_file",
    "overfitting_figures",
    "params_key",
    "parse_space",
    "search_trials",
    "segment_stats",
    "truncate_panel",
    "write_optimize_json",
]

METHODS = ("grid", "random", "tpe")
OBJECTIVES = {
    "sharpe": "sharpe",
    "sortino": "sortino",
    "calmar": "calmar",
    "return": "total_return",
}
DEFAULT_TRIALS = 50


class OptimizeError(TradewindError):
    """The options of `tradewind optimize` do not form a search."""


def optimize_config_file(
    path: Path,
    request: OptimizeRequest,
    catalog: Path | None = None,
    *,
    on_trial: Callable[[int, int], None] | None = None,
) -> OptimizeResult:
    """Load and preflight `path` (as `tradewind backtest --config`), then search.

    Raises:
        TradewindError: invalid config or missing data, or see `optimize_config`.
    """
    from tradewind.app.config_commands import load_config
    from tradewind.app.market_data import catalog_for
    from tradewind.app.preflight import preflight

    config = load_config(path)
    found = catalog_for(config, catalog)
    validate_request(config, request)
    preflight(config, found, source=path, run="backtest")
    return optimize_config(config, found, request, on_trial=on_trial)


def validate_request(config: TradewindConfig, request: OptimizeRequest) -> tuple[str, ...]:
    """The enabled markets running the strategy, after checking the request.

    Raises:
        OptimizeError: unknown method/objective, trials < 1, or no enabled market runs
            the strategy (the markets and their strategies named).
        StrategyError: unknown strategy.
        OptimizeSpaceError: a searched name that is not one of its parameters.
    """
    if request.method not in METHODS:
        raise OptimizeError(f"--method {request.method!r}: expected one of {', '.join(METHODS)}")
    if request.objective not in OBJECTIVES:
        raise OptimizeError(
            f"--objective {request.objective!r}: expected one of {', '.join(OBJECTIVES)}"
        )
    if request.trials is not None and request.trials < 1:
        raise OptimizeError(f"--trials {request.trials}: expected at least 1")
    spec = get_strategy(request.strategy)
    check_known(request.space, list(spec.config_cls.model_fields), spec.name)
    markets = tuple(
        name for name, m in config.enabled_markets.items() if request.strategy in m.strategies
    )
    if not markets:
        used = "; ".join(
            f"{name}: {', '.join(m.strategies)}" for name, m in config.enabled_markets.items()
        )
        raise OptimizeError(
            f"--strategy {request.strategy}: no enabled market runs it, the markets run "
            f"{used or '(no enabled markets)'}"
        )
    if request.method == "grid":
        grid_size(request.space)  # refuses a float range without a step
    return markets


def optimize_config(
    config: TradewindConfig,
    catalog: Catalog,
    request: OptimizeRequest,
    *,
    on_trial: Callable[[int, int], None] | None = None,
    rows: tuple[int, int] | None = None,
    pool: TrialPool | None = None,
    open_log: Callable[[TrialRunner], SweepLog] | None = None,
) -> OptimizeResult:
    """Search `request.strategy`'s parameters over `config`'s enabled markets.

    `on_trial(done, total)` is called after every trial. Same seed, same trials (TPE
    on a pool wider than one: the order trials finish in steers it).
    `rows` (start, stop): score each trial on those panel rows only (the engine runs
    up to `stop`, the objective comes from the returns of rows start..stop-1).
    `pool`: where trials run (default: this process); `open_log(runner)`: the sweep
    in the journal that keeps every finished trial and gives back those of an
    interrupted run (marked finished when the search completes).

    Raises:
        TradewindError: see `validate_request`; missing data or bad risk settings.
    """
    markets = validate_request(config, request)
    started = time.perf_counter()
    runner = TrialRunner.prepare(config, catalog, request, markets)
    if rows is not None:
        runner.for_rows(*rows)  # checks the rows before any trial is sent
    log = None if open_log is None else open_log(runner)
    owned = pool is None
    pool = InlinePool() if pool is None else pool
    try:
        pool.start(runner)
        prepared = time.perf_counter()
        search = search_trials(runner, pool, rows=rows, on_trial=on_trial, log=log)
    finally:
        if owned:
            pool.close()
    if log is not None:
        log.finish()
    deflated, overfitting = overfitting_figures(search)
    return OptimizeResult(
        request=request, markets=markets, trials=search.records,
        prepare_seconds=prepared - started, search_seconds=time.perf_counter() - prepared,
        engine_runs=search.engine_runs, grid_points=search.grid_points, deflated=deflated,
        overfitting=overfitting, sweep_id=None if log is None else log.sweep_id,
        reused=search.reused, pool=describe_pool(pool),
    )  # fmt: skip


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
    reused_keys = set(known)
    outcomes: dict[int, TrialOutcome] = {}
    in_flight: dict[int, optuna.Trial] = {}
    asked = ran = 0

    def finish(trial: optuna.Trial, outcome: TrialOutcome, *, fresh: bool) -> None:
        outcomes[trial.number] = outcome
        if fresh and log is not None:
            log.record(segment, outcome)
        record = outcome.record
        if record.state == "complete":
            study.tell(trial, WORST if record.objective is None else record.objective)
        else:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        if on_trial is not None:
            on_trial(len(outcomes), total)

    while len(outcomes) < total:
        while asked < total and len(in_flight) < pool.width:
            trial = study.ask()
            asked += 1
            params = _suggest(trial, request.space)
            key = params_key(params)
            if key in known:
                finish(trial, _as_number(known[key], trial.number), fresh=False)
                continue
            refused = runner.refusal(params)
            if refused is not None:
                record = TrialRecord(trial.number, params, "infeasible", note=refused)
                known[key] = TrialOutcome(TrialTask(trial.number, params, rows), record,
                                          summarize_returns(np.zeros(0)))  # fmt: skip
                finish(trial, known[key], fresh=True)
                continue
            pool.submit(TrialTask(trial.number, params, rows))
            in_flight[trial.number] = trial
        if not in_flight:
            continue
        for outcome in pool.finished():
            ran += 1
            known[params_key(outcome.task.params)] = outcome
            finish(in_flight.pop(outcome.task.number), outcome, fresh=True)
    ordered = tuple(outcomes[n].record for n in sorted(outcomes))
    summaries = {n: o.returns for n, o in outcomes.items() if o.record.state == "complete"}
    reused = sum(1 for o in outcomes.values() if params_key(o.task.params) in reused_keys)
    return SearchRun(ordered, summaries, points, ran, reused)


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
    import json

    return json.dumps(params, sort_keys=True, separators=(",", ":"))


def describe_pool(pool: TrialPool) -> str:
    """Where the trials ran, in words."""
    return str(getattr(pool, "description", "this process"))


def _as_number(outcome: TrialOutcome, number: int) -> TrialOutcome:
    if outcome.task.number == number:
        return outcome
    task = replace(outcome.task, number=number)
    return replace(outcome, task=task, record=_renumbered(outcome.record, number))


@dataclass(slots=True)
class TrialRunner:
    """The prepared data and the per-trial engine run."""

    config: TradewindConfig
    request: OptimizeRequest
    markets: tuple[str, ...]
    keys: dict[tuple[str, str], str]
    panel: Any
    windows: dict[str, BarWindow]
    engine_runs: int = 0
    segment_start: int | None = None
    """Score only rows segment_start.. of the (truncated) panel; None: the whole run."""

    @classmethod
    def prepare(
        cls,
        config: TradewindConfig,
        catalog: Catalog,
        request: OptimizeRequest,
        markets: tuple[str, ...],
    ) -> TrialRunner:
        # The same preparation as backtest_config, done once for every trial.
        prepared = prepare_market_data(config, catalog)
        keys = {(s.market, s.symbol): s.key for s in prepared.series}
        panel = panel_from_aligned(prepared.panel)
        windows = {
            key: BarWindow.from_frame(panel.window_frame(key, frame))
            for key, frame in prepared.frames.items()
        }
        return cls(config, request, markets, keys, panel, windows)

    @property
    def n_rows(self) -> int:
        """Rows of the panel the engine runs over."""
        return int(self.panel.shape[0])

    def for_rows(self, start: int, stop: int) -> TrialRunner:
        """A runner over the panel cut at `stop` that scores rows start..stop-1 only
        (fresh cache and run count; the data is shared, not reloaded)."""
        if not 0 <= start < stop <= self.n_rows:
            raise OptimizeError(
                f"rows {start}..{stop}: expected 0 <= start < stop <= {self.n_rows} panel rows"
            )
        panel, windows = truncate_panel(self.panel, self.windows, stop)
        return TrialRunner(self.config, self.request, self.markets, self.keys, panel,
                            windows, segment_start=start)  # fmt: skip

    def run_params(self, params: dict[str, Choice]) -> tuple[TrialRecord, np.ndarray]:
        """One uncached engine run of `params`: its record and the equity of the scored
        rows, preceded by the row before them when there is one."""
        trial_config = self._with_params(params)
        spec = engine_spec_from_config(trial_config, self.keys)
        run = run_engine(self.panel, self.windows, spec)
        self.engine_runs += 1
        first = max((self.segment_start or 0) - 1, 0)
        return self._score(0, params, run), np.asarray(run.equity[first:], dtype=np.float64)

    def refusal(self, params: dict[str, Choice]) -> str | None:
        """Why the strategy's config refuses `params` (None: it accepts them)."""
        try:
            self._with_params(params)
        except StrategyError as refused:
            return str(refused)
        return None

    def _score(self, number: int, params: dict[str, Choice], run: EngineRun) -> TrialRecord:
        name, objective = self.request.strategy, self.request.objective
        if self.segment_start is None:
            results = summarize_run(run)
            own = results.by_strategy.get(name)
            traded = own is not None and (own.stats.trades > 0 or own.stats.entries > 0)
            return _complete(number, params, results.overall, objective, traded)
        stats, fills = segment_stats(run, self.segment_start, name)
        return replace(_complete(number, params, stats, objective, fills > 0), trades=fills)

    def _with_params(self, params: Mapping[str, Choice]) -> TradewindConfig:
        """The config with `params` set for the strategy in every market running it,
        validated by the strategy's own config class (StrategyError when refused)."""
        strategy = get_strategy(self.request.strategy)
        markets = dict(self.config.markets)
        for name in self.markets:
            market = markets[name]
            merged = {**market.strategy_params.get(self.request.strategy, {}), **params}
            strategy.config_from_params(merged)
            all_params = {**market.strategy_params, self.request.strategy: merged}
            markets[name] = market.model_copy(update={"strategy_params": all_params})
        return self.config.model_copy(update={"markets": markets})


def truncate_panel(
    panel: MarketPanel, windows: Mapping[str, BarWindow], stop: int
) -> tuple[MarketPanel, dict[str, BarWindow]]:
    """`panel` cut to its first `stop` rows and each symbol's window to the bars that
    appear in them (what the engine would have seen had the data ended there)."""
    bar_rows = {s: r[r < stop] for s, r in panel.bar_rows.items()}
    cut = replace(
        panel,
        timestamps=panel.timestamps[:stop], open=panel.open[:stop], high=panel.high[:stop],
        low=panel.low[:stop], close=panel.close[:stop], mark=panel.mark[:stop],
        fresh=panel.fresh[:stop], bar_rows=bar_rows,
        bar_times={s: t[: len(bar_rows[s])] for s, t in panel.bar_times.items()},
        volume=None if panel.volume is None else panel.volume[:stop],
    )  # fmt: skip
    return cut, {s: w.head(len(bar_rows[s])) for s, w in windows.items()}


def segment_stats(run: EngineRun, start: int, strategy: str) -> tuple[PerformanceStats, int]:
    """Statistics of the returns of rows start.. of `run` (the row before them anchors
    the first return) and how many fills `strategy` made in those rows."""
    from tradewind.research.stats import compute_stats

    first = max(start - 1, 0)
    stats = compute_stats(run.panel.timestamps[first:], run.equity[first:])
    fills = run.fills
    if not len(fills):
        return stats, 0
    books = fills["book"].to_numpy()
    own = np.array([strategy in run.books.strategies[int(b)] for b in books], dtype=bool)
    in_rows = fills["row"].to_numpy() >= start
    return stats, int(np.count_nonzero(own & in_rows))


def _complete(
    number: int, params: dict[str, Choice], stats: PerformanceStats, objective: str, traded: bool
) -> TrialRecord:
    # `traded`: the tuned strategy itself traded (other strategies may trade regardless).
    value = float(getattr(stats, OBJECTIVES[objective]))
    note = ""
    if not traded:
        value, note = WORST, "no trades: worst objective"
    elif not math.isfinite(value):
        value, note = WORST, f"{objective} undefined: worst objective"
    return TrialRecord(
        number=number,
        params=params,
        state="complete",
        objective=value,
        total_return=stats.total_return,
        sharpe=stats.sharpe,
        sortino=stats.sortino,
        calmar=stats.calmar,
        max_drawdown=stats.max_drawdown,
        trades=stats.trades,
        note=note,
    )


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
