"""Timezone-aware UTC timestamps for domain objects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tradewind.domain.errors import DomainError

__all__ = ["EPOCH", "ensure_utc", "instant_from_ns", "ns_of"]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


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


def instant_from_ns(ns: int) -> datetime:
    """The UTC instant `ns` nanoseconds after the epoch (microsecond resolution)."""
    return EPOCH + timedelta(microseconds=ns // 1000)


def ns_of(instant: datetime) -> int:
    """Nanoseconds since the epoch of an aware `instant` (exact to the microsecond)."""
    delta = instant - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000
