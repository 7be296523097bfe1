"""Composition root of the data job: config -> catalog -> quality -> resample -> align.

This is the README's main job for the foundation: every enabled market's symbols are
loaded from the catalog (bundled real data by default), checked against their trading
calendar, brought to the configured timeline (intraday series are resampled along their
sessions) and aligned with the configured, recorded policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tradewind.config import TradewindConfig
from tradewind.data.align import AlignedPanel, align
from tradewind.data.catalog import Catalog
from tradewind.data.quality import QualityReport, quality_report
from tradewind.data.resample import resample_bars
from tradewind.domain.timeframe import Timeframe

__all__ = ["PreparedData", "SeriesSummary", "catalog_for", "prepare_market_data"]


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

    Raises:
        DataError: a configured symbol is not in the catalog.
        AlignmentError / ResampleError: the data cannot be put on the timeline.
    """
    timeline = config.data.alignment.timeline
    frames: dict[str, pd.DataFrame] = {}
    summaries: list[SeriesSummary] = []
    for name, market in config.enabled_markets.items():
        for symbol in market.symbols:
            if on_series is not None:
                on_series(f"{name}:{symbol}")
            entry = catalog.entry(symbol, market=market.market_class, timeframe=market.timeframe)
            bars = catalog.load_bars(
                symbol,
                market=entry.market,
                timeframe=entry.timeframe,
                start=config.data.start,
                end=_inclusive_end(config.data.end),
            )
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
    alignment = config.data.alignment
    panel = align(
        frames,
        timeframe=timeline,
        policy=alignment.policy.value,
        max_staleness=alignment.max_staleness if alignment.policy.value == "ffill" else None,
        start=config.data.start,
        end=config.data.end,
    )
    return PreparedData(series=tuple(summaries), panel=panel, frames=frames)


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
