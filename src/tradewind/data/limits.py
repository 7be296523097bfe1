"""Size limits for imported files, so a decompression bomb or a giant cell is refused early.

Two limits, each from an explicit value, else an environment variable, else a default:

* `max_bytes`: the most bytes a file may hold once decompressed (CSV text, or the
  uncompressed size of a Parquet file's columns); `TRADEWIND_IMPORT_MAX_BYTES`, default
  2 GiB.
* `max_field_bytes`: the longest CSV line (so the longest field) or Parquet text cell;
  `TRADEWIND_IMPORT_MAX_FIELD_BYTES`, default 64 KiB. A bar row is under a few hundred
  bytes, so a line this long is not bar data.

A compressed file that inflates more than `max_inflate_ratio` (250) times its size is
refused too, once past `INFLATE_CHECK_BYTES` of text (the idea of Apache POI's minimum
inflate ratio): measured bar files compress 3x (gzip, a random walk) to 125x (xz, a
constant price), a decompression bomb 300x to 1000x (gzip) and far more (bz2, xz).

Sizes are byte counts, optionally with a unit: `500000000`, `500M`, `500MB`, `2G`, `2GiB`
(K, M, G, T are powers of 1024).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from tradewind.data.schema import DataError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_FIELD_BYTES",
    "INFLATE_CHECK_BYTES",
    "MAX_BYTES_ENV",
    "MAX_FIELD_BYTES_ENV",
    "ImportLimits",
    "format_bytes",
    "parse_byte_size",
]

MAX_BYTES_ENV = "TRADEWIND_IMPORT_MAX_BYTES"
MAX_FIELD_BYTES_ENV = "TRADEWIND_IMPORT_MAX_FIELD_BYTES"
DEFAULT_MAX_BYTES = 2 * 1024**3
DEFAULT_MAX_FIELD_BYTES = 64 * 1024
DEFAULT_MAX_INFLATE_RATIO = 250
INFLATE_CHECK_BYTES = 64 * 1024 * 1024

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


@dataclass(frozen=True, slots=True)
class ImportLimits:
    """The largest decompressed input and the longest line/field an import accepts (bytes),
    and how many times its size a compressed input may inflate."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_field_bytes: int = DEFAULT_MAX_FIELD_BYTES
    max_inflate_ratio: int = DEFAULT_MAX_INFLATE_RATIO

    @classmethod
    def resolve(
        cls,
        max_bytes: int | str | None = None,
        max_field_bytes: int | str | None = None,
        *,
        environ: Mapping[str, str] | None = None,
    ) -> ImportLimits:
        """Explicit values win, then the environment variables, then the defaults.

        Raises:
            DataError: a value is not a positive byte size (the message names its source).
        """
        env = os.environ if environ is None else environ
        return cls(
            _pick(max_bytes, "--max-bytes", env, MAX_BYTES_ENV, DEFAULT_MAX_BYTES),
            _pick(
                max_field_bytes,
                "--max-field-bytes",
                env,
                MAX_FIELD_BYTES_ENV,
                DEFAULT_MAX_FIELD_BYTES,
            ),
        )


def _pick(
    value: int | str | None, option: str, env: Mapping[str, str], variable: str, default: int
) -> int:
    if value is not None:
        return parse_byte_size(value, option)
    text = env.get(variable, "").strip()
    return parse_byte_size(text, f"${variable}") if text else default


def parse_byte_size(value: int | str, source: str) -> int:
    """`2G` -> 2147483648; `500MB` -> 524288000; `1000` -> 1000.

    Raises:
        DataError: not a positive size; the message names `source` (option or variable).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        number, unit = float(value), ""
    else:
        found = _SIZE.match(str(value))
        if found is None:
            raise DataError(
                f"invalid {source} {value!r}: expected a byte count such as 500000000, 500M or 2G"
            )
        number, unit = float(found.group(1)), found.group(2).lower()
    size = int(number * _UNITS[unit])
    if size <= 0:
        raise DataError(f"invalid {source} {value!r}: expected a positive byte count")
    return size


def format_bytes(size: int) -> str:
    """`2147483648` -> `2,147,483,648 bytes (2.0 GiB)`."""
    for unit, scale in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= scale:
            return f"{size:,} bytes ({size / scale:.1f} {unit})"
    return f"{size:,} bytes"
