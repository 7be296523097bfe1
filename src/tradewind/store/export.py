"""Signals export (CSV or JSON) for `tradewind signals export`.

Advisory signals are suggestions for a person, never sent to a venue; every exported row
says whether it is advisory, the CSV starts with a `#` comment naming the run and its
mode, and the JSON document carries `"mode"` (e.g. `"advisory"`) at the top level.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TextIO

from tradewind.store.errors import JournalError, UnknownRunError
from tradewind.store.reads import JournalReader
from tradewind.store.records import RunInfo, RunMode, SignalRecord
from tradewind.store.tables import record_names
from tradewind.store.values import amount_text

__all__ = [
    "EXPORT_COLUMNS",
    "ExportFormat",
    "export_signals",
    "resolve_run",
]

_NOT_EXPORTED = frozenset({"aggregated", "contributors"})
EXPORT_COLUMNS = tuple(name for name in record_names(SignalRecord) if name not in _NOT_EXPORTED)
"""The exported columns, in order: the signal's fields but the aggregation internals."""

ADVISORY_NOTE = (
    "advisory=true rows are suggestions for a person to act on; they were not sent to any venue"
)


class ExportFormat(StrEnum):
    """Export file formats."""

    CSV = "csv"
    JSON = "json"


def resolve_run(journal: JournalReader, run: str, *, advisory_only: bool = False) -> RunInfo:
    """The run named `run`, or with `run == "latest"` the most recent run (the most
    recent advisory run when `advisory_only`).

    Raises:
        UnknownRunError: no such run, or the journal holds no (advisory) run.
    """
    if run != "latest":
        return journal.run(run)
    latest = journal.latest_run(RunMode.ADVISORY if advisory_only else None)
    if latest is None:
        kind = "advisory runs" if advisory_only else "runs"
        raise UnknownRunError(f"the journal holds no {kind}; nothing to export")
    return latest


def export_signals(
    journal: JournalReader,
    run: RunInfo,
    out: TextIO,
    *,
    fmt: ExportFormat | str = ExportFormat.CSV,
    advisory_only: bool = False,
) -> int:
    """Write the run's signals (and aggregation decisions) to `out`; returns the count.

    Raises:
        JournalError: an unknown format.
    """
    try:
        kind = ExportFormat(str(fmt).lower())
    except ValueError:
        raise JournalError(f"invalid export format {fmt!r}: expected csv or json") from None
    signals = journal.signals(run.run_id, advisory_only=advisory_only)
    if kind is ExportFormat.CSV:
        _write_csv(run, signals, out)
    else:
        _write_json(run, signals, out)
    return len(signals)


def _write_csv(run: RunInfo, signals: Sequence[SignalRecord], out: TextIO) -> None:
    out.write(
        f"# tradewind signals: run {run.run_id}, mode {run.mode.value}, "
        f"{len(signals)} rows; {ADVISORY_NOTE}\n"
    )
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for signal in signals:
        row = _row(signal)
        writer.writerow([_csv_cell(row[name]) for name in EXPORT_COLUMNS])


def _write_json(run: RunInfo, signals: Sequence[SignalRecord], out: TextIO) -> None:
    document = {
        "run_id": run.run_id,
        "mode": run.mode.value,
        "note": ADVISORY_NOTE,
        "count": len(signals),
        "columns": list(EXPORT_COLUMNS),
        "signals": [_json_row(_row(signal)) for signal in signals],
    }
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _row(signal: SignalRecord) -> dict[str, Any]:
    row = {name: getattr(signal, name) for name in EXPORT_COLUMNS}
    row["ts"] = _iso(signal.ts)
    return row


def _iso(ts: object) -> str:
    if not isinstance(ts, datetime):
        raise JournalError(f"expected a stored datetime, found {ts!r}")
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return amount_text(value)
    return str(value) if not isinstance(value, float) else repr(value)


def _json_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        name: float(value) if isinstance(value, Decimal) else value for name, value in row.items()
    }
