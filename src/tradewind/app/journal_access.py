"""Opening the journal from the composition root: a database journal's password comes
from the environment (TRADEWIND_JOURNAL_PASSWORD, like every other secret), and a run
checks its journal before it starts rather than failing after it.

Light on purpose (no engine, numpy or pandas): the read-only commands use it too.
"""

from __future__ import annotations

from pathlib import Path

from tradewind.store import Journal, JournalError
from tradewind.store.schema import wants_password

__all__ = ["check_journal_writable", "open_journal"]

_PASSWORD_VARIABLE = "TRADEWIND_JOURNAL_PASSWORD"


def open_journal(target: str | Path, *, create: bool = True) -> Journal:
    """`Journal.open(target)`, with TRADEWIND_JOURNAL_PASSWORD (environment or `.env`)
    as the password of a database URL that names a user but no password (or `***`).

    Raises:
        JournalError: the journal cannot be opened (see `Journal.open`); when the server
            asked for a password that was not set, the message says which variable to set.
        ConfigError: a TRADEWIND_* secret in the environment or `.env` is invalid.
    """
    password = _password_for(target)
    try:
        return Journal.open(target, create=create, password=password)
    except JournalError as exc:
        if password is None and wants_password(target) and "password" in str(exc).lower():
            raise JournalError(
                f"{exc} (set {_PASSWORD_VARIABLE} in the environment or in .env)"
            ) from None
        raise


def check_journal_writable(target: str | Path) -> None:
    """Open the journal at `target` (creating it if needed) and try a write, so that an
    unreachable database or a read-only file, directory or database user fails before
    a run instead of after it. Cheap: one connection and a rolled-back update;
    `:memory:` always passes.

    Raises:
        JournalError: the journal cannot be opened or written; names it (password masked)
            and says why.
    """
    if str(target) == ":memory:":
        return
    with open_journal(target) as journal:
        journal.check_writable()


def _password_for(target: str | Path) -> str | None:
    if not wants_password(target):
        return None
    from tradewind.config.secrets import load_secrets

    secret = load_secrets().journal_password
    return None if secret is None else secret.get_secret_value()
