"""Composition root of the data job: config -> catalog -> quality -> resample -> align.

This is the README's main job for the foundation: every enabled market's symbols are
loaded from the catalog (bundled real data by default), checked against their trading
calendar, brought to the configured timeline (intraday series are resampled along their
sessions) and aligned with the configured, recorded policy. The preparation itself is
`tradewind.data.prepare` (the multi-market intelligence prepares its bars there too);
this module turns a config into its requests and window.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from tradewind.config import DataConfig, MarketConfig, TradewindConfig
from tradewind.data import prepare
from tradewind.data.catalog import Catalog
from tradewind.data.prepare import PreparedData, PrepareSpec, SeriesRequest, SeriesSummary
from tradewind.data.query import BarSpan
from tradewind.data.schema import CatalogEntry

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


def catalog_for(config: TradewindConfig, root: Path | None = None) -> Catalog:
    """The catalog the config points at (bundled real data included)."""
    return Catalog(root if root is not None else config.data.catalog_dir)


def prepare_market_data(
    config: TradewindConfig,
    catalog: Catalog,
    *,
    on_series: Callable[[str], None] | None = None,
    beyond_data: bool = False,
) -> PreparedData:
    """Load, check, resample and align every enabled market's symbols.

    The window (`data.start`..`data.end`) ends at the last bar any series has: a window
    past the data is clipped, with a warning, rather than padded with flat rows. With
    `beyond_data` (a session with live feeds) the rows run on to `data.end`.

    Raises:
        DataError: a configured symbol is not in the catalog, or no series has a bar in
            the window.
        AlignmentError / ResampleError: the data cannot be put on the timeline.
    """
    requests = [
        SeriesRequest(name, symbol, market.market_class, market.timeframe)
        for name, market in config.enabled_markets.items()
        for symbol in market.symbols
    ]
    spec = dataclasses.replace(_spec(config.data), clip_to_data=not beyond_data)
    return prepare.prepare_series(catalog, requests, spec, on_series=on_series)


def _spec(data: DataConfig) -> PrepareSpec:
    alignment = data.alignment
    return PrepareSpec(
        timeline=alignment.timeline,
        policy=alignment.policy.value,
        max_staleness=alignment.max_staleness,
        start=data.start,
        end=data.end,
    )


def series_entry(catalog: Catalog, market: MarketConfig, symbol: str) -> CatalogEntry:
    """The catalog series a market's symbol reads: the market's class at its timeframe.

    Raises:
        DataError: the symbol has no such series (close matches listed) or is ambiguous.
    """
    return catalog.entry(symbol, market=market.market_class, timeframe=market.timeframe)


def window_bars(catalog: Catalog, entry: CatalogEntry, data: DataConfig) -> pd.DataFrame:
    """The series' bars within `data.start`..`data.end` (both inclusive, whole days)."""
    return catalog.load_bars(entry.symbol, **prepare.window_bounds(entry, data.start, data.end))


def window_span(catalog: Catalog, entry: CatalogEntry, data: DataConfig) -> BarSpan:
    """Where the series has bars within `data.start`..`data.end` (the bounds
    `window_bars` uses), without loading them."""
    return catalog.span(entry.symbol, **prepare.window_bounds(entry, data.start, data.end))


def empty_window_message(data: DataConfig, entries: Iterable[CatalogEntry]) -> str:
    """Why a window where no enabled series has a bar is refused, with each series' data."""
    return prepare.empty_window_message(data.start, data.end, entries)


def no_bars_note(market: str, entry: CatalogEntry, data: DataConfig) -> str:
    """That one series has no bar within the window, so runs leave it out."""
    return prepare.no_bars_note(market, entry, data.start, data.end)
