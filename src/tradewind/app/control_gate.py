"""The running session's end of the control channel: operator commands in force at once.

A watcher thread reads the journal's control commands every `control_poll_ms` (with
its own journal connection, so a session blocked on a slow venue still hears them),
journals the session's heartbeat, and puts what it reads in force in the `ControlGate`:
from that moment the order path sends no order a stop forbids (an entry under SOFT,
anything under HARD or FREEZE), and the watcher acknowledges the command as in force.
The session's thread then does the work the command asks for (cancel, flatten,
resume) at its next wait or row and acknowledges again with what it did
(`app.operator_actions`). Waits (the row pace, a feed waiting for its bar) sleep
through `ControlGate.sleep`, which wakes for a new command.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from tradewind.app.control_state import ControlState, fold_controls
from tradewind.app.journal_access import open_journal
from tradewind.store import Journal
from tradewind.store.control_records import ControlAction, ControlRecord

__all__ = ["ControlGate", "ControlWatcher"]

_STOPS = (ControlAction.SOFT, ControlAction.HARD, ControlAction.FREEZE)


@dataclass(slots=True)
class ControlGate:
    """The stops in force, shared by the watcher thread and the session's thread."""

    state: ControlState = field(default_factory=lambda: fold_controls(()))
    _records: list[ControlRecord] = field(default_factory=list)
    _unhandled: list[ControlRecord] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _wake: threading.Event = field(default_factory=threading.Event)
    on_wake: Callable[[], None] | None = None
    """Runs on the session's thread when a sleep is woken by a new command."""
    on_tick: Callable[[], None] | None = None
    """Runs on the session's thread every `tick_s` of a sleep (the dead man's switch)."""
    tick_s: float = 1.0

    def take_in(self, records: list[ControlRecord], *, handled: bool = False) -> None:
        """New commands (ascending ids): in force from now. `handled`: already acted
        on (those issued before the session started are folded in at start)."""
        with self._lock:
            self._records.extend(records)
            self.state = fold_controls(self._records)
            if not handled:
                self._unhandled.extend(records)
        if records and not handled:
            self._wake.set()

    def take_unhandled(self) -> list[ControlRecord]:
        """The commands the session's thread has not acted on yet, oldest first."""
        with self._lock:
            taken, self._unhandled = self._unhandled, []
        self._wake.clear()
        return taken

    def stop_for(self, market: str) -> ControlAction | None:
        """The stop in force for `market` (the stricter of its own and a global one)."""
        return self.state.stop_for(market)

    def refusal(self, market: str, *, is_exit: bool, control_order: bool = False) -> str:
        """Why an order of `market` must not be sent now ("" when it may)."""
        if market in self.state.disabled and not is_exit:
            return f"market {market} disabled by the operator"
        stop = self.stop_for(market)
        if stop is None or control_order:
            return ""
        if stop is ControlAction.SOFT and is_exit:
            return ""
        what = "entries" if stop is ControlAction.SOFT else "orders"
        return f"{stop.value.upper()} stop in force for {market}: no new {what}"

    def sleep(self, seconds: float) -> None:
        """Sleep `seconds`, acting on commands that arrive meanwhile (`on_wake`) and
        ticking every `tick_s` (`on_tick`)."""
        deadline = time.monotonic() + max(0.0, seconds)
        while (remaining := deadline - time.monotonic()) > 0:
            woken = self._wake.wait(min(remaining, self.tick_s))
            if woken and self.on_wake is not None:
                self.on_wake()
            elif woken:
                self._wake.clear()  # acted on at the next row's start
            elif self.on_tick is not None and remaining > self.tick_s:
                self.on_tick()  # a full tick passed without a command


@dataclass(slots=True)
class ControlWatcher:
    """The thread reading the control channel and journaling heartbeats."""

    journal_target: str
    run_id: str
    mode: str
    gate: ControlGate
    poll_s: float
    heartbeat_s: float
    detail: Callable[[], Mapping[str, object]] = dict
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    last_id: int = 0
    errors: list[str] = field(default_factory=list)

    def start(self, journal: Journal) -> list[ControlRecord]:
        """Read the commands journaled so far (returned: the session decides when
        they are in force) and start the thread, which reads only later ones."""
        records = journal.control_commands()
        self.last_id = records[-1].id if records else 0
        journal.beat(self.run_id, self.mode, dict(self.detail()))
        self._thread = threading.Thread(target=self._run, name="tradewind-control", daemon=True)
        self._thread.start()
        return records

    def stop(self) -> None:
        """Stop the thread (its last heartbeat stays journaled)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)

    def _run(self) -> None:
        journal = open_journal(self.journal_target)
        next_beat = time.monotonic() + self.heartbeat_s
        try:
            while not self._stop.wait(self.poll_s):
                self._read(journal)
                if time.monotonic() >= next_beat:
                    next_beat = time.monotonic() + self.heartbeat_s
                    self._guarded(lambda: journal.beat(self.run_id, self.mode, dict(self.detail())))
            # the last beat says the session ended: `tradewind stop` no longer waits for it
            ended = {**self.detail(), "ended": True}
            self._guarded(lambda: journal.beat(self.run_id, self.mode, ended))
        finally:
            journal.close()

    def _read(self, journal: Journal) -> None:
        def read() -> None:
            records = journal.control_commands(after_id=self.last_id)
            if not records:
                return
            self.last_id = records[-1].id
            self.gate.take_in(records)
            for record in records:
                if record.command.action is not ControlAction.CONFIRM_LIVE:
                    journal.acknowledge_control(record.id, self.run_id, _in_force(record))

        self._guarded(read)

    def _guarded(self, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception as exc:  # a busy or unreachable journal: try again next poll
            self.errors.append(f"{type(exc).__name__}: {exc}")
            del self.errors[:-20]


def _in_force(record: ControlRecord) -> str:
    action, market = record.command.action, record.command.market or "every market"
    if action in _STOPS:
        return f"in force for {market}: the order path refuses what a {action.value} stop forbids"
    return f"{action.value} for {market} seen; acting on it"
