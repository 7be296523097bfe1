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
    """Print a run's capital summary, allocations, sizing decisions and capital events.

    Sizing decisions say which factor bound each position.
    """
    from rich.console import Console

    from tradewind.app.capital_status import capital_status_view
    from tradewind.app.journal_access import open_journal
    from tradewind.cli.tables import print_table

    with open_journal(journal, create=False) as opened:
        view = capital_status_view(opened, run)
    console = Console()
    console.print(view.summary, markup=False, highlight=False, soft_wrap=True)
    for table in view.tables():
        print_table(console, table)
