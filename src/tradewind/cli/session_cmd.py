"""`tradewind paper` and `tradewind advisory`: step a config over a replayed feed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.tables import console, print_warnings

if TYPE_CHECKING:
    from rich.console import Console

    from tradewind.app.session import SessionReport

_Config = Annotated[Path, typer.Option("--config", "-c", help="Tradewind YAML config.")]
_Journal = Annotated[
    str | None, typer.Option(help="Journal path or URL (default: the config's backtest.journal).")
]
_Until = Annotated[int | None, typer.Option(help="Stop after this row (resume later).")]
_Catalog = Annotated[Path | None, typer.Option(help="Catalog directory.")]
_Speed = Annotated[
    float | None,
    typer.Option(
        min=1e-9,
        help="Pace rows at this many market seconds per wall second (e.g. 86400: one "
        "day a second), so replayed markets keep step with a live venue. Default: as "
        "fast as the feeds deliver.",
    ),
]


def paper_command(
    config: _Config,
    journal: _Journal = None,
    until_row: _Until = None,
    catalog: _Catalog = None,
    speed: _Speed = None,
) -> None:
    """Paper-trade a config over a replay of its data, journaled row by row.

    Every order goes through the venue port (each market's venue and data source are
    printed first) and is journaled before it is sent. A market on an exchange
    (`provider: binance`, ...) trades on the exchange's live bars with simulated fills.
    A rerun after a crash or a failed write (a full disk) resumes where the journal left off.
    The journal is checked before the run starts.
    """
    _run("paper", config, journal, until_row, catalog, speed)


def advisory_command(
    config: _Config,
    journal: _Journal = None,
    until_row: _Until = None,
    catalog: _Catalog = None,
    speed: _Speed = None,
) -> None:
    """Log the signals a config would trade, as suggestions, over a replay of its data.

    Each signal is journaled marked advisory, with what the engine decided for it.
    The orders they lead to go through the venue port to the simulated venue only
    (paper-tracked), never to a real venue.
    Export the signals with `tradewind signals export`.
    """
    _run("advisory", config, journal, until_row, catalog, speed)


def _run(
    mode: str,
    config: Path,
    journal: str | None,
    until_row: int | None,
    catalog: Path | None,
    speed: float | None,
) -> None:
    from tradewind.app.config_commands import load_config

    _out = console()
    cfg = load_config(config)  # a bad file fails before the engine is imported
    from tradewind.app.preflight import check_run
    from tradewind.app.session import TradingSession
    from tradewind.app.session_pace import RowPace

    start = check_run(cfg, source=config, catalog_dir=catalog, journal=journal, run=mode)
    target = start.journal
    session = TradingSession(cfg, start.catalog, target, mode=mode)
    print_warnings(_out, session.warnings)
    for line in session.venue_lines:  # never simulate silently: say where orders go
        _out.print(line, markup=False, highlight=False, soft_wrap=True)
    with _out.status(f"{mode} run") as status:
        report = session.run(
            until_row=until_row,
            on_row=lambda t: status.update(f"{mode} run: row {t + 1}/{session.live.shape[0]}"),
            pace=None if speed is None else RowPace(speed),
        )
    if session.reconciliation is not None:  # venues that work orders themselves
        _out.print(f"reconciliation: {session.reconciliation.summary}", markup=False)
    print_report(_out, report, mode, target)


_SENT_TO_VENUE = "orders sent to this test venue"
"""What a market's venue line says when its orders go to a venue (`paper_fills: venue`)."""


def print_report(_out: Console, report: SessionReport, mode: str, target: str) -> None:
    """The run's summary: rows, signals, orders and fills, feeds, paused markets."""
    from tradewind.app.redaction import redact_url

    resumed = (
        f", resumed after row {report.resumed_from_row}"
        if report.resumed_from_row is not None
        else ""
    )
    lines = [
        f"{mode} run {report.run_id}: {report.rows} rows{resumed}; journal {redact_url(target)}",
        _signals_line(report, mode),
    ]
    protective = report.orders - report.market_orders
    at_venue = mode == "live" or (
        mode != "advisory" and any(_SENT_TO_VENUE in v for v in report.venues)
    )
    kind = "" if at_venue else "simulated "
    denied = "denied by risk or refused by the venue" if at_venue else "denied by risk"
    orders = (
        f"{report.orders} {kind}orders ({report.market_orders} from signals, "
        f"{report.denied_orders or 'none'} {denied}; {protective} stop-loss/take-profit), "
        f"{report.fills} {kind}fills; {kind}equity {report.final_equity:,.2f}"
    )
    if mode == "live":
        lines.append(f"live trading at the venues above: {orders}")
    elif mode == "advisory":
        lines.append(f"paper-tracked, no order was sent to a venue: {orders}")
    elif at_venue:
        lines.append(f"paper trading with orders at the test venues above: {orders}")
    else:
        lines.append(f"paper trading on the simulated venue: {orders}")
    for line in lines:
        _out.print(line, markup=False, highlight=False, soft_wrap=True)
    for market, (bars, ahead) in report.live_bars.items():
        _out.print(
            f"market {market}: {bars} bars from its venue as they closed ({ahead} fetched "
            "ahead of their row: backfill after an outage or a late start)",
            markup=False, highlight=False, soft_wrap=True,
        )  # fmt: skip
    for event in report.feed_events:
        _out.print(
            f"market {event['market']} feed {event['event']} at row {event['row']}: "
            f"{event['detail']}",
            markup=False, highlight=False, soft_wrap=True,
        )  # fmt: skip
    for market, reason in report.paused.items():
        _out.print(f"[yellow]market {market} paused:[/] {reason}")
    if report.positions:
        held = ", ".join(f"{s} {q:g}" for s, q in report.positions.items())
        _out.print(f"open positions: {held}")


def _signals_line(report: SessionReport, mode: str) -> str:
    """`signals: N logged, A acted on (E entered, X exited), D denied by risk, ...`."""
    from tradewind.app.signal_decisions import ACTED_ON, OUTCOMES

    counts = report.signal_outcomes
    acted = {o: counts[o] for o in OUTCOMES if o in ACTED_ON and counts.get(o)}
    parts = [f"{sum(acted.values())} acted on"]
    if acted:
        parts[0] += f" ({', '.join(f'{n} {o}' for o, n in acted.items())})"
    parts += [f"{counts[o]} {o}" for o in OUTCOMES if o not in ACTED_ON and counts.get(o)]
    logged = "logged as advisory" if mode == "advisory" else "logged"
    return f"signals: {sum(counts.values())} {logged}, {', '.join(parts)}"
