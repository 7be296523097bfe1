"""One data preparation: catalog series -> window -> quality -> resample -> one timeline.

Runs (`app.market_data`, from a config's enabled markets) and the multi-market
intelligence (`mmin`, from a universe of symbols) both prepare their bars here, so
loading, checks, resampling and alignment happen one way. The window is given as plain
values (`PrepareSpec`); the messages name it as `data.start`/`data.end`, the config keys
that set it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd

from tradewind.data.align import AlignedPanel, align
from tradewind.data.catalog import Catalog
from tradewind.data.quality import QualityReport, quality_report
from tradewind.data.resample import resample_bars
from tradewind.data.schema import CatalogEntry, DataError, bar_time_label
from tradewind.domain.market import MarketClass
from tradewind.domain.timeframe import Timeframe

__all__ = [
    "PrepareSpec",
    "PreparedData",
    "SeriesRequest",
    "SeriesSummary",
    "empty_window_message",
    "no_bars_note",
    "prepare_series",
    "window_bounds",
]

# A series starting or ending this many timeline bars inside the run is reported.
_COVERAGE_SLACK_BARS = 10


@dataclass(frozen=True, slots=True)
class SeriesRequest:
    """One series to prepare: a market's (or market class's) symbol at a timeframe."""

    market: str
    symbol: str
    market_class: MarketClass
    timeframe: Timeframe | str


@dataclass(frozen=True, slots=True)
class PrepareSpec:
    """The window (`start`..`end`, whole days, both inclusive; None = open) and the
    timeline the series are put on (`policy` "intersection" or "ffill"; `max_staleness`
    for ffill only). `check_quality` False leaves the calendar checks to the caller.
    `clip_to_data` False keeps rows up to `end` past the last stored bar (a session that
    runs on over live feeds)."""

    timeline: Timeframe
    policy: str = "ffill"
    max_staleness: timedelta | pd.Timedelta | None = None
    start: date | None = None
    end: date | None = None
    check_quality: bool = True
    clip_to_data: bool = True


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """One input series as the preparation saw it (`quality` None when not checked)."""

    market: str
    market_class: str
    symbol: str
    key: str
    timeframe: str
    calendar: str
    source: str
    fields: tuple[str, ...]
    quality: QualityReport | None
    resampled_to: str | None
    rows_on_timeline: int


@dataclass(frozen=True, slots=True)
class PreparedData:
    """Every requested series, quality-checked and aligned on one timeline."""

    series: tuple[SeriesSummary, ...]
    panel: AlignedPanel
    frames: dict[str, pd.DataFrame]
    """Each symbol's bars as put on the timeline (resampled where needed), by panel key."""
    warnings: tuple[str, ...] = ()
    """What the user should know before trusting results: a window clipped to the data,
    series without bars in the window, quality outliers such as splits."""
    entries: tuple[CatalogEntry, ...] = ()
    """The catalog series behind `frames`, in the same order (by key: `entry_of`)."""

    def write_panel(self, path: Path) -> Path:
        """Write the aligned panel in long form (row, symbol, fields, bar time, age)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.panel.to_long().to_parquet(path, index=False)
        return path

    def entry_of(self, key: str) -> CatalogEntry:
        """The catalog series whose bars are `frames[key]`."""
        for summary, entry in zip(self.series, self.entries, strict=True):
            if summary.key == key:
                return entry
        raise KeyError(key)


def prepare_series(
    catalog: Catalog,
    requests: Sequence[SeriesRequest],
    spec: PrepareSpec,
    *,
    on_series: Callable[[str], None] | None = None,
) -> PreparedData:
    """Load, check, resample and align the requested series.

    The window ends at the last bar any series has: a window past the data is clipped,
    with a warning, rather than padded with flat rows.

    Raises:
        DataError: a symbol is not in the catalog, or no series has a bar in the window.
        AlignmentError / ResampleError: the data cannot be put on the timeline.
    """
    frames: dict[str, pd.DataFrame] = {}
    summaries: list[SeriesSummary] = []
    kept: list[CatalogEntry] = []
    warnings: list[str] = []
    entries: list[CatalogEntry] = []
    seeded: set[str] = set()  # series whose window bars all arrive live
    for request in requests:
        if on_series is not None:
            on_series(f"{request.market}:{request.symbol}")
        entry = catalog.entry(
            request.symbol, market=request.market_class, timeframe=request.timeframe
        )
        entries.append(entry)
        bars = catalog.load_bars(entry.symbol, **window_bounds(entry, spec.start, spec.end))
        seed = bars.empty and not spec.clip_to_data  # its bars arrive live: seed the series
        if seed:
            bars = catalog.load_bars(entry.symbol, **window_bounds(entry, None, spec.end)).tail(1)
        if bars.empty:
            warnings.append(no_bars_note(request.market, entry, spec.start, spec.end))
            continue
        key = (
            request.symbol if request.symbol not in frames else f"{request.market}:{request.symbol}"
        )
        summary, frames[key] = _put_on_timeline(request.market, key, entry, bars, spec)
        if seed:
            seeded.add(key)
        summaries.append(summary)
        kept.append(entry)
        if summary.quality is not None:
            warnings.extend(_outlier_warning(request.market, entry, summary.quality))
    if not frames:
        raise DataError(empty_window_message(spec.start, spec.end, entries))
    end, clipped = _window_end(spec.end, frames) if spec.clip_to_data else (spec.end, [])
    stored = [summary for summary in summaries if summary.key not in seeded]
    stored_frames = {summary.key: frames[summary.key] for summary in stored}
    if stored:
        warnings[:0] = [*clipped, *_coverage_warnings(stored, stored_frames, spec.timeline)]
    panel = align(
        frames,
        timeframe=spec.timeline,
        policy=spec.policy,
        max_staleness=spec.max_staleness if spec.policy == "ffill" else None,
        start=spec.start,
        end=end,
    )
    return PreparedData(tuple(summaries), panel, frames, tuple(warnings), tuple(kept))


def _put_on_timeline(
    market: str, key: str, entry: CatalogEntry, bars: pd.DataFrame, spec: PrepareSpec
) -> tuple[SeriesSummary, pd.DataFrame]:
    quality = (
        quality_report(
            bars, calendar=entry.calendar, timeframe=entry.timeframe, quote_type=entry.quote_type
        )
        if spec.check_quality
        else None
    )
    resampled_to = None
    if _is_finer(Timeframe.parse(entry.timeframe), spec.timeline):
        bars = resample_bars(
            bars, to=spec.timeline, calendar=entry.calendar, source=entry.timeframe
        )
        resampled_to = str(spec.timeline)
    summary = SeriesSummary(
        market=market,
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
    return summary, bars


def window_bounds(entry: CatalogEntry, start: date | None, end: date | None) -> dict[str, Any]:
    """Catalog query arguments for the series' bars within `start`..`end` (whole days,
    both inclusive)."""
    return {"market": entry.market, "timeframe": entry.timeframe, "start": start,
            "end": _inclusive_end(end)}  # fmt: skip


def empty_window_message(
    start: date | None, end: date | None, entries: Iterable[CatalogEntry]
) -> str:
    """Why a window where no series has a bar is refused, with each series' data."""
    spans = "; ".join(f"{e.symbol} {_series_span(e)}" for e in entries)
    return (
        f"no enabled series has a bar within data.start..data.end ({_bound(start)} "
        f"to {_bound(end)}): expected a window overlapping their data ({spans})"
    )


def no_bars_note(market: str, entry: CatalogEntry, start: date | None, end: date | None) -> str:
    """That one series has no bar within the window, so runs leave it out."""
    return (
        f"markets.{market}: {entry.symbol} has no bars within the window "
        f"{_bound(start)} to {_bound(end)} (its data: {_series_span(entry)}); a run "
        "leaves it out"
    )


def _series_span(entry: CatalogEntry) -> str:
    if entry.first is None or entry.last is None:
        return "none"
    return f"{entry.first.date()} to {entry.last.date()}"


def _bound(day: object) -> str:
    return "open" if day is None else str(day)


def _window_end(end: date | None, frames: dict[str, pd.DataFrame]) -> tuple[object, list[str]]:
    """`end`, or the last bar's date when the window reaches past every series."""
    last_symbol, last_bar = max(
        ((key, frame["timestamp"].iloc[-1]) for key, frame in frames.items()),
        key=lambda pair: pair[1],
    )
    if end is None or pd.Timestamp(str(end), tz="UTC") <= last_bar.normalize():
        return end, []
    last_day = last_bar.date()
    return last_day, [
        f"data.end {end} is after the last bar of every series: the window ends at "
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
