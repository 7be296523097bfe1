"""Stream a Parquet bar file in record batches, with the same size limits as CSV input.

The uncompressed size recorded in the file's metadata is checked against `max_bytes`
before any data is read, and text cells against `max_field_bytes` batch by batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tradewind.data.csv_chunks import RowChunk
from tradewind.data.limits import (
    MAX_BYTES_ENV,
    MAX_FIELD_BYTES_ENV,
    ImportLimits,
    format_bytes,
)
from tradewind.data.schema import DataError

__all__ = ["PARQUET_SUFFIXES", "ParquetSource"]

PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
_BATCH_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class ParquetSource:
    """A Parquet file opened for batch reading; rows are numbered 1..n."""

    file: Path
    limits: ImportLimits
    handle: pq.ParquetFile

    @classmethod
    def open(cls, file: Path, limits: ImportLimits) -> ParquetSource:
        """Open the file and check its uncompressed size.

        Raises:
            DataError: not a readable Parquet file, or larger than the import limit.
        """
        try:
            handle = pq.ParquetFile(file)
        except Exception as exc:  # pyarrow raises several unrelated types for broken files
            raise DataError(f"{file}: not a readable Parquet file ({exc})") from None
        meta = handle.metadata
        size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if size > limits.max_bytes:
            raise DataError(
                f"{file}: holds {format_bytes(size)} uncompressed, over the import limit of "
                f"{format_bytes(limits.max_bytes)} (raise it with --max-bytes or {MAX_BYTES_ENV})"
            )
        return cls(file, limits, handle)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(str(name) for name in self.handle.schema_arrow.names)

    @property
    def rows_hint(self) -> int:
        """The number of rows, from the file's metadata."""
        return int(self.handle.metadata.num_rows)

    def chunks(self) -> Iterator[RowChunk]:
        """Every row, batch by batch, numbered from 1.

        Raises:
            DataError: a batch cannot be decoded, or a text cell is over the field limit.
        """
        first = 1
        for batch in self._batches():
            self._check_cells(batch, first)
            numbers = np.arange(first, first + batch.num_rows, dtype=np.int64)
            first += batch.num_rows
            yield RowChunk(_to_frame(batch, self.file), numbers, 0)

    def fetch(self, wanted: np.ndarray) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        """The rows numbered `wanted` (ascending, 1-based), batch by batch."""
        first = 1
        for batch in self._batches():
            lo, hi = np.searchsorted(wanted, [first, first + batch.num_rows])
            if hi > lo:
                picked = pa.array(wanted[lo:hi] - first)
                yield wanted[lo:hi], _to_frame(batch.take(picked), self.file)
            first += batch.num_rows

    def _batches(self) -> Iterator[pa.RecordBatch]:
        try:
            yield from self.handle.iter_batches(batch_size=_BATCH_ROWS)
        except (OSError, pa.ArrowException) as exc:
            raise DataError(f"{self.file}: not a readable Parquet file ({exc})") from None

    def _check_cells(self, batch: pa.RecordBatch, first: int) -> None:
        limit = self.limits.max_field_bytes
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            kind = column.type
            if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
                continue
            lengths = pc.binary_length(column)
            longest = pc.max(lengths).as_py()
            if longest is not None and longest > limit:
                row = first + int(np.argmax(lengths.to_numpy(zero_copy_only=False)))
                raise DataError(
                    f"{self.file}: row {row:,} column {name!r} is longer than "
                    f"{format_bytes(limit)}, the limit for one field (raise it with "
                    f"--max-field-bytes or {MAX_FIELD_BYTES_ENV})"
                )


def _to_frame(batch: pa.RecordBatch, file: Path) -> pd.DataFrame:
    try:
        # Keep the stored time unit: a far-future date must not overflow nanoseconds here.
        frame: pd.DataFrame = batch.to_pandas(coerce_temporal_nanoseconds=False)
    except (pa.ArrowException, ValueError, OverflowError) as exc:
        raise DataError(f"{file}: cannot convert the Parquet data ({exc})") from None
    return frame
