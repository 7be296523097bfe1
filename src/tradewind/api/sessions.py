"""Browser sessions and the failed-login limiter, both in memory: a restart of the
server logs everyone out and forgets failures (nothing secret is ever written)."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

__all__ = ["LoginLimiter", "SessionStore", "WebSession"]


@dataclass(slots=True)
class WebSession:
    """One logged-in browser: its user, role and CSRF token (sent back in a header or
    form field with every state change)."""

    session_id: str
    user: str
    role: str
    csrf_token: str
    seen_s: float


@dataclass(slots=True)
class SessionStore:
    """Sessions by their random id (the HttpOnly cookie's value); idle ones expire."""

    idle_s: float
    clock: Callable[[], float] = time.monotonic
    _sessions: dict[str, WebSession] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create(self, user: str, role: str) -> WebSession:
        """A new session (a fresh id, so a login never reuses an old one)."""
        session = WebSession(
            session_id=secrets.token_urlsafe(32),
            user=user,
            role=role,
            csrf_token=secrets.token_urlsafe(32),
            seen_s=self.clock(),
        )
        with self._lock:
            self._sessions[session.session_id] = session
        return session

    def get(self, session_id: str | None) -> WebSession | None:
        """The live session of `session_id`, touched; None if unknown or expired."""
        if not session_id:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if now - session.seen_s > self.idle_s:
                del self._sessions[session_id]
                return None
            session.seen_s = now
            return session

    def drop(self, session_id: str | None) -> None:
        """End a session (logout)."""
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def drop_user(self, user: str) -> None:
        """End every session of `user`."""
        with self._lock:
            for key in [k for k, s in self._sessions.items() if s.user == user]:
                del self._sessions[key]


@dataclass(slots=True)
class LoginLimiter:
    """At most `allowed` failed logins per key (client address, user name) within
    `window_s`; while a key is over, every attempt is refused without checking."""

    allowed: int
    window_s: float
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after_s(self, keys: Iterable[str]) -> int | None:
        """Seconds until the first of `keys` may try again, or None if all may now."""
        now = self.clock()
        waits: list[float] = []
        with self._lock:
            for key in keys:
                recent = self._recent(key, now)
                if len(recent) >= self.allowed:
                    waits.append(recent[0] + self.window_s - now)
        return max(1, int(max(waits)) + 1) if waits else None

    def failed(self, keys: Iterable[str]) -> None:
        """Count a failed attempt against every key."""
        now = self.clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, keys: Iterable[str]) -> None:
        """A good login clears its keys' failures."""
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> deque[float]:
        recent = self._failures.setdefault(key, deque())
        while recent and now - recent[0] > self.window_s:
            recent.popleft()
        return recent
