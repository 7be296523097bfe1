"""Which symbols and which window an analysis covers when the caller does not say."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from tradewind.config import TradewindConfig
from tradewind.data.catalog import Catalog
from tradewind.data.schema import CatalogEntry
from tradewind.domain.market import MarketClass
from tradewind.domain.timeframe import Timeframe

__all__ = ["Universe", "config_universe", "default_universe"]

Universe = Mapping[MarketClass, Sequence[str]]

_CALENDAR_DAYS_PER_BAR = 7 / 5  # daily bars of session markets: weekends have none


def config_universe(config: TradewindConfig) -> dict[MarketClass, list[str]]:
    """The enabled markets' symbols, grouped by market class."""
    out: dict[MarketClass, list[str]] = {}
    for market in config.enabled_markets.values():
        symbols = out.setdefault(market.market_class, [])
        symbols.extend(s for s in market.symbols if s not in symbols)
    return out


def default_universe(
    catalog: Catalog, timeframe: str, limit: int
) -> tuple[dict[MarketClass, list[str]], pd.Timestamp | None]:
    """Every catalog series at `timeframe` that covers the best-covered window of
    `limit` bars, and that window's end: the series' last bars are candidate ends and
    the one covering the most series wins (the latest on ties)."""
    tf = Timeframe.parse(timeframe)
    entries = [e for e in catalog.entries() if e.timeframe == str(tf) and e.first and e.last]
    if not entries:
        return {}, None
    span = pd.Timedelta(seconds=tf.seconds * limit * _CALENDAR_DAYS_PER_BAR)
    best_end: pd.Timestamp | None = None
    best: list[CatalogEntry] = []
    for end in sorted({e.last for e in entries if e.last is not None}):
        covered = [e for e in entries if _covers(e, end - span, end)]
        if len(covered) >= len(best):
            best_end, best = end, covered
    universe: dict[MarketClass, list[str]] = {}
    for entry in best:
        universe.setdefault(entry.market, []).append(entry.symbol)
    return universe, best_end


def _covers(entry: CatalogEntry, start: pd.Timestamp, end: pd.Timestamp) -> bool:
    if entry.first is None or entry.last is None:
        return False
    # Half the window is enough: the analyses work pairwise on overlapping rows.
    middle = start + (end - start) / 2
    return entry.first <= middle and entry.last >= end
