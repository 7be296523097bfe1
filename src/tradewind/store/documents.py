"""JSON documents the journal stores (capital status, explanations, event data).

Documents come from engine objects, so the conversion is lenient about types and strict
about shape: enums become their value, datetimes ISO-8601 text (numpy datetime64 as UTC),
`Decimal` its string, timedeltas seconds, numpy scalars and arrays Python numbers and
lists, dataclasses mappings of their fields, tuples and sets lists (sets sorted), and NaN,
infinities and NaT become null (JSON has none of them). Mapping keys become strings
(enums by value). The text is canonical: sorted keys, compact separators, UTF-8.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

import numpy as np

from tradewind.store.errors import JournalError

__all__ = ["json_document", "to_factors_json", "to_json_object"]

_MAX_DEPTH = 64


def json_document(value: Mapping[Any, Any], *, what: str) -> str:
    """The canonical JSON text of a mapping (see the module doc).

    Raises:
        JournalError: `value` is not a mapping, or holds a value with no JSON form; the
            message names `what` and the key path.
    """
    try:
        return _object_text(value)
    except ValueError as exc:
        raise JournalError(f"cannot store {what} as JSON: {exc}") from None


def to_json_object(value: object) -> str:
    """Converter for a JSON column: a mapping, or JSON text of an object, as canonical text.

    Raises:
        ValueError: anything else, or a value with no JSON form.
    """
    if isinstance(value, str):
        return _object_text(_parsed_object(value))
    return _object_text(value)


def to_factors_json(value: object) -> str:
    """Converter for a factors column: a mapping (or JSON object text) of factor name to
    finite multiplier, as canonical text.

    Raises:
        ValueError: not such a mapping; names the offending factor.
    """
    factors = _parsed_object(value) if isinstance(value, str) else value
    if not isinstance(factors, Mapping):
        raise ValueError(f"expected a mapping of factor name to multiplier, found {_kind(value)}")
    for name, multiplier in factors.items():
        number = multiplier.item() if isinstance(multiplier, np.generic) else multiplier
        if isinstance(number, bool) or not isinstance(number, int | float | Decimal):
            raise ValueError(f"factor {name!r}: expected a number, found {_kind(multiplier)}")
        if not math.isfinite(number):
            raise ValueError(f"factor {name!r}: expected a finite multiplier, found {number}")
    return _object_text(factors)


def _parsed_object(text: str) -> Any:
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"expected JSON object text: {exc}") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"expected a JSON object, found {_kind(parsed)}")
    return parsed


def _object_text(value: object) -> str:
    if not isinstance(value, Mapping) and not _is_dataclass(value):
        raise ValueError(f"expected a mapping, found {_kind(value)}")
    return json.dumps(
        _plain(value, "", 0),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def _plain(value: Any, path: str, depth: int) -> Any:
    """`value` as plain JSON data (dict, list, str, int, float, bool, None)."""
    if depth > _MAX_DEPTH:
        raise ValueError(f"{path or 'document'}: nested deeper than {_MAX_DEPTH} levels")
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, Enum)):
        return value
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Enum):
        return _plain(value.value, path, depth + 1)
    if isinstance(value, np.datetime64):
        return _datetime64_text(value)
    if isinstance(value, np.generic):
        return _plain(value.item(), path, depth + 1)
    if isinstance(value, np.ndarray):
        return _plain(value.tolist(), path, depth + 1)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return None if type(value).__name__ == "NaTType" else value.isoformat()
    if isinstance(value, timedelta):
        return None if type(value).__name__ == "NaTType" else value.total_seconds()
    if _is_dataclass(value):
        fields = dataclasses.fields(value)
        value = {field.name: getattr(value, field.name) for field in fields}
    if isinstance(value, Mapping):
        return _plain_mapping(value, path, depth)
    if isinstance(value, set | frozenset):
        items = [_plain(item, f"{path}[]", depth + 1) for item in value]
        try:
            return sorted(items)
        except TypeError:
            raise ValueError(f"{path or 'document'}: a set of mixed types has no order") from None
    if isinstance(value, list | tuple):
        return [_plain(item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value)]
    raise ValueError(f"{path or 'document'}: {_kind(value)} has no JSON form")


def _plain_mapping(value: Mapping[Any, Any], path: str, depth: int) -> dict[str, Any]:
    plain: dict[str, Any] = {}
    for key, item in value.items():
        name = _key_text(key, path)
        if name in plain:
            raise ValueError(f"{path or 'document'}: two keys are both {name!r} as text")
        plain[name] = _plain(item, f"{path}.{name}" if path else name, depth + 1)
    return plain


def _key_text(key: Any, path: str) -> str:
    if isinstance(key, Enum):
        key = key.value
    if isinstance(key, np.generic):
        key = key.item()
    if isinstance(key, str):
        return key
    if isinstance(key, bool | int | float | Decimal):
        return str(key)
    if isinstance(key, datetime | date):
        return key.isoformat()
    raise ValueError(f"{path or 'document'}: a {_kind(key)} key has no JSON form")


def _datetime64_text(value: np.datetime64) -> str | None:
    if np.isnat(value):
        return None
    stamp = value.astype("datetime64[us]").item()
    return f"{stamp.isoformat(timespec='microseconds')}+00:00"


def _is_dataclass(value: object) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def _kind(value: object) -> str:
    return type(value).__name__
