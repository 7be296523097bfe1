"""The steps of a catalog ingest: read, validate, report, and the metadata stored with it.

`tradewind.data.catalog.Catalog.ingest` runs them in order; each is a plain function so
the catalog class keeps to discovery, reading and storing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from tradewind.data import layout
from tradewind.data.importer import RawBars, read_bar_file
from tradewind.data.ingest import IngestReport, raw_from_frame
from tradewind.data.limits import ImportLimits
from tradewind.data.quarantine import first_rejected
from tradewind.data.schema import VALUE_FIELDS
from tradewind.data.validation import ValidationResult, validate_arrays
from tradewind.domain.market import MarketClass, QuoteType
from tradewind.domain.timeframe import Timeframe

__all__ = ["accepted_meta", "ingest_report", "read_input", "series_meta", "validate_raw"]


def read_input(
    frame_or_path: pd.DataFrame | Path | str,
    tz: str | None,
    columns: Mapping[str, str] | None,
    timestamp_format: str | None,
    tf: Timeframe,
    limits: ImportLimits | None,
) -> RawBars:
    """The rows as read from a frame or a file (see `read_bar_file`)."""
    if isinstance(frame_or_path, pd.DataFrame):
        return raw_from_frame(frame_or_path, name="<frame>", daily=not tf.is_intraday)
    return read_bar_file(
        frame_or_path,
        tz=tz,
        columns=columns,
        timestamp_format=timestamp_format,
        timeframe=tf,
        limits=limits,
    )


def validate_raw(raw: RawBars, quote: QuoteType) -> ValidationResult:
    """Validate the rows as read, keeping the reader's parse issues and source text."""
    return validate_arrays(
        raw.timestamps,
        raw.values,
        quote_type=quote,
        row_numbers=raw.row_numbers,
        issues=raw.issues,
        raw=raw.source,
    )


def ingest_report(
    result: ValidationResult,
    raw: RawBars,
    key: tuple[str, str, str],
    quarantine_path: Path | None,
    source_name: str | None,
) -> IngestReport:
    """The report of one ingest, before anything is stored."""
    return IngestReport.build(
        source_name=source_name or raw.path.name,
        key=key,
        result=result,
        quarantine_path=quarantine_path,
        examples=first_rejected(result),
        notes=raw.notes,
        fields=raw.fields,
        blank_lines=raw.blank_lines,
    )


def accepted_meta(
    result: ValidationResult,
    raw: RawBars,
    report: IngestReport,
    source_name: str | None,
    bars_outside_calendar: int,
) -> dict[str, Any]:
    """The metadata an ingest stores beside its accepted rows."""
    return {
        "source": str(source_name or raw.path),
        "price_adjustment": raw.price_adjustment,
        "quarantined": report.counts,
        "quarantine_file": str(report.quarantine_path) if report.quarantine_path else None,
        "rows_rejected": result.rejected,
        "blank_lines": raw.blank_lines,
        "bars_outside_calendar": bars_outside_calendar,
        "notes": list(raw.notes),
    }


def series_meta(
    bars: pd.DataFrame,
    key: tuple[MarketClass, str, str],
    calendar: str,
    quote_type: QuoteType,
    fields: Iterable[str],
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """The `meta.json` of a stored series: the defaults, then `extra` over them."""
    market, symbol, timeframe = key
    stamps = bars["timestamp"]
    meta: dict[str, Any] = {
        "format": layout.META_VERSION,
        "market": market.value,
        "symbol": symbol,
        "timeframe": timeframe,
        "calendar": calendar,
        "quote_type": quote_type.value,
        "fields": [f for f in VALUE_FIELDS if f in set(fields)],
        "price_adjustment": None,
        "units": "",
        "description": "",
        "source": "user",
        "rows": len(bars),
        "first": stamps.iloc[0].isoformat() if len(bars) else None,
        "last": stamps.iloc[-1].isoformat() if len(bars) else None,
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "quarantined": {},
    }
    meta.update(extra)
    return meta
