"""`tradewind capital status`: the scaling engine's summary and decisions of a run."""

from __future__ import annotations

from typing import Annotated

import typer

from tradewind.cli.signals_cmd import DEFAULT_JOURNAL, JournalOption

app = typer.Typer(help="Capital routing and autonomous scaling of journaled runs.",
                  no_args_is_help=True)  # fmt: skip


@app.callback()
def _group() -> None:
    """Capital routing and autonomous scaling of journaled runs."""


@app.command("status")
def status_command(
    journal: JournalOption = str(DEFAULT_JOURNAL),
    run: Annotated[
        str, typer.Option("--run", help="Run id, or 'latest' for the latest run with capital.")
    ] = "latest",
) -> None:
    """Print a run's one-line capital summary, its allocations, how its positions were
    sized (which factor bound them) and its capital events."""
    from rich.console import Console

    from tradewind.app.capital_status import capital_status_view
    from tradewind.store import Journal

    with Journal.open(journal, create=False) as opened:
        view = capital_status_view(opened, run)
    console = Console()
    console.print(view.summary, markup=False, highlight=False, soft_wrap=True)
    for table in view.tables():
        console.print(table)
