"""`tradewind init` and `tradewind config check|show`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.tables import console as _console

if TYPE_CHECKING:
    from rich.table import Table

    from tradewind.config import TradewindConfig

app = typer.Typer(help="Check and show configuration files.", no_args_is_help=True)

_ConfigFile = Annotated[Path, typer.Argument(help="YAML configuration file.", show_default=False)]
_NoEnv = Annotated[
    bool,
    typer.Option("--no-env", help="Ignore TRADEWIND_... environment overrides."),
]


def init_command(
    path: Annotated[Path, typer.Argument(help="Where to write the configuration.")] = Path(
        "tradewind.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented default configuration file."""
    from tradewind.config import write_default_config

    written = write_default_config(path, force=force)
    typer.echo(f"wrote {written}; check it with: tradewind config check {written}")


@app.command("check")
def check_command(file: _ConfigFile, no_env: _NoEnv = False) -> None:
    """Validate a configuration file and summarize its markets."""
    from tradewind.config import active_env_overrides, load_config, load_secrets

    config = load_config(file, apply_env=not no_env)
    console = _console()
    console.print(_markets_table(config))
    enabled = config.enabled_markets
    allocated = sum(m.risk_allocation_pct for m in enabled.values())
    console.print(
        f"{len(enabled)} of {len(config.markets)} markets enabled, "
        f"{allocated:g}% of capital allocated ({100 - allocated:g}% unallocated); "
        f"mode {config.mode.value}, base currency {config.base_currency}",
        highlight=False,
    )
    secrets = load_secrets()
    for name, market in enabled.items():
        missing = secrets.missing_for(market.provider)
        if missing:
            console.print(
                f"[yellow]note:[/] market {name} ({market.provider.value}) needs "
                f"{', '.join(missing)}, not set in the environment or .env",
                highlight=False,
            )
    overrides = [] if no_env else active_env_overrides()
    if overrides:
        console.print(f"environment overrides applied: {', '.join(overrides)}", highlight=False)
    console.print(f"[green]OK[/] {file} is valid", highlight=False)


@app.command("show")
def show_command(file: _ConfigFile, no_env: _NoEnv = False) -> None:
    """Print the effective configuration (defaults and environment overrides applied)."""
    from tradewind.config import dump_config, load_config

    config = load_config(file, apply_env=not no_env)
    typer.echo(dump_config(config), nl=False)


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
