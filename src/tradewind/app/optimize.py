"""`tradewind optimize`: an Optuna search of one strategy's parameters over a config.

The market data is prepared once; each trial rebuilds only the engine spec with the
trial's parameters in every enabled market that runs the strategy, and runs the engine.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from tradewind.app.trial_pool import InlinePool, TrialPool
from tradewind.app.trial_search import (
    SearchRun,
    overfitting_figures,
    params_key,
    search_trials,
)
from tradewind.config import TradewindConfig
from tradewind.data.catalog import Catalog
from tradewind.domain.errors import TradewindError
from tradewind.engine.backtest import EngineRun, run_engine
from tradewind.engine.panel import MarketPanel, panel_from_aligned
from tradewind.research.optimize_space import (
    Choice,
    check_known,
    grid_size,
    parse_space,
)
from tradewind.research.run_results import summarize_run
from tradewind.strategies.api import BarWindow
from tradewind.strategies.errors import StrategyError
from tradewind.strategies.registry import get_strategy

if TYPE_CHECKING:
    from tradewind.app.sweep_journal import SweepLog
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
        runner.check_rows(*rows)
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
        reused=search.reused, pool=pool.description,
    )  # fmt: skip


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

    def check_rows(self, start: int, stop: int) -> None:
        """Raise OptimizeError unless rows start..stop-1 lie in the panel."""
        if not 0 <= start < stop <= self.n_rows:
            raise OptimizeError(
                f"rows {start}..{stop}: expected 0 <= start < stop <= {self.n_rows} panel rows"
            )

    def for_rows(self, start: int, stop: int) -> TrialRunner:
        """A runner over the panel cut at `stop` that scores rows start..stop-1 only
        (fresh cache and run count; the data is shared, not reloaded)."""
        self.check_rows(start, stop)
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
