"""Conversions applied to every value before it is written, so all backends store the same.

Amounts (prices, quantities, money) are exact decimals rounded half-even to 12 decimal
places with at most 26 integer digits, the range of PostgreSQL's NUMERIC(38, 12). Instants
are timezone-aware UTC datetimes with microsecond resolution. Every converter raises
`ValueError` with what was expected; the journal adds the table, column and row.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation

import numpy as np

__all__ = [
    "AMOUNT_SCALE",
    "Converter",
    "Text",
    "amount_storage_text",
    "amount_text",
    "choice",
    "instant_storage_text",
    "is_missing",
    "normalized",
    "optional_amount_storage_text",
    "to_amount",
    "to_flag",
    "to_instant",
    "to_int",
    "to_optional_amount",
    "to_optional_label",
    "to_optional_ratio",
    "to_optional_text",
    "to_ratio",
    "to_text",
    "to_unit",
]

AMOUNT_SCALE = 12
"""Decimal places kept for every amount."""

Converter = Callable[[object], object]

_QUANTUM = Decimal(1).scaleb(-AMOUNT_SCALE)
_LIMIT = Decimal(10) ** (38 - AMOUNT_SCALE)
_FLOAT_LIMIT = float(10 ** (38 - AMOUNT_SCALE))
_CONTEXT = Context(prec=60, rounding=ROUND_HALF_EVEN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def to_amount(value: object) -> Decimal:
    """An exact decimal rounded half-even to 12 places.

    Decimals, ints and numeric strings are rounded from their exact value, floats from
    their exact binary value (the same result as `"%.12f" % value`).
    """
    if type(value) is float:
        _check_float(value)
        return Decimal(f"{value:.12f}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, bool):
        raise ValueError("expected a number, found a bool")
    elif isinstance(value, int | str):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValueError("expected a number") from None
    elif hasattr(value, "__index__"):
        number = Decimal(operator.index(value))
    elif hasattr(value, "__float__"):  # numpy floats and float subclasses
        return to_amount(float(value))
    else:
        raise ValueError(f"expected a number, found {type(value).__name__}")
    if not number.is_finite():
        raise ValueError("expected a finite number")
    if abs(number) >= _LIMIT:
        raise ValueError(f"expected an absolute value below 1e{38 - AMOUNT_SCALE}")
    return number.quantize(_QUANTUM, context=_CONTEXT)


def _check_float(value: float) -> None:
    if not -_FLOAT_LIMIT < value < _FLOAT_LIMIT:  # also refuses NaN and infinities
        if math.isfinite(value):
            raise ValueError(f"expected an absolute value below 1e{38 - AMOUNT_SCALE}")
        raise ValueError("expected a finite number")


def amount_storage_text(value: object) -> str:
    """`amount_text(to_amount(value))`, fast for floats (how SQLite stores amounts)."""
    if type(value) is float:
        _check_float(value)
        text = f"{value:.12f}".rstrip("0")
        if text[-1] == ".":
            text = text[:-1]
        return "0" if text == "-0" else text
    return amount_text(to_amount(value))


def optional_amount_storage_text(value: object) -> str | None:
    """Like `amount_storage_text`, but None and NaN become None."""
    if type(value) is float:
        return None if math.isnan(value) else amount_storage_text(value)
    amount = to_optional_amount(value)
    return None if amount is None else amount_text(amount)


def instant_storage_text(value: object) -> str:
    """`to_instant(value)` as fixed-width ISO-8601 text (how SQLite stores instants)."""
    return to_instant(value).isoformat(timespec="microseconds")


def to_optional_amount(value: object) -> Decimal | None:
    """Like `to_amount`, but None and NaN (the arrays' "none") become None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if not isinstance(value, Decimal | int | str) and hasattr(value, "__float__"):
        as_float = float(value)
        if math.isnan(as_float):
            return None
    return to_amount(value)


def amount_text(value: Decimal) -> str:
    """The canonical text of an amount: fixed-point, no trailing zeros, `0` for zero."""
    if not value:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def normalized(value: Decimal) -> Decimal:
    """`value` without trailing zeros and in fixed-point form (what a read returns)."""
    return Decimal(amount_text(value))


def to_instant(value: object) -> datetime:
    """A UTC datetime (microseconds) from an aware datetime or integer nanoseconds."""
    if type(value) is datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"expected a timezone-aware datetime, found naive {value}")
        return value if value.tzinfo is UTC else value.astimezone(UTC)
    if isinstance(value, datetime):  # pandas.Timestamp and other subclasses
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"expected a timezone-aware datetime, found naive {value}")
        utc = value.astimezone(UTC)
        return datetime(
            utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond, UTC
        )
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise ValueError(
            "expected an aware datetime or integer nanoseconds since the epoch, "
            f"found {type(value).__name__}"
        )
    try:
        return _EPOCH + timedelta(microseconds=operator.index(value) // 1000)
    except OverflowError:
        raise ValueError("expected nanoseconds since the epoch within years 1 to 9999") from None


def to_ratio(value: object) -> float:
    """A finite float (scores, leverage, drawdown fractions)."""
    if isinstance(value, bool) or not hasattr(value, "__float__"):
        raise ValueError(f"expected a number, found {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, found {number}")
    return number


def to_optional_ratio(value: object) -> float | None:
    """Like `to_ratio`, but None, NaN and pandas NA (a column's "none") become None."""
    return None if is_missing(value) else to_ratio(value)


def is_missing(value: object) -> bool:
    """Whether `value` is None, a NaN float (numpy's included) or pandas NA."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return type(value).__name__ == "NAType"


def to_unit(value: object) -> float:
    """A float in [0, 1] (signal strength and confidence)."""
    number = to_ratio(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"expected a number in [0, 1], found {number}")
    return number


def to_int(value: object) -> int:
    """An integer (numpy integers and IntEnums accepted)."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise ValueError(f"expected an integer, found {type(value).__name__}")
    return operator.index(value)


def to_flag(value: object) -> bool:
    """A bool (numpy bools accepted, other types refused)."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise ValueError(f"expected a bool, found {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Text:
    """A converter to a string of at most `max_length` characters (enums give their
    value); with `optional`, None stays None. Bulk writes check whole columns of plain
    strings against `max_length` at once."""

    max_length: int
    optional: bool = False

    def __call__(self, value: object) -> str | None:
        if type(value) is not str:
            if value is None and self.optional:
                return None
            if not isinstance(value, str):
                raise ValueError(f"expected a string, found {type(value).__name__}")
            value = str(value)  # a StrEnum member becomes its plain value
        if len(value) > self.max_length:
            raise ValueError(f"expected at most {self.max_length} characters, found {len(value)}")
        return value


def to_text(max_length: int) -> Text:
    """A converter to a string of at most `max_length` characters (enums give their value)."""
    return Text(max_length)


def to_optional_text(max_length: int) -> Text:
    """Like `to_text`, but None stays None."""
    return Text(max_length, optional=True)


def to_optional_label(max_length: int) -> Converter:
    """Like `to_optional_text`, but NaN and pandas NA (a DataFrame's missing string) also
    become None."""
    text = Text(max_length, optional=True)

    def convert(value: object) -> str | None:
        return None if is_missing(value) else text(value)

    return convert


def choice(allowed: tuple[str, ...], aliases: dict[object, str] | None = None) -> Converter:
    """A converter accepting one of `allowed` (any case) or a key of `aliases` (e.g. +1)."""
    lookup: dict[object, str] = dict(aliases or {})
    lookup.update({name: name for name in allowed})

    def convert(value: object) -> str:
        try:
            found = lookup.get(value)
        except TypeError:  # unhashable
            found = None
        if found is None and isinstance(value, str):
            found = lookup.get(value.lower())
        if found is None or isinstance(value, bool):
            raise ValueError(f"expected one of {', '.join(allowed)}, found {value!r}")
        return found

    return convert
