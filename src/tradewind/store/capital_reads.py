"""Read side of the capital tables: sizing decisions, allocations and capital events as
DataFrames, and a run's latest capital status.

The frames have one column per field of the record type, in field order, and are indexed
by the decision sequence number `seq`, so a frame read from one run can be written to
another as it is. `ts` is datetime64[ns, UTC]; figures are float64 (NaN where an optional
one is missing); labels are pandas strings (NaN where missing); JSON columns hold dicts.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Float, select

from tradewind.store.capital_records import (
    AllocationRecord,
    CapitalEventRecord,
    CapitalStatusView,
    SizingDecisionRecord,
)
from tradewind.store.column_types import Instant
from tradewind.store.models import CapitalStatusRow
from tradewind.store.tables import TABLES, json_columns, record_names

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CapitalReader"]


class CapitalReader:
    """Queries over the capital tables (a base of `JournalReader`, which sets `_engine`).

    Reads of an unknown run give an empty frame (or None), like the other record reads.
    """

    _engine: Engine

    def sizing_decisions(self, run_id: str) -> pd.DataFrame:
        """The run's position-sizing decisions in decision order (columns: the fields of
        `SizingDecisionRecord`; `factors` as dicts of factor name to multiplier)."""
        return self._frame(SizingDecisionRecord, run_id)

    def allocations(self, run_id: str) -> pd.DataFrame:
        """The run's capital router allocations in order (columns: the fields of
        `AllocationRecord`; `explanation` as dicts)."""
        return self._frame(AllocationRecord, run_id)

    def capital_events(self, run_id: str) -> pd.DataFrame:
        """The run's capital events in order (columns: the fields of `CapitalEventRecord`;
        `data` as dicts)."""
        return self._frame(CapitalEventRecord, run_id)

    def capital_status(self, run_id: str) -> CapitalStatusView | None:
        """The run's latest saved capital status, or None if none was saved."""
        query = select(CapitalStatusRow).where(CapitalStatusRow.run_id == run_id)
        with self._engine.connect() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            return None
        return CapitalStatusView(ts=row.ts, summary=row.summary, status=json.loads(row.status))

    def _frame(self, record_type: type[Any], run_id: str) -> pd.DataFrame:
        # Imported on first use: reading runs and orders does not need pandas.
        import pandas as pd

        model = TABLES[record_type].model
        table = model.__table__
        names = list(record_names(record_type))
        documents = json_columns(model)
        query = (
            select(table.c.seq, *(table.c[name] for name in names))
            .where(table.c.run_id == run_id)
            .order_by(table.c.seq)
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        seqs, *stored = zip(*rows, strict=True) if rows else [()] * (len(names) + 1)
        data: dict[str, Any] = {}
        for name, values in zip(names, stored, strict=True):
            column_type = table.c[name].type
            if name in documents:
                data[name] = pd.Series([json.loads(text) for text in values], dtype=object)
            elif isinstance(column_type, Instant):
                data[name] = pd.to_datetime(list(values), utc=True).as_unit("ns")
            elif isinstance(column_type, Float):
                data[name] = pd.Series(values, dtype="float64")
            else:
                data[name] = pd.Series(values, dtype="str")
        frame = pd.DataFrame(data, columns=names)
        frame.index = pd.Index(seqs, dtype="int64", name="seq")
        return frame
