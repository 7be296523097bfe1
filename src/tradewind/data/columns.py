"""Map the column names of a bar file onto `timestamp, open, high, low, close, volume`.

Names match case-insensitively after dropping punctuation, so `Adj Close`, `adj_close`
and `<CLOSE>` are recognised; an explicit mapping (`{"date": "Datum"}`) wins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tradewind.data.schema import DataError

__all__ = [
    "MAPPING_KEYS",
    "ColumnPlan",
    "canonical_key",
    "looks_like_header",
    "normalize_name",
    "plan_columns",
]

_TIMESTAMP = (
    "timestamp",
    "datetime",
    "date time",
    "time stamp",
    "open time",
    "opentime",
    "gmt time",
    "local time",
    "time period",
    "date",
    "time",
    "day",
    "unix timestamp",
    "unix",
    "epoch",
    "ts",
    "period",
    "dt",
)
_FIELDS: dict[str, tuple[str, ...]] = {
    "open": ("open", "o", "open price", "opening price", "first"),
    "high": ("high", "h", "high price", "max"),
    "low": ("low", "l", "low price", "min"),
    "close": (
        "close",
        "c",
        "last",
        "price",
        "close price",
        "closing price",
        "close last",
        "settle",
    ),
    "volume": (
        "volume",
        "vol",
        "v",
        "tick volume",
        "tickvol",
        "volume base",
        "base volume",
        "volume from",
        "real volume",
        "qty",
        "quantity",
    ),
}
_ADJ_CLOSE = ("adj close", "adjusted close", "adjclose", "close adj", "adj")
_QUOTE_MARKERS = ("usd", "usdt", "usdc", "eur", "gbp", "jpy", "quote", "notional", "dollar", "to")
_CLOCK = re.compile(r"^\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_MAPPING_KEYS = {
    "timestamp": "timestamp",
    "datetime": "timestamp",
    "date": "date",
    "time": "time",
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "adj close": "adj_close",
    "adjclose": "adj_close",
    "volume": "volume",
}
#: The names an explicit mapping may use (`datetime` = `timestamp`, `adj close` = `adj_close`).
MAPPING_KEYS: tuple[str, ...] = (
    "timestamp",
    "date",
    "time",
    "open",
    "high",
    "low",
    "close",
    "adj_close",
    "volume",
)


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """Which source column(s) feed each normalized column.

    `timestamp` is one column, or two (`date`, `time`) to be joined with a space.
    """

    timestamp: tuple[str, ...]
    fields: dict[str, str]
    price_adjustment: str | None = None
    notes: tuple[str, ...] = field(default=())


def normalize_name(name: str) -> str:
    """`Adj_Close*` -> `adj close`; `<TICKVOL>` -> `tickvol`; `Date (UTC)` -> `date utc`."""
    cleaned = re.sub(r"[*<>\"'()\[\]]", "", name.strip().lower())
    return re.sub(r"[\s_\-./]+", " ", cleaned).strip()


def _strip_zone(name: str) -> str:
    return re.sub(r" (?:utc|gmt)$", "", name)


def looks_like_header(cells: Sequence[str], mapping: Mapping[str, str] | None = None) -> bool:
    """True when a CSV line names a timestamp column (or the mapped one)."""
    names = {_strip_zone(normalize_name(c)) for c in cells}
    if mapping:
        wanted = {normalize_name(v) for k, v in mapping.items() if _key(k) in ("timestamp", "date")}
        if wanted & {normalize_name(c) for c in cells}:
            return True
    return bool(names & set(_TIMESTAMP))


def plan_columns(
    file_name: str,
    names: Sequence[str],
    mapping: Mapping[str, str] | None = None,
    time_sample: Mapping[str, str] | None = None,
) -> ColumnPlan:
    """Decide which columns to use.

    Args:
        time_sample: first non-empty value of each column, to tell a time-of-day
            column (joined to `date`) from a full timestamp.

    Raises:
        DataError: no timestamp or price column, or a mapped column is missing.
    """
    lookup = {normalize_name(n): n for n in reversed(names)}
    mapped_time, explicit = _explicit(file_name, names, lookup, mapping or {})
    notes: list[str] = []
    timestamp = mapped_time or _find_timestamp(lookup, time_sample or {})
    if timestamp is None:
        raise DataError(
            f"{file_name}: no timestamp column; expected one of timestamp, datetime, date, "
            f"time, open time, unix (or map one with --columns timestamp=NAME); "
            f"found: {_listing(names)}"
        )
    fields: dict[str, str] = {}
    for canonical, aliases in _FIELDS.items():
        source = explicit.get(canonical) or _first(lookup, aliases)
        if canonical == "volume" and source is None:
            source = _volume_fallback(lookup)
        if source is not None and source not in timestamp:
            fields[canonical] = source
    adjusted = explicit.get("adj_close") or _first(lookup, _ADJ_CLOSE)
    price_adjustment = None
    if "close" not in fields:
        if adjusted is None:
            raise DataError(
                f"{file_name}: no close column; expected one of close, adj close, price, last "
                f"(or map one with --columns close=NAME); found: {_listing(names)}"
            )
        fields["close"] = adjusted
        price_adjustment = f"adjusted close as published by the source (column {adjusted!r})"
        notes.append(f"no unadjusted close: column {adjusted!r} stored as close")
    elif adjusted is not None and adjusted != fields["close"]:
        notes.append(f"column {adjusted!r} ignored: the catalog stores the unadjusted close")
    used = set(timestamp) | set(fields.values()) | ({adjusted} if adjusted else set())
    ignored = [n for n in names if n not in used]
    if ignored:
        notes.append(f"ignored columns: {', '.join(ignored)}")
    return ColumnPlan(tuple(timestamp), fields, price_adjustment, tuple(notes))


def _key(key: str) -> str:
    return _MAPPING_KEYS.get(normalize_name(key), "")


def canonical_key(key: str) -> str:
    """The canonical name of a mapping key (`Datetime` -> `timestamp`, `Adj Close` -> `adj_close`).

    Raises:
        DataError: not a name the column planner knows (the message lists them).
    """
    canonical = _key(key)
    if not canonical:
        raise DataError(
            f"unknown column mapping key {key!r}: expected one of {', '.join(MAPPING_KEYS)} "
            "(datetime = timestamp)"
        )
    return canonical


def _explicit(
    file_name: str, names: Sequence[str], lookup: Mapping[str, str], mapping: Mapping[str, str]
) -> tuple[list[str] | None, dict[str, str]]:
    out: dict[str, str] = {}
    for key, wanted in mapping.items():
        canonical = canonical_key(key)
        source = wanted if wanted in names else lookup.get(normalize_name(wanted))
        if source is None:
            raise DataError(
                f"{file_name}: mapped column {wanted!r} (for {key}) not found; "
                f"found: {_listing(names)}"
            )
        out[canonical] = source
    stamp, date, clock = out.pop("timestamp", None), out.pop("date", None), out.pop("time", None)
    if stamp is not None:
        return [stamp], out
    if date and clock:
        return [date, clock], out
    if date or clock:
        return [str(date or clock)], out
    return None, out


def _find_timestamp(lookup: Mapping[str, str], sample: Mapping[str, str]) -> list[str] | None:
    stripped = {_strip_zone(k): v for k, v in lookup.items()}
    for alias in _TIMESTAMP:
        source = stripped.get(alias)
        if source is None:
            continue
        clock = stripped.get("time")
        if alias == "date" and clock and _CLOCK.match(sample.get(clock, "").strip()):
            return [source, clock]
        return [source]
    return None


def _first(lookup: Mapping[str, str], aliases: Sequence[str]) -> str | None:
    for alias in aliases:
        if alias in lookup:
            return lookup[alias]
    return None


def _volume_fallback(lookup: Mapping[str, str]) -> str | None:
    for name, source in reversed(list(lookup.items())):
        words = name.split(" ")
        if words[0] in ("volume", "vol") and not set(words[1:]) & set(_QUOTE_MARKERS):
            return source
    return None


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    hint = ""
    if names and re.match(r"^[\d.:/\- ]+$", names[0]):
        hint = " (the file seems to have no header line)"
    return (shown or "no columns") + hint
