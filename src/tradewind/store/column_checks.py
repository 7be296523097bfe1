"""What a journal column accepts and how it is read, declared beside the column in
`tradewind.store.models` (SQLAlchemy's `Column.info`).

Most columns need nothing here: `tradewind.store.tables` derives their check from the
column's type, length and nullability (a `String(32)` takes text of at most 32
characters, a nullable `Amount` takes None or NaN as "none", ...). These helpers mark
the rest: a fixed vocabulary (`one_of`), a narrower check (`accepts`), a JSON document,
a label whose NaN means "none", and columns a journal digest leaves out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from tradewind.store.values import Converter, choice, is_missing

__all__ = [
    "ACCEPTS",
    "DIGEST",
    "JSON",
    "NAN_IS_NONE",
    "READ",
    "accepts",
    "json_column",
    "left_out_of_digest",
    "nan_is_none",
    "one_of",
]

ACCEPTS = "accepts"
"""`info` key: the converter every written value goes through."""
READ = "read"
"""`info` key: what a stored value becomes when a record is read back (e.g. an enum)."""
JSON = "json"
"""`info` key: the column holds a JSON document (read back as a dict)."""
NAN_IS_NONE = "nan_is_none"
"""`info` key: an optional label where NaN and pandas NA also mean "none"."""
DIGEST = "digest"
"""`info` key: False for a column a journal digest leaves out."""


def accepts(convert: Converter, *, read: Callable[[Any], Any] | None = None) -> dict[str, Any]:
    """`info` for a column whose values go through `convert` (read back through `read`)."""
    info: dict[str, Any] = {ACCEPTS: convert}
    if read is not None:
        info[READ] = read
    return info


def one_of(
    allowed: Iterable[str],
    aliases: dict[object, str] | None = None,
    *,
    optional: bool = False,
    read: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """`info` for a column holding one of `allowed` (strings or a StrEnum; any case, or
    a key of `aliases`); with `optional`, None and NaN are stored as None."""
    required = choice(tuple(str(name) for name in allowed), aliases)  # enum members: values
    if not optional:
        return accepts(required, read=read)

    def optional_choice(value: object) -> object:
        return None if is_missing(value) else required(value)

    return accepts(optional_choice, read=read)


def json_column(convert: Converter) -> dict[str, Any]:
    """`info` for a column holding the JSON document `convert` makes of a value."""
    return {ACCEPTS: convert, JSON: True}


def nan_is_none() -> dict[str, Any]:
    """`info` for an optional label column where NaN and pandas NA also mean None."""
    return {NAN_IS_NONE: True}


def left_out_of_digest() -> dict[str, Any]:
    """`info` for a column a digest leaves out (wall clock, code version, surrogate ids)."""
    return {DIGEST: False}
