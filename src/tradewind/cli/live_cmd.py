"""`tradewind live`: trade real orders, after the double confirmation."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.tables import console, print_warnings

if TYPE_CHECKING:
    from tradewind.app.live_start import LiveAccount

_Config = Annotated[Path, typer.Option("--config", "-c", help="Tradewind YAML config.")]
_Confirm = Annotated[
    list[str] | None,
    typer.Option(
        "--confirm",
        help="The venue account id to send live orders to, as shown at start (repeat it "
        "for each account); without it the account id is asked for on the terminal.",
    ),
]
_Journal = Annotated[
    str | None, typer.Option(help="Journal path or URL (default: the config's backtest.journal).")
]
_Until = Annotated[int | None, typer.Option(help="Stop after this row.")]
_Catalog = Annotated[Path | None, typer.Option(help="Catalog directory.")]


def live_command(
    config: _Config,
    confirm: _Confirm = None,
    journal: _Journal = None,
    until_row: _Until = None,
    catalog: _Catalog = None,
) -> None:
    """Trade real orders at each market's venue (operator mode).

    Double confirmation: every market must have `operator: true` (and be promoted to
    operator with `tradewind promote`), and the operator types the venue account id
    shown (or passes `--confirm ACCOUNT_ID`). Without both, nothing is sent (exit 2).
    Every order is journaled before it is sent and passes the risk rules and the rails;
    `tradewind stop` / `resume` from another shell act on the running session.
    """
    from tradewind.app.config_commands import load_config

    _out = console()
    cfg = load_config(config)
    from tradewind.app.control_state import operator_user
    from tradewind.app.journal_access import open_journal
    from tradewind.app.live_start import (
        LiveStartError,
        confirmation_problem,
        journal_confirmation,
        live_accounts,
        live_refusals,
    )
    from tradewind.app.preflight import check_run
    from tradewind.app.session import TradingSession

    start = check_run(cfg, source=config, catalog_dir=catalog, journal=journal, run="live")
    with open_journal(start.journal) as opened:
        refusals = live_refusals(cfg, opened)
    if refusals:
        raise LiveStartError("live trading refused, nothing was sent:\n  " + "\n  ".join(refusals))
    session = TradingSession(cfg, start.catalog, start.journal, mode="live")
    print_warnings(_out, session.warnings)
    for line in session.venue_lines:
        _out.print(line, markup=False, highlight=False, soft_wrap=True)
    accounts = live_accounts(session.accounts)
    for account in accounts:
        _out.print(
            f"[bold red]LIVE[/] account {account.account_id} ({', '.join(account.markets)})",
            highlight=False,
        )
    typed = list(confirm or []) or _ask(accounts)
    if problem := confirmation_problem(accounts, typed):
        raise LiveStartError(problem)
    with open_journal(start.journal) as opened:
        journal_confirmation(opened, accounts, operator_user())
    with _out.status("live run") as status:
        report = session.run(
            until_row=until_row,
            on_row=lambda t: status.update(f"live run: row {t + 1}/{session.live.shape[0]}"),
        )
    from tradewind.cli.session_cmd import print_report

    if session.reconciliation is not None:
        _out.print(f"reconciliation: {session.reconciliation.summary}", markup=False)
    print_report(_out, report, "live", start.journal)


def _ask(accounts: Sequence[LiveAccount]) -> list[str]:
    """The account ids typed at the terminal (none without one)."""
    from tradewind.app.live_start import LiveStartError

    if not sys.stdin.isatty():
        raise LiveStartError(
            "live trading needs the operator's confirmation: run it at a terminal and type "
            "the account id shown, or pass --confirm ACCOUNT_ID; nothing was sent"
        )
    typed = []
    for account in accounts:
        typed.append(typer.prompt(f"type account id {account.account_id} to trade it live"))
    return typed
