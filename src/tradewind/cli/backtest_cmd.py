"""`tradewind backtest`: a config over the catalog, or one strategy over one data file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.tables import console
from tradewind.domain.errors import TradewindError

if TYPE_CHECKING:
    from tradewind.app.backtest import BacktestOutcome, DataFileRun


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
    size_mode: Annotated[
        str, typer.Option(help="units, or fraction of equity (0.5 = half).")
    ] = "units",
    account: Annotated[
        str,
        typer.Option(help="cash (buys only with cash, no shorts) or margin, for --data."),
    ] = "cash",
    commission_bps: Annotated[float, typer.Option(help="Commission, bps of notional.")] = 0.0,
    stop_loss_pct: Annotated[
        float | None, typer.Option(help="Protective stop, percent of the entry (2 = 2%).")
    ] = None,
    take_profit_pct: Annotated[
        float | None, typer.Option(help="Take-profit, percent of the entry (5 = 5%).")
    ] = None,
    fill_model: Annotated[str, typer.Option(help="next_open or this_close.")] = "next_open",
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse a --data file with any invalid row.")
    ] = False,
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
    """Backtest a multi-market config, or one strategy over one data file.

    Prints results overall, per market and per strategy (trade statistics count closed
    trades; positions still open at the end are listed with their unrealized P&L),
    journals the run and writes the HTML report.
    """
    from tradewind.app.backtest import DataFileRun, Sizing
    from tradewind.app.strategy_catalog import parse_assignments

    if (config is None) == (data is None):
        raise BacktestUsageError("give exactly one of --config FILE or --data FILE")
    if config is not None:
        _run_config(config, catalog, report, journal, json_out)
        return
    assert data is not None
    if strategy is None:
        raise BacktestUsageError("--data needs --strategy NAME (see `tradewind strategy list`)")
    request = DataFileRun(
        path=data,
        strategy=strategy,
        params=parse_assignments(param or []),
        symbol=symbol,
        market=market,
        timeframe=timeframe,
        initial_cash=cash,
        sizing=Sizing(_size_mode(size_mode), size),
        commission_bps=commission_bps,
        stop_loss_pct=_percent_option("--stop-loss-pct", stop_loss_pct, stop=True),
        take_profit_pct=_percent_option("--take-profit-pct", take_profit_pct, stop=False),
        fill_model=fill_model,
        cash_account=_is_cash_account(account),
        strict=strict,
    )
    _run_data_file(request, param or [], report, journal, json_out)


def _run_config(
    config: Path, catalog: Path | None, report: Path | None, journal: str | None,
    json_out: Path | None,
) -> None:  # fmt: skip
    from tradewind.app.config_commands import load_config

    cfg = load_config(config)  # a bad file fails before the engine is imported
    from tradewind.app.backtest import backtest_config
    from tradewind.app.preflight import check_run
    from tradewind.app.venue_choice import backtest_venues

    out = console()
    start = check_run(cfg, source=config, catalog_dir=catalog, journal=journal)
    venues = backtest_venues(cfg)
    for market, route in venues.items():  # never simulate silently
        out.print(f"{market}: provider {route['provider']}; {route['venue']}; data "
                  f"{route['data']}", markup=False, highlight=False, soft_wrap=True)  # fmt: skip
    with out.status("backtesting") as status:
        outcome = backtest_config(
            cfg, start.catalog, on_series=lambda s: status.update(f"loading {s}")
        )
    title = f"Tradewind backtest: {config.name}"
    _finish(outcome, title, report or cfg.backtest.report_dir / f"{config.stem}.html",
            start.journal, json_out,
            json.dumps(json.loads(cfg.model_dump_json()) | {"venues": venues}))  # fmt: skip


def _run_data_file(
    request: DataFileRun, params: list[str], report: Path | None, journal: str | None,
    json_out: Path | None,
) -> None:  # fmt: skip
    from tradewind.app.backtest import backtest_data_file
    from tradewind.app.journal_access import check_journal_writable

    if journal is not None:
        check_journal_writable(journal)  # an unusable journal fails now, not after the run
    outcome = backtest_data_file(request)
    title = f"Tradewind backtest: {request.strategy} on {request.path.name}"
    config_json = json.dumps({"data": str(request.path), "strategy": request.strategy,
                              "params": params, "size": request.sizing.value,
                              "size_mode": request.sizing.mode,
                              "account": "cash" if request.cash_account else "margin"})  # fmt: skip
    _finish(outcome, title, report, journal, json_out, config_json)


def _finish(
    outcome: BacktestOutcome, title: str, report: Path | None, journal: str | None,
    json_out: Path | None, config_json: str,
) -> None:  # fmt: skip
    from tradewind.app.journaling import journal_run
    from tradewind.app.redaction import redact_url
    from tradewind.cli.backtest_output import print_outcome

    out = console()
    print_outcome(out, outcome)
    if journal is not None and journal != ":memory:":
        stored = journal_run(outcome.run, outcome.results, journal, config_json=config_json)
        out.print(f"journal: run {stored.run_id} in {redact_url(journal)} "
                  f"(digest {stored.digest[:16]})", highlight=False, soft_wrap=True)  # fmt: skip
    if json_out is not None:
        out.print(f"results JSON: {outcome.results.write_json(json_out)}", highlight=False)
    if report is not None:
        notes = outcome.prepared.warnings if outcome.prepared is not None else ()
        written = outcome.results.write_report(report, title=title, notes=notes)
        out.print(f"report: {written}", highlight=False, soft_wrap=True)


def _size_mode(text: str) -> str:
    mode = text.strip().lower()
    if mode not in ("units", "fraction"):
        raise BacktestUsageError(f"--size-mode {text!r}: expected units or fraction")
    return mode


def _is_cash_account(text: str) -> bool:
    kind = text.strip().lower()
    if kind not in ("cash", "margin"):
        raise BacktestUsageError(f"--account {text!r}: expected cash or margin")
    return kind == "cash"


def _percent_option(name: str, value: float | None, *, stop: bool) -> float | None:
    """A stop-loss or take-profit option in percent, with the bounds the config file
    has; refused when it is clearly a fraction (0.02 for 2%)."""
    from tradewind.app.backtest import exit_percent

    return None if value is None else exit_percent(name, value, stop=stop)
