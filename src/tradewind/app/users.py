"""Dashboard and API users: roles, password checks and hashing (argon2id), logins and
bearer tokens, over the journal's `users` and `api_tokens` (`store.user_records`).

Passwords never leave this module's functions: no message, record or log line holds
one; the journal stores argon2id hashes, and of a token only its SHA-256 digest (the
token itself is shown once, when issued). `tradewind user` and the web API both use
these functions.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from tradewind.domain.errors import TradewindError
from tradewind.store.user_records import UnknownUserError, UserExistsError, UserRecord

if TYPE_CHECKING:
    from tradewind.store import Journal

__all__ = [
    "DEFAULT_TOKEN_LABEL",
    "MAX_PASSWORD_CHARS",
    "MIN_PASSWORD_CHARS",
    "TOKEN_PREFIX",
    "Role",
    "UnknownUserError",
    "UserError",
    "UserExistsError",
    "UserSummary",
    "add_user",
    "authenticate",
    "check_password",
    "hash_password",
    "issue_token",
    "list_users",
    "parse_role",
    "remove_user",
    "revoke_tokens",
    "set_disabled",
    "set_password",
    "set_role",
    "token_hash",
    "user_for_token",
    "user_summaries",
    "users_journal",
    "verify_password",
]

MIN_PASSWORD_CHARS = 12
"""The shortest password accepted."""
MAX_PASSWORD_CHARS = 1024
"""The longest password accepted (a bound on the work one login attempt costs)."""
TOKEN_PREFIX = "twk_"
"""How every Tradewind API token starts (so a leaked one is recognisable)."""
DEFAULT_TOKEN_LABEL = "default"
"""The label of a token issued without one."""

_HASHER = PasswordHasher()  # argon2id with argon2-cffi's recommended parameters


class Role(StrEnum):
    """What a user may do: a viewer reads; an operator may also stop and resume."""

    VIEWER = "viewer"
    OPERATOR = "operator"


class UserError(TradewindError):
    """A user command that cannot be done: a weak password, an unknown role or user."""


@dataclass(frozen=True, slots=True)
class UserSummary:
    """A user as listed: never its hash, with how many API tokens it holds."""

    name: str
    role: str
    created_at: datetime
    disabled: bool
    token_count: int


def parse_role(value: str, what: str = "role") -> Role:
    """The `Role` named by `value` (any case).

    Raises:
        UserError: names `what` (e.g. `--role`) and the roles expected.
    """
    try:
        return Role(value.strip().lower())
    except ValueError:
        allowed = ", ".join(role.value for role in Role)
        raise UserError(f"invalid {what} {value!r}: expected one of {allowed}") from None


def check_password(password: str, name: str) -> None:
    """Refuse a password shorter than `MIN_PASSWORD_CHARS` (or longer than
    `MAX_PASSWORD_CHARS`), equal to the user name (any case) or one character repeated.

    Raises:
        UserError: says which rule the password breaks (never shows the password).
    """
    if not isinstance(password, str):
        raise UserError(f"invalid password of user {name!r}: expected text")
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(
            f"password of user {name!r} too short: {len(password)} characters, expected at "
            f"least {MIN_PASSWORD_CHARS}"
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise UserError(
            f"password of user {name!r} too long: {len(password)} characters, expected at "
            f"most {MAX_PASSWORD_CHARS}"
        )
    if password.casefold() == name.casefold():
        raise UserError(f"password of user {name!r} refused: it is the user name")
    if len(set(password)) == 1:
        raise UserError(f"password of user {name!r} refused: it is one character repeated")


def hash_password(password: str) -> str:
    """The argon2id hash of `password` (PHC string with its salt and parameters)."""
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash`; False for a wrong password or a hash
    that is not argon2 (never raises for either)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    # Verified against when the user is unknown, so a login costs the same either way.
    return hash_password(secrets.token_urlsafe(16))


def users_journal(config: Path | None, journal: str | None, *, create: bool) -> Journal:
    """Open the journal the users live in, resolved as `tradewind stop` resolves it
    (`journal`, else the config's `backtest.journal`, else TRADEWIND_JOURNAL, else the
    default); with `create=False` a missing journal is an error.

    Raises:
        ConfigError: the config is missing or invalid.
        ControlError: the journal is `:memory:`.
        JournalError: the journal cannot be opened.
    """
    from tradewind.app.control_commands import control_target
    from tradewind.app.journal_access import open_journal

    return open_journal(control_target(config, journal).journal, create=create)


def add_user(journal: Journal, name: str, role: str, password: str) -> UserRecord:
    """Add an enabled user with an argon2id hash of `password`.

    Raises:
        UserError: an unknown role or a weak password.
        JournalError: an invalid name, the user exists (`UserExistsError`), or the
            journal cannot be written.
    """
    chosen = parse_role(role)
    check_password(password, name)
    return journal.add_user(name, chosen.value, hash_password(password))


def set_password(journal: Journal, name: str, password: str) -> UserRecord:
    """Replace a user's password.

    Raises:
        UserError: a weak password.
        JournalError: no such user (`UnknownUserError`), or the journal cannot be written.
    """
    check_password(password, name)
    _known(journal, name)
    return journal.update_user(name, password_hash=hash_password(password))


def set_role(journal: Journal, name: str, role: str) -> UserRecord:
    """Change a user's role.

    Raises:
        UserError: an unknown role.
        JournalError: no such user (`UnknownUserError`), or the journal cannot be written.
    """
    return journal.update_user(name, role=parse_role(role).value)


def set_disabled(journal: Journal, name: str, disabled: bool) -> UserRecord:
    """Disable a user (no login, its tokens refused) or enable it again.

    Raises:
        JournalError: no such user (`UnknownUserError`), or the journal cannot be written.
    """
    return journal.update_user(name, disabled=disabled)


def remove_user(journal: Journal, name: str) -> bool:
    """Remove a user and its tokens; False when there was no such user."""
    return journal.remove_user(name)


def list_users(journal: Journal) -> list[UserRecord]:
    """Every user, by name."""
    return journal.users()


def user_summaries(journal: Journal) -> list[UserSummary]:
    """Every user, by name, with its token count (and no hash)."""
    counts: dict[str, int] = {}
    for token in journal.tokens():
        counts[token.user_name] = counts.get(token.user_name, 0) + 1
    return [
        UserSummary(user.name, user.role, user.created_at, user.disabled, counts.get(user.name, 0))
        for user in journal.users()
    ]


def authenticate(journal: Journal, name: str, password: str) -> UserRecord | None:
    """The user if `password` is its password and it is enabled, else None. An unknown
    name costs one hash verification too, so timing does not tell which names exist; a
    hash made with older parameters is replaced by a new one.

    Raises:
        JournalError: the journal cannot be read, or a rehash cannot be written.
    """
    user = journal.user(name)
    if user is None:
        verify_password(_dummy_hash(), password)
        return None
    if not verify_password(user.password_hash, password) or user.disabled:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        return journal.update_user(name, password_hash=hash_password(password))
    return user


def token_hash(token: str) -> str:
    """The SHA-256 hex digest of `token` (what the journal stores)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(journal: Journal, name: str, label: str = DEFAULT_TOKEN_LABEL) -> str:
    """A new bearer token for user `name` (`twk_` and 43 URL-safe characters), returned
    this once: the journal keeps only its SHA-256 digest.

    Raises:
        UserError: the user is disabled.
        JournalError: no such user (`UnknownUserError`), an invalid label, or the journal
            cannot be written.
    """
    if _known(journal, name).disabled:
        raise UserError(f"user {name!r} is disabled: it cannot be given a token")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    journal.add_token(name, label, token_hash(token))
    return token


def user_for_token(journal: Journal, token: str) -> UserRecord | None:
    """The enabled user a bearer token belongs to, or None."""
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX):
        return None
    return journal.user_for_token_hash(token_hash(token))


def revoke_tokens(journal: Journal, name: str, label: str | None = None) -> int:
    """Delete the tokens of user `name` (only those labelled `label`, if given); returns
    how many were deleted.

    Raises:
        JournalError: no such user (`UnknownUserError`), or the journal cannot be written.
    """
    _known(journal, name)
    return journal.revoke_tokens(name, label)


def _known(journal: Journal, name: str) -> UserRecord:
    user = journal.user(name)
    if user is None:
        raise UnknownUserError(f"unknown user {name!r} in journal {journal.label}")
    return user
