"""A rich progress bar for long runs that stays silent in pipes, logs and tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

__all__ = ["Advance", "run_progress"]

Advance = Callable[[int], None]
"""Report that `n` more units (bars, chunks) are done."""


def _no_progress(n: int = 1) -> None:
    """Stand-in for `advance` when the bar is off."""


@contextmanager
def run_progress(
    total: int, description: str, *, quiet: bool = False, console: Console | None = None
) -> Iterator[Advance]:
    """Show a progress bar over `total` units; yields `advance(n)`.

    The bar is off (and `advance` a no-op) when `quiet` is True or when the console is
    not a terminal (stdout redirected, CI logs). Call `advance` per chunk, not per bar:
    each call costs a lock and a task update.

    Usage: `with run_progress(n_bars, "backtest") as advance: ... advance(chunk)`.
    """
    out = console if console is not None else Console()
    if quiet or not out.is_terminal or total <= 0:
        yield _no_progress
        return
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=out,
        transient=True,
    )
    with progress:
        task = progress.add_task(description, total=total)

        def advance(n: int = 1) -> None:
            progress.advance(task, n)

        yield advance
