"""The market-data port: historical bars from a source (files, catalog, venue API)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol, TypeAlias, runtime_checkable

from tradewind.domain.timeframe import Timeframe

__all__ = ["BarFrame", "MarketDataSource"]

BarFrame: TypeAlias = Any
"""A normalized bar frame (a pandas DataFrame; ports stay free of pandas).

Columns exactly, in order: `timestamp`, `close_time` (datetime64[ns, UTC]), `open`,
`high`, `low`, `close`, `volume` (float64); sorted ascending, unique timestamps,
default RangeIndex. `timestamp` is the bar open (intraday) or the session date at
00:00 UTC (daily and longer); a bar is never visible before its `close_time`. A
column the source lacks entirely is all NaN.
"""


@runtime_checkable
class MarketDataSource(Protocol):
    """Something that serves historical bars for a set of symbols.

    Implementations raise a `TradewindError` subclass for unknown symbols,
    unsupported timeframes or bad data, naming the symbol and what was expected.
    """

    def symbols(self) -> Sequence[str]:
        """The symbols this source can serve, in a stable order."""
        ...

    def load_bars(
        self,
        symbol: str,
        timeframe: Timeframe,
        start: datetime | None = None,
        end: datetime | None = None,
    ) -> BarFrame:
        """Bars of `symbol` at `timeframe` with `start <= timestamp < end` (UTC).

        `None` leaves that side open. Returns a normalized `BarFrame` (possibly empty,
        with the same columns).
        """
        ...
