"""What `tradewind backtest` prints: headline, warnings, rejected rows of a data file,
results per scope and the positions still open at the end."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table

from tradewind.cli.tables import print_table, print_warnings

if TYPE_CHECKING:
    from rich.console import Console

    from tradewind.app.backtest import BacktestOutcome
    from tradewind.app.report_types import IngestReport, PerformanceStats

__all__ = ["print_outcome"]

_STAT_COLUMNS = ("scope", "return", "CAGR", "Sharpe", "Sortino", "Calmar", "max DD",
                 "win rate", "PF", "in market", "turnover/y", "closed", "open")  # fmt: skip


def print_outcome(out: Console, outcome: BacktestOutcome) -> None:
    """Everything a finished backtest reports on the terminal."""
    if outcome.ingest is not None:
        _print_rejects(out, outcome.ingest)
    if outcome.prepared is not None:
        print_warnings(out, outcome.prepared.warnings)
    run = outcome.run
    denied = int((run.orders["status"] == "denied").sum()) if len(run.orders) else 0
    out.print(
        f"[bold]{run.entries:,}[/] entries, {len(run.fills):,} fills, {denied:,} orders "
        f"denied by risk; final equity [bold]{run.final_equity:,.2f}[/]",
        highlight=False,
    )
    print_table(out, _results_table(outcome))
    out.print(
        "win rate, PF and closed count closed trades; open positions are marked at the "
        "last close and counted in return and drawdown",
        style="dim",
        highlight=False,
    )
    positions = outcome.results.open_positions()
    if positions:
        print_table(out, _open_table(positions))


def _results_table(outcome: BacktestOutcome) -> Table:
    results = outcome.results
    table = Table(box=box.SIMPLE_HEAD, title="results", title_justify="left")
    for column in _STAT_COLUMNS:
        table.add_column(column, justify="left" if column == "scope" else "right")
    table.add_row("all", *_stat_cells(results.overall))
    for name, group in results.by_market.items():
        table.add_row(f"market {name}", *_stat_cells(group.stats))
    for name, group in results.by_strategy.items():
        table.add_row(f"strategy {name}", *_stat_cells(group.stats))
    return table


def _open_table(positions: list[dict[str, Any]]) -> Table:
    table = Table(
        box=box.SIMPLE_HEAD,
        title=f"{len(positions)} position(s) open at the end, marked at the last close",
        title_justify="left",
    )
    for column in ("symbol", "market", "side", "qty", "since", "avg entry", "last close",
                   "unrealized P&L"):  # fmt: skip
        table.add_column(column, justify="left" if column in ("symbol", "market", "side",
                                                              "since") else "right")  # fmt: skip
    for p in positions:
        table.add_row(
            p["symbol"], p["market"], p["side"], f"{abs(p['qty']):,.6g}", p["entry_time"][:10],
            f"{p['entry_price']:,.6g}", f"{p['mark_price']:,.6g}", f"{p['unrealized_pnl']:,.2f}",
        )  # fmt: skip
    return table


def _print_rejects(out: Console, report: IngestReport) -> None:
    if not report.rejected:
        return
    out.print(
        f"[yellow]warning:[/] {report.source_name}: {report.rejected:,} of "
        f"{report.rows_in:,} rows rejected ({report.rules_text}); the run uses the "
        f"{report.accepted:,} valid rows (--strict refuses the file instead)",
        highlight=False,
        soft_wrap=True,
    )
    for example in report.examples:
        out.print(f"  line {example.row_number}: {example.reason}", highlight=False,
                  soft_wrap=True)  # fmt: skip


def _stat_cells(s: PerformanceStats) -> list[str]:
    def pct(x: float) -> str:
        return "-" if x != x else f"{100 * x:,.2f}%"

    def num(x: float) -> str:
        return "-" if x != x else f"{x:,.2f}"

    return [
        pct(s.total_return), pct(s.cagr), num(s.sharpe), num(s.sortino), num(s.calmar),
        pct(s.max_drawdown), pct(s.win_rate), num(s.profit_factor), pct(s.time_in_market),
        num(s.turnover_annual), f"{s.trades:,}", f"{s.open_trades:,}",
    ]  # fmt: skip
