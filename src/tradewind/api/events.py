"""`ChangeFeed`: one poller per server reads the journal's versions (a handful of max
ids and counts) every `poll_s` and tells every subscriber which topics changed; the
`/api/v1/events` stream (Server-Sent Events) forwards that to browsers and clients."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable

import anyio

__all__ = ["ChangeFeed", "sse_stream"]

_log = logging.getLogger(__name__)
KEEPALIVE_S = 15.0
QUEUE_SIZE = 16


class ChangeFeed:
    """Journal versions by topic (controls, sessions, fills, signals, runs, risk,
    promotions) and the subscribers to their changes."""

    def __init__(self, read_versions: Callable[[], dict[str, str]], *, poll_s: float) -> None:
        self._read = read_versions
        self.poll_s = poll_s
        self._versions: dict[str, str] | None = None
        self._subscribers: set[asyncio.Queue[list[str]]] = set()
        self.error: str | None = None
        # Its own worker slot: under load the request handlers fill anyio's shared pool,
        # and the poll must not queue behind them (events would arrive late).
        self._limiter: anyio.CapacityLimiter | None = None

    def versions(self) -> dict[str, str]:
        """The versions last read (read now if the poller has not run yet)."""
        if self._versions is None:
            self._versions = self._read()
        return self._versions

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def subscribe(self) -> asyncio.Queue[list[str]]:
        queue: asyncio.Queue[list[str]] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[list[str]]) -> None:
        self._subscribers.discard(queue)

    async def run(self) -> None:
        """Poll until cancelled; a failed read is logged and retried at the next poll."""
        self._limiter = anyio.CapacityLimiter(1)
        while True:
            try:
                latest = await anyio.to_thread.run_sync(self._read, limiter=self._limiter)
                self.error = None
            except Exception as exc:  # the journal may be briefly locked or migrating
                self.error = f"{type(exc).__name__}: {exc}"
                _log.warning("reading the journal's versions failed: %s", self.error)
            else:
                self._publish(latest)
            await asyncio.sleep(self.poll_s)

    def _publish(self, latest: dict[str, str]) -> None:
        before, self._versions = self._versions, latest
        if before is None:
            return
        topics = sorted(k for k, v in latest.items() if before.get(k) != v)
        if not topics:
            return
        for queue in list(self._subscribers):
            if queue.full():  # a slow client: it gets the newest change, not a backlog
                queue.get_nowait()
            queue.put_nowait(topics)


async def sse_stream(feed: ChangeFeed, is_disconnected: Callable[[], object]) -> AsyncIterator[str]:
    """Server-Sent Events: `hello` with the current versions, then one `change` event
    per change (`data: {"topics": [...]}`) and a comment every `KEEPALIVE_S`."""
    queue = feed.subscribe()
    try:
        yield "retry: 2000\n\n"
        yield _event("hello", {"versions": feed.versions()})
        while True:
            try:
                topics = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_S)
            except TimeoutError:
                if await is_disconnected():  # type: ignore[misc]
                    return
                yield ": keepalive\n\n"
                continue
            yield _event("change", {"topics": topics})
    finally:
        feed.unsubscribe(queue)


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"
