"""Notices to the operator through apprise, never blocking the trading loop.

The session calls `Notifier.notify` and `Notifier.denied`, which only enqueue (under a
lock held for microseconds); one daemon thread sends. At most
`operator.notifications.max_per_minute` notices go out per rolling minute: the excess is
folded into one summary ("7 more notices: 5 fill, 2 feed_down") sent when the budget
frees up. The queue is bounded: on overflow the oldest notice is dropped and counted.
URLs come from TRADEWIND_NOTIFY_URLS only and are never shown (see
`app.notification_targets`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from tradewind.app.notification_denials import DenialBursts
from tradewind.app.notification_records import Notice, NotifierStats
from tradewind.app.notification_summary import daily_summary
from tradewind.app.notification_targets import (
    NOTIFY_URLS_VAR,
    NotifyUrlError,
    Target,
    build_targets,
    deliver,
    quiet_logs,
    split_urls,
)
from tradewind.config.operator import NoticeKind, NotificationsConfig

__all__ = [
    "NOTIFY_URLS_VAR",
    "Notice",
    "NoticeCheck",
    "Notifier",
    "NotifierStats",
    "NotifyUrlError",
    "daily_summary",
    "send_test_notice",
]

_log = logging.getLogger(__name__)
_MINUTE_S = 60.0
_MAX_QUEUE = 1000
# The sender re-reads the clock at least this often (an injected clock may jump).
_POLL_S = 0.25


@dataclass(frozen=True, slots=True)
class _Job:
    title: str
    body: str
    kind: NoticeKind | None
    what: str  # the kind's name, or "summary", for the failure log


class Notifier:
    """Sends notices to apprise URLs from a background thread.

    `clock` (seconds, monotonic) drives the rate limit and the denial bursts, so tests
    can move time; `max_queue` bounds the notices waiting to be sent.

    Raises:
        NotifyUrlError: a URL apprise does not accept (named by position only).
        ValueError: no URL, or `max_queue` below 1.
    """

    def __init__(
        self,
        urls: Sequence[str],
        config: NotificationsConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_queue: int = _MAX_QUEUE,
    ) -> None:
        if not urls:
            raise ValueError("Notifier: expected at least one notification URL, got none")
        if max_queue < 1:
            raise ValueError(f"Notifier max_queue: expected at least 1, got {max_queue}")
        self._targets = build_targets(urls)
        self._events = frozenset(config.events)
        self._max_per_minute = config.max_per_minute
        self._clock = clock
        self._max_queue = max_queue
        self._cond = threading.Condition()
        self._queue: deque[Notice] = deque()
        self._sent_at_s: deque[float] = deque()
        self._pending: Counter[str] = Counter()
        self._denials = DenialBursts()
        self._busy = False
        self._closing = False
        self._counts: Counter[str] = Counter()
        self._logged: set[tuple[int, str]] = set()
        self._worker = threading.Thread(target=self._run, name="tradewind-notify", daemon=True)
        self._worker.start()

    @classmethod
    def from_env(
        cls, config: NotificationsConfig, environ: Mapping[str, str] = os.environ
    ) -> Notifier | None:
        """The notifier for TRADEWIND_NOTIFY_URLS (apprise URLs separated by whitespace
        or commas), or None when it is unset or empty or `config.enabled` is false.

        Raises:
            NotifyUrlError: a URL apprise does not accept (named by position only).
        """
        if not config.enabled:
            return None
        urls = split_urls(environ)
        return cls(urls, config) if urls else None

    @property
    def url_count(self) -> int:
        """How many URLs each notice goes to."""
        return len(self._targets)

    @property
    def stats(self) -> NotifierStats:
        """Deliveries sent and failed, notices coalesced and dropped so far."""
        with self._cond:
            counts = dict(self._counts)
        return NotifierStats(**counts)

    def notify(self, notice: Notice) -> None:
        """Queue `notice` and return at once; a kind not in `config.events` is ignored.
        Never raises."""
        try:
            if notice.kind not in self._events:
                return
            with self._cond:
                self._enqueue(notice)
                self._cond.notify_all()
        except Exception as exc:  # the trading loop must never fail on a notice
            _log.warning("notice not queued: %s", type(exc).__name__)

    def denied(self, market: str, reason_code: str) -> None:
        """Count one risk denial; a burst (3 or more within 60 s) becomes one
        RISK_DENIALS notice with the counts per reason. Never raises."""
        try:
            if NoticeKind.RISK_DENIALS not in self._events:
                return
            with self._cond:
                if self._closing:
                    return
                now_s = self._clock()
                self._collect_burst(now_s)
                self._denials.add(now_s, str(market), str(reason_code))
                self._cond.notify_all()
        except Exception as exc:
            _log.warning("risk denial not counted: %s", type(exc).__name__)

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Wait up to `timeout_s` until every queued notice (and a complete denial burst
        or pending summary) is sent; False on timeout. A summary still waiting for the
        rate limit's budget counts as not sent."""
        return self._wait_until_settled(timeout_s, summary_too=True)

    def close(self, timeout_s: float = 5.0) -> None:
        """Send what can go out within the rate limit, then stop: what is still held back
        (and an open denial burst) goes out as at most one last notice, past the limit;
        later notices are dropped. Waits no longer than `timeout_s` in all (a sender
        still waiting on a receiver then finishes in the background)."""
        deadline_s = time.monotonic() + timeout_s
        self._wait_until_settled(timeout_s, summary_too=False)
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._worker.join(max(0.0, deadline_s - time.monotonic()))

    def _wait_until_settled(self, timeout_s: float, *, summary_too: bool) -> bool:
        deadline_s = time.monotonic() + timeout_s
        with self._cond:
            self._cond.notify_all()
            while not self._settled(summary_too):
                remaining_s = deadline_s - time.monotonic()
                if remaining_s <= 0 or not self._worker.is_alive():
                    return False
                self._cond.wait(min(remaining_s, 0.05))
        return True

    # -- under the lock ------------------------------------------------------------------

    def _enqueue(self, notice: Notice) -> None:
        if self._closing:
            self._counts["dropped"] += 1
            return
        if len(self._queue) >= self._max_queue:
            self._queue.popleft()
            self._counts["dropped"] += 1
        self._queue.append(notice)

    def _collect_burst(self, now_s: float, *, force: bool = False) -> None:
        notice = self._denials.take(now_s, force=force)
        if notice is not None:
            self._queue.append(notice)

    def _settled(self, summary_too: bool) -> bool:
        due_s = self._denials.due_at()
        burst_due = due_s is not None and self._clock() >= due_s
        summary_due = summary_too and bool(self._pending)
        return not (self._queue or self._busy or summary_due or burst_due)

    def _has_budget(self, now_s: float) -> bool:
        while self._sent_at_s and self._sent_at_s[0] <= now_s - _MINUTE_S:
            self._sent_at_s.popleft()
        return len(self._sent_at_s) < self._max_per_minute

    def _coalesce_queue(self) -> None:
        self._counts["coalesced"] += len(self._queue)
        self._pending.update(notice.kind.value for notice in self._queue)
        self._queue.clear()

    def _next_job(self) -> _Job | None:
        """The next thing to send, waiting for it; None once closed and drained."""
        with self._cond:
            while True:
                now_s = self._clock()
                self._collect_burst(now_s, force=self._closing)
                if self._closing:
                    return self._last_job(now_s)
                if not self._has_budget(now_s):
                    self._coalesce_queue()
                elif self._pending:
                    return self._summary_job(now_s)
                elif self._queue:
                    return self._notice_job(self._queue.popleft(), now_s)
                self._cond.notify_all()  # idle: wake flush()
                self._cond.wait(self._wait_s(now_s))

    def _last_job(self, now_s: float) -> _Job | None:
        if len(self._queue) == 1 and not self._pending:
            return self._notice_job(self._queue.popleft(), now_s)
        self._coalesce_queue()
        return self._summary_job(now_s) if self._pending else None

    def _notice_job(self, notice: Notice, now_s: float) -> _Job:
        self._sent_at_s.append(now_s)
        self._busy = True
        return _Job(notice.shown_title, notice.body, notice.kind, notice.kind.value)

    def _summary_job(self, now_s: float) -> _Job:
        total = sum(self._pending.values())
        ranked = sorted(self._pending.items(), key=lambda item: (-item[1], item[0]))
        kinds = ", ".join(f"{count} {kind}" for kind, count in ranked)
        self._pending.clear()
        self._sent_at_s.append(now_s)
        self._busy = True
        plural = "notice" if total == 1 else "notices"
        body = (
            f"{total} more {plural}: {kinds} (held back by the limit of "
            f"{self._max_per_minute} notices a minute)."
        )
        return _Job(f"{total} more {plural}", body, None, "summary")

    def _wait_s(self, now_s: float) -> float:
        wakes = [_POLL_S]
        if self._pending and self._sent_at_s:
            wakes.append(self._sent_at_s[0] + _MINUTE_S - now_s)
        due_s = self._denials.due_at()
        if due_s is not None:
            wakes.append(due_s - now_s)
        return max(0.001, min(wakes))

    # -- the sender thread ---------------------------------------------------------------

    def _run(self) -> None:
        try:
            with quiet_logs():
                while (job := self._next_job()) is not None:
                    failed = deliver(self._targets, job.title, job.body, job.kind)
                    self._finish(job, failed)
        except Exception as exc:  # a bug here must not take the session with it
            _log.error("the notification sender stopped: %s", type(exc).__name__)

    def _finish(self, job: _Job, failed: list[Target]) -> None:
        # Logged before the job counts as done, so that flush() returns after it.
        for target in failed:
            if (target.position, job.what) not in self._logged:
                self._logged.add((target.position, job.what))
                _log.warning(
                    "a %s notice was not accepted by %s; further %s failures there are "
                    "only counted (Notifier.stats)",
                    job.what,
                    target.label,
                    job.what,
                )
        with self._cond:
            self._busy = False
            self._counts["sent"] += len(self._targets) - len(failed)
            self._counts["failed"] += len(failed)
            self._cond.notify_all()


