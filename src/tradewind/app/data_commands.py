"""What the `tradewind data` commands (and `strategy check`) use of the data layer, so
that `tradewind.cli` imports only `app`: the catalog, import limits, quality reports,
macro data, bar labels and the parsing of import options.

Each function imports the data stack when it is called (a command's `--help` imports
none of it).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from tradewind.data.catalog import Catalog
    from tradewind.data.ingest import IngestReport as IngestReport
    from tradewind.data.limits import ImportLimits
    from tradewind.data.quality import QualityReport
    from tradewind.data.schema import CatalogEntry as CatalogEntry
    from tradewind.domain.market import QuoteType

__all__ = [
    "bar_time_label",
    "fields_label",
    "fred_catalog",
    "import_limits",
    "nber_recessions",
    "open_catalog",
    "parse_column_mapping",
    "parse_quote_type",
    "series_quality",
]


def open_catalog(root: Path | None = None) -> Catalog:
    """The catalog at `root` (default: $TRADEWIND_CATALOG_DIR or ./tradewind-data/catalog),
    bundled data included."""
    from tradewind.data.catalog import Catalog

    return Catalog(root)


def bar_time_label(stamp: pd.Timestamp | None) -> str:
    """A bar's time as printed: the date for daily bars, date and time otherwise."""
    from tradewind.data.schema import bar_time_label as label

    return label(stamp)


def fields_label(fields: Sequence[str]) -> str:
    """A series' fields as printed (`OHLCV`, `C`, ...)."""
    from tradewind.data.schema import fields_label as label

    return label(fields)


def fred_catalog() -> pd.DataFrame:
    """The bundled FRED monthly series (one row per series)."""
    from tradewind.data.macro import fred_catalog as catalog

    return catalog()


def nber_recessions() -> pd.DataFrame:
    """The bundled NBER recession peaks and troughs."""
    from tradewind.data.macro import load_nber_recessions

    return load_nber_recessions()


def import_limits(max_bytes: str | None, max_field_bytes: str | None) -> ImportLimits:
    """The size limits of an import: the options, else the environment, else defaults.

    Raises:
        DataError: a size that does not parse.
    """
    from tradewind.data.limits import ImportLimits

    return ImportLimits.resolve(max_bytes, max_field_bytes)


def series_quality(bars: pd.DataFrame, entry: CatalogEntry) -> QualityReport:
    """The quality report of a catalog series' bars against its calendar."""
    from tradewind.data.quality import quality_report

    return quality_report(
        bars, calendar=entry.calendar, timeframe=entry.timeframe, quote_type=entry.quote_type
    )


def parse_quote_type(text: str) -> QuoteType:
    """The quote type named by `--quote-type` (any case).

    Raises:
        DataError: an unknown quote type; lists the known ones.
    """
    from tradewind.data.schema import DataError
    from tradewind.domain.market import QuoteType

    try:
        return QuoteType(text.strip().lower())
    except ValueError:
        expected = ", ".join(q.value for q in QuoteType)
        raise DataError(f"invalid --quote-type {text!r}: expected one of {expected}") from None


def parse_column_mapping(text: str | list[str]) -> dict[str, str]:
    """`date=Datum,close=Schluss` -> {"date": "Datum", "close": "Schluss"}.

    Takes one text or several (a repeated `--columns`). Items are separated by commas
    outside quotes; a column name may contain spaces and be quoted
    (`timestamp="Gmt time"`). Names are the planner's (`tradewind.data.columns.MAPPING_KEYS`).

    Raises:
        DataError: an item is not `name=column`, a name is unknown or given twice.
    """
    from tradewind.data.columns import canonical_key
    from tradewind.data.schema import DataError

    mapping: dict[str, str] = {}
    seen: dict[str, str] = {}
    for item in (i for text_part in _as_list(text) for i in _split_items(text_part)):
        key, sep, value = item.partition("=")
        key, value = _unquote(key), _unquote(value)
        if not sep or not key or not value:
            raise DataError(
                f"invalid --columns item {item.strip()!r}: expected name=column, "
                'e.g. date=Datum,close=Schluss or "timestamp=Gmt time"'
            )
        canonical = canonical_key(key)
        if canonical in seen:
            raise DataError(
                f"--columns maps {canonical} twice: {seen[canonical]} and {key}={value}; "
                "give each name once"
            )
        seen[canonical] = f"{key}={value}"
        mapping[key] = value
    return mapping


def _as_list(text: str | list[str]) -> list[str]:
    return [text] if isinstance(text, str) else list(text)


def _split_items(text: str) -> list[str]:
    """Split at commas that are not inside single or double quotes."""
    items: list[str] = []
    current: list[str] = []
    quote = ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == ",":
            items.append("".join(current))
            current = []
            continue
        current.append(char)
    items.append("".join(current))
    return items


def _unquote(text: str) -> str:
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] == stripped[-1] and stripped[0] in "\"'":
        return stripped[1:-1].strip()
    return stripped
