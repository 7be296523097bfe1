"""Dashboard and API users and their bearer tokens in the journal (migration 0006).

A user (`users`) has a name, a role (`viewer` or `operator`) and a password hash (the
caller hashes; the journal never sees a password); an API token (`api_tokens`) is stored
only as the SHA-256 hex digest of the token, with a label and when it was last used.
Both are account records on the wall clock, so neither enters a run's digest.

Every write is its own short transaction, durable when it returns, and takes no writer
lease. `UserLedger` is the part of `Journal` that writes and reads them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Connection,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from tradewind.store.column_checks import left_out_of_digest
from tradewind.store.column_types import Instant
from tradewind.store.errors import JournalError
from tradewind.store.failures import write_failures
from tradewind.store.models import Base
from tradewind.store.reads import JournalReader

__all__ = [
    "TOKEN_LABEL_CHARS",
    "TOKEN_TOUCH_INTERVAL_S",
    "USER_NAME_CHARS",
    "USER_ROLES",
    "ApiTokenRow",
    "TokenRecord",
    "UnknownUserError",
    "UserExistsError",
    "UserLedger",
    "UserRecord",
    "UserRow",
    "checked_role",
    "checked_token_label",
    "checked_user_name",
]

USER_NAME_CHARS = 64
"""The longest user name."""
TOKEN_LABEL_CHARS = 64
"""The longest API token label."""
USER_ROLES = ("viewer", "operator")
"""What a user may be: `viewer` reads, `operator` may also send control commands."""
TOKEN_TOUCH_INTERVAL_S = 60
"""A token's `last_used_at` is written at most this often (spares a write per request)."""

_NAME = re.compile(r"[A-Za-z0-9_.@-]+")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_ROLE_CHARS = 16
_HASH_CHARS = 1024


class UserExistsError(JournalError):
    """A user of this name is already in the journal."""


class UnknownUserError(JournalError):
    """No user of this name in the journal."""


def _now() -> datetime:
    return datetime.now(UTC)


def checked_user_name(value: object) -> str:
    """`value` if it is a user name: 1 to 64 characters of letters, digits and `_ . @ -`.

    Raises:
        JournalError: names the field and what was expected.
    """
    if not isinstance(value, str) or len(value) > USER_NAME_CHARS or not _NAME.fullmatch(value):
        shown = value if not isinstance(value, str) else value[: USER_NAME_CHARS + 1]
        raise JournalError(
            f"invalid user name {shown!r}: expected 1 to {USER_NAME_CHARS} characters of "
            "letters, digits, '_', '.', '@' and '-'"
        )
    return value


def checked_role(value: object) -> str:
    """`value` (any case) if it is one of `USER_ROLES`, in lower case.

    Raises:
        JournalError: names the field and the roles expected.
    """
    role = str(value).lower()
    if role not in USER_ROLES:
        raise JournalError(f"invalid user role {value!r}: expected one of {', '.join(USER_ROLES)}")
    return role


def checked_token_label(value: object) -> str:
    """`value` if it is a token label: 1 to 64 characters, not blank.

    Raises:
        JournalError: names the field and what was expected.
    """
    if not isinstance(value, str) or not value.strip() or len(value) > TOKEN_LABEL_CHARS:
        raise JournalError(
            f"invalid token label {value!r}: expected 1 to {TOKEN_LABEL_CHARS} characters, "
            "not blank"
        )
    return value


@dataclass(frozen=True, slots=True)
class UserRecord:
    """A dashboard or API user.

    Attributes:
        name: 1 to 64 characters of letters, digits and `_ . @ -`.
        role: `viewer` or `operator` (any case accepted, stored in lower case).
        password_hash: the password's hash (never shown by `repr`).
        created_at, updated_at: wall-clock UTC instants set by the journal.
        disabled: a disabled user cannot log in and its tokens do not work.

    Raises:
        JournalError: an invalid name or role, an empty or over-long hash; names the field.
    """

    name: str
    role: str
    password_hash: str = field(repr=False)
    created_at: datetime
    updated_at: datetime
    disabled: bool = False

    def __post_init__(self) -> None:
        checked_user_name(self.name)
        object.__setattr__(self, "role", checked_role(self.role))
        hashed = self.password_hash
        if not isinstance(hashed, str) or not hashed or len(hashed) > _HASH_CHARS:
            raise JournalError(
                f"invalid password_hash of user {self.name!r}: expected a non-empty hash of "
                f"at most {_HASH_CHARS} characters"
            )
        if not isinstance(self.disabled, bool):
            raise JournalError(
                f"invalid disabled {self.disabled!r} of user {self.name!r}: expected a bool"
            )


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """An API token of a user, without its hash: its number, label, when it was made
    and when it was last used (None: never; updated at most once a minute)."""

    token_id: int
    user_name: str
    label: str
    created_at: datetime
    last_used_at: datetime | None


