"""Consoles and tables for the command line (rich is imported only when used)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

__all__ = ["console", "print_table"]


def console(*, stderr: bool = False) -> Console:
    """A rich console; piped or captured output gets 120 columns instead of 80."""
    from rich.console import Console

    found = Console(stderr=stderr)
    return found if found.is_terminal else Console(stderr=stderr, width=120)


def print_table(console: Console, table: Table) -> None:
    """Print `table` at its natural width when the terminal is narrower: long lines
    wrap instead of figures being cut to `…`."""
    from rich.console import Console
    from rich.measure import Measurement

    natural = Measurement.get(console, console.options.update(width=1000), table).maximum
    if natural <= console.width:
        console.print(table)
    else:
        Console(width=natural, file=console.file).print(table)
