"""Composition root of the data job: config -> catalog -> quality -> resample -> align.

This is the README's main job for the foundation: every enabled market's symbols are
loaded from the catalog (bundled real data by default), checked against their trading
calendar, brought to the configured timeline (intraday series are resampled along their
sessions) and aligned with the configured, recorded policy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tradewind.config import DataConfig, MarketConfig, TradewindConfig
from tradewind.data.align import AlignedPanel, align
from tradewind.data.catalog import Catalog
from tradewind.data.quality import QualityReport, quality_report
from tradewind.data.query import BarSpan
from tradewind.data.resample import resample_bars
from tradewind.data.schema import CatalogEntry, DataError, bar_time_label
from tradewind.domain.timeframe import Timeframe

# A series starting or ending this many timeline bars inside the run is reported.
_COVERAGE_SLACK_BARS = 10

__all__ = [
    "PreparedData",
    "SeriesSummary",
    "catalog_for",
    "empty_window_message",
    "no_bars_note",
    "prepare_market_data",
    "series_entry",
    "window_bars",
    "window_span",
]


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """One input series as the job saw it."""

    market: str
    market_class: str
    symbol: str
    key: str
    timeframe: str
    calendar: str
    source: str
    fields: tuple[str, ...]
    quality: QualityReport
    resampled_to: str | None
    rows_on_timeline: int


@dataclass(frozen=True, slots=True)
class PreparedData:
    """Every enabled market's data, quality-checked and aligned on one timeline."""

    series: tuple[SeriesSummary, ...]
    panel: AlignedPanel
    frames: dict[str, pd.DataFrame]
    """Each symbol's bars as put on the timeline (resampled where needed), by panel key."""
    warnings: tuple[str, ...] = ()
    """What the user should know before trusting results: a window clipped to the data,
    series without bars in the window, quality outliers such as splits."""

    def write_panel(self, path: Path) -> Path:
        """Write the aligned panel in long form (row, symbol, fields, bar time, age)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.panel.to_long().to_parquet(path, index=False)
        return path


def catalog_for(config: TradewindConfig, root: Path | None = None) -> Catalog:
    """The catalog the config points at (bundled real data included)."""
    return Catalog(root if root is not None else config.data.catalog_dir)


def prepare_market_data(
    config: TradewindConfig,
    catalog: Catalog,
    *,
    on_series: Callable[[str], None] | None = None,
) -> PreparedData:
    """Load, check, resample and align every enabled market's symbols.

    The window (`data.start`..`data.end`) ends at the last bar any series has: a window
    past the data is clipped, with a warning, rather than padded with flat rows.

    Raises:
        DataError: a configured symbol is not in the catalog, or no series has a bar in
            the window.
        AlignmentError / ResampleError: the data cannot be put on the timeline.
    """
    timeline = config.data.alignment.timeline
    frames: dict[str, pd.DataFrame] = {}
    summaries: list[SeriesSummary] = []
    warnings: list[str] = []
    entries: list[CatalogEntry] = []
    for name, market in config.enabled_markets.items():
        for symbol in market.symbols:
            if on_series is not None:
                on_series(f"{name}:{symbol}")
            entry = series_entry(catalog, market, symbol)
            entries.append(entry)
            bars = window_bars(catalog, entry, config.data)
            if bars.empty:
                warnings.append(no_bars_note(name, entry, config.data))
                continue
            quality = quality_report(
                bars,
                calendar=entry.calendar,
                timeframe=entry.timeframe,
                quote_type=entry.quote_type,
            )
            resampled_to = None
            if _is_finer(Timeframe.parse(entry.timeframe), timeline):
                bars = resample_bars(
                    bars, to=timeline, calendar=entry.calendar, source=entry.timeframe
                )
                resampled_to = str(timeline)
            key = symbol if symbol not in frames else f"{name}:{symbol}"
            frames[key] = bars
            summaries.append(
                SeriesSummary(
                    market=name,
                    market_class=entry.market.value,
                    symbol=entry.symbol,
                    key=key,
                    timeframe=entry.timeframe,
                    calendar=entry.calendar,
                    source=entry.source,
                    fields=entry.fields,
                    quality=quality,
                    resampled_to=resampled_to,
                    rows_on_timeline=len(bars),
                )
            )
            warnings.extend(_outlier_warning(name, entry, quality))
    if not frames:
        raise DataError(empty_window_message(config.data, entries))
    end, clipped = _window_end(config.data, frames)
    warnings[:0] = [*clipped, *_coverage_warnings(summaries, frames, timeline)]
    alignment = config.data.alignment
    panel = align(
        frames,
        timeframe=timeline,
        policy=alignment.policy.value,
        max_staleness=alignment.max_staleness if alignment.policy.value == "ffill" else None,
        start=config.data.start,
        end=end,
    )
    return PreparedData(
        series=tuple(summaries), panel=panel, frames=frames, warnings=tuple(warnings)
    )


def series_entry(catalog: Catalog, market: MarketConfig, symbol: str) -> CatalogEntry:
    """The catalog series a market's symbol reads: the market's class at its timeframe.

    Raises:
        DataError: the symbol has no such series (close matches listed) or is ambiguous.
    """
    return catalog.entry(symbol, market=market.market_class, timeframe=market.timeframe)


def window_bars(catalog: Catalog, entry: CatalogEntry, data: DataConfig) -> pd.DataFrame:
    """The series' bars within `data.start`..`data.end` (both inclusive, whole days)."""
    return catalog.load_bars(entry.symbol, **_in_window(entry, data))


