"""`tradewind init` and `tradewind config check|show`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.tables import console as _console
from tradewind.cli.tables import print_table

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

    from tradewind.app.config_commands import TradewindConfig
    from tradewind.app.preflight import PreflightReport

app = typer.Typer(help="Check and show configuration files.", no_args_is_help=True)

_ConfigFile = Annotated[Path, typer.Argument(help="YAML configuration file.", show_default=False)]
_NoEnv = Annotated[
    bool,
    typer.Option("--no-env", help="Ignore TRADEWIND_... environment overrides."),
]
_Catalog = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="Catalog directory to check symbols against (bundled data included); "
        "default: the config's data.catalog_dir.",
        show_default=False,
    ),
]


def init_command(
    path: Annotated[Path, typer.Argument(help="Where to write the configuration.")] = Path(
        "tradewind.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented configuration file to start from.

    The file runs as written on the bundled data (tradewind backtest
    --config FILE); its comments explain every section and the
    TRADEWIND_... environment overrides.
    """
    from tradewind.app.config_commands import write_default_config

    written = write_default_config(path, force=force)
    typer.echo(f"wrote {written}; check it with: tradewind config check {written}")


@app.command("check")
def check_command(file: _ConfigFile, no_env: _NoEnv = False, catalog: _Catalog = None) -> None:
    """Check a configuration file as a run would, before running it.

    Validates the file, then checks every enabled market as backtest, paper
    and advisory do: each symbol has a series in the catalog, with bars
    within data.start..data.end, and each strategy accepts its parameters.
    Prints the markets and each series' data window; every problem names
    its field and line.
    """
    from tradewind.app.config_commands import load_config

    config = load_config(file, apply_env=not no_env)
    # the data and strategy stack is imported only for a file that loads
    from tradewind.app.market_data import catalog_for
    from tradewind.app.preflight import preflight

    report = preflight(config, catalog_for(config, catalog), source=file, apply_env=not no_env)
    console = _console()
    print_table(console, _markets_table(config))
    _print_summary(console, config, no_env=no_env)
    _print_windows(console, config, report)
    console.print(f"[green]OK[/] {file} is valid", highlight=False)


def _print_summary(console: Console, config: TradewindConfig, *, no_env: bool) -> None:
    from tradewind.app.config_commands import active_env_overrides, missing_credentials

    enabled = config.enabled_markets
    allocated = sum(m.risk_allocation_pct for m in enabled.values())
    console.print(
        f"{len(enabled)} of {len(config.markets)} markets enabled, "
        f"{allocated:g}% of capital allocated ({100 - allocated:g}% unallocated); "
        f"mode {config.mode.value}, base currency {config.base_currency}",
        highlight=False,
    )
    for name, missing in missing_credentials(config).items():
        market = enabled[name]
        console.print(
            f"[yellow]note:[/] market {name} ({market.provider.value}) needs "
            f"{', '.join(missing)}, not set in the environment or .env",
            highlight=False,
        )
    overrides = [] if no_env else active_env_overrides()
    if overrides:
        console.print(f"environment overrides applied: {', '.join(overrides)}", highlight=False)


def _print_windows(console: Console, config: TradewindConfig, report: PreflightReport) -> None:
    print_table(console, _windows_table(config, report))
    common = report.common_window
    if common is not None:
        console.print(
            f"every series has bars from {_stamp(common[0])} to {_stamp(common[1])}",
            highlight=False,
        )
    else:
        console.print(
            "[yellow]note:[/] no span where every series has bars; runs align the series "
            "on one timeline and markets without bars do not trade",
            highlight=False,
        )
    for note in report.notes:  # one line each, so that it can be searched for
        console.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)


@app.command("show")
def show_command(file: _ConfigFile, no_env: _NoEnv = False) -> None:
    """Print the effective configuration as YAML.

    Every field is shown, with defaults and TRADEWIND_... environment
    overrides applied; the output loads back as the same configuration.
    """
    from tradewind.app.config_commands import dump_config, load_config

    config = load_config(file, apply_env=not no_env)
    typer.echo(dump_config(config), nl=False)


def _windows_table(config: TradewindConfig, report: PreflightReport) -> Table:
    from rich import box
    from rich.table import Table

    start = config.data.start.isoformat() if config.data.start else "first bar"
    end = config.data.end.isoformat() if config.data.end else "last bar"
    table = Table(title=f"data window {start} to {end}", box=box.SIMPLE_HEAD)
    for column in ("market", "symbol", "tf", "source", "first bar", "last bar", "bars"):
        table.add_column(column, no_wrap=True, justify="right" if column == "bars" else "left")
    for window in report.windows:
        table.add_row(
            window.market,
            window.symbol,
            window.timeframe,
            window.source,
            _stamp(window.first_bar),
            _stamp(window.last_bar),
            f"{window.bars:,}",
        )
    return table


def _stamp(stamp: pd.Timestamp | None) -> str:
    from tradewind.app.data_commands import bar_time_label

    return bar_time_label(stamp)


def _markets_table(config: TradewindConfig) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title="markets", box=box.SIMPLE_HEAD)
    table.add_column("market (class)", no_wrap=True)
    table.add_column("provider", no_wrap=True)
    table.add_column("symbols", overflow="fold")
    table.add_column("strategies", overflow="fold")
    table.add_column("tf", no_wrap=True)
    table.add_column("alloc %", justify="right", no_wrap=True)
    table.add_column("on", no_wrap=True)
    for name, market in config.markets.items():
        label = name if name == market.market_class.value else f"{name} ({market.market_class})"
        provider = market.provider.value
        if market.exchange:
            provider += f":{market.exchange}"
        table.add_row(
            label,
            provider,
            " ".join(market.symbols),
            " ".join(market.strategies) or "-",
            str(market.timeframe),
            f"{market.risk_allocation_pct:g}",
            "yes" if market.enabled else "no",
        )
    return table
