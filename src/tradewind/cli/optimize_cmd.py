"""`tradewind optimize`: search one strategy's parameters over a config (Optuna)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tradewind.cli.tables import console
from tradewind.domain.errors import TradewindError

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["optimize_command"]

_BAD_INPUT = 2
_INTERRUPTED = 130
_SHOWN = 10


def optimize_command(
    config: Annotated[Path, typer.Option("--config", "-c", help="Tradewind YAML config.")],
    strategy: Annotated[str, typer.Option("--strategy", "-s", help="Strategy to tune.")],
    param: Annotated[
        list[str],
        typer.Option("--param", "-p", help="Searched range name=lo:hi[:step] or name=a,b,c."),
    ],
    method: Annotated[str, typer.Option(help="grid, random or tpe.")] = "tpe",
    trials: Annotated[
        int | None,
        typer.Option(help="Trials (default 50; grid: the full grid, a number caps it)."),
    ] = None,
    objective: Annotated[
        str, typer.Option(help="Maximized: sharpe, sortino, calmar or return.")
    ] = "sharpe",
    seed: Annotated[int, typer.Option(help="Seed of the sampler.")] = 0,
    catalog: Annotated[Path | None, typer.Option(help="Catalog directory.")] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write every trial as JSON here.")
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(help="Write the HTML report here (heatmap, overfitting, folds)."),
    ] = None,
    walk_forward: Annotated[
        int | None,
        typer.Option("--walk-forward", help="Walk-forward folds (needs --train and --test)."),
    ] = None,
    train: Annotated[int | None, typer.Option(help="Walk-forward train rows per fold.")] = None,
    test: Annotated[int | None, typer.Option(help="Walk-forward test rows per fold.")] = None,
    anchored: Annotated[
        bool, typer.Option("--anchored", help="Walk-forward train always starts at row 0.")
    ] = False,
    scheduler: Annotated[
        str,
        typer.Option(help="local (a Dask cluster on this machine), tcp://HOST:PORT or inline."),
    ] = "local",
    workers: Annotated[
        int | None, typer.Option(help="Process workers of the local cluster (default: cores).")
    ] = None,
    journal: Annotated[
        str | None,
        typer.Option(help="Journal of the trials (default: the config's backtest.journal; "
                     "'' keeps none).", show_default=False),
    ] = None,
) -> None:  # fmt: skip
    """Search a strategy's parameters over a config's backtest (grid, random or TPE).

    Every trial backtests the config with the trial's parameters in each enabled market
    running the strategy; combinations its config refuses (fast >= slow) are infeasible
    and not run. The market data is shipped once to each worker of the Dask cluster
    (--scheduler local: process workers here; tcp://HOST:PORT: an existing cluster;
    inline: this process). Each finished trial is journaled; the same command run
    again after an interruption resumes without rerunning finished trials.

    With --walk-forward K --train N --test M: K folds, each searching on N panel rows and
    running the best parameters on the M rows after them (rolling by M rows; --anchored:
    training starts at row 0), the out-of-sample returns stitched into one curve.
    """
    out = console()
    try:
        request, plan = _request(strategy, param, method, trials, objective, seed,
                                 walk_forward, train, test, anchored)  # fmt: skip
        options = _options(scheduler, workers, journal, catalog, report, json_out)
        _sweep(out, config, request, options, plan)
    except KeyboardInterrupt:
        kept = (
            ""
            if journal == ""
            else ": every finished trial is journaled, and the same command resumes"
        )
        console(stderr=True).print(f"interrupted{kept}", highlight=False, soft_wrap=True)
        raise typer.Exit(_INTERRUPTED) from None
    except TradewindError as exc:
        console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(_BAD_INPUT) from None


def _request(
    strategy: str, param: list[str], method: str, trials: int | None, objective: str,
    seed: int, folds: int | None, train: int | None, test: int | None, anchored: bool,
) -> tuple[Any, Any]:  # fmt: skip
    from tradewind.app.optimize import OptimizeError, OptimizeRequest, parse_space
    from tradewind.app.sweep import WalkForwardPlan

    request = OptimizeRequest(strategy=strategy, space=parse_space(param), method=method,
                              objective=objective, trials=trials, seed=seed)  # fmt: skip
    if folds is None and train is None and test is None and not anchored:
        return request, None
    if folds is None or train is None or test is None:
        raise OptimizeError("--walk-forward, --train and --test: expected all three together")
    return request, WalkForwardPlan(folds, train, test, anchored)


def _options(
    scheduler: str, workers: int | None, journal: str | None, catalog: Path | None,
    report: Path | None, json_out: Path | None,
) -> Any:  # fmt: skip
    from tradewind.app.sweep import SweepOptions

    return SweepOptions(scheduler=scheduler, workers=workers, journal=journal, catalog=catalog,
                        report=report, json_out=json_out)  # fmt: skip


def _sweep(out: Console, config: Path, request: Any, options: Any, plan: Any) -> None:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from tradewind.app.sweep import run_sweep_file

    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               "eta", TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=out, transient=True) as progress:
        task = progress.add_task("starting workers", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, description="trials", completed=done, total=total)

        def pool_up(description: str) -> None:
            progress.console.print(f"running on {description}", highlight=False)
            progress.update(task, description="loading data")

        outcome = run_sweep_file(config, request, options, plan, on_trial=advance,
                                 on_pool=pool_up)  # fmt: skip
    if outcome.search is not None:
        _print_summary(out, outcome.search)
    if outcome.walk_forward is not None:
        _print_walk_forward(out, outcome.walk_forward)
    if outcome.sweep_id is not None:
        resumed = (f"; resumed with {outcome.resumed_trials} trials already journaled"
                   if outcome.resumed_trials else "")  # fmt: skip
        out.print(f"journal: sweep {outcome.sweep_id} in {outcome.journal}{resumed}",
                  highlight=False, soft_wrap=True)  # fmt: skip
    for label, written in (("report", outcome.report), ("json", outcome.json_out)):
        if written is not None:
            out.print(f"{label}: {written}", highlight=False)


def _print_walk_forward(out: Console, result: Any) -> None:
    """Per-fold rows and params, IS vs OOS objective; the stitched curve's figures."""
    from rich import box
    from rich.table import Table

    from tradewind.cli.tables import print_table

    r = result.request
    kind = "anchored" if result.anchored else "rolling"
    table = Table(title=f"walk-forward ({kind}) by {r.objective}", box=box.SIMPLE_HEAD,
                  title_justify="left")  # fmt: skip
    for column in ("fold", "train rows", "test rows", "best params", "IS", "OOS", "OOS return %"):
        table.add_column(column, justify="left" if column == "best params" else "right")
    for i, f in enumerate(result.folds, start=1):
        oos = f.out_of_sample
        table.add_row(
            str(i), f"{f.fold.train_start}-{f.fold.train_stop}",
            f"{f.fold.test_start}-{f.fold.test_stop}",
            " ".join(f"{k}={v}" for k, v in f.params.items()) or "(none)",
            _number(None if f.best is None else f.best.objective),
            _number(None if oos is None else oos.objective),
            _number(None if oos is None else oos.total_return, 100.0),
        )  # fmt: skip
    print_table(out, table)
    out.print(
        f"{r.strategy} in {', '.join(result.markets)}: mean IS {r.objective} "
        f"{_number(result.mean_in_sample)} vs mean OOS {_number(result.mean_out_of_sample)}; "
        f"stitched OOS ({len(result.stitched_equity)} rows): return "
        f"{_number(result.stitched_return, 100.0)} %, Sharpe {_number(result.stitched_sharpe)}, "
        f"max DD {_number(result.stitched_max_drawdown, 100.0)} %; {result.engine_runs} engine "
        f"runs in {result.seconds:.2f} s",
        highlight=False, soft_wrap=True,
    )  # fmt: skip


