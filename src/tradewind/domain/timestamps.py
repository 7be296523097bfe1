"""Timezone-aware UTC timestamps for domain objects."""

from __future__ import annotations

from datetime import UTC, datetime

from tradewind.domain.errors import DomainError

__all__ = ["ensure_utc"]


def ensure_utc(value: datetime, *, field: str = "timestamp") -> datetime:
    """Return `value` converted to UTC.

    Raises:
        DomainError: `value` is not a datetime or is naive (has no timezone).
    """
    if not isinstance(value, datetime):
        raise DomainError(
            f"invalid {field} {value!r}: expected a timezone-aware datetime, "
            f"found {type(value).__name__}"
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(
            f"invalid {field} {value.isoformat()}: expected a timezone-aware datetime "
            "(UTC), found a naive one"
        )
    if value.tzinfo is UTC:
        return value
    return value.astimezone(UTC)
