"""The trials of `tradewind optimize` on a Dask cluster: a local one of process workers
(`--scheduler local`) or a running one (`--scheduler tcp://HOST:PORT`).

The prepared `TrialRunner` is scattered once to every worker; each task then carries only
its `TrialTask` and the runner's key, and Dask resolves the key on the worker.
"""

from __future__ import annotations

import logging
import os
import pickle
import socket
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tradewind.app.trial_pool import TrialOutcome, TrialTask, run_task
from tradewind.domain.errors import TradewindError

if TYPE_CHECKING:
    from distributed import Client, Future, LocalCluster

    from tradewind.app.optimize import TrialRunner

__all__ = ["DaskPool", "DaskPoolError", "DaskSettings", "open_pool"]

CONNECT_TIMEOUT_S = 10
"""How long to wait for a tcp:// scheduler to answer, then for its first worker."""


class DaskPoolError(TradewindError):
    """The Dask cluster cannot be used, or a trial failed on it."""


@dataclass(frozen=True, slots=True)
class DaskSettings:
    """Where to run: `scheduler` "local" (a cluster of `workers` single-threaded process
    workers on this machine, None: one per CPU) or "tcp://HOST:PORT" (a running
    scheduler; its workers are its own)."""

    scheduler: str = "local"
    workers: int | None = None


def open_pool(settings: DaskSettings) -> DaskPool:
    """Start the local cluster, or connect to the scheduler, of `settings`.

    Raises:
        DaskPoolError: a scheduler that is neither "local" nor tcp://, workers < 1,
            workers with a tcp:// scheduler, an unreachable scheduler, or a cluster
            without workers after 10 s.
    """
    _validate(settings)
    if settings.scheduler == "local":
        return _open_local(settings.workers or os.cpu_count() or 1)
    return _open_remote(settings.scheduler)


def _validate(settings: DaskSettings) -> None:
    scheduler = settings.scheduler
    if scheduler != "local" and not scheduler.startswith("tcp://"):
        raise DaskPoolError(f"--scheduler {scheduler}: expected local or tcp://HOST:PORT")
    if settings.workers is None:
        return
    if scheduler != "local":
        raise DaskPoolError(
            f"--workers {settings.workers} with --scheduler {scheduler}: the cluster has its "
            "own workers; drop --workers or use --scheduler local"
        )
    if settings.workers < 1:
        raise DaskPoolError(f"--workers {settings.workers}: expected at least 1")


def _open_local(workers: int) -> DaskPool:
    from distributed import Client, LocalCluster

    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        # No dashboard; the scheduler's HTTP endpoint (always started) on a free
        # loopback port, not 8787 (a second cluster would warn that it is taken).
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        silence_logs=logging.ERROR,
    )
    try:
        client = Client(cluster, set_as_default=False)  # type: ignore[no-untyped-call]
    except BaseException:
        cluster.close()
        raise
    return DaskPool(client, cluster, f"local cluster, {workers} process workers")


def _open_remote(address: str) -> DaskPool:
    from distributed import Client

    try:
        _probe(address)  # a refused port fails at once (the client retries until its timeout)
        client: Any = Client(  # type: ignore[no-untyped-call]
            address, timeout=f"{CONNECT_TIMEOUT_S}s", set_as_default=False
        )
    except (OSError, TimeoutError, ValueError) as failed:
        raise DaskPoolError(
            f"cannot reach the Dask scheduler at {address}: {failed}; start one with "
            "`dask scheduler` or use --scheduler local"
        ) from failed
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
    except TimeoutError as idle:
        client.close()
        raise DaskPoolError(
            f"the Dask scheduler at {address} has no workers after {CONNECT_TIMEOUT_S} s; "
            f"start some with `dask worker {address}` or use --scheduler local"
        ) from idle
    count = len(client.scheduler_info(n_workers=-1)["workers"])
    return DaskPool(client, None, f"{address}, {count} workers")


def _probe(address: str) -> None:
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    if not host or not port.isdigit():
        raise ValueError("expected tcp://HOST:PORT")
    with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT_S):
        pass


class DaskPool:
    """A `TrialPool` on a Dask cluster: 2 tasks in flight per worker (at least 2).

    `shipped_bytes` is the size of the runner `start` shipped. Use as a context manager,
    or call `close`.
    """

    def __init__(self, client: Client, cluster: LocalCluster | None, description: str) -> None:
        # Any: distributed is untyped (each call would need an ignore).
        self._client: Any = client
        self._cluster: Any = cluster
        self.description = description
        self._shipped: TrialRunner | None = None
        self._runner: Future[Any] | None = None
        self._pending: dict[Future[TrialOutcome], TrialTask] = {}
        self._closed = False
        self._width: int | None = None

    @property
    def address(self) -> str:
        """The scheduler's address (tcp://HOST:PORT)."""
        return str(self._client.scheduler.address)

    @property
    def workers(self) -> list[str]:
        """The addresses of the cluster's workers."""
        return sorted(self._client.scheduler_info(n_workers=-1)["workers"])

    @property
    def shipped_bytes(self) -> int:
        """The size of the runner shipped by `start` (pickled again here: only on request,
        as a million-bar runner takes a noticeable time to pickle)."""
        if self._shipped is None:
            return 0
        return len(pickle.dumps(self._shipped, protocol=pickle.HIGHEST_PROTOCOL))

    @property
    def width(self) -> int:
        if self._width is None:  # asked once: it is read before every task is sent
            self._width = max(2 * len(self.workers), 2)
        return self._width

    def start(self, runner: TrialRunner) -> None:
        self._shipped = runner
        self._runner = self._client.scatter(runner, broadcast=True, hash=False)

    def submit(self, task: TrialTask) -> None:
        if self._runner is None:
            raise RuntimeError("DaskPool.submit before start")
        future = self._client.submit(_run_on_worker, self._runner, task, pure=False)
        self._pending[future] = task

    def finished(self) -> list[TrialOutcome]:
        from distributed import wait

        if not self._pending:
            return []
        with self._client.as_current():  # `wait` finds its client there (not set as default)
            done, _ = wait(  # type: ignore[no-untyped-call]
                list(self._pending), return_when="FIRST_COMPLETED"
            )
        outcomes: list[TrialOutcome] = []
        for future in done:
            task = self._pending.pop(future)
            if future.status == "error":
                raise _trial_failed(task, future.exception())
            outcomes.append(future.result())
        outcomes.sort(key=lambda o: o.task.number)
        return outcomes

    def close(self) -> None:
        """Cancel the tasks still running, release the runner and stop the client (and
        the local cluster). Idempotent."""
        if self._closed:
            return
        self._closed = True
        pending = [*self._pending, *([self._runner] if self._runner is not None else [])]
        self._pending.clear()
        self._runner = self._shipped = None
        try:
            if pending:
                self._client.cancel(pending)
            self._client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()

    def __enter__(self) -> DaskPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _trial_failed(task: TrialTask, error: BaseException | None) -> DaskPoolError:
    params = ", ".join(f"{k}={v}" for k, v in task.params.items()) or "no params"
    text = str(error) if isinstance(error, TradewindError) else f"{type(error).__name__}: {error}"
    return DaskPoolError(f"trial {task.number} ({params}) failed on a Dask worker: {text}")


def _run_on_worker(runner: TrialRunner, task: TrialTask) -> TrialOutcome:
    # Runs in the worker process; `runner` is the worker's copy of the scattered runner.
    from distributed import get_worker

    return run_task(runner, task, worker=get_worker().address)
