"""One ib_async `IB` on a private asyncio event loop, driven from synchronous code.

ib_async is asyncio-based and not thread-safe, while the ports are synchronous and
called from the session's own thread. `IbClient` therefore owns a daemon thread running
an event loop; every call into ib_async (its `*Async` requests and the non-blocking
`placeOrder` / `cancelOrder`) runs on that loop through `call`, which blocks the caller
until the answer or the timeout (`asyncio.run_coroutine_threadsafe(...).result()`).
TWS's error messages and connection losses arrive on the loop thread and are collected
under a lock (`take_errors`, `lost`).

A fresh `IB` is built for each connection (ib_async keeps per-connection state), with
`RaiseRequestErrors` on, so a failed request raises `RequestError` with TWS's code. It
also keeps what ib_async drops: the `completedTime` and `completedStatus` of completed
orders, by permId (`completed_times`).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ib_async import IB

__all__ = ["CompletedState", "IbClient", "TwsError"]

_log = logging.getLogger(__name__)
T = TypeVar("T")
_JOIN_S = 5.0
_GRACE_S = 1.0


@dataclass(frozen=True, slots=True)
class TwsError:
    """One error message from TWS: `req_id` is an order id or request id (-1: none)."""

    req_id: int
    code: int
    text: str


@dataclass(frozen=True, slots=True)
class CompletedState:
    """What TWS said about a completed order beyond its status (ib_async drops it)."""

    completed_time: str
    completed_status: str


class IbClient:
    """An `IB` on its own event-loop thread.

    Args:
        tws_timezone: the zone of naive times TWS sends (`IB.TimezoneTWS`); empty keeps
            ib_async's default (the local zone).
        ib_factory: builds the `IB` (tests pass a fake with the same async methods).
    """

    def __init__(self, tws_timezone: str = "", ib_factory: Callable[[], Any] = IB) -> None:
        self._ib_factory = ib_factory
        self._tws_timezone = tws_timezone
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ib: Any = None
        self._errors: list[TwsError] = []
        self._completed: dict[int, CompletedState] = {}
        self._lost = False

    # -- life cycle ------------------------------------------------------------------------

    @property
    def ib(self) -> Any:
        """The current `IB` (use it only inside functions passed to `call`)."""
        return self._ib

    def start(self) -> None:
        """Start the loop thread (idempotent) and build a fresh `IB` on it."""
        # ib_async logs every TWS error code at ERROR; the adapter maps and reports them
        # itself (`errors.map_code`), so those lines would only repeat it.
        logging.getLogger("ib_async.wrapper").setLevel(logging.CRITICAL)
        if self._loop is None or self._thread is None or not self._thread.is_alive():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(
                target=self._run_loop, args=(loop,), name="tradewind-ib-loop", daemon=True
            )
            thread.start()
            self._loop, self._thread = loop, thread
        self._submit(self._fresh_ib).result(_JOIN_S)

    def stop(self) -> None:
        """Disconnect the socket and stop the loop thread (idempotent)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if thread.is_alive():
            try:
                self._submit(self._close_ib).result(_JOIN_S)
            except Exception as error:  # the loop may be wedged; stop it anyway
                _log.warning("closing the IB connection failed: %s", error)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(_JOIN_S)
        if not thread.is_alive():
            loop.close()
        self._loop = self._thread = None

    @property
    def lost(self) -> bool:
        """Whether the socket closed without `stop()` since the last `start()`."""
        return self._lost

    def is_connected(self) -> bool:
        """Whether the API connection is up (handshake done, socket open)."""
        ib = self._ib
        return ib is not None and not self._lost and bool(ib.isConnected())

    # -- calls -----------------------------------------------------------------------------

    def call(self, fn: Callable[[Any], Any], timeout_s: float) -> Any:
        """Run `fn(ib)` on the loop (awaiting it when it returns an awaitable).

        Raises:
            TimeoutError: no result within `timeout_s` (the request is cancelled here;
                TWS may still carry it out).
            ConnectionError: the loop is not running.
            Exception: whatever `fn` raised (e.g. ib_async's `RequestError`).
        """

        async def invoke() -> Any:
            result = fn(self._ib)
            if inspect.isawaitable(result):
                return await asyncio.wait_for(result, timeout_s)
            return result

        future = self._submit(invoke)
        try:
            return future.result(timeout_s + _GRACE_S)
        except TimeoutError:
            future.cancel()
            raise

    def take_errors(self) -> list[TwsError]:
        """The TWS errors received since the last call, oldest first."""
        with self._lock:
            errors, self._errors = self._errors, []
        return errors

    def completed_state(self, perm_id: int) -> CompletedState | None:
        """The completed time and status TWS gave for order `perm_id`, if seen."""
        with self._lock:
            return self._completed.get(perm_id)

    # -- loop side -------------------------------------------------------------------------

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        loop.run_forever()

    def _submit(self, make: Callable[[], Awaitable[T]]) -> Any:
        loop = self._loop
        if loop is None or loop.is_closed():
            raise ConnectionError("the IB event loop is not running; connect first")

        async def run() -> T:
            return await make()

        return asyncio.run_coroutine_threadsafe(run(), loop)

    async def _fresh_ib(self) -> None:
        if self._ib is not None:
            self._close_quietly(self._ib)
        ib = self._ib_factory()
        ib.RaiseRequestErrors = True
        if self._tws_timezone:
            ib.TimezoneTWS = self._tws_timezone
        ib.errorEvent += self._on_error
        ib.disconnectedEvent += self._on_disconnected
        self._keep_completed_states(ib)
        self._ib, self._lost = ib, False

    async def _close_ib(self) -> None:
        if self._ib is not None:
            self._close_quietly(self._ib)
        self._ib = None

    def _close_quietly(self, ib: Any) -> None:
        with contextlib.suppress(ValueError):
            ib.disconnectedEvent -= self._on_disconnected
        try:
            ib.disconnect()
        except Exception as error:  # a half-closed socket must not stop a disconnect
            _log.debug("IB disconnect raised %s", error)

    def _on_error(self, req_id: int, code: int, text: str, _contract: Any = None) -> None:
        with self._lock:
            self._errors.append(TwsError(int(req_id), int(code), str(text)))

    def _on_disconnected(self) -> None:
        self._lost = True

    def _keep_completed_states(self, ib: Any) -> None:
        wrapper = getattr(ib, "wrapper", None)
        original = getattr(wrapper, "completedOrder", None)
        if wrapper is None or original is None:
            return

        def completed_order(contract: Any, order: Any, state: Any) -> None:
            with self._lock:
                self._completed[int(order.permId)] = CompletedState(
                    str(getattr(state, "completedTime", "") or ""),
                    str(getattr(state, "completedStatus", "") or ""),
                )
            original(contract, order, state)

        wrapper.completedOrder = completed_order
