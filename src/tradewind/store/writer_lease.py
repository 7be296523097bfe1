"""The writer lease: one process writes a run at a time; readers are never blocked.

- SQLite file: an exclusive `flock` on `<journal>.writer-<run_id>.lock` beside the
  journal, holding the holder's pid, host and start time as JSON. The operating system
  drops the lock when the process ends, however it ends (SIGKILL included); a release
  removes the file.
- PostgreSQL: a session-level advisory lock keyed by (schema, run id), on a connection
  kept open for the lease; the holder is named in the `run_writers` table. The server
  drops the lock when that connection ends (a killed process included).
- In-memory SQLite: no lease (nothing outside the process can reach the journal).

A second writer gets `WriterBusyError` naming the run, the journal and the holder.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, delete, select
from sqlalchemy.dialects import postgresql

from tradewind.store.errors import WriterBusyError
from tradewind.store.failures import write_failures
from tradewind.store.models import RunWriterRow

__all__ = ["WriterInfo", "WriterLease", "acquire_lease", "lock_path", "recorded_writer"]


@dataclass(frozen=True, slots=True)
class WriterInfo:
    """Who took a writer lease: process id, host name and when (UTC)."""

    pid: int
    host: str
    since: datetime

    def describe(self) -> str:
        """`pid 123 on host since 2025-01-02T03:04:05+00:00`."""
        return f"pid {self.pid} on {self.host} since {self.since.isoformat(timespec='seconds')}"


class WriterLease(Protocol):
    """A held writer lease."""

    def release(self) -> None:
        """Give the lease up (idempotent)."""


def acquire_lease(engine: Engine, label: str, run_id: str) -> WriterLease:
    """Take the writer lease of `run_id` in the journal of `engine` (named `label`).

    Raises:
        WriterBusyError: another process (or another `Journal` of this one) holds it.
        JournalError: the lock file or the database cannot be written.
    """
    if engine.dialect.name == "postgresql":
        return _AdvisoryLease.acquire(engine, label, run_id)
    path = lock_path(engine, run_id)
    if path is None:
        return _NoLease()
    return _FileLease.acquire(path, label, run_id)


def lock_path(engine: Engine, run_id: str) -> Path | None:
    """The lock file of `run_id`'s lease beside a SQLite journal (None for PostgreSQL or
    an in-memory journal)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    journal = Path(database)
    return journal.with_name(f"{journal.name}.writer-{run_id}.lock")


def recorded_writer(engine: Engine, run_id: str) -> WriterInfo | None:
    """Who last took `run_id`'s lease, as recorded (None if nobody holds or held it).

    The record outlives a killed holder until the next writer replaces it, so it says
    who *took* the lease, not that the process is still alive."""
    path = lock_path(engine, run_id)
    if path is not None:
        try:
            return _parse_info(path.read_text(encoding="utf-8"))
        except OSError:
            return None
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        return _stored_writer(connection, run_id)


def _busy(run_id: str, label: str, holder: WriterInfo | None) -> WriterBusyError:
    who = holder.describe() if holder is not None else "another process"
    return WriterBusyError(
        f"run {run_id} in journal {label} is already being written by {who}: only one "
        "session may write a run at a time; wait for that session to finish or stop it, "
        "then rerun to resume (a killed session's lease is released with it)"
    )


def _holder_now() -> WriterInfo:
    return WriterInfo(os.getpid(), socket.gethostname(), datetime.now(UTC))


class _NoLease:
    def release(self) -> None:
        return None


class _FileLease:
    """An exclusive flock on the run's lock file (see the module doc)."""

    def __init__(self, path: Path, fd: int) -> None:
        self._path = path
        self._fd: int | None = fd

    @classmethod
    def acquire(cls, path: Path, label: str, run_id: str) -> _FileLease:
        with write_failures(label):
            while True:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    holder = _parse_info(_read_all(fd))
                    os.close(fd)
                    raise _busy(run_id, label, holder) from None
                if _same_file(fd, path):
                    break
                os.close(fd)  # a releasing holder removed this file meanwhile: retry
            info = _holder_now()
            text = json.dumps(
                {
                    "run_id": run_id,
                    "pid": info.pid,
                    "host": info.host,
                    "since": info.since.isoformat(),
                }
            ).encode()
            os.ftruncate(fd, 0)
            os.pwrite(fd, text, 0)
        return cls(path, fd)

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(FileNotFoundError):
            self._path.unlink()  # while still locked, so no one locks a file about to go
        os.close(self._fd)
        self._fd = None


class _AdvisoryLease:
    """A PostgreSQL session-level advisory lock on a connection held for the lease."""

    def __init__(self, connection: Connection, key: int, run_id: str) -> None:
        self._connection: Connection | None = connection
        self._key = key
        self._run_id = run_id

    @classmethod
    def acquire(cls, engine: Engine, label: str, run_id: str) -> _AdvisoryLease:
        with write_failures(label):
            connection = engine.connect()
            try:
                schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
                key = _advisory_key(str(schema), run_id)
                taken = connection.exec_driver_sql(
                    "SELECT pg_try_advisory_lock(%s)", (key,)
                ).scalar()
                if not taken:
                    holder = _stored_writer(connection, run_id)
                    raise _busy(run_id, label, holder)
                _store_writer(connection, run_id, _holder_now())
                connection.commit()
            except BaseException:
                connection.invalidate()  # never pool a connection that may hold the lock
                connection.close()
                raise
        return cls(connection, key, run_id)

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.execute(delete(RunWriterRow).where(RunWriterRow.run_id == self._run_id))
            connection.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (self._key,))
            connection.commit()
        except Exception:
            connection.invalidate()  # closing the server session drops the lock anyway
        finally:
            connection.close()


def _advisory_key(schema: str, run_id: str) -> int:
    """A signed 64-bit key for (schema, run id): runs of journals in different schemas
    of one database do not share leases."""
    digest = hashlib.sha256(f"tradewind-writer:{schema}:{run_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def _store_writer(connection: Connection, run_id: str, info: WriterInfo) -> None:
    values = {"run_id": run_id, "pid": info.pid, "host": info.host[:255], "since": info.since}
    statement = postgresql.insert(RunWriterRow).values(values)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["run_id"],
            set_={name: statement.excluded[name] for name in ("pid", "host", "since")},
        )
    )


def _stored_writer(connection: Connection, run_id: str) -> WriterInfo | None:
    row = connection.execute(
        select(RunWriterRow.pid, RunWriterRow.host, RunWriterRow.since).where(
            RunWriterRow.run_id == run_id
        )
    ).one_or_none()
    return None if row is None else WriterInfo(int(row.pid), str(row.host), row.since)


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _read_all(fd: int) -> str:
    return os.pread(fd, 4096, 0).decode("utf-8", errors="replace")


def _parse_info(text: str) -> WriterInfo | None:
    """The holder recorded in a lock file (None while it is being written or unreadable)."""
    try:
        data = json.loads(text)
        return WriterInfo(
            int(data["pid"]), str(data["host"]), datetime.fromisoformat(data["since"])
        )
    except (ValueError, KeyError, TypeError):
        return None
