"""`tradewind signals export` through `app`: resolve a journaled run and write its
signals as CSV or JSON (see `tradewind.store.export`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from tradewind.store import Journal, RunInfo

__all__ = ["export_signals", "resolve_run"]


def resolve_run(journal: Journal, run: str, *, advisory_only: bool = False) -> RunInfo:
    """The run named `run`, or with "latest" the most recent (advisory) run.

    Raises:
        UnknownRunError: no such run, or the journal holds none.
    """
    from tradewind.store.export import resolve_run as resolve

    return resolve(journal, run, advisory_only=advisory_only)


def export_signals(
    journal: Journal, run: RunInfo, out: TextIO, *, fmt: str, advisory_only: bool = False
) -> int:
    """Write the run's signals to `out` as `fmt` (csv or json); returns how many.

    Raises:
        JournalError: an unknown format.
    """
    from tradewind.store.export import export_signals as export

    return export(journal, run, out, fmt=fmt, advisory_only=advisory_only)