@dataclass(frozen=True, slots=True)
class NoticeCheck:
    """What `send_test_notice` did: how many URLs it sent to, which did not accept the
    notice (labels like `URL #2 (json://)`), and whether the config disables notices."""

    url_count: int
    failed: tuple[str, ...]
    disabled_by_config: bool


def send_test_notice(
    config_path: Path | None = None, environ: Mapping[str, str] = os.environ
) -> NoticeCheck | None:
    """Send one test notice to every URL of TRADEWIND_NOTIFY_URLS and wait for each
    answer (bounded by the services' socket timeouts); None when the variable is unset
    or empty. With `config_path`, also report whether its
    `operator.notifications.enabled` is false (the notice is sent anyway).

    Raises:
        NotifyUrlError: a URL apprise does not accept (named by position only).
        ConfigError: `config_path` is missing or invalid.
    """
    disabled = False
    if config_path is not None:
        from tradewind.app.config_commands import load_config

        disabled = not load_config(config_path).operator.notifications.enabled
    urls = split_urls(environ)
    if not urls:
        return None
    targets = build_targets(urls)
    body = "A test notice from `tradewind notify test`: this URL receives Tradewind's notices."
    failed = deliver(targets, "Tradewind test notice", body, None)
    return NoticeCheck(len(targets), tuple(t.label for t in failed), disabled)
