"""`ServerState`: what one `tradewind serve` process holds: the journal, the config,
browser sessions, the login limiter, the change feed and the read-model cache."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tradewind.api.events import ChangeFeed
from tradewind.api.sessions import LoginLimiter, SessionStore
from tradewind.api.settings import ServeSettings

if TYPE_CHECKING:
    from tradewind.app.monitor import MminView, Overview
    from tradewind.config import TradewindConfig
    from tradewind.store.journal import Journal

__all__ = ["ServerState", "feed_versions", "open_state"]


@dataclass(slots=True)
class ServerState:
    """The server's shared state (one per app; request handlers reach it through
    `request.app.state.tw`)."""

    settings: ServeSettings
    journal: Journal
    config: TradewindConfig | None
    sessions: SessionStore
    limiter: LoginLimiter
    feed: ChangeFeed
    _overview: tuple[tuple[str, ...], Overview] | None = None
    _equity: dict[tuple[str, str], Any] = field(default_factory=dict)
    _mmin: MminView | None = None
    _mmin_error: str | None = None
    mmin_note: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def overview(self) -> Overview:
        """The dashboard's overview, recomputed only when the journal changed."""
        from tradewind.app.monitor import overview

        key = tuple(sorted(self.feed.versions().items()))
        flat = tuple(f"{k}={v}" for k, v in key)
        with self._lock:
            cached = self._overview
            if cached is not None and cached[0] == flat:
                return cached[1]
            view = overview(self.journal, self.config, now=datetime.now(UTC))
            self._overview = (flat, view)
            return view

    def equity(self, run_id: str) -> Any:
        """The run's equity curve (cached until the journal's risk records change)."""
        from tradewind.app.monitor import equity_curve

        key = (run_id, self.feed.versions().get("risk", ""))
        with self._lock:
            if key not in self._equity:
                self._equity = {key: equity_curve(self.journal, run_id)}
            return self._equity[key]

    def forget_views(self) -> None:
        """Drop the cached read models: this server just wrote to the journal, and the
        next page must show it before the poller next reads the versions."""
        with self._lock:
            self._overview = None
            self._equity = {}

    def mmin(self) -> tuple[MminView | None, str | None]:
        """The MMIN view once its background computation finished (None before), and
        the error that stopped it, if any."""
        return self._mmin, self._mmin_error

    def compute_mmin(self) -> None:
        """Compute the MMIN view (seconds: run on a worker thread)."""
        from tradewind.app.monitor import mmin_view
        from tradewind.domain.errors import TradewindError

        path = self.settings.config_path
        try:
            self._mmin = mmin_view(path)
            self.mmin_note = f"the markets of {path}" if path else "every bundled market"
            return
        except TradewindError as exc:
            if path is None:
                self._mmin_error = str(exc)
                return
            first = str(exc)
        try:  # the config's series are not all in the catalog: say so, show the bundled
            self._mmin = mmin_view(None)
            self.mmin_note = f"every bundled market (not {path}'s markets: {first})"
        except Exception as exc:  # shown on the page instead of the view
            self._mmin_error = f"{type(exc).__name__}: {exc}"


def open_state(settings: ServeSettings) -> ServerState:
    """Open the journal (it must exist) and the config of `settings`.

    Raises:
        JournalError: the journal does not exist or cannot be opened.
        ConfigError: the config is missing or invalid.
    """
    from tradewind.app.config_commands import load_config
    from tradewind.app.journal_access import open_journal

    config = load_config(settings.config_path) if settings.config_path is not None else None
    journal = open_journal(settings.journal, create=False)
    feed = ChangeFeed(lambda: feed_versions(journal), poll_s=settings.poll_ms / 1000)
    return ServerState(
        settings=settings,
        journal=journal,
        config=config,
        sessions=SessionStore(idle_s=settings.session_idle_s),
        limiter=LoginLimiter(settings.login_failures_allowed, settings.login_window_s),
        feed=feed,
    )


def feed_versions(journal: Journal) -> dict[str, str]:
    """The journal's versions plus `liveness`, the sessions running now: a session that
    stops beating writes nothing, yet the dashboard must show it down within seconds."""
    from tradewind.app.control_commands import running_sessions
    from tradewind.app.monitor import journal_versions

    versions = journal_versions(journal)
    running = running_sessions(journal.heartbeats(), datetime.now(UTC))
    versions["liveness"] = ",".join(sorted(beat.run_id for beat in running))
    return versions
