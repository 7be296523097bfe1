"""The bar catalog: Parquet partitioned by market/symbol/timeframe, queried with DuckDB.

Two roots are read: the user root first, then the read-only bundled data shipped in
the package. Writes go to the user root only, created on the first write.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from tradewind.data import layout
from tradewind.data.catalog_ingest import (
    accepted_meta,
    ingest_report,
    read_input,
    series_meta,
    validate_raw,
)
from tradewind.data.catalog_lookup import unknown_symbol_message
from tradewind.data.importer import RawBars
from tradewind.data.ingest import IngestReport, NoValidRowsError, RejectedRowsError
from tradewind.data.limits import ImportLimits
from tradewind.data.quarantine import quarantine_chunks
from tradewind.data.query import (
    BarSpan,
    query_span,
    query_tables,
    table_to_arrays,
    table_to_frame,
)
from tradewind.data.schema import (
    BAR_COLUMNS,
    VALUE_FIELDS,
    BarArrays,
    CatalogEntry,
    DataError,
    DataSource,
    default_calendar,
)
from tradewind.data.validation import ValidationResult, validate_bars
from tradewind.domain.market import MarketClass, QuoteType
from tradewind.domain.timeframe import Timeframe

__all__ = ["CATALOG_ENV", "DEFAULT_CATALOG_DIR", "Catalog"]

CATALOG_ENV = "TRADEWIND_CATALOG_DIR"
DEFAULT_CATALOG_DIR = Path("tradewind-data") / "catalog"


class Catalog:
    """Read and write bar series.

    Args:
        root: the user catalog directory; None -> `$TRADEWIND_CATALOG_DIR`, else
            `./tradewind-data/catalog`. Nothing is created until the first write.
        include_bundled: also read the real sample data shipped with Tradewind.
    """

    def __init__(self, root: Path | str | None = None, *, include_bundled: bool = True) -> None:
        chosen = root if root is not None else os.environ.get(CATALOG_ENV) or DEFAULT_CATALOG_DIR
        self.root = Path(chosen).expanduser()
        self.include_bundled = include_bundled
        self._entries: list[CatalogEntry] | None = None
        self._connection: duckdb.DuckDBPyConnection | None = None

    # -- discovery -----------------------------------------------------------------

    def _roots(self) -> list[tuple[Path, DataSource]]:
        roots: list[tuple[Path, DataSource]] = [(self.root, "user")]
        if self.include_bundled:
            from tradewind.data.bundled import bundled_catalog_root

            roots.append((bundled_catalog_root(), "bundled"))
        return roots

    def entries(self, market: MarketClass | str | None = None) -> list[CatalogEntry]:
        """Every series, user first; a user series hides a bundled one with the same key."""
        if self._entries is None:
            found: dict[tuple[str, str, str], CatalogEntry] = {}
            for root, source in self._roots():
                for meta_path in sorted(root.glob("market=*/symbol=*/timeframe=*/meta.json")):
                    entry = layout.entry_from_meta(
                        meta_path.parent, layout.read_meta(meta_path.parent), source
                    )
                    found.setdefault(entry.key, entry)
            order = {m: i for i, m in enumerate(MarketClass)}
            self._entries = sorted(
                found.values(), key=lambda e: (order[e.market], e.symbol, e.timeframe)
            )
        if market is None:
            return list(self._entries)
        wanted = MarketClass.parse(market) if isinstance(market, str) else market
        return [e for e in self._entries if e.market is wanted]

    def entry(
        self,
        symbol: str,
        *,
        market: MarketClass | str | None = None,
        timeframe: Timeframe | str | None = None,
    ) -> CatalogEntry:
        """The one series matching `symbol` (and market/timeframe when given).

        Raises:
            DataError: unknown symbol (close matches listed) or several matches
                (the choices listed).
        """
        name = layout.normalize_symbol(symbol)
        wanted_market = MarketClass.parse(market) if isinstance(market, str) else market
        wanted_tf = str(Timeframe.parse(timeframe)) if timeframe is not None else None
        if wanted_market is not None and wanted_tf is not None:
            direct = self._direct_entry(wanted_market, name, wanted_tf)
            if direct is not None:
                return direct
        everything = self.entries()
        matches = [
            e
            for e in everything
            if e.symbol == name
            and (wanted_market is None or e.market is wanted_market)
            and (wanted_tf is None or e.timeframe == wanted_tf)
        ]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise DataError(unknown_symbol_message(name, wanted_market, wanted_tf, everything))
        choices = ", ".join(
            f"{e.symbol} --market {e.market} --timeframe {e.timeframe}" for e in matches
        )
        raise DataError(f"symbol {name} is ambiguous; choose one of: {choices}")

    def _direct_entry(
        self, market: MarketClass, symbol: str, timeframe: str
    ) -> CatalogEntry | None:
        for root, source in self._roots():
            directory = layout.series_dir(root, market, symbol, timeframe)
            if (directory / layout.META_FILE).is_file():
                return layout.entry_from_meta(directory, layout.read_meta(directory), source)
        return None

    # -- reading -------------------------------------------------------------------

    def load_bars(
        self,
        symbol: str,
        *,
        market: MarketClass | str | None = None,
        timeframe: Timeframe | str | None = None,
        start: Any = None,
        end: Any = None,
    ) -> pd.DataFrame:
        """The normalized bar frame of one series, `start <= timestamp <= end` (inclusive).

        Raises:
            DataError: unknown or ambiguous symbol, or an unreadable start/end.
        """
        entry = self.entry(symbol, market=market, timeframe=timeframe)
        return self._query([entry], start, end)[entry.symbol]

    def span(
        self,
        symbol: str,
        *,
        market: MarketClass | str | None = None,
        timeframe: Timeframe | str | None = None,
        start: Any = None,
        end: Any = None,
    ) -> BarSpan:
        """First and last bar and the bar count of one series, `start <= timestamp <= end`,
        without loading the bars.

        Raises:
            DataError: unknown or ambiguous symbol, or an unreadable start/end.
        """
        entry = self.entry(symbol, market=market, timeframe=timeframe)
        return query_span(self._duckdb(), entry, start, end)

    def load_arrays(
        self,
        symbol: str,
        *,
        market: MarketClass | str | None = None,
        timeframe: Timeframe | str | None = None,
        start: Any = None,
        end: Any = None,
    ) -> BarArrays:
        """Like `load_bars`, as read-only numpy arrays (times int64 ns UTC)."""
        entry = self.entry(symbol, market=market, timeframe=timeframe)
        table = self._tables([entry], start, end)[entry.symbol]
        return table_to_arrays(entry.symbol, table)

    def load_many(
        self,
        symbols: Iterable[str],
        *,
        market: MarketClass | str | None = None,
        timeframe: Timeframe | str | None = None,
        start: Any = None,
        end: Any = None,
    ) -> dict[str, pd.DataFrame]:
        """Several series in one DuckDB query, keyed by normalized symbol, in request order."""
        entries = [self.entry(s, market=market, timeframe=timeframe) for s in symbols]
        return self._query(entries, start, end)

    def _query(self, entries: list[CatalogEntry], start: Any, end: Any) -> dict[str, pd.DataFrame]:
        return {
            symbol: table_to_frame(table)
            for symbol, table in self._tables(entries, start, end).items()
        }

    def _tables(self, entries: list[CatalogEntry], start: Any, end: Any) -> dict[str, pa.Table]:
        return query_tables(self._duckdb(), entries, start, end)

    def _duckdb(self) -> duckdb.DuckDBPyConnection:
        if self._connection is None:
            self._connection = duckdb.connect()
        return self._connection

    # -- writing -------------------------------------------------------------------

    def write_bars(
        self,
        frame: pd.DataFrame,
        *,
        market: MarketClass | str,
        symbol: str,
        timeframe: Timeframe | str,
        calendar: str | None = None,
        quote_type: QuoteType = QuoteType.PRICE,
        source: str = "user",
        meta: Mapping[str, Any] | None = None,
        validate: bool = False,
    ) -> CatalogEntry:
        """Store an already normalized, validated frame (replacing the series): the fast path.

        `close_time` is computed from the calendar when the frame lacks it. `fields`
        defaults to the value columns that are not all NaN. `meta` adds or overrides
        metadata keys (e.g. `price_adjustment`, `units`, `description`).

        Raises:
            DataError: missing columns, or (with `validate=True`) any invalid row.
        """
        market_class, name, tf = _key(market, symbol, timeframe)
        cal = calendar or default_calendar(market_class)
        missing = [c for c in BAR_COLUMNS if c not in frame.columns and c != "close_time"]
        if missing:
            raise DataError(f"write_bars {name}: frame lacks column(s) {', '.join(missing)}")
        fields = tuple((meta or {}).get("fields") or _present_fields(frame))
        if validate:
            result = validate_bars(frame, fields=fields, quote_type=quote_type)
            if result.rejected:
                raise DataError(
                    f"write_bars {name}: {result.rejected} invalid rows "
                    f"({result.nonzero_counts}); first: {result.quarantine.iloc[0].to_dict()}"
                )
        bars = (
            frame if "close_time" in frame.columns else layout.attach_close_times(frame, cal, tf)[0]
        )
        extra = {"source": source, **(meta or {})}
        return self._store(bars, market_class, name, str(tf), cal, quote_type, fields, extra)

    def ingest(
        self,
        frame_or_path: pd.DataFrame | Path | str,
        *,
        market: MarketClass | str,
        symbol: str,
        timeframe: Timeframe | str = "1d",
        calendar: str | None = None,
        quote_type: QuoteType | None = None,
        source_name: str | None = None,
        tz: str | None = None,
        columns: Mapping[str, str] | None = None,
        timestamp_format: str | None = None,
        strict: bool = False,
        limits: ImportLimits | None = None,
    ) -> IngestReport:
        """Validate, quarantine and store a file or frame, replacing the series (never merging).

        Rejected rows go to `<root>/_quarantine/...` with their row number, rules,
        reasons and raw text. `tz`, `columns`, `timestamp_format` and `limits` are passed
        to `read_bar_file`. If storing fails, the quarantine file of this ingest is
        removed again and the previous series is left as it was.

        Raises:
            DataError: the file is unusable (see `read_bar_file`), or the catalog cannot
                be written (the message names the path).
            NoValidRowsError: every row was rejected (the quarantine is still written).
            RejectedRowsError: `strict` and some row was rejected (nothing stored).
        """
        market_class, name, tf = _key(market, symbol, timeframe)
        cal = calendar or default_calendar(market_class)
        quote = quote_type or QuoteType.PRICE
        raw = read_input(frame_or_path, tz, columns, timestamp_format, tf, limits)
        result = validate_raw(raw, quote)
        # The accepted rows are now in `result`: let the rows as read go (a large file
        # would otherwise be held twice while it is stored).
        raw = replace(raw, timestamps=np.zeros(0, dtype=np.int64), values={})
        quarantine_path = self._write_quarantine(result, market_class, name, str(tf))
        key = (market_class.value, name, str(tf))
        report = ingest_report(result, raw, key, quarantine_path, source_name)
        if not result.accepted_count:
            raise NoValidRowsError(report)
        if strict and result.rejected:
            raise RejectedRowsError(report)
        try:
            entry, previous, outside = self._store_accepted(
                result, raw, market_class, name, tf, cal, quote, report, source_name
            )
        except BaseException:
            if quarantine_path is not None:
                layout.remove_quarantine(quarantine_path, self.root)
            raise
        return replace(report, entry=entry, replaced_rows=previous, bars_outside_calendar=outside)

    def _write_quarantine(
        self, result: ValidationResult, market: MarketClass, symbol: str, timeframe: str
    ) -> Path | None:
        """Write the rejected rows of an ingest to a new quarantine file (None if none)."""
        if not result.rejected:
            return None
        target = layout.quarantine_file(
            self.root, market, symbol, timeframe, layout.new_ingest_id()
        )
        return layout.write_quarantine(target, quarantine_chunks(result))

    def _store_accepted(
        self,
        result: ValidationResult,
        raw: RawBars,
        market_class: MarketClass,
        name: str,
        tf: Timeframe,
        cal: str,
        quote: QuoteType,
        report: IngestReport,
        source_name: str | None,
    ) -> tuple[CatalogEntry, int | None, int]:
        previous = self._direct_user_rows(market_class, name, str(tf))
        bars, outside = layout.attach_close_times(result.accepted, cal, tf)
        meta = accepted_meta(result, raw, report, source_name, outside)
        entry = self._store(bars, market_class, name, str(tf), cal, quote, raw.fields, meta)
        return entry, previous, outside

    def _direct_user_rows(self, market: MarketClass, symbol: str, timeframe: str) -> int | None:
        directory = layout.series_dir(self.root, market, symbol, timeframe)
        if not (directory / layout.META_FILE).is_file():
            return None
        return int(layout.read_meta(directory).get("rows", 0))

    def _store(
        self,
        bars: pd.DataFrame,
        market: MarketClass,
        symbol: str,
        timeframe: str,
        calendar: str,
        quote_type: QuoteType,
        fields: Iterable[str],
        extra: Mapping[str, Any],
    ) -> CatalogEntry:
        directory = layout.series_dir(self.root, market, symbol, timeframe)
        meta = series_meta(bars, (market, symbol, timeframe), calendar, quote_type, fields, extra)
        layout.write_series(directory, bars, meta)
        self._entries = None
        return layout.entry_from_meta(directory, meta, "user")


def _key(
    market: MarketClass | str, symbol: str, timeframe: Timeframe | str
) -> tuple[MarketClass, str, Timeframe]:
    market_class = MarketClass.parse(market) if isinstance(market, str) else market
    return market_class, layout.normalize_symbol(symbol), Timeframe.parse(timeframe)


def _present_fields(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(f for f in VALUE_FIELDS if f in frame.columns and bool(frame[f].notna().any()))
