"""The journal's start lock: held while a session picks the run it continues or starts
a new one, so that two sessions started at the same moment cannot both start a run.

The second waits (briefly: the lock covers a lookup and an insert), then finds the run
the first started, running under the first's writer lease, and is refused by it
(`WriterBusyError`). SQLite: an exclusive `flock` on `<journal>.start.lock` beside the
journal (not on the journal file: closing any descriptor of it would drop the POSIX
locks SQLite holds in this process); the file stays, empty. PostgreSQL: a session-level
advisory lock on a fixed key per schema. In-memory journals: nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine

from tradewind.store.failures import write_failures

__all__ = ["run_start_lock"]


@contextlib.contextmanager
def run_start_lock(engine: Engine, label: str) -> Iterator[None]:
    """Hold the start lock of the journal of `engine` (named `label`) for the block.

    Raises:
        JournalError: the journal file or the database cannot be locked.
    """
    if engine.dialect.name == "postgresql":
        with _advisory_start_lock(engine, label):
            yield
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with write_failures(label):
        journal = Path(database)
        path = journal.with_name(f"{journal.name}.start.lock")
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits for a session that is starting its run
    try:
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


@contextlib.contextmanager
def _advisory_start_lock(engine: Engine, label: str) -> Iterator[None]:
    with write_failures(label):
        connection = engine.connect()
    try:
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
        digest = hashlib.sha256(f"tradewind-start:{schema}".encode()).digest()
        key = int.from_bytes(digest[:8], "big", signed=True)
        connection.exec_driver_sql("SELECT pg_advisory_lock(%s)", (key,))
        try:
            yield
        finally:
            connection.exec_driver_sql("SELECT pg_advisory_unlock(%s)", (key,))
            connection.commit()
    finally:
        connection.close()
