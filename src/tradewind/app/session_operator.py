"""A session's operator side: the control channel, heartbeats, the order guard and
notifications, put around one pass (`SessionLoop`).

Commands journaled before a new run starts are in force from its first row (their
state only: nothing of this run works yet). Commands that arrive while it runs are
acted on at the next row's start and, in a run whose orders go to venues, at once:
every wait of the session (the row pace, a feed waiting for its bar) wakes for them.
Each step's marker lists the commands applied in it, so a resumed run on the simulated
venue applies them again at the same rows of its replay (runs on venues never replay:
they start anew and reconcile).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tradewind.app.control_gate import ControlGate, ControlWatcher
from tradewind.app.control_state import DONE_PREFIX
from tradewind.app.operator_actions import OperatorActions
from tradewind.app.operator_watch import OperatorWatch
from tradewind.app.order_guard import OrderGuard
from tradewind.app.session_status import market_venues, session_status
from tradewind.store import Journal
from tradewind.store.control_records import ControlRecord

if TYPE_CHECKING:
    from tradewind.app.notifications import Notifier
    from tradewind.app.session_loop import SessionLoop
    from tradewind.config import TradewindConfig
    from tradewind.risk.rails import LiveRails

__all__ = ["SessionOperator"]

_MARKER_KEY = "controls"
_STANDING_KEY = "controls_standing"


@dataclass(slots=True)
class SessionOperator:
    """Control channel, heartbeats, guard and notices of one session pass."""

    config: TradewindConfig
    journal: Journal
    run_id: str
    mode: str
    loop: SessionLoop
    journal_target: str | None
    """Where the watcher thread reads commands from (None: an in-memory journal,
    read only at row starts)."""
    acts_between_rows: bool
    notifier: Notifier | None = None
    rails: LiveRails | None = None
    gate: ControlGate = field(init=False)
    actions: OperatorActions = field(init=False)
    watch: OperatorWatch = field(init=False)
    watcher: ControlWatcher | None = None
    _by_id: dict[int, ControlRecord] = field(default_factory=dict)
    _replay: dict[int, list[tuple[int, bool]]] = field(default_factory=dict)
    _after_replay: list[ControlRecord] = field(default_factory=list)
    row: int = -1
    _last_tick: float = 0.0
    _row_started_s: float = field(default_factory=time.monotonic)
    _venues: dict[str, str] = field(default_factory=dict)
    _markets: Mapping[str, object] = field(default_factory=dict)
    """The last heartbeat's `markets` (kept for a market whose status cannot be read)."""

    def __post_init__(self) -> None:
        session = self.loop.session
        self._venues = market_venues(self.config)
        self.gate = ControlGate()
        self.actions = OperatorActions(self.loop, self._acknowledge, self._notify_action)
        self.watch = OperatorWatch(self.loop, self.config, self.journal, self.run_id,
                                   self._notice)  # fmt: skip
        self.loop.bridge.guard = OrderGuard(
            gate=self.gate,
            records=self.loop.records,
            inputs=session.inputs,
            risk=self.loop.risk,
            rails=self.rails,
            working=lambda: self.loop.bridge.working,
            on_denied=self._denied,
        )

    # -- lifecycle ------------------------------------------------------------------

    def start(self, done_step: int) -> None:
        """Read the commands so far, start the watcher; a resumed run learns from its
        markers which commands it applied at which step."""
        operator = self.config.operator
        if self.journal_target is not None:
            self.watcher = ControlWatcher(
                journal_target=self.journal_target,
                run_id=self.run_id,
                mode=self.mode,
                gate=self.gate,
                poll_s=operator.control_poll_ms / 1000,
                heartbeat_s=operator.dead_man.heartbeat_interval_s,
                detail=self._beat_detail,
            )
            before = self.watcher.start(self.journal)
        else:
            before = self.journal.control_commands()
        self._by_id = {record.id: record for record in before}
        if done_step < 0:
            self.gate.take_in(before, handled=True)  # in force from the first row
            self._replay = {-1: [(r.id, True) for r in before]}
        else:
            self._replay = self._applied_steps()
            applied = {i for pairs in self._replay.values() for i, _ in pairs}
            self._after_replay = [r for r in before if r.id not in applied]
        self.gate.tick_s = operator.dead_man.heartbeat_interval_s
        if self.acts_between_rows:
            self.gate.on_wake = self._act_between_rows
            self.gate.on_tick = lambda: self.watch.tick(self.actions.row)

    def close(self, *, completed: bool) -> None:
        """End of the pass: stop the watcher, send the last notices; a `completed`
        pass (not one cut short by an error) disarms venue countdowns, so its
        protective stops keep working."""
        if completed:
            self.watch.disarm_venues()
        if self.watcher is not None:
            self.watcher.stop()
        if self.notifier is not None:
            self.notifier.close()

    # -- per row ----------------------------------------------------------------------

    def at_row(self, t: int, done_step: int) -> None:
        """Row `t`'s start: the commands of this step (replayed, standing, or new)."""
        self._row_started_s = time.monotonic()
        self.row, self.actions.row = t, max(t - 1, 0)
        if 2 * t <= done_step:  # in force again from the step they were applied at
            replayed = [self._by_id[i] for i, _ in self._replay.get(2 * t, [])]
            self.gate.take_in(replayed, handled=True)
            for i, standing in self._replay.get(2 * t, []):
                self.actions.apply([self._by_id[i]], standing=standing, quiet=True)
            self.actions.take_applied()  # journaled already
            return
        for i, _ in self._replay.pop(-1, []):  # a new run: what was in force at its start
            self.actions.apply([self._by_id[i]], standing=True)
        late, self._after_replay = self._after_replay, []
        self.gate.take_in(late, handled=True)
        self.actions.apply(late)
        self._act()
        if time.monotonic() - self._last_tick >= self.gate.tick_s:
            self._last_tick = time.monotonic()
            self.watch.tick(self.actions.row)
        else:
            self.watch.watch_lost_venues(self.actions.row)

    def after_row(self, t: int, done_step: int) -> None:
        """Row `t` is journaled: notices, automatic shutdowns, drift."""
        self.watch.after_row(t, replayed=2 * t + 1 <= done_step)

    def marker(self) -> dict[str, object]:
        """The commands applied since the last step, for its marker."""
        pairs = self.actions.take_applied()
        marker: dict[str, object] = {}
        for key, standing in ((_MARKER_KEY, False), (_STANDING_KEY, True)):
            ids = [i for i, was_standing in pairs if was_standing is standing]
            if ids:
                marker[key] = ids
        return marker

    def sleep(self, seconds: float) -> None:
        """A wait of the session that wakes for operator commands."""
        self.gate.sleep(seconds)

    # -- helpers ----------------------------------------------------------------------

    def _act(self) -> None:
        records = self.gate.take_unhandled()
        for record in records:
            self._by_id[record.id] = record
        self.actions.apply(records)

    def _act_between_rows(self) -> None:
        if self.row >= 0:
            self._act()

    def _acknowledge(self, record: ControlRecord, outcome: str) -> None:
        self.journal.acknowledge_control(record.id, self.run_id, DONE_PREFIX + outcome)

    def _applied_steps(self) -> dict[int, list[tuple[int, bool]]]:
        """Per row-start step, the commands applied before that step was written."""
        steps: dict[int, list[tuple[int, bool]]] = {}
        for marker in self.journal.risk_states(self.run_id):
            step = int(marker.get("row", -1))
            for key, standing in ((_STANDING_KEY, True), (_MARKER_KEY, False)):
                ids = [int(i) for i in marker.get(key) or ()]
                steps.setdefault(step - step % 2, []).extend((i, standing) for i in ids)
        return steps

    def _beat_detail(self) -> Mapping[str, object]:
        """The heartbeat's detail (`app.session_status`), on the watcher's thread: it
        never raises (the last beat is written outside the watcher's guard)."""
        previous = self._markets
        try:
            status = session_status(
                self.loop,
                row=self.row,
                mode=self.mode,
                lost=self.watch.lost,
                venues=self._venues,
                row_age_s=time.monotonic() - self._row_started_s,
                previous=previous,
            )
        except Exception:  # the session's state changed under the read: the last status
            status = {"row": self.row, "paused": {}, "mode": self.mode, "markets": previous}
        markets = status["markets"]
        self._markets = markets if isinstance(markets, Mapping) else {}
        return status

    def _notify_action(self, title: str, body: str, market: str | None) -> None:
        self._notice("shutdown", title, body, market)

    def feed_events(self, events: list[dict[str, object]]) -> None:
        self.watch.feed_events(events)

    def _denied(self, market: str, code: str) -> None:
        if self.notifier is not None:
            self.notifier.denied(market, code)

    def _notice(self, kind: str, title: str, body: str, market: str | None = None) -> None:
        if self.notifier is None:
            return
        from tradewind.app.notifications import Notice
        from tradewind.config.operator import NoticeKind

        self.notifier.notify(Notice(NoticeKind(kind), title, body, market))
