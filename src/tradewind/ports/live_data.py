"""The live market-data port: closed bars as they happen, and history from the venue.

`MarketDataSource` (`tradewind.ports.market_data`) serves stored history by symbol;
this port is what a venue adapter's `data.py` offers a running session. Polling is
the one shape: an adapter that streams buffers closed bars internally and hands them
out through `closed_bars`, so sessions never care which the venue speaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from tradewind.domain.identifiers import InstrumentId, Venue
from tradewind.domain.timeframe import Timeframe
from tradewind.ports.market_data import BarFrame

__all__ = ["LiveMarketData"]


@runtime_checkable
class LiveMarketData(Protocol):
    """Bars of a venue's instruments, live and historical.

    Every method returns a normalized `BarFrame` (possibly empty, same columns) and
    never a bar before its `close_time` has passed on the venue's clock: a still
    forming bar is not a bar yet.

    Raises (every method):
        DomainError: an instrument or timeframe this source does not serve, or
            `start`/`end`/`since` not timezone-aware.
        VenueDisconnectedError: the source cannot reach the venue.
    """

    @property
    def venue(self) -> Venue:
        """Which venue the bars come from."""
        ...

    def instruments(self) -> Sequence[InstrumentId]:
        """What this source serves, in a stable order."""
        ...

    def closed_bars(
        self, instrument_id: InstrumentId, timeframe: Timeframe, since: datetime | None = None
    ) -> BarFrame:
        """Bars that closed after `since` (all available if None), oldest first.

        Poll with the last `close_time` seen to get each bar exactly once.
        """
        ...

    def history(
        self,
        instrument_id: InstrumentId,
        timeframe: Timeframe,
        start: datetime,
        end: datetime | None = None,
    ) -> BarFrame:
        """Closed bars with `start <= timestamp < end` (`end` None: up to now)."""
        ...
