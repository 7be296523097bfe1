"""`tradewind signals export`: signals and aggregation decisions from the journal."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tradewind.domain.errors import TradewindError

app = typer.Typer(
    help="Export logged signals (advisory suggestions included).", no_args_is_help=True
)

DEFAULT_JOURNAL = Path("tradewind-data/journal.sqlite")  # where backtests journal
JournalOption = Annotated[
    str,
    typer.Option(
        "--journal",
        envvar="TRADEWIND_JOURNAL",
        help="Journal: a SQLite file or a postgresql:// URL "
        f"(default: $TRADEWIND_JOURNAL or ./{DEFAULT_JOURNAL}).",
        show_default=False,
    ),
]


class ExportFileError(TradewindError):
    """The `--out` file cannot be written (missing directory, no permission, full disk)."""


class _Format(StrEnum):
    CSV = "csv"
    JSON = "json"


@app.callback()
def _group() -> None:
    """Export logged signals (advisory suggestions included)."""


@app.command("export")
def export_command(
    journal: JournalOption = str(DEFAULT_JOURNAL),
    run: Annotated[
        str, typer.Option("--run", help="Run id, or 'latest' for the most recent run.")
    ] = "latest",
    fmt: Annotated[_Format, typer.Option("--format", help="Output format.")] = _Format.CSV,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write to this file instead of standard output.", show_default=False
        ),
    ] = None,
    advisory_only: Annotated[
        bool,
        typer.Option(
            "--advisory-only",
            help="Only advisory signals (with --run latest: the latest advisory run).",
        ),
    ] = False,
) -> None:
    """Write a run's signals as CSV or JSON, each with what the engine decided for it.

    Advisory rows are marked advisory=true: suggestions, never sent to a venue.
    """
    from tradewind.app.journal_access import open_journal
    from tradewind.app.signal_export import export_signals, resolve_run

    with open_journal(journal, create=False) as opened:
        info = resolve_run(opened, run, advisory_only=advisory_only)
        if out is None:
            export_signals(opened, info, sys.stdout, fmt=fmt.value, advisory_only=advisory_only)
            return
        try:
            with out.open("w", encoding="utf-8", newline="") as handle:
                count = export_signals(
                    opened, info, handle, fmt=fmt.value, advisory_only=advisory_only
                )
        except OSError as exc:
            raise ExportFileError(f"cannot write --out {out}: {exc.strerror}") from None
    typer.echo(f"wrote {count} signals of run {info.run_id} ({info.mode.value}) to {out}", err=True)
