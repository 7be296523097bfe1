"""Exact decimal numbers for prices, quantities and money.

Floats never cross the order boundary: every price or quantity that reaches an
`Instrument`, `Order`, `Fill` or `Position` goes through `to_decimal` first.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from tradewind.domain.errors import DomainError

DecimalLike: TypeAlias = Decimal | int | float | str
"""Inputs accepted where an exact decimal is expected."""

__all__ = ["DecimalLike", "decimal_places", "to_decimal"]


def to_decimal(value: DecimalLike, *, field: str = "value") -> Decimal:
    """Convert `value` to a finite `Decimal` without binary-float noise.

    Floats go through their shortest repr (`0.1` becomes `Decimal("0.1")`, not
    `0.1000000000000000055...`); strings are stripped and parsed; ints are exact.
    Objects with `__index__` (e.g. numpy ints) or `__float__` (numpy floats) are
    accepted the same way. `field` names the value in error messages.

    Raises:
        DomainError: the value is a bool, not a number, NaN or infinite.
    """
    if isinstance(value, bool):
        raise DomainError(f"invalid {field} {value!r}: expected a number, found a bool")
    result: Decimal | None
    try:
        if isinstance(value, Decimal):
            result = value
        elif isinstance(value, int):
            result = Decimal(value)
        elif isinstance(value, float):
            result = Decimal(repr(value))
        elif isinstance(value, str):
            result = Decimal(value.strip())
        elif hasattr(value, "__index__"):
            result = Decimal(value.__index__())
        elif hasattr(value, "__float__"):
            result = Decimal(repr(float(value)))
        else:
            result = None
    except (InvalidOperation, ValueError):
        raise DomainError(f"invalid {field} {value!r}: not a number") from None
    if result is None:
        raise DomainError(
            f"invalid {field} {value!r}: expected a Decimal, int, float or numeric string, "
            f"found {type(value).__name__}"
        )
    if not result.is_finite():
        raise DomainError(f"invalid {field} {value!r}: expected a finite number")
    return result


def decimal_places(value: Decimal) -> int:
    """Digits after the decimal point needed to write `value` exactly (`0.050` -> 2)."""
    exponent = value.normalize().as_tuple().exponent
    if not isinstance(exponent, int):  # pragma: no cover - only for NaN/Inf
        raise DomainError(f"invalid decimal {value}: expected a finite number")
    return max(0, -exponent)
