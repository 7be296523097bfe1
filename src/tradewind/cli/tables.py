"""Consoles and tables for the command line (rich is imported only when used).

Figures are never cut to `…`: a table wider than the terminal is split into several
tables of whole columns (each repeating the first, naming column); piped or captured
output has no width to respect, so tables are printed at their natural width.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

__all__ = ["console", "print_table", "print_warnings"]

# Output that is not a terminal is laid out this wide (tables ignore it: natural width).
_PIPED_WIDTH = 120
_ELLIPSIS = "…"


def console(*, stderr: bool = False) -> Console:
    """A rich console; piped or captured output gets 120 columns instead of 80."""
    from rich.console import Console

    found = Console(stderr=stderr)
    return found if found.is_terminal else Console(stderr=stderr, width=_PIPED_WIDTH)


def print_warnings(console: Console, warnings: Iterable[str]) -> None:
    """One `warning:` line each, wrapped by the terminal rather than cut."""
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False, soft_wrap=True)


def print_table(console: Console, table: Table) -> None:
    """Print `table` without cutting a cell: at its natural width when the output is not
    a terminal; on a terminal whole (text wraps between words) when nothing is cut at the
    terminal's width, else split into tables of whole columns."""
    if not console.is_terminal:
        from rich.console import Console

        natural = _natural_width(console, table)
        Console(width=max(natural, console.width), file=console.file).print(table)
    elif _fits(console, table):
        console.print(table)
    else:
        for part in _column_parts(console, table):
            console.print(part)


def _natural_width(console: Console, table: Table) -> int:
    from rich.measure import Measurement

    return Measurement.get(console, console.options.update(width=10_000), table).maximum


def _fits(console: Console, table: Table) -> bool:
    """True when rendering at the console's width cuts no cell to `…`."""
    from io import StringIO

    from rich.console import Console

    rendered = StringIO()
    Console(width=console.width, file=rendered, color_system=None).print(table)
    return _ELLIPSIS not in rendered.getvalue()


def _column_parts(console: Console, table: Table) -> list[Table]:
    """Tables of consecutive columns, each fitting the console and led by column 0: as
    few as greedy packing needs, with the columns spread evenly over them when that fits."""
    bounds: list[tuple[int, int]] = []
    start = 1
    n_columns = len(table.columns)
    while start < n_columns:
        stop = start + 1
        while stop < n_columns and _fits(console, _subtable(table, start, stop + 1)):
            stop += 1
        bounds.append((start, stop))
        start = stop
    per_part = -(-(n_columns - 1) // len(bounds))
    even = [(a, min(a + per_part, n_columns)) for a in range(1, n_columns, per_part)]
    if len(even) == len(bounds) and all(_fits(console, _subtable(table, *b)) for b in even):
        bounds = even
    return [_subtable(table, a, b, continued=i > 0) for i, (a, b) in enumerate(bounds)]


def _subtable(table: Table, start: int, stop: int, *, continued: bool = False) -> Table:
    from rich.table import Table

    title = table.title
    if continued and title:
        title = f"{title} (continued)"
    part = Table(
        title=title, title_justify=table.title_justify, box=table.box,
        show_lines=table.show_lines, pad_edge=table.pad_edge,
    )  # fmt: skip
    chosen = [table.columns[0], *table.columns[start:stop]]
    for column in chosen:
        part.add_column(column.header, justify=column.justify, no_wrap=column.no_wrap,
                        overflow=column.overflow)  # fmt: skip
    for row in range(table.row_count):
        part.add_row(*(column._cells[row] for column in chosen))
    return part
