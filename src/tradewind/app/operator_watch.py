"""What a running session watches for the operator between its rows.

After each row: fills, feed outages and recoveries, drawdown-ladder steps and daily-loss
halts become notices; the ladder's pause (100% of `max_drawdown_pct`) and a daily-loss
halt issue the configured `risk.global.shutdown_mode` as a control command from the
session itself (so it is acted on, journaled and audited like an operator's); every
`operator.drift.every_rows` rows the run is replayed through the backtest path and
compared (`app.drift`), a breach alerts and, with `drift.soft_stop`, stops entries.

The dead man's switch, on every tick of the session's waits (about once a second): a
venue that offers a countdown (Kraken's CancelAllOrdersAfter) is re-armed, so it
cancels every order itself if this process dies or loses it; a market whose feed has
been down for `dead_man.venue_down_after_s` counts as lost (the operator is notified)
and its working entry orders are canceled as soon as its venue answers again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tradewind.domain.order_events import OrderFilled
from tradewind.engine.flatten import cancel_working, market_books
from tradewind.ports.capabilities import VenueCapability
from tradewind.risk.codes import StateCode
from tradewind.risk.ladder import StateField
from tradewind.store.control_records import ControlAction, ControlCommand

if TYPE_CHECKING:
    from tradewind.app.session_loop import SessionLoop
    from tradewind.config import TradewindConfig
    from tradewind.store import Journal

__all__ = ["OperatorWatch"]

Notice = Callable[[str, str, str, "str | None"], None]
"""(kind, title, body, market) -> None."""

_FEED_NOTICES = {"paused": "feed_down", "stopped": "feed_down", "resumed": "feed_up"}


@dataclass(slots=True)
class OperatorWatch:
    """Notices, automatic shutdowns, drift checks and the dead man's switch of one pass."""

    loop: SessionLoop
    config: TradewindConfig
    journal: Journal
    run_id: str
    notice: Notice
    _events_seen: int = 0
    _ladder: tuple[float, float, float] = (0.0, 0.0, 0.0)
    _auto_stopped: bool = False
    _regime_stopped: bool = False
    _down_since: dict[str, float] = field(default_factory=dict)
    _lost: set[str] = field(default_factory=set)
    _summary_day: str | None = None
    """The UTC day whose summary went out (None until the first tick)."""

    @property
    def lost(self) -> frozenset[str]:
        """The markets whose venue is counted as lost now."""
        return frozenset(self._lost)

    # -- after each row -------------------------------------------------------------

    def after_row(self, t: int, *, replayed: bool) -> None:
        """Row `t` is journaled: notices, ladder and drift (nothing for a replayed row)."""
        if replayed:  # what the first pass noticed and issued already
            self._events_seen = len(self.loop.bridge.event_log)
            self._risk_steps(quiet=True)
            return
        self._fills()
        self._risk_steps()
        self._regime(t)
        every = self.config.operator.drift.every_rows
        if self.config.operator.drift.enabled and (t + 1) % every == 0:
            self._drift(t)

    def feed_events(self, events: list[dict[str, object]]) -> None:
        for event in events:
            kind = _FEED_NOTICES.get(str(event["event"]))
            if kind is not None:
                market = str(event["market"])
                title = f"feed {event['event']}"
                self.notice(kind, title, f"row {event['row']}: {event['detail']}", market)

    def _fills(self) -> None:
        log = self.loop.bridge.event_log
        for venue, event in log[self._events_seen :]:
            if isinstance(event, OrderFilled):
                body = f"{event.last_qty} at {event.last_price} ({event.client_order_id})"
                self.notice("fill", f"fill at {venue}", body, None)
        self._events_seen = len(log)

    def _risk_steps(self, *, quiet: bool = False) -> None:
        risk = self.loop.risk
        now = (
            float(risk[StateField.DRAWDOWN_WARNED]),
            float(risk[StateField.DRAWDOWN_STATE]),
            float(risk[StateField.DAILY_HALTED]),
        )
        before, self._ladder = self._ladder, now
        pause = now[1] >= StateCode.HALTED
        if quiet:
            self._auto_stopped = self._auto_stopped or pause
            return
        warned, drawdown, daily = now
        if warned > before[0]:
            self.notice(
                "ladder", "drawdown warning", "drawdown reached the ladder's warn level", None
            )
        if drawdown > before[1]:
            level = "reduce (sizes cut)" if drawdown < StateCode.HALTED else "pause"
            self.notice("ladder", f"drawdown ladder: {level}", f"drawdown state {level}", None)
        if daily > before[2]:
            body = "daily loss limit reached: no new entries until the daily reset"
            self.notice("ladder", "daily loss limit", body, None)
        if pause and not self._auto_stopped:  # the configured shutdown, until a resume
            self._auto_stopped = True
            mode = self.config.risk.global_.shutdown_mode.value
            self._issue(mode, "drawdown ladder: pause level reached (risk.global.shutdown_mode)")

    def _regime(self, t: int) -> None:
        """A regime whose configured action asks for it (CRISIS) puts a SOFT stop in force."""
        from tradewind.capital.regime import regime_stop

        driver = self.loop.driver
        reading = driver.regime_at(t) if driver is not None else None
        if reading is not None and regime_stop(reading) and not self._regime_stopped:
            self._regime_stopped = True
            self._issue("soft", f"regime {reading.regime}: capital.regime_actions asks for a stop")
            self.notice("shutdown", f"regime {reading.regime}", "SOFT stop issued", None)

    def _drift(self, t: int) -> None:
        from tradewind.app.drift import drift_check

        drift = self.config.operator.drift
        result = drift_check(self.loop.session, self.loop.state, t, drift)
        for record in result.records(self.run_id):
            self.journal.record_drift_check(record)
        if not result.within_bounds:
            self.notice("drift", "drift past its bounds", result.summary(), None)
            if drift.soft_stop:
                self._issue("soft", f"drift: {result.summary()}")

    def _issue(self, action: str, reason: str) -> None:
        command = ControlCommand(action=ControlAction(action), market=None, user="session",
                                 reason=reason, source="session")  # fmt: skip
        self.journal.issue_control(command)

    # -- on every tick of a wait ------------------------------------------------------

    def tick(self, row: int) -> None:
        """The dead man's switch and the daily summary (on the session's thread);
        `row` is the last row the session completed."""
        self._arm_venues()
        self.watch_lost_venues(row)
        self._daily_summary()

    def _arm_venues(self) -> None:
        timeout_s = self.config.operator.dead_man.venue_cancel_after_s
        for route in self.loop.bridge.routes:
            venue = route.venue
            if VenueCapability.CANCEL_ON_DISCONNECT.value not in venue.capabilities:
                continue
            try:
                venue.arm_dead_man(timeout_s)  # type: ignore[attr-defined]
            except Exception as exc:  # a failed arm is retried at the next tick
                self.notice("dead_man", "venue countdown not armed", str(exc), route.market)

    def disarm_venues(self) -> None:
        """Disarm the venue countdowns (a session that ends on its own)."""
        for route in self.loop.bridge.routes:
            venue = route.venue
            if VenueCapability.CANCEL_ON_DISCONNECT.value in venue.capabilities:
                try:
                    venue.disarm_dead_man()  # type: ignore[attr-defined]
                except Exception as exc:  # the countdown then cancels its orders
                    self.notice("dead_man", "venue countdown still armed", str(exc), route.market)

    def watch_lost_venues(self, row: int) -> None:
        """Notice a venue down too long; cancel its working entries once it is back."""
        session, now = self.loop.session, time.monotonic()
        limit_s = self.config.operator.dead_man.venue_down_after_s
        for market in session.market_names:
            down = session.feed_health.is_down(market)
            if down:
                since = self._down_since.setdefault(market, now)
                if now - since >= limit_s and market not in self._lost:
                    self._lost.add(market)
                    self.notice("dead_man", "venue lost", _lost_text(market, limit_s), market)
                continue
            self._down_since.pop(market, None)
            if market in self._lost:
                self._lost.discard(market)
                self._cancel_entries(market, row)

    def _cancel_entries(self, market: str, row: int) -> None:
        """The venue answers again: cancel the market's working entry orders."""
        loop = self.loop
        mask = market_books(loop.books, loop.session.market_names.index(market))
        canceled = cancel_working(loop.state, mask, entries_only=True)
        loop.bridge.settle(loop.state, row)
        loop.writer.write_through()
        body = f"venue back: {len(canceled)} working entry orders canceled; stops kept"
        self.notice("dead_man", "venue reconnected", body, market)

    def _daily_summary(self) -> None:
        from tradewind.app.notifications import daily_summary

        at = self.config.operator.notifications.daily_summary_time
        now = datetime.now(UTC)
        day = now.date().isoformat()
        if self._summary_day is None:  # started after today's summary time: from tomorrow
            self._summary_day = day if now.time() >= at else ""
        if now.time() < at or self._summary_day == day:
            return
        self._summary_day = day
        notice = daily_summary(self.journal, self.run_id, now.date())
        self.notice("daily_summary", notice.title, notice.body, None)


def _lost_text(market: str, limit_s: float) -> str:
    return (
        f"no answer from {market}'s venue for {limit_s:g} s: its working entry orders are "
        "canceled when it answers again (protective stops stay at the venue)"
    )
