"""`tradewind stop`, `tradewind resume` and `tradewind controls`: the operator's control
channel to running sessions, through their journal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tradewind.cli.journal_options import ConfigOption, JournalOption
from tradewind.cli.tables import console

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console

    from tradewind.app.control_commands import ControlOutcome

__all__ = ["controls_command", "resume_command", "stop_command"]

_Market = Annotated[
    str | None,
    typer.Option("--market", help="Only this market (default: every market).", show_default=False),
]
_Reason = Annotated[str, typer.Option("--reason", help="Why (journaled with the command).")]
_WaitS = Annotated[
    float,
    typer.Option(
        "--wait-s", min=0.0, help="Seconds to wait for the running sessions to acknowledge."
    ),
]


def stop_command(
    soft: Annotated[
        bool, typer.Option("--soft", help="No new entries; positions run to their exits.")
    ] = False,
    hard: Annotated[
        bool, typer.Option("--hard", help="Cancel working orders, flatten, halt.")
    ] = False,
    freeze: Annotated[
        bool, typer.Option("--freeze", help="No orders and no cancels at all.")
    ] = False,
    market: _Market = None,
    reason: _Reason = "",
    config: ConfigOption = None,
    journal: JournalOption = None,
    wait_s: _WaitS = 5.0,
) -> None:
    """Stop the sessions running on a journal (all markets, or one with --market).

    The stop is journaled, so a stop sent while no session runs is in force when the
    next one starts. Default mode: the config's risk.global.shutdown_mode (soft without
    --config). Exits 1 when a running session does not acknowledge within --wait-s.
    """
    from tradewind.app.control_commands import stop_command as stop

    _out = console()
    outcome = stop(
        config,
        journal,
        soft=soft,
        hard=hard,
        freeze=freeze,
        market=market,
        reason=reason,
        wait_s=wait_s,
        on_issued=_printer(_out),
    )
    _finish(outcome)


def _printer(_out: Console) -> Callable[[str], None]:
    """Prints a line as it is (journal paths and reasons are not markup)."""
    return lambda line: _out.print(line, markup=False, highlight=False, soft_wrap=True)


def resume_command(
    market: _Market = None,
    reason: _Reason = "",
    config: ConfigOption = None,
    journal: JournalOption = None,
    wait_s: _WaitS = 5.0,
) -> None:
    """Lift the stops in force (all, or with --market that market's own stop).

    A stop of every market stays when one market is resumed. Exits 1 when a running
    session does not acknowledge within --wait-s.
    """
    from tradewind.app.control_commands import resume_command as resume

    _out = console()
    outcome = resume(
        config,
        journal,
        market=market,
        reason=reason,
        wait_s=wait_s,
        on_issued=_printer(_out),
    )
    _finish(outcome)


def controls_command(
    config: ConfigOption = None,
    journal: JournalOption = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Latest commands shown.")] = 20,
) -> None:
    """The control audit: who stopped or resumed what, when, why, and what followed.

    The latest commands with the sessions that applied them and how fast, the stops in
    force and the running sessions.
    """
    from tradewind.app.control_commands import controls_view
    from tradewind.cli.tables import print_table

    view = controls_view(config, journal, limit=limit)
    _out = console()
    if view.records:
        print_table(_out, view.table())
    else:
        _out.print(f"no control command in {view.journal}", markup=False, highlight=False)
    for line in (view.state_line, *view.session_lines):
        _out.print(line, markup=False, highlight=False, soft_wrap=True)


def _finish(outcome: ControlOutcome) -> None:
    _out = console()
    for line in outcome.result_lines():
        _out.print(line, markup=False, highlight=False, soft_wrap=True)
    if outcome.exit_code:
        raise typer.Exit(outcome.exit_code)
