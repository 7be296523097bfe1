"""Request-weight limits per rolling minute, with Binance-style ban escalation.

Each key (an api key, or the client address for public requests) may spend
`limit_per_minute` weight in any rolling 60 s. A request over the limit is refused with
429 and a Retry-After (seconds until enough weight expires); a key that sends again while
that Retry-After has not passed is banned: 418 with a Retry-After of `ban_s`, doubling on
each further request during a ban. Refused requests cost no weight.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["RateDecision", "RateLimiter"]

_WINDOW_S = 60.0


@dataclass(frozen=True, slots=True)
class RateDecision:
    """status 200 (allowed), 429 (over the limit) or 418 (banned); used weight after it."""

    status: int
    used_weight: int
    retry_after_s: int = 0

    @property
    def allowed(self) -> bool:
        return self.status == 200


@dataclass(slots=True)
class _KeyState:
    spent: deque[tuple[float, int]] = field(default_factory=deque)
    used: int = 0
    blocked_until: float = 0.0
    banned: bool = False
    ban_s: float = 0.0


class RateLimiter:
    """Rolling-minute weight accounting per key; thread-safe."""

    def __init__(
        self,
        limit_per_minute: int = 6000,
        ban_s: float = 120.0,
        clock_s: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit_per_minute < 1:
            raise ValueError(f"limit_per_minute: expected >= 1, got {limit_per_minute}")
        self.limit_per_minute = limit_per_minute
        self.ban_s = ban_s
        self._clock_s = clock_s
        self._keys: dict[str, _KeyState] = {}
        self._lock = threading.Lock()

    def charge(self, key: str, weight: int) -> RateDecision:
        """Spend `weight` for `key` now, or refuse with 429 / 418."""
        now = self._clock_s()
        with self._lock:
            state = self._keys.setdefault(key, _KeyState())
            _expire(state, now)
            if now < state.blocked_until:
                return self._ban(state, now)
            state.banned = False
            if state.used + weight > self.limit_per_minute:
                retry = _retry_after(state, weight, self.limit_per_minute, now)
                state.blocked_until = now + retry
                return RateDecision(429, state.used, math.ceil(retry))
            state.spent.append((now, weight))
            state.used += weight
            return RateDecision(200, state.used)

    def used(self, key: str) -> int:
        """The weight spent by `key` in the last minute."""
        with self._lock:
            state = self._keys.get(key)
            if state is None:
                return 0
            _expire(state, self._clock_s())
            return state.used

    def reset(self) -> None:
        with self._lock:
            self._keys.clear()

    def _ban(self, state: _KeyState, now: float) -> RateDecision:
        state.ban_s = self.ban_s if not state.banned else state.ban_s * 2
        state.banned = True
        state.blocked_until = now + state.ban_s
        return RateDecision(418, state.used, math.ceil(state.ban_s))


def _expire(state: _KeyState, now: float) -> None:
    while state.spent and state.spent[0][0] <= now - _WINDOW_S:
        state.used -= state.spent.popleft()[1]


def _retry_after(state: _KeyState, weight: int, limit: int, now: float) -> float:
    freed = 0
    for instant, spent in state.spent:
        freed += spent
        if state.used - freed + weight <= limit:
            return max(instant + _WINDOW_S - now, 1.0)
    return _WINDOW_S
