"""One pass of a paper or advisory session over its rows: the order of work in a row
and the journal step each part belongs to (see `SessionLoop`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from tradewind.app.capital_journal import CapitalJournalCursor, CapitalRows
from tradewind.app.session_records import SessionRecords
from tradewind.app.session_rows import RowWriter
from tradewind.app.signal_decisions import LoopLog
from tradewind.app.venue_bridge import VenueBridge
from tradewind.engine.books import BookSet
from tradewind.engine.capital import CapitalDriver
from tradewind.engine.inputs import run_rows
from tradewind.engine.kernel import KIND_MARKET
from tradewind.engine.state import KernelState
from tradewind.risk.state import RiskState
from tradewind.store import Journal
from tradewind.store.row_batch import CapitalStatus

if TYPE_CHECKING:
    from tradewind.app.session import TradingSession
    from tradewind.app.session_operator import SessionOperator
    from tradewind.app.session_reconcile import PeriodicReconciliation

__all__ = ["SessionLoop"]


@dataclass(slots=True)
class SessionLoop:
    """One pass over the rows: engine state, risk state, capital driver, order path.

    Each row is two journal steps, each written in one transaction: step `2t` at the
    bar's open (fills at the open and the protective orders they place, durable
    before they are sent; then stops and limits work the rest of the bar) and step
    `2t + 1` at its close (the venue events since, the engine's decisions and new
    orders, durable before they are sent, signals, equity, capital records). A step
    at or before `done_step` was journaled before a restart: it is replayed, venues
    included, and written again by no one.
    """

    session: TradingSession
    state: KernelState
    risk: np.ndarray
    driver: CapitalDriver | None
    books: BookSet
    writer: RowWriter
    records: SessionRecords
    bridge: VenueBridge
    capital: CapitalJournalCursor = field(default_factory=CapitalJournalCursor)
    reconciliation: PeriodicReconciliation | None = None
    """The periodic check of venues that work orders themselves (None: none here)."""
    operator: SessionOperator | None = None
    """Operator commands, heartbeats, the order guard and notices (None: none yet)."""

    def row(self, t: int, done_step: int) -> None:
        session, state, bridge = self.session, self.state, self.bridge
        if self.reconciliation is not None and 2 * t > done_step:
            report = self.reconciliation.run_if_due(bridge)
            if report is not None:
                session.block_unreconciled(report)
        if self.operator is not None:
            self.operator.at_row(t, done_step)
        session.poll(t)
        counts = (state.n_orders, state.n_fills)
        opening = state.pos.copy()
        ts = int(session.live.timestamps[t])
        self.writer.enabled = 2 * t > done_step
        bridge.open_bar(state, t)
        staged = bridge.stage_new(state)
        self.writer.flush(2 * t, ts, self._marker(t, "open"))
        bridge.send(staged, state, t, at_open=True)
        bridge.rest_of_bar(state, t)
        self.writer.enabled = 2 * t + 1 > done_step
        state.ensure_free(3 * len(self.books.symbol) + 16)
        if self.driver is None:
            self._decide(t, t + 1)
        else:
            self.driver.run_span(t, t + 1, self._decide, state, session.market_limits)
        staged = bridge.stage_new(state)
        self._journal_close(t, counts, opening)
        self.writer.flush(2 * t + 1, ts, self._marker(t, "close"))
        bridge.send(staged, state, t, at_open=False)
        self._protect_now(t)
        if self.operator is not None:
            self.operator.after_row(t, done_step)

    def _protect_now(self, t: int) -> None:
        """A venue that fills on its own may fill an entry as it is sent at the close:
        its stop-loss and take-profit are journaled and sent at once, not at the next
        bar's open (with daily bars, a day unprotected). The simulator fills only on the
        bars it is handed, so its protective orders keep the backtest's timing."""
        bridge, state = self.bridge, self.state
        for _ in range(3):  # a protective order filling at once places nothing new
            if not (bridge.has_new(state) and bridge.fills_on_its_own):
                return
            staged = bridge.stage_new(state)
            self.writer.write_through()
            bridge.send(staged, state, t, at_open=False)

    def close_run(self, step: int, last: int) -> None:
        """The run's last step: what came back after the last close, and the capital
        record's final trades, events and status."""
        self.writer.enabled = True
        if self.driver is not None:
            record = self.driver.finish(self.state, last)
            status = CapitalStatus(ts=int(self.session.live.timestamps[last]),
                                   summary=record.summary, status=record.status)  # fmt: skip
            self.writer.capital(self._capital_rows(self.driver), status)
        self.writer.flush(step, int(self.session.live.timestamps[last]), self._marker(last, "end"))

    def save_capital_status(self, journal: Journal, last: int) -> None:
        """After an early stop: the scaling engine's status as of row `last` (a snapshot;
        the trades and events since the last decision wait for the resumed run)."""
        if self.driver is None:
            return
        record = self.driver.finish(self.state, last)
        ts = int(self.session.live.timestamps[last])
        journal.save_capital_status(self.records.run_id, ts, record.summary, record.status)

    def _journal_close(self, t: int, counts: tuple[int, int], opening: np.ndarray) -> None:
        """Row `t`'s risk decisions, signals, equity and capital records."""
        state, writer, records = self.state, self.writer, self.records
        new = range(counts[0], state.n_orders)
        writer.decisions([records.decision(state, i) for i in new
                          if state.o_kind[i] == KIND_MARKET])  # fmt: skip
        log = LoopLog.of_row(state, t, counts, opening)
        writer.signals(self.session.signal_rows(self, t, log))
        writer.equity(records.equity(state, t))
        if self.driver is not None:
            writer.capital(self._capital_rows(self.driver))

    def _capital_rows(self, driver: CapitalDriver) -> CapitalRows:
        return self.capital.take(self.records.run_id, driver, self.state)

    def _marker(self, t: int, phase: str) -> dict[str, object]:
        """The step's marker: risk state, paused markets and feed transitions."""
        session = self.session
        risk = RiskState.from_vector(self.risk).to_dict()
        feeds = session.feed_health.drain_events()
        session.feed_events.extend(feeds)
        if self.operator is not None and self.writer.enabled:
            self.operator.feed_events(feeds)
        marker = risk | {"bar_row": t, "phase": phase, "paused": dict(session.paused)}
        controls = self.operator.marker() if self.operator is not None else {}
        return marker | controls | ({"feed_events": feeds} if feeds else {})

    def _decide(self, start: int, stop: int) -> None:
        s = self.session
        run_rows(start, stop, s.live, s.spec, s.inputs, self.books, len(s.strategy_names),
                 s.market_limits, self.risk, self.state, fills_at_venue=True)  # fmt: skip
