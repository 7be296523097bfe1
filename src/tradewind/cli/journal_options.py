"""The `--config` / `--journal` options of the commands that act on a journal other
processes write (stop, resume, controls, user, serve): one wording, one resolution
(`app.control_commands.control_target`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["ConfigOption", "JournalOption"]

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", "-c", help="Tradewind YAML config: its journal and markets."),
]
JournalOption = Annotated[
    str | None,
    typer.Option(
        "--journal",
        help="Journal path or URL (default: the config's backtest.journal; without a "
        "config $TRADEWIND_JOURNAL or ./tradewind-data/journal.sqlite).",
        show_default=False,
    ),
]
