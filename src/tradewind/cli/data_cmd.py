"""`tradewind data ...`: list, import and show market data."""

from __future__ import annotations

import typer

app = typer.Typer(help="List, import, show and prepare market data.", no_args_is_help=True)
