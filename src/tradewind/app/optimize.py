"""`tradewind optimize`: an Optuna search of one strategy's parameters over a config.

The market data is prepared once; each trial rebuilds only the engine spec with the
trial's parameters in every enabled market that runs the strategy, and runs the engine.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
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
from tradewind.research.run_results import summarize_run
from tradewind.strategies.api import BarWindow
from tradewind.strategies.errors import StrategyError
from tradewind.strategies.registry import get_strategy

if TYPE_CHECKING:
    import optuna

    from tradewind.research.stats import PerformanceStats

__all__ = [
    "METHODS",
    "OBJECTIVES",
    "OptimizeError",
    "OptimizeRequest",
    "OptimizeResult",
    "TrialRecord",
    "TrialRunner",
    "optimize_config",
    "optimize_config_file",
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
) -> OptimizeResult:
    """Search `request.strategy`'s parameters over `config`'s enabled markets.

    `on_trial(done, total)` is called after every trial. Same seed, same trials.
    `rows` (start, stop): score each trial on those panel rows only (the engine runs
    up to `stop`, the objective comes from the returns of rows start..stop-1).

    Raises:
        TradewindError: see `validate_request`; missing data or bad risk settings.
    """
    markets = validate_request(config, request)
    started = time.perf_counter()
    runner = TrialRunner.prepare(config, catalog, request, markets)
    if rows is not None:
        runner = runner.for_rows(*rows)
    prepared = time.perf_counter()
    records, points = search_trials(runner, on_trial)
    return OptimizeResult(
        request=request,
        markets=markets,
        trials=tuple(records),
        prepare_seconds=prepared - started,
        search_seconds=time.perf_counter() - prepared,
        engine_runs=runner.engine_runs,
        grid_points=points,
    )


def search_trials(
    runner: TrialRunner, on_trial: Callable[[int, int], None] | None = None
) -> tuple[list[TrialRecord], int | None]:
    """Run the Optuna search of `runner.request` with `runner`: the trials and the
    grid size (None unless grid)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    request = runner.request
    points = grid_size(request.space) if request.method == "grid" else None
    total = _total_trials(request, points)
    study = optuna.create_study(direction="maximize", sampler=_sampler(request))
    records: list[TrialRecord] = []

    def objective(trial: optuna.Trial) -> float:
        record = runner.run(trial.number, _suggest(trial, request.space))
        records.append(record)
        if on_trial is not None:
            on_trial(len(records), total)
        if record.state != "complete":
            raise optuna.TrialPruned(record.note)
        return WORST if record.objective is None else record.objective

    study.optimize(objective, n_trials=total, catch=())
    return records, points


@dataclass(slots=True)
class TrialRunner:
    """The prepared data and the per-trial engine run (results cached by params)."""

    config: TradewindConfig
    request: OptimizeRequest
    markets: tuple[str, ...]
    keys: dict[tuple[str, str], str]
    panel: Any
    windows: dict[str, BarWindow]
    cache: dict[tuple[tuple[str, Choice], ...], TrialRecord] = field(default_factory=dict)
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

    def run(self, number: int, params: dict[str, Choice]) -> TrialRecord:
        """Run one trial (or reuse the result of the same params)."""
        key = tuple(sorted(params.items()))
        if key in self.cache:
            return _renumbered(self.cache[key], number)
        started = time.perf_counter()
        try:
            trial_config = self._with_params(params)
        except StrategyError as refused:
            record = TrialRecord(number, params, "infeasible", note=str(refused))
        else:
            spec = engine_spec_from_config(trial_config, self.keys)
            run = run_engine(self.panel, self.windows, spec)
            self.engine_runs += 1
            record = self._score(number, params, run)
        record = _timed(record, time.perf_counter() - started)
        self.cache[key] = record
        return record

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

    if request.method == "grid":
        grid = {d.name: list(grid_values(d)) for d in request.space}
        return optuna.samplers.GridSampler(grid, seed=request.seed)
    if request.method == "random":
        return optuna.samplers.RandomSampler(seed=request.seed)
    return optuna.samplers.TPESampler(seed=request.seed)


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


def _timed(record: TrialRecord, seconds: float) -> TrialRecord:
    return replace(record, seconds=seconds)
