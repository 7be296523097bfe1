"""Small pieces of the venue adapters' error mapping: how long a venue asks us to wait
(`Retry-After`) and how much of its error text a message carries."""

from __future__ import annotations

__all__ = ["MAX_DETAIL_CHARS", "clipped", "retry_after_seconds"]

MAX_DETAIL_CHARS = 300
"""The most of a venue's error text an adapter's message quotes."""


def clipped(text: str, max_chars: int = MAX_DETAIL_CHARS) -> str:
    """`text` cut to `max_chars` characters, ending in "..." when it was cut."""
    return text if len(text) <= max_chars else text[: max_chars - 3] + "..."


def retry_after_seconds(headers: object) -> float | None:
    """The `Retry-After` of a response's headers in seconds, when given as a number.

    `headers` is anything with a mapping's `get` (None or anything else gives None);
    a negative, absent or non-numeric value gives None.
    """
    getter = getattr(headers, "get", None)
    if getter is None:
        return None
    value = getter("Retry-After") or getter("retry-after")
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return seconds if seconds >= 0 else None
