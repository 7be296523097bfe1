"""`tradewind backtest`: a config over the catalog, or one strategy over one data file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.tables import console, print_table
from tradewind.domain.errors import TradewindError

if TYPE_CHECKING:
    from rich.console import Console

    from tradewind.app.backtest import BacktestOutcome
    from tradewind.research.stats import PerformanceStats


class BacktestUsageError(TradewindError):
    """The options of `tradewind backtest` do not form a run."""


def backtest_command(
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Tradewind YAML config to backtest.")
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="One bar file (CSV or Parquet) to backtest.")
    ] = None,
    strategy: Annotated[
        str | None, typer.Option("--strategy", "-s", help="Strategy for --data.")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="Strategy parameter key=value.")
    ] = None,
    symbol: Annotated[str | None, typer.Option(help="Symbol name for --data.")] = None,
    market: Annotated[str, typer.Option(help="Market class of --data.")] = "crypto",
    timeframe: Annotated[str, typer.Option(help="Bar timeframe of --data.")] = "1d",
    cash: Annotated[float, typer.Option(help="Initial cash for --data.")] = 1_000_000.0,
    size: Annotated[float, typer.Option(help="Position size for --data (see --size-mode).")] = 1.0,
    size_mode: Annotated[str, typer.Option(help="units or fraction (of equity).")] = "units",
    commission_bps: Annotated[float, typer.Option(help="Commission, bps of notional.")] = 0.0,
    stop_loss_pct: Annotated[
        float | None, typer.Option(help="Protective stop as a fraction (0.02 = 2%).")
    ] = None,
    take_profit_pct: Annotated[
        float | None, typer.Option(help="Take-profit as a fraction (0.05 = 5%).")
    ] = None,
    fill_model: Annotated[str, typer.Option(help="next_open or this_close.")] = "next_open",
    json_out: Annotated[Path | None, typer.Option("--json", help="Write results JSON.")] = None,
    report: Annotated[Path | None, typer.Option(help="Write the HTML report here.")] = None,
    catalog: Annotated[Path | None, typer.Option(help="Catalog directory (--config).")] = None,
    journal: Annotated[
        str | None,
        typer.Option(
            help="Journal (SQLite path or database URL); default: the config's "
            "backtest.journal, none for --data."
        ),
    ] = None,
) -> None:
    """Backtest a multi-market config, or one strategy over one data file."""
    from tradewind.app.backtest import backtest_config, backtest_data_file
    from tradewind.app.journaling import journal_run
    from tradewind.app.market_data import catalog_for
    from tradewind.config import load_config
    from tradewind.strategies.config import parse_assignments

    _out = console()
    if (config is None) == (data is None):
        raise BacktestUsageError("give exactly one of --config FILE or --data FILE")
    if config is not None:
        cfg = load_config(config)
        with _out.status("backtesting") as status:
            outcome = backtest_config(
                cfg, catalog_for(cfg, catalog), on_series=lambda s: status.update(f"loading {s}")
            )
        title = f"Tradewind backtest: {config.name}"
        report = report or cfg.backtest.report_dir / f"{config.stem}.html"
        journal = journal or cfg.backtest.journal
        config_json = cfg.model_dump_json()
    else:
        assert data is not None
        if strategy is None:
            raise BacktestUsageError("--data needs --strategy NAME (see `tradewind strategy list`)")
        outcome = backtest_data_file(
            data,
            strategy=strategy,
            params=parse_assignments(param or []),
            symbol=symbol,
            market=market,
            timeframe=timeframe,
            initial_cash=cash,
            size=size,
            size_mode=size_mode,
            commission_bps=commission_bps,
            stop_loss_pct=stop_loss_pct,
            take_profit_pct=take_profit_pct,
            fill_model=fill_model,
        )
        title = f"Tradewind backtest: {strategy} on {data.name}"
        config_json = json.dumps(
            {"data": str(data), "strategy": strategy, "params": param or [], "size": size}
        )
    _print_summary(_out, outcome)
    if journal is not None and journal != ":memory:":
        stored = journal_run(outcome.run, outcome.results, journal, config_json=config_json)
        _out.print(f"journal: run {stored.run_id} in {journal} (digest {stored.digest[:16]})")
    if json_out is not None:
        _out.print(f"results JSON: {outcome.results.write_json(json_out)}")
    if report is not None:
        _out.print(f"report: {outcome.results.write_report(report, title=title)}")


def _print_summary(_out: Console, outcome: BacktestOutcome) -> None:
    from rich import box
    from rich.table import Table

    results = outcome.results
    run = outcome.run
    _out.print(
        f"[bold]{run.entries}[/] entries, {len(run.fills)} fills, "
        f"{int((run.orders['status'] == 'denied').sum()) if len(run.orders) else 0} orders "
        f"denied by risk; final equity [bold]{run.final_equity:,.2f}[/]"
    )
    table = Table(box=box.SIMPLE_HEAD, title="results", title_justify="left")
    for column in ("scope", "return", "CAGR", "Sharpe", "Sortino", "Calmar", "max DD",
                   "win rate", "PF", "in market", "turnover/y", "trades"):  # fmt: skip
        table.add_column(column, justify="left" if column == "scope" else "right")
    table.add_row("all", *_stat_cells(results.overall))
    for name, group in results.by_market.items():
        table.add_row(f"market {name}", *_stat_cells(group.stats))
    for name, group in results.by_strategy.items():
        table.add_row(f"strategy {name}", *_stat_cells(group.stats))
    print_table(_out, table)


def _stat_cells(s: PerformanceStats) -> list[str]:
    def pct(x: float) -> str:
        return "-" if x != x else f"{100 * x:.2f}%"

    def num(x: float) -> str:
        return "-" if x != x else f"{x:.2f}"

    return [
        pct(s.total_return), pct(s.cagr), num(s.sharpe), num(s.sortino), num(s.calmar),
        pct(s.max_drawdown), pct(s.win_rate), num(s.profit_factor), pct(s.time_in_market),
        num(s.turnover_annual), str(s.trades),
    ]  # fmt: skip
