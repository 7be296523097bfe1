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
    walk_forward: Annotated[
        int | None,
        typer.Option("--walk-forward", help="Walk-forward folds (needs --train and --test)."),
    ] = None,
    train: Annotated[int | None, typer.Option(help="Walk-forward train rows per fold.")] = None,
    test: Annotated[int | None, typer.Option(help="Walk-forward test rows per fold.")] = None,
    anchored: Annotated[
        bool, typer.Option("--anchored", help="Walk-forward train always starts at row 0.")
    ] = False,
) -> None:
    """Search a strategy's parameters over a config's backtest (grid, random or TPE).

    Every trial backtests the config with the trial's parameters in each enabled market
    running the strategy; combinations its config refuses (fast >= slow) are infeasible
    and not run. The market data is loaded once for all trials.

    With --walk-forward K --train N --test M: K folds, each searching on N panel rows and
    running the best parameters on the M rows after them (rolling by M rows; --anchored:
    training starts at row 0), the out-of-sample returns stitched into one curve.
    """
    out = console()
    try:
        if walk_forward is None and train is None and test is None and not anchored:
            _optimize(out, config, strategy, param, method, trials, objective, seed,
                      catalog, json_out)  # fmt: skip
        else:
            _walk_forward(out, config, strategy, param, method, trials, objective, seed,
                             catalog, json_out, walk_forward, train, test, anchored)  # fmt: skip
    except TradewindError as exc:
        console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(_BAD_INPUT) from None


def _optimize(
    out: Console, config: Path, strategy: str, param: list[str], method: str,
    trials: int | None, objective: str, seed: int, catalog: Path | None, json_out: Path | None,
) -> None:  # fmt: skip
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from tradewind.app.optimize import (
        OptimizeRequest,
        optimize_config_file,
        parse_space,
        write_optimize_json,
    )

    request = OptimizeRequest(strategy=strategy, space=parse_space(param), method=method,
                              objective=objective, trials=trials, seed=seed)  # fmt: skip
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=out, transient=True) as progress:
        task = progress.add_task("trials", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        result = optimize_config_file(config, request, catalog, on_trial=advance)
    _print_summary(out, result)
    if json_out is not None:
        out.print(f"json: {write_optimize_json(json_out, result)}", highlight=False)


def _walk_forward(
    out: Console, config: Path, strategy: str, param: list[str], method: str,
    trials: int | None, objective: str, seed: int, catalog: Path | None, json_out: Path | None,
    folds: int | None, train: int | None, test: int | None, anchored: bool,
) -> None:  # fmt: skip
    import json

    from tradewind.app.optimize import OptimizeError, OptimizeRequest, parse_space
    from tradewind.app.walk_forward import walk_forward_config_file

    if folds is None or train is None or test is None:
        raise OptimizeError("--walk-forward, --train and --test: expected all three together")
    request = OptimizeRequest(strategy=strategy, space=parse_space(param), method=method,
                              objective=objective, trials=trials, seed=seed)  # fmt: skip
    with out.status("walk-forward"):
        result = walk_forward_config_file(config, request, folds, train, test,
                                          anchored=anchored, catalog=catalog)  # fmt: skip
    _print_walk_forward(out, result)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        payload = {"strategy": strategy, "method": method, "objective": objective,
                   "seed": seed, "walk_forward": result.as_dict()}  # fmt: skip
        json_out.write_text(json.dumps(payload, indent=2), encoding="utf-8")
        out.print(f"json: {json_out}", highlight=False)


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
        f"seed {r.seed}), {result.infeasible} infeasible, {result.engine_runs} engine runs; "
        f"data {result.prepare_seconds:.2f} s, search {result.search_seconds:.2f} s "
        f"({result.search_seconds / runs:.3f} s per run)",
        highlight=False, soft_wrap=True,
    )  # fmt: skip
    _print_best(out, result.complete[:_SHOWN], r.objective)
    line = result.param_line()
    out.print(f"best: {line}" if line else "no feasible trial", highlight=False, soft_wrap=True)


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
