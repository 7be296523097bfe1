"""Database and disk failures while writing the journal, as `JournalError`s that name the
journal (its SQLite file, or its URL without the password) and say what to do.

Only operational failures are translated (a full disk, a read-only file or database or
database user, a lost connection, a lock held too long); constraint violations are the
journal's to explain, and anything else is a bug and stays what it is.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from tradewind.domain.redaction import redact_url
from tradewind.store.errors import JournalError

__all__ = ["journal_label", "write_failures"]

_DISK_FULL = ("database or disk is full", "no space left on device", "could not extend file")
_READ_ONLY = ("readonly database", "read-only", "permission denied")
# PostgreSQL: no privilege to write, a read-only transaction (a standby, a read-only user).
_NOT_PERMITTED = frozenset({"42501", "25006"})


def journal_label(engine: Engine) -> str:
    """How messages name a journal: the SQLite file path (or `:memory:`), else the URL
    with its password masked."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


@contextmanager
def write_failures(label: str) -> Iterator[None]:
    """Turn an operational database error or an `OSError` raised inside the block into a
    `JournalError` naming the journal `label`.

    Raises:
        JournalError: the disk is full, the journal is read-only, or the database failed.
    """
    try:
        yield
    except DBAPIError as exc:
        if not isinstance(exc, OperationalError) and _sqlstate(exc) not in _NOT_PERMITTED:
            raise
        raise JournalError(_failure_message(label, _reason(exc.orig))) from None
    except OSError as exc:
        disk_full = exc.errno == errno.ENOSPC
        raise JournalError(_failure_message(label, _reason(exc), disk_full=disk_full)) from None


def _failure_message(label: str, reason: str, *, disk_full: bool = False) -> str:
    """`cannot write to journal LABEL: REASON`, with advice for a full disk or a
    read-only journal."""
    lowered = reason.lower()
    if disk_full or any(text in lowered for text in _DISK_FULL):
        return (
            f"cannot write to journal {label}: the disk is full ({reason}); free some space "
            "and rerun (a paper or advisory session resumes where the journal left off)"
        )
    message = f"cannot write to journal {label}: {reason}"
    if any(text in lowered for text in _READ_ONLY):
        if "://" in label:
            return f"{message}; check that the database user may write the journal's tables"
        return f"{message}; check that the journal file and its directory are writable"
    return message


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _reason(exc: BaseException | None) -> str:
    text = " ".join(str(exc).split()) if exc is not None else "unknown error"
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror + (f": {exc.filename}" if exc.filename else "")
    return redact_url(text)
