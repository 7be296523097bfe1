"""`tradewind init` and `tradewind config ...`."""

from __future__ import annotations

import typer

app = typer.Typer(help="Check configuration files.", no_args_is_help=True)


def init_command() -> None:
    """Write a commented default configuration file."""
    raise NotImplementedError