def _print_summary(out: Console, result: Any) -> None:
    """Timings, the best trials and the best params (`result`: an app OptimizeResult)."""
    r = result.request
    runs = max(result.engine_runs, 1)
    out.print(
        f"{r.strategy} in {', '.join(result.markets)}: {len(result.trials)} trials ({r.method}, "
        f"seed {r.seed}), {result.infeasible} infeasible, {result.engine_runs} engine runs"
        + (f", {result.reused} taken from the journal" if result.reused else "")
        + f" on {result.pool}; data {result.prepare_seconds:.2f} s, search "
        f"{result.search_seconds:.2f} s ({result.search_seconds / runs:.3f} s per run)",
        highlight=False, soft_wrap=True,
    )  # fmt: skip
    _print_best(out, result.complete[:_SHOWN], r.objective)
    _print_overfitting(out, result)
    line = result.param_line()
    out.print(f"best: {line}" if line else "no feasible trial", highlight=False, soft_wrap=True)


def _print_overfitting(out: Console, result: Any) -> None:
    deflated, pbo = result.deflated, result.overfitting
    if deflated is not None:
        out.print(
            f"deflated Sharpe ratio of the best trial: {deflated.probability:.3f} (the chance "
            f"its Sharpe is above zero after {deflated.trials} trials)",
            highlight=False, soft_wrap=True,
        )  # fmt: skip
    if pbo is not None:
        out.print(
            f"probability of backtest overfitting: {pbo.probability:.3f} (CSCV, {pbo.splits:,} "
            f"splits of {pbo.blocks} blocks: how often the in-sample best ranks below the "
            "out-of-sample median)",
            highlight=False, soft_wrap=True,
        )  # fmt: skip


def _print_best(out: Console, rows: list[Any], objective: str) -> None:
    from rich import box
    from rich.table import Table

    from tradewind.cli.tables import print_table

    table = Table(title=f"best trials by {objective}", box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("#", "params", objective, "return %", "Sharpe", "max DD %", "trades", "note"):
        table.add_column(column, justify="left" if column in ("params", "note") else "right")
    for t in rows:
        table.add_row(
            str(t.number), " ".join(f"{k}={v}" for k, v in t.params.items()),
            _number(t.objective), _number(t.total_return, 100.0), _number(t.sharpe),
            _number(t.max_drawdown, 100.0), str(t.trades), t.note,
        )  # fmt: skip
    print_table(out, table)


def _number(value: float | None, scale: float = 1.0) -> str:
    if value is None or value != value:
        return "n/a"
    if value in (float("inf"), float("-inf")):
        return "-inf" if value < 0 else "inf"
    return f"{value * scale:,.2f}"
