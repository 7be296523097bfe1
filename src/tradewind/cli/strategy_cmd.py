"""`tradewind strategy ...`: list the strategies and check them for look-ahead."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tradewind.cli.tables import console as _console

app = typer.Typer(help="List strategies and check them for look-ahead.", no_args_is_help=True)


@app.command("list")
def list_command() -> None:
    """Show the built-in strategies with their parameters and defaults."""
    from rich import box
    from rich.table import Table

    from tradewind.app.strategy_catalog import strategy_specs

    table = Table(box=box.SIMPLE_HEAD, title="strategies", show_lines=True)
    table.add_column("name", no_wrap=True)
    table.add_column("description")
    table.add_column("parameters (default, bounds)")
    specs = strategy_specs()
    for spec in specs:
        params = "\n".join(
            f"{p.name}={_value(p.default)}" + (f"  ({p.type_name} {p.bounds})" if p.bounds else "")
            for p in spec.parameters()
        )
        table.add_row(spec.name, spec.description, params)
    console = _console()
    console.print(table)
    console.print(
        f"{len(specs)} built-in strategies; set parameters with -p key=value, or use your own "
        "as package.module:STRATEGY",
        highlight=False,
    )


@app.command("check")
def check_command(
    name: Annotated[str, typer.Argument(help="Strategy name, or package.module:STRATEGY.")],
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Parameter as key=value (repeatable)."),
    ] = None,
    symbol: Annotated[str, typer.Option("--symbol", help="Series to check on.")] = "SPX",
    timeframe: Annotated[str, typer.Option("--timeframe", help="Bar timeframe.")] = "1d",
    market: Annotated[
        str | None, typer.Option("--market", help="Market class, when the symbol is ambiguous.")
    ] = None,
    random_cuts: Annotated[
        int, typer.Option("--random-cuts", min=0, help="Random cut points besides the fixed ones.")
    ] = 8,
    catalog_dir: Annotated[
        Path | None,
        typer.Option(
            "--catalog",
            help="Catalog directory (default: bundled data + yours).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check that NAME's signals never change when later bars are appended.

    Runs the strategy on the whole series and on prefixes ending at several cut points;
    a strategy that peeks ahead is refused (exit code 2) with the bar that changed.
    """
    from tradewind.app.strategy_catalog import check_causal

    report = check_causal(
        name, param or [], symbol=symbol, timeframe=timeframe, market=market,
        random_cuts=random_cuts, catalog_dir=catalog_dir,
    )  # fmt: skip
    console = _console()
    console.print(
        f"OK {report.strategy} on {report.symbol} {timeframe}: {report.signals} signals on "
        f"{report.bars} bars unchanged at {len(report.cut_points)} cut points "
        f"({', '.join(f'{k}={_value(v)}' for k, v in report.params.items())})",
        highlight=False,
    )
    if report.signals == 0:
        console.print(
            "note: no signals on this series, so the check proves little; try another "
            "--symbol or other parameters",
            highlight=False,
        )


def _value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
