"""Printing tables without truncating figures to a narrow terminal."""

from __future__ import annotations

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

__all__ = ["print_table"]


def print_table(console: Console, table: Table) -> None:
    """Print `table` at its natural width when the terminal is narrower: long lines
    wrap instead of figures being cut to `…`."""
    natural = Measurement.get(console, console.options.update(width=1000), table).maximum
    if natural <= console.width:
        console.print(table)
    else:
        Console(width=natural, file=console.file).print(table)