_ACCOUNT = {"info": left_out_of_digest()}  # accounts on the wall clock, not what was traded
_SERIAL = BigInteger().with_variant(Integer, "sqlite")


class UserRow(Base):
    """A dashboard or API user."""

    __tablename__ = "users"
    __table_args__ = (_ACCOUNT,)

    name: Mapped[str] = mapped_column(String(USER_NAME_CHARS), primary_key=True)
    role: Mapped[str] = mapped_column(String(_ROLE_CHARS))
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Instant())
    updated_at: Mapped[datetime] = mapped_column(Instant())
    disabled: Mapped[bool] = mapped_column(Boolean)


class ApiTokenRow(Base):
    """An API bearer token of a user (its SHA-256 hex digest only)."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("token_hash"), Index(None, "user_name"), _ACCOUNT)

    token_id: Mapped[int] = mapped_column(_SERIAL, primary_key=True)
    user_name: Mapped[str] = mapped_column(
        String(USER_NAME_CHARS), ForeignKey("users.name", ondelete="CASCADE")
    )
    label: Mapped[str] = mapped_column(String(TOKEN_LABEL_CHARS))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(Instant())
    last_used_at: Mapped[datetime | None] = mapped_column(Instant())


class UserLedger(JournalReader):
    """Users and API tokens (a base of `Journal`). Each write is its own short
    transaction, durable on return, and needs no writer lease."""

    def add_user(self, name: str, role: str, password_hash: str) -> UserRecord:
        """Journal a new user (enabled); returns it.

        Raises:
            UserExistsError: a user of this name exists.
            JournalError: an invalid name, role or hash, or the journal cannot be written.
        """
        now = _now()
        record = UserRecord(name, role, password_hash, created_at=now, updated_at=now)
        try:
            with write_failures(self.label), self.engine.begin() as connection:
                if _user_row(connection, record.name) is not None:
                    raise self._exists(record.name)
                connection.execute(insert(UserRow).values(_user_values(record)))
        except IntegrityError:  # added by another process between the check and the insert
            raise self._exists(record.name) from None
        return record

    def update_user(
        self,
        name: str,
        *,
        role: str | None = None,
        password_hash: str | None = None,
        disabled: bool | None = None,
    ) -> UserRecord:
        """Change a user's role, password hash or disabled flag (None: unchanged);
        returns the user as stored.

        Raises:
            UnknownUserError: no such user.
            JournalError: an invalid role or hash, or the journal cannot be written.
        """
        with write_failures(self.label), self.engine.begin() as connection:
            row = _user_row(connection, name)
            if row is None:
                raise self._unknown(name)
            current = _user(row)
            changed = replace(
                current,
                role=current.role if role is None else role,
                password_hash=current.password_hash if password_hash is None else password_hash,
                disabled=current.disabled if disabled is None else disabled,
                updated_at=_now(),
            )
            values = _user_values(changed)
            del values["name"], values["created_at"]
            connection.execute(update(UserRow).where(UserRow.name == name).values(values))
        return changed

    def user(self, name: str) -> UserRecord | None:
        """The user called `name`, or None (also for a name no user could have)."""
        if not isinstance(name, str) or len(name) > USER_NAME_CHARS:
            return None
        with self.engine.connect() as connection:
            row = _user_row(connection, name)
        return None if row is None else _user(row)

    def users(self) -> list[UserRecord]:
        """Every user, by name."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(UserRow).order_by(UserRow.name)).mappings().all()
        return [_user(row) for row in rows]

    def remove_user(self, name: str) -> bool:
        """Remove a user and its tokens; False when there was no such user.

        Raises:
            JournalError: the journal cannot be written.
        """
        with write_failures(self.label), self.engine.begin() as connection:
            connection.execute(delete(ApiTokenRow).where(ApiTokenRow.user_name == name))
            removed = connection.execute(delete(UserRow).where(UserRow.name == name)).rowcount
        return bool(removed)

    def add_token(self, user_name: str, label: str, token_hash: str) -> TokenRecord:
        """Journal an API token of `user_name` by the SHA-256 hex digest of the token.

        Raises:
            UnknownUserError: no such user.
            JournalError: an invalid label, a hash that is not 64 lower-case hex digits
                or one already stored, or the journal cannot be written.
        """
        checked_token_label(label)
        if not isinstance(token_hash, str) or not _SHA256_HEX.fullmatch(token_hash):
            raise JournalError("invalid token_hash: expected 64 lower-case hex digits (SHA-256)")
        values = {
            "user_name": user_name,
            "label": label,
            "token_hash": token_hash,
            "created_at": _now(),
            "last_used_at": None,
        }
        try:
            with write_failures(self.label), self.engine.begin() as connection:
                if _user_row(connection, user_name) is None:
                    raise self._unknown(user_name)
                key = connection.execute(insert(ApiTokenRow).values(values)).inserted_primary_key
        except IntegrityError:
            raise JournalError(
                f"cannot add token {label!r} of user {user_name!r}: its hash is already "
                f"stored in journal {self.label} (issue a new token)"
            ) from None
        return _token({**values, "token_id": key[0] if key else 0})

    def user_for_token_hash(self, token_hash: str) -> UserRecord | None:
        """The enabled user whose token has this SHA-256 hex digest, or None (unknown
        token, disabled user). Records the token's use, at most once a minute.

        Raises:
            JournalError: the use cannot be recorded (the journal cannot be written).
        """
        if not isinstance(token_hash, str) or not _SHA256_HEX.fullmatch(token_hash):
            return None
        query = (
            select(UserRow, ApiTokenRow.token_id, ApiTokenRow.last_used_at)
            .join(ApiTokenRow, ApiTokenRow.user_name == UserRow.name)
            .where(ApiTokenRow.token_hash == token_hash)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None or row["disabled"]:
            return None
        now = _now()
        last_used_at = row["last_used_at"]
        if last_used_at is None or now - last_used_at >= timedelta(seconds=TOKEN_TOUCH_INTERVAL_S):
            touch = update(ApiTokenRow).where(ApiTokenRow.token_id == row["token_id"])
            with write_failures(self.label), self.engine.begin() as connection:
                connection.execute(touch.values(last_used_at=now))
        return _user(row)

    def tokens(self, user_name: str | None = None) -> list[TokenRecord]:
        """Every API token (of `user_name`, if given), oldest first, without hashes."""
        query = select(ApiTokenRow).order_by(ApiTokenRow.token_id)
        if user_name is not None:
            query = query.where(ApiTokenRow.user_name == user_name)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_token(row) for row in rows]

    def revoke_tokens(self, user_name: str, label: str | None = None) -> int:
        """Delete the API tokens of `user_name` (only those labelled `label`, if given);
        returns how many were deleted.

        Raises:
            JournalError: the journal cannot be written.
        """
        statement = delete(ApiTokenRow).where(ApiTokenRow.user_name == user_name)
        if label is not None:
            statement = statement.where(ApiTokenRow.label == label)
        with write_failures(self.label), self.engine.begin() as connection:
            return int(connection.execute(statement).rowcount)

    def _exists(self, name: str) -> UserExistsError:
        return UserExistsError(f"user {name!r} already exists in journal {self.label}")

    def _unknown(self, name: str) -> UnknownUserError:
        return UnknownUserError(f"unknown user {name!r} in journal {self.label}")


def _user_row(connection: Connection, name: str) -> Mapping[Any, Any] | None:
    return connection.execute(select(UserRow).where(UserRow.name == name)).mappings().first()


def _user_values(record: UserRecord) -> dict[str, object]:
    return {
        "name": record.name,
        "role": record.role,
        "password_hash": record.password_hash,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "disabled": record.disabled,
    }


def _user(row: Mapping[Any, Any]) -> UserRecord:
    return UserRecord(
        name=row["name"],
        role=row["role"],
        password_hash=row["password_hash"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        disabled=bool(row["disabled"]),
    )


def _token(row: Mapping[Any, Any]) -> TokenRecord:
    return TokenRecord(
        token_id=int(row["token_id"]),
        user_name=row["user_name"],
        label=row["label"],
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
    )