def window_span(catalog: Catalog, entry: CatalogEntry, data: DataConfig) -> BarSpan:
    """Where the series has bars within `data.start`..`data.end` (the bounds
    `window_bars` uses), without loading them."""
    return catalog.span(entry.symbol, **_in_window(entry, data))


def _in_window(entry: CatalogEntry, data: DataConfig) -> dict[str, Any]:
    return {"market": entry.market, "timeframe": entry.timeframe, "start": data.start,
            "end": _inclusive_end(data.end)}  # fmt: skip


def empty_window_message(data: DataConfig, entries: Iterable[CatalogEntry]) -> str:
    """Why a window where no enabled series has a bar is refused, with each series' data."""
    spans = "; ".join(f"{e.symbol} {_series_span(e)}" for e in entries)
    return (
        f"no enabled series has a bar within data.start..data.end ({_bound(data.start)} "
        f"to {_bound(data.end)}): expected a window overlapping their data ({spans})"
    )


def no_bars_note(market: str, entry: CatalogEntry, data: DataConfig) -> str:
    """That one series has no bar within the window, so runs leave it out."""
    return (
        f"markets.{market}: {entry.symbol} has no bars within the window "
        f"{_bound(data.start)} to {_bound(data.end)} (its data: {_series_span(entry)}); a run "
        "leaves it out"
    )


def _series_span(entry: CatalogEntry) -> str:
    if entry.first is None or entry.last is None:
        return "none"
    return f"{entry.first.date()} to {entry.last.date()}"


def _bound(day: object) -> str:
    return "open" if day is None else str(day)


def _window_end(data: DataConfig, frames: dict[str, pd.DataFrame]) -> tuple[object, list[str]]:
    """`data.end`, or the last bar's date when the window reaches past every series."""
    last_symbol, last_bar = max(
        ((key, frame["timestamp"].iloc[-1]) for key, frame in frames.items()),
        key=lambda pair: pair[1],
    )
    if data.end is None or pd.Timestamp(str(data.end), tz="UTC") <= last_bar.normalize():
        return data.end, []
    last_day = last_bar.date()
    return last_day, [
        f"data.end {data.end} is after the last bar of every series: the window ends at "
        f"the last bar, {bar_time_label(last_bar)} ({last_symbol})"
    ]


def _coverage_warnings(
    summaries: list[SeriesSummary], frames: dict[str, pd.DataFrame], timeline: Timeframe
) -> list[str]:
    """Series that start well after the run's first bar or end well before its last."""
    if timeline.unit == "M":
        step = pd.Timedelta(days=31 * timeline.count)
    else:
        step = pd.Timedelta(seconds=timeline.seconds)
    slack = _COVERAGE_SLACK_BARS * step
    first = min(frame["timestamp"].iloc[0] for frame in frames.values())
    last = max(frame["timestamp"].iloc[-1] for frame in frames.values())
    found = []
    for s in summaries:
        bars = frames[s.key]["timestamp"]
        where = f"markets.{s.market}: {s.symbol}"
        if bars.iloc[0] - first > slack:
            found.append(
                f"{where} starts {bar_time_label(bars.iloc[0])}, after the run's first bar "
                f"{bar_time_label(first)}: no bars, no trading before"
            )
        if last - bars.iloc[-1] > slack:
            found.append(
                f"{where} ends {bar_time_label(bars.iloc[-1])}, before the run's last bar "
                f"{bar_time_label(last)}: no bars, no trading after"
            )
    return found


def _outlier_warning(market: str, entry: CatalogEntry, quality: QualityReport) -> list[str]:
    if not quality.outliers or not quality.top_outliers:
        return []
    top = quality.top_outliers[0]
    # Outliers of prices are log returns; of yields and index levels plain differences.
    is_price = entry.quote_type.value == "price"
    change = f"{math.expm1(top.change):+.1%}" if is_price else f"{top.change:+.4g}"
    hint = ""
    if "unadjusted" in (entry.price_adjustment or "").lower():
        hint = "; this series is not split-adjusted, so a split shows as a crash"
    return [
        f"markets.{market}: {entry.symbol} has {quality.outliers} outlier bar(s) in the "
        f"window, the largest {change} on {bar_time_label(top.timestamp)}: a split, a bad "
        f"tick or a real move? (`tradewind data show {entry.symbol} --quality`){hint}"
    ]


def _is_finer(source: Timeframe, target: Timeframe) -> bool:
    if source.is_intraday and not target.is_intraday:
        return True
    if source.is_intraday and target.is_intraday:
        return source.seconds < target.seconds
    return False


def _inclusive_end(end: object) -> object:
    # Intraday bars of the last configured day start after its midnight label.
    if end is None:
        return None
    return pd.Timestamp(str(end), tz="UTC") + pd.Timedelta(days=1) - pd.Timedelta(1, "ns")
