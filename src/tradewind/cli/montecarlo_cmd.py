"""`tradewind montecarlo`: trade-order and block bootstrap of a run's result."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tradewind.cli.tables import console
from tradewind.domain.errors import TradewindError

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["montecarlo_command"]

_BAD_INPUT = 2


def montecarlo_command(
    run: Annotated[
        str | None, typer.Option("--run", help="Journaled run id to resample, or latest.")
    ] = None,
    journal: Annotated[
        str | None,
        typer.Option(
            "--journal",
            help="Journal of --run (default $TRADEWIND_JOURNAL or "
            "./tradewind-data/journal.sqlite).",
            show_default=False,
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Config to backtest now and resample.")
    ] = None,
    catalog: Annotated[Path | None, typer.Option(help="Catalog directory (--config).")] = None,
    method: Annotated[
        str | None,
        typer.Option(help="Comma-separated shuffle,trades,blocks (default: all that apply)."),
    ] = None,
    paths: Annotated[int, typer.Option(help="Paths per method (100..1,000,000).")] = 10_000,
    block_bars: Annotated[
        int | None, typer.Option(help="Mean block length in bars (default n^(1/3), >= 2).")
    ] = None,
    confidence: Annotated[
        float, typer.Option(help="Interval level in percent (50 < level < 100).")
    ] = 95.0,
    seed: Annotated[int, typer.Option(help="Seed of the resampling.")] = 0,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write JSON here.")] = None,
    report: Annotated[Path, typer.Option(help="Where to write the HTML report.")] = Path(
        "reports/montecarlo.html"
    ),
) -> None:
    """Resample a run's trades and returns: distributions of its final equity and risk.

    Shuffle (the trades in random order), trades (drawn with replacement) and blocks
    (stationary block bootstrap of the bar returns): final equity, CAGR, max drawdown and
    time under water with percentile intervals, as tables, JSON and an HTML report.
    """
    out = console()
    try:
        _montecarlo(out, run, journal, config, catalog, method, paths, block_bars,
                    confidence, seed, json_out, report)  # fmt: skip
    except TradewindError as exc:
        console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(_BAD_INPUT) from None


def _montecarlo(
    out: Console, run: str | None, journal: str | None, config: Path | None,
    catalog: Path | None, method: str | None, paths: int, block_bars: int | None,
    confidence: float, seed: int, json_out: Path | None, report: Path,
) -> None:  # fmt: skip
    from tradewind.app.montecarlo import (
        MonteCarloUsageError,
        input_from_config,
        input_from_journal,
        parse_methods,
        resample,
        write_montecarlo_json,
        write_montecarlo_report,
    )

    if (run is None) == (config is None):
        raise MonteCarloUsageError("give exactly one of --run ID or --config FILE")
    if config is not None and journal is not None:
        raise MonteCarloUsageError("--journal goes with --run, not --config")
    methods = parse_methods(method)
    if config is not None:
        with out.status("backtesting"):
            source = input_from_config(config, catalog)
    else:
        source = input_from_journal(run or "latest", journal)
    result = resample(source, methods, paths=paths, block_bars=block_bars,
                      confidence_pct=confidence, seed=seed)  # fmt: skip
    out.print(
        f"Monte-Carlo of {result.label}: {result.paths:,} paths per method, seed {result.seed}, "
        f"{result.years:.2f} years" + (f", mean block {result.block_bars} bars"
                                       if result.block_bars else ""),
        highlight=False, soft_wrap=True,
    )  # fmt: skip
    level = f"{confidence:g}%"
    for one in result.methods:
        _print_method(out, one, level)
    if json_out is not None:
        out.print(f"json: {write_montecarlo_json(json_out, result)}", highlight=False)
    written = write_montecarlo_report(report, result)
    out.print(f"report: {written}", highlight=False, soft_wrap=True)


def _print_method(out: Console, result: Any, level: str) -> None:
    """One method's table (`result`: a research MethodResult, which the CLI may not import)."""
    from rich import box
    from rich.table import Table

    from tradewind.cli.tables import print_table

    table = Table(
        title=f"{result.method} ({result.steps} {result.step_unit})", box=box.SIMPLE_HEAD,
        title_justify="left",
    )  # fmt: skip
    for column in ("metric", "observed", "mean", "median", f"{level} interval",
                   "observed pct", "P(loss)"):  # fmt: skip
        table.add_column(column, justify="left" if column == "metric" else "right")
    for s in result.metrics:
        table.add_row(
            f"{s.name} ({s.unit})", f"{s.observed:,.2f}", f"{s.mean:,.2f}", f"{s.median:,.2f}",
            f"{s.ci_low:,.2f} .. {s.ci_high:,.2f}", f"{s.observed_percentile:.1f}",
            "" if s.p_loss is None else f"{s.p_loss * 100:.1f}%",
        )  # fmt: skip
    print_table(out, table)
