"""Validation helpers shared by the scaling modules (messages name the field and the range)."""

from __future__ import annotations

import math
from datetime import datetime

__all__ = ["check_aware", "check_finite", "check_range"]


def check_finite(name: str, value: float) -> float:
    """`value` as a float; ValueError naming `name` unless it is a finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{name} {value!r}: expected a finite number")
    return float(value)


def check_range(
    name: str,
    value: float,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
) -> float:
    """`value` as a float; ValueError naming `name` unless finite and in the range.

    The range is `[low, high]`, or `(low, high]` when `low_open`.
    """
    number = check_finite(name, value)
    below = number <= low if low_open else number < low
    if below or number > high:
        opening = "(" if low_open else "["
        raise ValueError(f"{name} {value!r}: expected a value in {opening}{low:g}, {high:g}]")
    return number


def check_aware(name: str, value: object) -> datetime:
    """`value` if it is a timezone-aware datetime, else ValueError naming `name`."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValueError(f"{name} {value!r}: expected a timezone-aware datetime")
    return value
