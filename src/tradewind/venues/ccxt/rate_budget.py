"""One request budget per API key, shared by every market and process on this machine.

An exchange limits requests per key (or per IP for public calls), not per process. So
each request first reserves a slot in a small file named after
`sha256(exchange id + api key)` (never the key itself), guarded by `fcntl.flock`: the
reservation moves the file's "next free instant" on by the exchange's `rateLimit`
times the request's cost, and the caller sleeps until its slot. A 429/418 answer
pauses every user of the key until its `Retry-After` has passed, including callers
already asleep on a slot reserved before it.

File format (text, one line): `<next_free_ms> <paused_until_ms>`.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

from tradewind.domain.errors import DomainError

__all__ = ["RateBudget", "budget_key"]


def budget_key(exchange_id: str, api_key: str) -> str:
    """The budget's file name: a hex sha256 of the exchange id and the key."""
    return hashlib.sha256(f"{exchange_id}\n{api_key}".encode()).hexdigest()


def _wall_ms() -> float:
    return time.time() * 1000.0


class RateBudget:
    """Requests of one key spaced by `interval_ms` across processes.

    Args:
        directory: where the budget files live (created if missing).
        exchange_id, api_key: whose budget this is ("" for public requests).
        interval_ms: spacing of cost-1 requests (ccxt's `rateLimit`), > 0.
        clock_ms, sleep_s: injectable wall clock (ms) and sleep (s), for tests.

    Raises:
        DomainError: a non-positive interval.
    """

    def __init__(
        self,
        directory: Path,
        exchange_id: str,
        api_key: str,
        interval_ms: float,
        *,
        clock_ms: Callable[[], float] = _wall_ms,
        sleep_s: Callable[[float], None] = time.sleep,
    ) -> None:
        if not interval_ms > 0:
            raise DomainError(f"invalid rate interval {interval_ms!r} ms: expected a value > 0")
        self.interval_ms = float(interval_ms)
        self.path = Path(directory) / f"{budget_key(exchange_id, api_key)}.budget"
        self._clock_ms = clock_ms
        self._sleep_s = sleep_s

    def acquire(self, cost: float = 1.0) -> float:
        """Reserve the next slot for a request of `cost` and sleep until it; a pause that
        another user of the key began meanwhile (its 429) is waited out as well, and the
        slot taken again after it, so nothing is sent while the venue is limiting.

        Returns the milliseconds waited.
        """
        waited_ms = 0.0
        while True:
            now = self._clock_ms()
            with self._locked() as handle:
                next_free, paused_until = _read(handle)
                slot = max(now, next_free, paused_until)
                _write(handle, slot + self.interval_ms * max(float(cost), 0.0), paused_until)
            if slot > now:
                self._sleep_s((slot - now) / 1000.0)
                waited_ms += slot - now
            if self.paused_until_ms() <= max(self._clock_ms(), slot):
                return waited_ms

    def pause(self, seconds: float) -> None:
        """Hold every request of this key for `seconds` from now (after a 429/418)."""
        until = self._clock_ms() + max(float(seconds), 0.0) * 1000.0
        with self._locked() as handle:
            next_free, paused_until = _read(handle)
            _write(handle, next_free, max(paused_until, until))

    def paused_until_ms(self) -> float:
        """The wall-clock instant (ms) before which no request is sent (0: none)."""
        with self._locked() as handle:
            return _read(handle)[1]

    def _locked(self) -> _LockedFile:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return _LockedFile(self.path)


class _LockedFile:
    """The budget file opened read-write and held under an exclusive flock."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd = -1

    def __enter__(self) -> int:
        self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self._fd

    def __exit__(self, *_: object) -> None:
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)


def _read(fd: int) -> tuple[float, float]:
    os.lseek(fd, 0, os.SEEK_SET)
    fields = os.read(fd, 256).split()
    try:
        return float(fields[0]), float(fields[1])
    except (IndexError, ValueError):
        return 0.0, 0.0  # a new or damaged file: no reservation yet


def _write(fd: int, next_free_ms: float, paused_until_ms: float) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, f"{next_free_ms:.3f} {paused_until_ms:.3f}\n".encode())
