"""Failure isolation with recovery: a market whose feed fails pauses, retries with
backoff and resumes when the feed answers again; the other markets carry on.

Backoff is counted in the session's rows (bar intervals): the first retry is at the
next row, then the wait doubles up to `FeedRetry.max_wait_rows`. A failure that is not
retryable (refused credentials) stops the market for the run instead. Every transition
(paused, retrying, resumed) is kept as an event for the journal step it happened in.
A resumed feed stays on probation (`shaky`) for the retry window it recovered in; the
heartbeat's status (`app.session_status`) shows it degraded meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PAUSE_PREFIX", "STOP_PREFIX", "FeedHealth", "FeedRetry"]

PAUSE_PREFIX = "feed failed"
STOP_PREFIX = "feed stopped"
_NEVER = 2**62  # a row no run reaches


@dataclass(frozen=True, slots=True)
class FeedRetry:
    """How a failed feed is retried: after `first_wait_rows`, doubling up to a cap."""

    first_wait_rows: int = 1
    max_wait_rows: int = 32


@dataclass(slots=True)
class _Outage:
    since_row: int
    attempts: int
    next_row: int
    wait_rows: int


@dataclass(slots=True)
class FeedHealth:
    """Which markets' feeds are down, when each is retried next, and what happened."""

    retry: FeedRetry = field(default_factory=FeedRetry)
    events: list[dict[str, object]] = field(default_factory=list)
    """Transitions since the last `drain_events`."""
    _outages: dict[str, _Outage] = field(default_factory=dict)
    _errors: dict[str, str] = field(default_factory=dict)
    _shaky_until: dict[str, int] = field(default_factory=dict)

    def is_down(self, market: str) -> bool:
        return market in self._outages

    def last_error(self, market: str) -> str:
        """The last failure of `market`'s feed ("" if it never failed)."""
        return self._errors.get(market, "")

    def shaky(self, market: str, t: int) -> str:
        """Why `market`'s feed is still on probation at row `t` ("" if it is not): it
        answers again after an outage, and row `t` is within the retry window it
        recovered in. Only dictionary reads: safe from another thread."""
        if t >= self._shaky_until.get(market, -1):
            return ""
        return f"recovered after an outage; last error {self._errors.get(market, '?')}"

    def due(self, market: str, t: int) -> bool:
        """Whether `market` should be polled at row `t` (always, unless it is down
        and its next retry is later). A due retry of a down feed is journaled."""
        outage = self._outages.get(market)
        if outage is None:
            return True
        if t < outage.next_row:
            return False
        outage.attempts += 1
        self._event(market, "retrying", t, f"attempt {outage.attempts}")
        return True

    def failed(self, market: str, t: int, error: BaseException) -> str:
        """Record a failed poll at row `t`; returns the pause reason. An error that says
        it is not retryable (refused credentials, a clock the venue refuses) stops the
        market for the run: it is not retried."""
        detail = f"{type(error).__name__}: {error}"
        self._errors[market] = detail
        outage = self._outages.get(market)
        if getattr(error, "retryable", True) is False:
            self._outages[market] = _Outage(t, 0, _NEVER, _NEVER)
            self._event(market, "stopped", t, f"{detail}; not retried (fix it and restart)")
            return f"{STOP_PREFIX} at row {t}: {detail}"
        if outage is None:
            wait = self.retry.first_wait_rows
            self._outages[market] = _Outage(t, 0, t + wait, wait)
            self._event(market, "paused", t, f"{detail}; retrying from row {t + wait}")
        else:
            outage.wait_rows = min(2 * outage.wait_rows, self.retry.max_wait_rows)
            outage.next_row = t + outage.wait_rows
            self._event(market, "retry failed", t, f"{detail}; next retry at row {outage.next_row}")
        return f"{PAUSE_PREFIX} at row {t}: {detail}"

    def recovered(self, market: str, t: int) -> None:
        """The feed of a down market answered at row `t`."""
        outage = self._outages.pop(market, None)
        if outage is not None:
            window = max(outage.wait_rows, self.retry.first_wait_rows)
            self._shaky_until[market] = t + min(window, self.retry.max_wait_rows)
            rows = t - outage.since_row
            self._event(market, "resumed", t, f"after {rows} rows and {outage.attempts} retries")

    def drain_events(self) -> list[dict[str, object]]:
        events, self.events = self.events, []
        return events

    def _event(self, market: str, kind: str, t: int, detail: str) -> None:
        self.events.append({"market": market, "event": kind, "row": t, "detail": detail})
