"""Stream a CSV bar file (plain, .gz, .bz2, .xz) in byte-bounded blocks of whole lines.

Each block is parsed on its own, every column as text, and each row keeps its physical
line number, so memory stays bounded by the block size whatever the file size. The
decompressed size and the line length are checked while reading (see `limits`), so a
decompression bomb or a giant cell is refused before it is held in memory. Blank lines
(no characters at all) are counted and skipped; every other line is one row.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import re
import zlib
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from tradewind.data.columns import looks_like_header
from tradewind.data.limits import (
    INFLATE_CHECK_BYTES,
    MAX_BYTES_ENV,
    MAX_FIELD_BYTES_ENV,
    ImportLimits,
    format_bytes,
)
from tradewind.data.schema import DataError

__all__ = ["CSV_SUFFIXES", "CsvSource", "RowChunk"]

CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz", ".csv.bz2", ".csv.xz")
_BLOCK_BYTES = 8 * 1024 * 1024
_HEADER_SCAN_LINES = 30
_SAMPLE_LINES = 200  # read for the header scan and the row-count estimate
_DELIMITERS = (",", ";", "\t", "|")
_BOM = b"\xef\xbb\xbf"
_NEWLINE = 10
_CARRIAGE_RETURN = 13
_READ_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error)
_COMPRESSED = (".gz", ".bz2", ".xz")


@dataclass(frozen=True, slots=True)
class RowChunk:
    """Rows of one block (CSV: text, one per non-blank line) and their 1-based row numbers."""

    table: pd.DataFrame
    line_numbers: np.ndarray
    blank_lines: int


@dataclass(frozen=True, slots=True)
class _Block:
    data: bytes  # whole lines, each ending in "\n"
    first_line: int
    ends: np.ndarray  # offset of each line's "\n" in data


@dataclass(slots=True)
class CsvSource:
    """A CSV bar file opened for streaming: its header line, delimiter and row chunks.

    Build with `CsvSource.open`; iterate `chunks()` once for the rows, then `fetch` the
    text of chosen lines again (for the quarantine) without holding the whole file.
    """

    file: Path
    limits: ImportLimits
    header_line: int
    delimiter: str
    header: bytes
    names: tuple[str, ...]
    rows_hint: int | None = None
    block_bytes: int = field(default=_BLOCK_BYTES)
    dropped: tuple[str, ...] = field(default=())

    @classmethod
    def open(
        cls,
        file: Path,
        limits: ImportLimits,
        columns: Mapping[str, str] | None = None,
        *,
        block_bytes: int | None = None,
    ) -> CsvSource:
        """Find the header line (after any banner lines) and the delimiter.

        Raises:
            DataError: the file is unreadable, empty, too large or has a too-long line.
        """
        block_bytes = block_bytes or _BLOCK_BYTES
        _check_plain_size(file, limits)
        if file.name.lower().endswith(_COMPRESSED):
            # Inflate once without parsing: a bomb is refused before any row is held.
            for _ in _blocks(file, limits, block_bytes):
                pass
        lines: list[bytes] = []
        with closing(_blocks(file, limits, block_bytes)) as blocks:
            for block in blocks:
                lines.extend(block.data.split(b"\n", _SAMPLE_LINES)[:-1])
                if len(lines) >= _SAMPLE_LINES:
                    break
        text = [line.rstrip(b"\r").decode("utf-8", errors="replace") for line in lines]
        text = text[:_HEADER_SCAN_LINES]
        if not any(line.strip() for line in text):
            raise DataError(f"{file}: the file is empty; expected a header line and bar rows")
        index, delimiter = _find_header(text, columns)
        header = lines[index] + b"\n"
        names = tuple(str(c) for c in _parse(header, delimiter, file).columns)
        hint = _rows_hint(file, lines[index + 1 :])
        return cls(file, limits, index + 1, delimiter, header, names, hint, block_bytes)

    @property
    def columns(self) -> tuple[str, ...]:
        """The source columns as read (names stripped, empty unnamed columns dropped)."""
        return tuple(n for n in (c.strip() for c in self.names) if n not in self.dropped)

    def chunks(self) -> Iterator[RowChunk]:
        """Every data row after the header, block by block, with its file line number.

        Raises:
            DataError: the file is too large, has a too-long line or is not valid CSV.
        """
        first = True
        for block in self._data_blocks():
            lengths = np.diff(block.ends, prepend=-1) - 1
            raw = np.frombuffer(block.data, dtype=np.uint8)
            blank = (lengths == 0) | ((lengths == 1) & (raw[block.ends - 1] == _CARRIAGE_RETURN))
            numbers = block.first_line + np.arange(block.ends.size, dtype=np.int64)
            table = self._table(block.data, block.first_line, block.ends.size)
            if first:
                self.dropped = _empty_unnamed(table)
                first = False
            table = table.drop(columns=list(self.dropped))
            if blank.any():
                table = table.loc[~blank].reset_index(drop=True)
            yield RowChunk(table, numbers[~blank], int(blank.sum()))

    def fetch(self, wanted: np.ndarray) -> Iterator[tuple[np.ndarray, pd.DataFrame]]:
        """The text of the rows on the `wanted` lines (ascending), block by block.

        Yields `(line numbers, table)` pairs in file order; lines that are not data rows
        (blank, banner, header) are skipped.
        """
        if wanted.size == 0:
            return
        for block in self._data_blocks():
            last = block.first_line + block.ends.size - 1
            lo, hi = np.searchsorted(wanted, [block.first_line, last + 1])
            if lo == hi:
                continue
            picked = wanted[lo:hi] - block.first_line
            starts = np.concatenate(([0], block.ends[:-1] + 1))
            data = b"".join(
                block.data[s : e + 1]
                for s, e in zip(starts[picked].tolist(), block.ends[picked].tolist(), strict=True)
            )
            table = self._table(data, -1, picked.size).drop(columns=list(self.dropped))
            yield wanted[lo:hi], table

    def _data_blocks(self) -> Iterator[_Block]:
        for block in _blocks(self.file, self.limits, self.block_bytes):
            skip = self.header_line - block.first_line + 1
            if skip <= 0:
                yield block
            elif skip < block.ends.size:
                cut = int(block.ends[skip - 1]) + 1
                yield _Block(block.data[cut:], self.header_line + 1, block.ends[skip:] - cut)

    def _table(self, data: bytes, first_line: int, lines: int) -> pd.DataFrame:
        text = self.header + data
        table = _parse_fast(text, self.delimiter, self.names)
        if table is None:
            table = _parse(text, self.delimiter, self.file, first_line)
        table.columns = [str(c).strip() for c in table.columns]
        if len(table) != lines:
            where = f" near lines {first_line}-{first_line + lines - 1}" if first_line > 0 else ""
            raise DataError(
                f"{self.file}: malformed CSV{where}: {lines:,} lines gave {len(table):,} rows "
                "(a quoted field spanning lines?); expected one bar per line"
            )
        return table


def _rows_hint(file: Path, sample: list[bytes]) -> int | None:
    """About how many rows a plain file holds (from its first lines); None if unknown."""
    if not sample or file.name.lower().endswith(_COMPRESSED):
        return None
    mean_bytes = sum(len(line) + 1 for line in sample) / len(sample)
    return int(file.stat().st_size / mean_bytes * 1.25) + 1_024


def _parse_fast(text: bytes, delimiter: str, names: tuple[str, ...]) -> pd.DataFrame | None:
    """Parse with Arrow's CSV reader (several times faster); None when pandas must decide.

    Arrow refuses rows with another number of fields and invalid UTF-8, which pandas
    pads or replaces; those blocks go to `_parse` so the result never depends on which
    parser ran.
    """
    try:
        table = pa_csv.read_csv(
            io.BytesIO(text),
            read_options=pa_csv.ReadOptions(
                column_names=list(names), skip_rows=1, use_threads=False, block_size=len(text) + 1
            ),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowKeyError, ValueError):
        return None
    frame: pd.DataFrame = table.to_pandas()
    return frame


def _parse(text: bytes, delimiter: str, file: Path, first_line: int = -1) -> pd.DataFrame:
    try:
        return pd.read_csv(
            io.BytesIO(text),
            sep=delimiter,
            header=0,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            encoding="utf-8",
            encoding_errors="replace",
            index_col=False,
        )
    except (pd.errors.ParserError, ValueError, UnicodeDecodeError) as exc:
        message = re.sub(r"^Error tokenizing data\. C error: ", "", str(exc)).strip()
        if first_line > 0:
            # pandas counts from the header we put first; report the real file line.
            message = re.sub(
                r"line (\d+)", lambda m: f"line {first_line + int(m.group(1)) - 2}", message
            )
        raise DataError(f"{file}: malformed CSV: {message}") from None


def _empty_unnamed(table: pd.DataFrame) -> tuple[str, ...]:
    # A trailing delimiter gives an unnamed, empty column: not data.
    return tuple(
        c for c in table.columns if c.startswith("Unnamed: ") and bool((table[c] == "").all())
    )


def _find_header(lines: list[str], columns: Mapping[str, str] | None) -> tuple[int, str]:
    fallback: tuple[int, str] | None = None
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        delimiter = max(_DELIMITERS, key=line.count)
        cells = [c.strip().strip('"') for c in line.split(delimiter)]
        if looks_like_header(cells, columns):
            return index, delimiter
        if fallback is None:
            fallback = (index, delimiter)
    return fallback or (0, ",")


def _opener(file: Path) -> Callable[[Path], io.BufferedIOBase]:
    name = file.name.lower()
    if name.endswith(".gz"):
        return lambda path: gzip.open(path, "rb")
    if name.endswith(".bz2"):
        return lambda path: bz2.open(path, "rb")
    if name.endswith(".xz"):
        return lambda path: lzma.open(path, "rb")
    return lambda path: path.open("rb")


def _check_plain_size(file: Path, limits: ImportLimits) -> None:
    if not file.name.lower().endswith(_COMPRESSED):
        size = file.stat().st_size
        if size > limits.max_bytes:
            raise DataError(
                f"{file}: the file is {format_bytes(size)}, over the import limit of "
                f"{format_bytes(limits.max_bytes)} (raise it with --max-bytes or "
                f"{MAX_BYTES_ENV})"
            )


def _blocks(file: Path, limits: ImportLimits, block_bytes: int) -> Generator[_Block, None, None]:
    """Whole lines in blocks of about `block_bytes`, checking size and line length."""
    total, line, carry = 0, 1, b""
    packed = file.stat().st_size if file.name.lower().endswith(_COMPRESSED) else 0
    cr_only: bool | None = None  # classic Mac line ends: read each CR as a newline
    try:
        with _opener(file)(file) as handle:
            while True:
                data = handle.read(block_bytes)
                total += len(data)
                if total > limits.max_bytes:
                    raise DataError(_too_large(file, limits))
                if packed and total > INFLATE_CHECK_BYTES:
                    _check_inflation(file, packed, total, limits)
                if not data:
                    break
                if total == len(data) and data.startswith(_BOM):
                    data = data[len(_BOM) :]
                if cr_only is None:
                    cr_only = b"\n" not in data and b"\r" in data
                if cr_only:
                    data = data.replace(b"\r", b"\n")
                buffer = carry + data if carry else data
                cut = buffer.rfind(b"\n") + 1
                carry = buffer[cut:]
                if cut:
                    block = _block(buffer[:cut], line, file, limits)
                    line += block.ends.size
                    yield block
                if len(carry) > limits.max_field_bytes:
                    raise DataError(_too_long(file, line, limits))
    except _READ_ERRORS as exc:
        raise DataError(f"{file}: cannot read the file ({exc})") from None
    if carry:
        yield _block(carry + b"\n", line, file, limits)


def _block(data: bytes, first_line: int, file: Path, limits: ImportLimits) -> _Block:
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == _NEWLINE)
    lengths = np.diff(ends, prepend=-1) - 1
    longest = int(np.argmax(lengths))
    if lengths[longest] > limits.max_field_bytes:
        raise DataError(_too_long(file, first_line + longest, limits))
    return _Block(data, first_line, ends)


def _check_inflation(file: Path, packed: int, total: int, limits: ImportLimits) -> None:
    if total > packed * limits.max_inflate_ratio:
        raise DataError(
            f"{file}: inflates more than {limits.max_inflate_ratio} times its size "
            f"({format_bytes(packed)} to over {format_bytes(total)}): a decompression bomb, "
            "not bar data; if it is genuine, decompress it and import the plain file"
        )


def _too_large(file: Path, limits: ImportLimits) -> str:
    return (
        f"{file}: decompresses to more than {format_bytes(limits.max_bytes)}, the import "
        f"limit (raise it with --max-bytes or {MAX_BYTES_ENV})"
    )


def _too_long(file: Path, line: int, limits: ImportLimits) -> str:
    return (
        f"{file}: line {line:,} is longer than {format_bytes(limits.max_field_bytes)}, the "
        "limit for one line or field (a bar row is a few hundred bytes; raise it with "
        f"--max-field-bytes or {MAX_FIELD_BYTES_ENV})"
    )
