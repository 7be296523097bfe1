"""`tradewind paper` and `tradewind advisory`: step a config over a replayed feed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.tables import console

if TYPE_CHECKING:
    from rich.console import Console

    from tradewind.app.session import SessionReport

_Config = Annotated[Path, typer.Option("--config", "-c", help="Tradewind YAML config.")]
_Journal = Annotated[
    str | None, typer.Option(help="Journal path or URL (default: the config's backtest.journal).")
]
_Until = Annotated[int | None, typer.Option(help="Stop after this row (resume later).")]
_Catalog = Annotated[Path | None, typer.Option(help="Catalog directory.")]


def paper_command(
    config: _Config, journal: _Journal = None, until_row: _Until = None, catalog: _Catalog = None
) -> None:
    """Paper-trade a config over a replay of its data; every order is journaled before it
    can fill, and a rerun after a crash resumes where the journal left off."""
    _run("paper", config, journal, until_row, catalog)


def advisory_command(
    config: _Config, journal: _Journal = None, until_row: _Until = None, catalog: _Catalog = None
) -> None:
    """Log the signals a config would trade (marked advisory, with paper tracking) over a
    replay of its data; export them with `tradewind signals export`."""
    _run("advisory", config, journal, until_row, catalog)


def _run(
    mode: str, config: Path, journal: str | None, until_row: int | None, catalog: Path | None
) -> None:
    from tradewind.app.market_data import catalog_for
    from tradewind.app.session import TradingSession
    from tradewind.config import load_config

    _out = console()
    cfg = load_config(config)
    target = journal or cfg.backtest.journal
    session = TradingSession(cfg, catalog_for(cfg, catalog), target, mode=mode)
    with _out.status(f"{mode} run") as status:
        report = session.run(
            until_row=until_row,
            on_row=lambda t: status.update(f"{mode} run: row {t + 1}/{session.live.shape[0]}"),
        )
    _print(_out, report, mode, target)


def _print(_out: Console, report: SessionReport, mode: str, target: str) -> None:
    resumed = (
        f", resumed after row {report.resumed_from_row}"
        if report.resumed_from_row is not None
        else ""
    )
    _out.print(
        f"{mode} run {report.run_id}: {report.rows} rows{resumed}; {report.orders} orders, "
        f"{report.fills} fills; equity {report.final_equity:,.2f}; journal {target}"
    )
    for market, reason in report.paused.items():
        _out.print(f"[yellow]market {market} paused:[/] {reason}")
    if report.positions:
        held = ", ".join(f"{s} {q:g}" for s, q in report.positions.items())
        _out.print(f"open positions: {held}")
