"""Tables on the command line never cut a figure, at 80 columns or piped."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from tradewind.cli.tables import print_table


def _wide_table() -> Table:
    table = Table(title="results")
    table.add_column("scope")
    for name in ("return", "CAGR", "Sharpe", "Sortino", "Calmar", "max DD", "win rate",
                 "profit factor", "in market", "turnover/y", "closed", "open"):  # fmt: skip
        table.add_column(name, justify="right")
    table.add_row("strategy trend_following_v1", *[f"{1234567.891 * i:,.2f}" for i in range(12)])
    table.add_row("max_leverage", *[f"+{6.4321 * i:.4f}%" for i in range(12)])
    return table


def _print(table: Table, *, terminal: bool) -> str:
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=terminal, color_system=None)
    print_table(console, table)
    return out.getvalue()


def test_a_wide_table_on_an_80_column_terminal_is_split_without_cutting_a_cell() -> None:
    text = _print(_wide_table(), terminal=True)
    assert "…" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "results (continued)" in text
    for figure in ("13,580,246.80", "+70.7531%", "max_leverage"):
        assert figure in text
    assert text.count("max_leverage") >= 2  # the naming column leads every part


def test_piped_output_prints_the_table_whole_at_its_natural_width() -> None:
    text = _print(_wide_table(), terminal=False)
    assert "…" not in text
    assert "(continued)" not in text
    assert any(len(line) > 80 for line in text.splitlines())
    assert "13,580,246.80" in text


def test_a_text_column_wraps_between_words_instead_of_splitting_the_table() -> None:
    table = Table(title="events")
    table.add_column("time")
    table.add_column("detail")
    table.add_row("2016-06-21 00:00", "router ADAPTIVE: crypto 38.3%, equities 23.0%, " * 3)
    text = _print(table, terminal=True)
    assert "…" not in text
    assert "(continued)" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
