"""Multi-market data for the intelligence layer: bars per market class, one timeline.

The collector is the documents' API (`collect_market_data`, `get_synchronized_data`,
`get_quality_metrics`) over the one data preparation, `tradewind.data.prepare`, that
runs use as well: series are loaded, resampled and aligned there; the calendar checks
are deferred to `get_quality_metrics`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tradewind.data.align import AlignedPanel
from tradewind.data.calendars._convert import NAT_NS
from tradewind.data.catalog import Catalog
from tradewind.data.prepare import PreparedData, PrepareSpec, SeriesRequest, prepare_series
from tradewind.data.quality import quality_report
from tradewind.data.schema import CatalogEntry, DataError
from tradewind.domain.market import MarketClass, QuoteType
from tradewind.domain.timeframe import Timeframe

__all__ = ["MultiMarketDataCollector", "SynchronizedData", "symbols_by_class"]


@dataclass(frozen=True, slots=True)
class SynchronizedData:
    """Closes and volumes of several markets on one timeline (wide frames) and what
    each column is: its market class and whether it is a yield."""

    closes: pd.DataFrame
    volumes: pd.DataFrame
    classes: Mapping[str, MarketClass]
    yield_columns: tuple[str, ...]
    panel: AlignedPanel
    fresh: pd.DataFrame
    """True where the symbol's bar is new at that row (not carried forward)."""

    def trading_rows(self, min_fresh_share: float = 0.5) -> SynchronizedData:
        """Only rows where at least `min_fresh_share` of the symbols have a new bar, so
        that weekends (crypto only) do not enter as zero returns for everything else."""
        return self.select(rows=self.fresh.mean(axis=1).to_numpy() >= min_fresh_share)

    def select(
        self, *, rows: slice | np.ndarray | None = None, columns: list[str] | None = None
    ) -> SynchronizedData:
        """A subset of rows (positions or a boolean mask) and/or symbols."""
        keep = list(self.closes.columns) if columns is None else columns
        at = slice(None) if rows is None else rows

        def cut(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.iloc[at][keep]

        return SynchronizedData(
            cut(self.closes),
            cut(self.volumes),
            {s: self.classes[s] for s in keep},
            tuple(s for s in self.yield_columns if s in keep),
            self.panel,
            cut(self.fresh),
        )


class MultiMarketDataCollector:
    """Collect normalized OHLCV bars across market classes from the catalog.

    Args:
        catalog: where bars come from (default: the user catalog plus the bundled real
            data). Live feeds plug in behind the same catalog interface later.
        max_staleness: how old a bar may be and still stand for its market on the
            common timeline (markets keep different hours; default 4 days for daily
            data covers weekends and holidays).
    """

    def __init__(self, catalog: Catalog | None = None, *, max_staleness: str = "4D") -> None:
        self.catalog = catalog if catalog is not None else Catalog()
        self.max_staleness = pd.Timedelta(max_staleness)
        self._quality: dict[str, dict[str, Any]] = {}
        self._unchecked: dict[str, tuple[CatalogEntry, pd.DataFrame]] = {}

    def available(self, timeframe: str = "1d") -> dict[MarketClass, list[str]]:
        """Symbols per market class that have bars at `timeframe`."""
        tf = str(Timeframe.parse(timeframe))
        out: dict[MarketClass, list[str]] = {}
        for entry in self.catalog.entries():
            if entry.timeframe == tf:
                out.setdefault(entry.market, []).append(entry.symbol)
        return out

    def collect_market_data(
        self,
        market_type: MarketClass | str,
        symbols: Sequence[str],
        timeframe: str = "1d",
        limit: int | None = 500,
    ) -> dict[str, pd.DataFrame]:
        """The last `limit` bars (None = all) of each symbol of one market class.

        Raises:
            DataError: unknown market class or a symbol the catalog does not hold in
                that class and timeframe (the message lists what is there).
        """
        market = MarketClass.parse(market_type) if isinstance(market_type, str) else market_type
        _check_limit(limit)
        frames: dict[str, pd.DataFrame] = {}
        for symbol in symbols:
            entry = self.catalog.entry(symbol, market=market, timeframe=timeframe)
            frame = self.catalog.load_bars(entry.symbol, market=market, timeframe=timeframe)
            frames[entry.symbol] = frame.iloc[-limit:].reset_index(drop=True) if limit else frame
            self._record_quality(entry, frames[entry.symbol])
        return frames

    def collect_all_markets(
        self, timeframe: str = "1d", limit: int | None = 500
    ) -> dict[MarketClass, dict[str, pd.DataFrame]]:
        """Every symbol the catalog holds at `timeframe`, grouped by market class."""
        return {
            market: self.collect_market_data(market, symbols, timeframe, limit)
            for market, symbols in self.available(timeframe).items()
        }

    def get_synchronized_data(
        self,
        symbols_map: Mapping[MarketClass | str, Sequence[str]],
        limit: int | None = 500,
        timeframe: str = "1d",
        *,
        start: Any = None,
        end: Any = None,
    ) -> pd.DataFrame:
        """Wide closes (columns = symbols) of every market on one timeline, last `limit`
        rows. A row shows each symbol's last bar closed by then, if not older than
        `max_staleness` (NaN otherwise). See `synchronize` for volumes and classes."""
        return self.synchronize(symbols_map, limit, timeframe, start=start, end=end).closes

    def synchronize(
        self,
        symbols_map: Mapping[MarketClass | str, Sequence[str]],
        limit: int | None = 500,
        timeframe: str = "1d",
        *,
        start: Any = None,
        end: Any = None,
    ) -> SynchronizedData:
        """Like `get_synchronized_data`, with volumes, classes and yield columns;
        `start`/`end` bound the timeline (row labels, inclusive) before `limit` applies.

        Raises:
            DataError: no symbols, an unknown symbol, or no common history.
        """
        _check_limit(limit)
        spec = PrepareSpec(
            timeline=Timeframe.parse(timeframe),
            policy="ffill",
            max_staleness=self.max_staleness,
            start=start,
            end=end,
            check_quality=False,
        )
        prepared = prepare_series(self.catalog, _requests(symbols_map, timeframe), spec)
        for summary, entry in zip(prepared.series, prepared.entries, strict=True):
            self._record_quality(entry, prepared.frames[summary.key])
        for symbol, counts in prepared.panel.report.symbol_counts.items():
            self._quality.setdefault(symbol, {}).update(
                fresh_rows=int(counts.fresh),
                filled_rows=int(counts.forward_filled),
                stale_rows=int(counts.stale),
                missing_rows=int(counts.missing),
            )
        return _synchronized(prepared, limit)

    def get_quality_metrics(self) -> dict[str, dict[str, Any]]:
        """Per symbol collected so far: rows, first/last bar, coverage of the calendar's
        expected bars (percent), missing bars, gaps, stale runs, outliers, and after
        synchronization the rows it filled on the common timeline. The calendar checks
        run here, on request, not while collecting."""
        for symbol, (entry, frame) in list(self._unchecked.items()):
            report = quality_report(
                frame,
                calendar=entry.calendar,
                timeframe=entry.timeframe,
                quote_type=entry.quote_type,
            )
            coverage = report.coverage_pct
            self._quality[symbol].update(
                coverage_pct=None if coverage is None else round(float(coverage), 2),
                missing_bars=report.missing_bars,
                gaps=report.gap_count,
                stale_runs=report.stale_runs,
                outliers=report.outliers,
            )
            del self._unchecked[symbol]
        return {symbol: dict(values) for symbol, values in self._quality.items()}

    def collected_metrics(self) -> dict[str, dict[str, Any]]:
        """What `get_quality_metrics` gives without running the calendar checks again
        for symbols not yet checked (rows, first/last, fields, alignment counts)."""
        return {symbol: dict(values) for symbol, values in self._quality.items()}

    def _record_quality(self, entry: CatalogEntry, frame: pd.DataFrame) -> None:
        stamps = frame["timestamp"]
        self._quality[entry.symbol] = {
            "market": entry.market.value,
            "rows": len(frame),
            "first": stamps.iloc[0] if len(frame) else None,
            "last": stamps.iloc[-1] if len(frame) else None,
            "fields": "".join(f[0].upper() for f in entry.fields),
        }
        self._unchecked[entry.symbol] = (entry, frame)


def symbols_by_class(
    classes: Mapping[str, MarketClass], symbols: Iterable[str]
) -> dict[MarketClass, list[str]]:
    """Group symbols by their market class (in the order given)."""
    out: dict[MarketClass, list[str]] = {}
    for symbol in symbols:
        out.setdefault(classes[symbol], []).append(symbol)
    return out


def _requests(
    symbols_map: Mapping[MarketClass | str, Sequence[str]], timeframe: str
) -> list[SeriesRequest]:
    requests: list[SeriesRequest] = []
    for market_type, symbols in symbols_map.items():
        market = MarketClass.parse(market_type) if isinstance(market_type, str) else market_type
        requests.extend(SeriesRequest(market.value, s, market, timeframe) for s in symbols)
    if not requests:
        raise DataError("synchronize: expected at least one symbol, found none")
    return requests


def _synchronized(prepared: PreparedData, limit: int | None) -> SynchronizedData:
    """Wide closes, volumes and fresh-bar marks of the prepared panel (last `limit` rows)."""
    panel = prepared.panel
    columns = list(panel.symbols)
    closes = pd.DataFrame(panel.close, index=panel.timeline, columns=columns)
    volumes = pd.DataFrame(panel.volume, index=panel.timeline, columns=columns)
    previous = np.vstack([np.full((1, len(columns)), NAT_NS), panel.bar_time[:-1]])
    new_bar = (panel.bar_time != NAT_NS) & (panel.bar_time != previous)
    fresh = pd.DataFrame(new_bar, index=panel.timeline, columns=columns)
    if limit:
        closes, volumes, fresh = closes.iloc[-limit:], volumes.iloc[-limit:], fresh.iloc[-limit:]
    classes = {s.key: MarketClass.parse(s.market_class) for s in prepared.series}
    yields = tuple(
        s.key
        for s, entry in zip(prepared.series, prepared.entries, strict=True)
        if entry.quote_type is QuoteType.YIELD
    )
    return SynchronizedData(closes, volumes, classes, yields, panel, fresh)


def _check_limit(limit: int | None) -> None:
    if limit is not None and (not isinstance(limit, int | np.integer) or limit < 2):
        raise DataError(f"limit {limit!r}: expected a bar count of at least 2, or None")
