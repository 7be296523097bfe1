"""`tradewind stop`, `resume` and `controls`: operator commands through the journal.

A command is journaled (`Journal.issue_control`), then the sender waits for the
acknowledgements of the sessions running on that journal: those whose heartbeat is
fresh (within `FRESH_HEARTBEAT_S`) and whose last beat does not say it ended
(`"ended": true` in its detail). A command sent while no session runs stays in the
journal and applies when the next session starts. The web API sends the same commands
through `send_control`.

Light on purpose: no engine, and the config is loaded only when a command names one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from tradewind.app.control_state import DONE_PREFIX, operator_user
from tradewind.domain.errors import TradewindError
from tradewind.store.control_records import (
    ControlAction,
    ControlCommand,
    ControlRecord,
    Heartbeat,
)

if TYPE_CHECKING:
    from rich.table import Table

    from tradewind.store import Journal

__all__ = [
    "DEFAULT_JOURNAL",
    "FRESH_HEARTBEAT_S",
    "POLL_INTERVAL_S",
    "ControlError",
    "ControlOutcome",
    "ControlTarget",
    "ControlsView",
    "control_target",
    "controls_view",
    "issued_line",
    "operator_user",
    "resume_command",
    "running_sessions",
    "send_control",
    "stop_action",
    "stop_command",
]

DEFAULT_JOURNAL = "tradewind-data/journal.sqlite"
"""The journal without --config or --journal (and without TRADEWIND_JOURNAL)."""
FRESH_HEARTBEAT_S = 5.0
"""A session whose last heartbeat is at most this old counts as running."""
POLL_INTERVAL_S = 0.05
"""How often the sender reads the journal for acknowledgements."""

_STOP_FLAGS = {
    "--soft": ControlAction.SOFT,
    "--hard": ControlAction.HARD,
    "--freeze": ControlAction.FREEZE,
}


class ControlError(TradewindError):
    """A control command that cannot be sent: an unknown market, conflicting flags or a
    journal that cannot reach a session."""


@dataclass(frozen=True, slots=True)
class ControlTarget:
    """Where a control command goes: the journal, the config's markets (None without a
    config: any market is accepted) and its default stop."""

    journal: str
    markets: tuple[str, ...] | None
    default_stop: ControlAction
    config_label: str

    def check_market(self, market: str | None) -> None:
        """Refuse a market the config does not have.

        Raises:
            ControlError: names the market and the config's markets.
        """
        if market is None or self.markets is None or market in self.markets:
            return
        raise ControlError(
            f"unknown market {market!r} in --market: expected one of "
            f"{', '.join(self.markets)} (the markets of {self.config_label})"
        )


def control_target(config: Path | None, journal: str | None) -> ControlTarget:
    """The journal as `tradewind paper` resolves it (`journal`, else the config's
    `backtest.journal`; without a config TRADEWIND_JOURNAL, else `DEFAULT_JOURNAL`), with
    the config's markets and `risk.global.shutdown_mode`.

    Raises:
        ConfigError: the config is missing or invalid.
        ControlError: the journal is `:memory:` (no other process can reach it).
    """
    if config is None:
        target = journal or os.environ.get("TRADEWIND_JOURNAL") or DEFAULT_JOURNAL
        return _checked(ControlTarget(target, None, ControlAction.SOFT, "no config"))
    from tradewind.app.config_commands import load_config

    loaded = load_config(config)
    mode = ControlAction(loaded.risk.global_.shutdown_mode.value)
    target = journal or loaded.backtest.journal
    return _checked(ControlTarget(target, tuple(loaded.markets), mode, str(config)))


def _checked(target: ControlTarget) -> ControlTarget:
    if target.journal.strip() in (":memory:", "sqlite://", "sqlite:///:memory:"):
        raise ControlError(
            f"journal {target.journal!r} keeps nothing another process can read: give the "
            "journal the session writes with --journal or --config"
        )
    return target


def stop_action(target: ControlTarget, *, soft: bool, hard: bool, freeze: bool) -> ControlAction:
    """The stop the flags ask for (none: the target's default stop).

    Raises:
        ControlError: more than one of --soft, --hard, --freeze.
    """
    chosen = [flag for flag, given in zip(_STOP_FLAGS, (soft, hard, freeze), strict=True) if given]
    if len(chosen) > 1:
        raise ControlError(f"give at most one of --soft, --hard, --freeze (got {' '.join(chosen)})")
    return _STOP_FLAGS[chosen[0]] if chosen else target.default_stop


@dataclass(frozen=True, slots=True)
class ControlOutcome:
    """A journaled command and what the running sessions made of it.

    Attributes:
        record: the command as read back after the wait, with its acknowledgements.
        journal: the journal's label (password masked).
        sessions: the sessions running when it was sent (fresh heartbeat).
        wait_s: how long the sender waited for them at most.
    """

    record: ControlRecord
    journal: str
    sessions: tuple[Heartbeat, ...]
    wait_s: float

    @property
    def missing(self) -> tuple[Heartbeat, ...]:
        """The running sessions that did not acknowledge in time."""
        acked = {ack.run_id for ack in self.record.acks}
        return tuple(beat for beat in self.sessions if beat.run_id not in acked)

    @property
    def exit_code(self) -> int:
        """1 when a running session did not acknowledge in time, else 0."""
        return 1 if self.missing else 0

    def result_lines(self) -> list[str]:
        """One line per acknowledgement (run, latency, outcome), then what is missing
        or, with no session running, where the command waits."""
        lines = [
            f"run {ack.run_id}: {ack.outcome} after {_latency_ms(self.record, ack.applied_at)} ms"
            for ack in self.record.acks
        ]
        if not self.sessions:
            what = _what(self.record.command)
            lines.append(
                f"no session is running on journal {self.journal} (no heartbeat within "
                f"{FRESH_HEARTBEAT_S:g} s): the {what} is journaled and applies when a "
                "session starts"
            )
        for beat in self.missing:
            lines.append(
                f"run {beat.run_id} ({beat.mode}, pid {beat.pid} on {beat.host}) is running "
                f"but did not acknowledge command {self.record.id} within {self.wait_s:g} s"
            )
        return lines


def running_sessions(beats: Sequence[Heartbeat], now: datetime) -> tuple[Heartbeat, ...]:
    """The sessions that count as running at `now`: a heartbeat at most
    `FRESH_HEARTBEAT_S` old whose detail does not say `"ended": true` (a session's last
    beat as it finishes)."""
    limit = timedelta(seconds=FRESH_HEARTBEAT_S)
    return tuple(b for b in beats if now - b.beat_at <= limit and b.detail.get("ended") is not True)


def issued_line(record: ControlRecord, journal: str) -> str:
    """`control command N: <what> journaled in <journal>`."""
    command = record.command
    scope = "every market" if command.market is None else f"market {command.market}"
    what = _what(command)
    reason = f", reason: {command.reason}" if command.reason else ""
    return (
        f"control command {record.id}: {what} on {scope} by {command.user}{reason}; "
        f"journaled in {journal}"
    )


def _what(command: ControlCommand) -> str:
    if command.action in _STOP_FLAGS.values():
        return f"{command.action.value} stop"
    return command.action.value


def send_control(
    journal: Journal,
    command: ControlCommand,
    *,
    wait_s: float,
    on_issued: Callable[[str], None] | None = None,
) -> ControlOutcome:
    """Journal `command`, tell `on_issued` its line, then wait up to `wait_s` for every
    running session (fresh heartbeat) to report it done (a session first acknowledges a
    command as in force, then as done), reading the journal every `POLL_INTERVAL_S`.

    Raises:
        JournalError: the journal cannot be written or read.
    """
    record = journal.issue_control(command)
    if on_issued is not None:
        on_issued(issued_line(record, journal.label))
    fresh = running_sessions(journal.heartbeats(), datetime.now(UTC))
    deadline = time.monotonic() + max(wait_s, 0.0)
    waiting = {beat.run_id for beat in fresh}
    while True:
        (record,) = journal.control_commands(after_id=record.id - 1, limit=1)
        done = {ack.run_id for ack in record.acks if ack.outcome.startswith(DONE_PREFIX)}
        if waiting <= done or time.monotonic() >= deadline:
            break
        time.sleep(POLL_INTERVAL_S)
    return ControlOutcome(record=record, journal=journal.label, sessions=fresh, wait_s=wait_s)


def stop_command(
    config: Path | None,
    journal: str | None,
    *,
    soft: bool = False,
    hard: bool = False,
    freeze: bool = False,
    market: str | None = None,
    reason: str = "",
    wait_s: float = FRESH_HEARTBEAT_S,
    on_issued: Callable[[str], None] | None = None,
) -> ControlOutcome:
    """`tradewind stop`: journal a stop (creating the journal if needed, so that a stop
    sent before any session is in force at the next start) and wait for the sessions.

    Raises:
        ConfigError: an invalid config.
        ControlError: conflicting stop flags, an unknown market, a `:memory:` journal.
        JournalError: the journal cannot be opened or written.
    """
    target = control_target(config, journal)
    action = stop_action(target, soft=soft, hard=hard, freeze=freeze)
    target.check_market(market)
    return _send(target, action, market, reason, wait_s, on_issued, create=True)


def resume_command(
    config: Path | None,
    journal: str | None,
    *,
    market: str | None = None,
    reason: str = "",
    wait_s: float = FRESH_HEARTBEAT_S,
    on_issued: Callable[[str], None] | None = None,
) -> ControlOutcome:
    """`tradewind resume`: journal a resume (of every stop, or of a market's own) and
    wait for the sessions. A missing journal is an error: it holds no stop to lift.

    Raises:
        ConfigError: an invalid config.
        ControlError: an unknown market, a `:memory:` journal.
        JournalError: the journal does not exist, or cannot be opened or written.
    """
    target = control_target(config, journal)
    target.check_market(market)
    return _send(target, ControlAction.RESUME, market, reason, wait_s, on_issued, create=False)


def _send(
    target: ControlTarget,
    action: ControlAction,
    market: str | None,
    reason: str,
    wait_s: float,
    on_issued: Callable[[str], None] | None,
    *,
    create: bool,
) -> ControlOutcome:
    from tradewind.app.journal_access import open_journal

    command = ControlCommand(
        action=action, market=market, user=operator_user(), reason=reason, source="cli"
    )
    with open_journal(target.journal, create=create) as opened:
        return send_control(opened, command, wait_s=wait_s, on_issued=on_issued)


@dataclass(frozen=True, slots=True)
class ControlsView:
    """What `tradewind controls` shows: the latest commands, the stops in force and the
    running sessions."""

    journal: str
    records: tuple[ControlRecord, ...]
    state_line: str
    session_lines: tuple[str, ...]

    def table(self) -> Table:
        """The commands as a rich table, oldest first."""
        from rich.table import Table

        table = Table(title=f"control commands in {self.journal}", title_justify="left")
        for column in (
            "id",
            "issued at (UTC)",
            "user",
            "source",
            "action",
            "market",
            "reason",
            "acks (run, latency, outcome)",
        ):
            table.add_column(column, justify="right" if column == "id" else "left")
        for record in self.records:
            command = record.command
            table.add_row(
                str(record.id),
                record.issued_at.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
                command.user,
                command.source,
                command.action.value,
                command.market or "all",
                command.reason,
                _acks_text(record),
            )
        return table


def controls_view(config: Path | None, journal: str | None, *, limit: int = 20) -> ControlsView:
    """`tradewind controls`: the last `limit` commands of an existing journal, the stops
    all of its commands leave in force, and the sessions with a fresh heartbeat.

    Raises:
        ConfigError: an invalid config.
        ControlError: a negative limit or a `:memory:` journal.
        JournalError: the journal does not exist or cannot be read.
    """
    from tradewind.app.control_state import fold_controls
    from tradewind.app.journal_access import open_journal

    if limit < 0:
        raise ControlError(f"invalid --limit {limit}: expected a count >= 0")
    target = control_target(config, journal)
    with open_journal(target.journal, create=False) as opened:
        records = opened.control_commands()
        beats = opened.heartbeats()
        label = opened.label
    state = fold_controls(records)
    shown = tuple(records[-limit:]) if limit else ()
    return ControlsView(label, shown, f"in force: {state.describe()}", _session_lines(beats))


def _session_lines(beats: Sequence[Heartbeat]) -> tuple[str, ...]:
    now = datetime.now(UTC)
    fresh = running_sessions(beats, now)
    if not fresh:
        return ("no session is running on this journal",)
    return tuple(
        f"session {b.run_id} ({b.mode}, pid {b.pid} on {b.host}) beat "
        f"{max((now - b.beat_at).total_seconds(), 0.0):.1f} s ago"
        for b in fresh
    )


def _acks_text(record: ControlRecord) -> str:
    if not record.acks:
        return "none"
    return "; ".join(
        f"{ack.run_id} {_latency_ms(record, ack.applied_at)} ms {ack.outcome}"
        for ack in record.acks
    )


def _latency_ms(record: ControlRecord, applied_at: datetime) -> int:
    return round((applied_at - record.issued_at).total_seconds() * 1000)
