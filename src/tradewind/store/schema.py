"""Connecting to a journal database and bringing its schema to the current revision.

SQLite is the default: a file path (or `sqlite:///...`) gets WAL journaling, `synchronous
= FULL` (a commit is on disk before it returns) and foreign keys on every connection;
`:memory:` is for backtests and benchmarks. PostgreSQL is used by URL
(`postgresql+psycopg://user@host:port/db`; `postgresql://` means psycopg 3).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import StaticPool

from tradewind.domain.redaction import PASSWORD_MASK, redact_url
from tradewind.store.errors import JournalError
from tradewind.store.failures import journal_label, write_failures
from tradewind.store.start_lock import run_start_lock

__all__ = [
    "HEAD_REVISION",
    "PG_CONNECT_TIMEOUT_S",
    "SQLITE_BUSY_TIMEOUT_S",
    "create_journal_engine",
    "current_revision",
    "head_revision",
    "migrate",
    "wants_password",
]

HEAD_REVISION = "0007"
"""The newest migration in `migrations/versions` (tests keep the two in sync); a journal
at this revision is opened without loading Alembic at all."""

SQLITE_BUSY_TIMEOUT_S = 30.0
"""How long a SQLite writer waits for another writer's lock before failing."""

PG_CONNECT_TIMEOUT_S = 5
"""How long connecting to a PostgreSQL journal may take before it fails (an unreachable
server fails before a run starts, not minutes into it)."""

_MIGRATIONS = "tradewind.store:migrations"


def create_journal_engine(
    target: str | Path, *, create: bool = True, password: str | None = None
) -> Engine:
    """A SQLAlchemy engine for a journal path or URL (no schema work is done here).

    `password` is used for a database URL that names a user but no password (or the
    mask `***`); PostgreSQL connections give up after `PG_CONNECT_TIMEOUT_S` unless the
    URL sets `connect_timeout` itself.

    Raises:
        JournalError: an unsupported URL, or `create=False` and the SQLite file is missing.
    """
    text = str(target)
    if text == ":memory:" or text in ("sqlite://", "sqlite:///:memory:"):
        return _sqlite_engine("sqlite://", memory=True)
    if "://" not in text:
        return _sqlite_engine(_sqlite_url_for(Path(text), create=create), memory=False)
    try:
        url = make_url(text)
    except ArgumentError:
        raise JournalError(
            f"invalid journal URL {redact_url(text)!r}: expected sqlite:/// or postgresql://"
        ) from None
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return _sqlite_engine("sqlite://", memory=True)
        return _sqlite_engine(_sqlite_url_for(Path(url.database), create=create), memory=False)
    if url.get_backend_name() == "postgresql":
        if url.get_driver_name() not in ("psycopg", "psycopg2") or url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        if password is not None and url.username and url.password in (None, PASSWORD_MASK):
            url = url.set(password=password)
        connect_args = (
            {} if "connect_timeout" in url.query else {"connect_timeout": PG_CONNECT_TIMEOUT_S}
        )
        return create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    raise JournalError(
        f"unsupported journal URL {url.render_as_string(hide_password=True)!r}: "
        "expected a SQLite path or a postgresql:// URL"
    )


def wants_password(target: str | Path) -> bool:
    """Whether `target` is a database URL that names a user but no password (or the
    mask `***`): the caller should pass the password to `create_journal_engine`."""
    text = str(target)
    if "://" not in text:
        return False
    try:
        url = make_url(text)
    except ArgumentError:
        return False
    return (
        url.get_backend_name() != "sqlite"
        and bool(url.username)
        and (url.password in (None, PASSWORD_MASK))
    )


def _sqlite_url_for(path: Path, *, create: bool) -> str:
    path = path.expanduser().resolve()
    if not path.exists():
        if not create:
            raise JournalError(
                f"journal {path} does not exist: give the journal of an earlier run with "
                "--journal (or TRADEWIND_JOURNAL)"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise JournalError(
                f"cannot create journal {path}: its directory {path.parent} cannot be "
                f"created ({exc.strerror})"
            ) from None
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise JournalError(
                f"cannot create journal {path}: its directory {path.parent} is not writable"
            )
    elif path.is_dir():
        raise JournalError(f"journal {path} is a directory; expected a SQLite file")
    return f"sqlite:///{path}"


def _sqlite_engine(url: str, *, memory: bool) -> Engine:
    if memory:
        # One shared connection: every new connection to :memory: is a new, empty database.
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _set_sqlite_pragmas)
    return engine


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL").fetchall()
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _MIGRATIONS)
    config.set_main_option("path_separator", "os")
    return config


def head_revision() -> str:
    """The newest schema revision in the migration scripts (loads Alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:
        raise JournalError("the journal migrations have no head revision")
    return str(head)


def current_revision(connection: Connection) -> str | None:
    """The schema revision stored in the database, or None for an empty database."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return None if revision is None else str(revision)


def migrate(engine: Engine, *, create: bool = True) -> None:
    """Upgrade the journal schema to the head revision (creating it when empty).

    Raises:
        JournalError: the database cannot be reached, `create=False` and it holds no
            journal, or it was written by a newer Tradewind (unknown revision).
    """
    shown = journal_label(engine)
    try:
        with engine.connect() as connection:
            current = current_revision(connection)
    except DBAPIError as exc:  # unreachable server, not a database file, no permission
        reason = redact_url(" ".join(str(exc.orig).split()))
        if engine.url.get_backend_name() == "sqlite" and "unable to open" in reason:
            reason += " (check that the file and its directory exist and are writable)"
        raise JournalError(f"cannot open journal {shown}: {reason}") from None
    if current is None and not create:
        raise JournalError(f"{shown} holds no journal (no schema revision)")
    if current == HEAD_REVISION:
        return
    from alembic import command
    from alembic.util import CommandError

    config = _alembic_config()
    try:
        # One process migrates; another opening the new journal at the same moment waits,
        # then finds it at head.
        with run_start_lock(engine, shown), write_failures(shown), engine.begin() as connection:
            if current_revision(connection) == HEAD_REVISION:
                return
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except CommandError as exc:
        raise JournalError(
            f"journal {shown} is at schema revision {current!r}, which this version of "
            f"Tradewind does not know (newest known: {HEAD_REVISION!r}); upgrade Tradewind: "
            f"{exc}"
        ) from None
