"""`OandaMarketData`: closed mid-price bars of v20 instruments, live and historical.

Only candles v20 marks `complete: true` are returned: the forming candle never is.
History pages forward with `from` and `count` (at most 5000 a request, v20's limit).
Polling `closed_bars` with the last `close_time` seen gives each bar once, and after
a reconnect the same call backfills what closed meanwhile. A feed whose newest
closed bar lags the venue clock (the pricing time) by more than `stale_after_bars`
bar lengths raises a retryable `VenueError`, except while the market is closed (no
instrument tradeable): forex has weekends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pandas as pd

from tradewind.domain.identifiers import InstrumentId, Venue
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.timestamps import ensure_utc, ns_of
from tradewind.domain.venue_errors import VenueError
from tradewind.execution.bar_frames import (
    BAR_COLUMNS,
    bar_frame,
    check_fresh,
    checked_stale_after_bars,
)
from tradewind.ports.market_data import BarFrame
from tradewind.venues.oanda.config import OandaVenueConfig
from tradewind.venues.oanda.granularity import granularity_of
from tradewind.venues.oanda.instruments import OandaInstruments
from tradewind.venues.oanda.session import OandaSession
from tradewind.venues.oanda.wire import V20Candle

_NEW_YORK = ZoneInfo("America/New_York")

__all__ = ["BAR_COLUMNS", "OandaMarketData", "bars_of", "fx_week_open_ns"]

_MAX_PAGES = 1_000


def bars_of(candles: Sequence[V20Candle], timeframe: Timeframe) -> pd.DataFrame:
    """Complete candles as a normalized bar frame, ascending, one row per open time."""
    bar_ns = timeframe.seconds * 1_000_000_000
    rows = (
        (c.open_ns, c.open_ns + bar_ns, float(c.o), float(c.h), float(c.l), float(c.c),
         float(c.volume))
        for c in candles
        if c.complete
    )  # fmt: skip
    return bar_frame(rows, unit="ns")


class OandaMarketData:
    """Bars of the configured instruments (see the module docstring).

    Args:
        config: instruments, token, account, endpoint, page size.
        session: a session shared with `OandaVenue`; built from `config` when None.
        stale_after_bars: bar lengths the newest closed bar may lag the venue clock.
        transport: an httpx transport when no session is given (tests).
    """

    def __init__(
        self,
        config: OandaVenueConfig,
        *,
        session: OandaSession | None = None,
        stale_after_bars: int = 3,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._stale_after_bars = checked_stale_after_bars(stale_after_bars)
        self._session = session or OandaSession(config, transport=transport)

    @property
    def venue(self) -> Venue:
        return Venue(self._session.venue)

    def connect(self) -> None:
        """Connect the session unless it is already."""
        if self._session.instruments is None or not self._session.status.accepts_requests:
            self._session.connect()

    def instruments(self) -> Sequence[InstrumentId]:
        return [i.id for i in self._instruments().all]

    def closed_bars(
        self, instrument_id: InstrumentId, timeframe: Timeframe, since: datetime | None = None
    ) -> BarFrame:
        """Complete bars with `close_time > since`, oldest first (the newest page when
        `since` is None).

        Raises:
            VenueError: the feed is stale (retryable), or the venue failed.
        """
        symbol = self._symbol(instrument_id)
        granularity = granularity_of(timeframe, self._session.venue)
        tf_ns = timeframe.seconds * 1_000_000_000
        if since is None:
            frame = bars_of(self._page(symbol, granularity, None), timeframe)
            after_ns = None
        else:
            after_ns = ns_of(ensure_utc(since, field="since"))
            frame = self._read(symbol, timeframe, after_ns - tf_ns + 1, None)
            frame = frame[_ns(frame["close_time"]) > after_ns]
        self._check_fresh(instrument_id, frame, after_ns, tf_ns)
        return frame.reset_index(drop=True)

    def history(
        self,
        instrument_id: InstrumentId,
        timeframe: Timeframe,
        start: datetime,
        end: datetime | None = None,
    ) -> BarFrame:
        """Complete bars with `start <= timestamp < end` (`end` None: up to now)."""
        symbol = self._symbol(instrument_id)
        granularity_of(timeframe, self._session.venue)
        start_ns = ns_of(ensure_utc(start, field="start"))
        end_ns = None if end is None else ns_of(ensure_utc(end, field="end"))
        frame = self._read(symbol, timeframe, start_ns, end_ns)
        stamps = _ns(frame["timestamp"])
        keep = stamps >= start_ns
        if end_ns is not None:
            keep &= stamps < end_ns
        return frame[keep].reset_index(drop=True)

    # -- reading -------------------------------------------------------------------------

    def _read(
        self, symbol: str, timeframe: Timeframe, from_ns: int, until_ns: int | None
    ) -> pd.DataFrame:
        granularity = granularity_of(timeframe, self._session.venue)
        limit = self._session.config.page_limit
        found: list[V20Candle] = []
        cursor = max(from_ns, 0)
        for _ in range(_MAX_PAGES):
            page = self._page(symbol, granularity, cursor)
            found.extend(page)
            done = len(page) < limit or any(not c.complete for c in page)
            last = max((c.open_ns for c in page), default=None)
            if done or last is None or (until_ns is not None and last >= until_ns):
                break
            cursor = last + 1
        return bars_of(found, timeframe)

    def _page(self, symbol: str, granularity: str, from_ns: int | None) -> list[V20Candle]:
        limit = self._session.config.page_limit
        return self._session.call(
            f"read {granularity} candles of {symbol}",
            lambda c: c.candles(symbol, granularity, from_ns=from_ns, count=limit),
            retries=1,
        )

    def _check_fresh(
        self, instrument_id: InstrumentId, frame: pd.DataFrame, after_ns: int | None, tf_ns: int
    ) -> None:
        newest = int(_ns(frame["close_time"]).max()) if not frame.empty else after_ns
        if newest is None:
            return
        symbols = self._session.config.symbols
        now_ns, prices = self._session.call(
            "read the venue clock", lambda c: c.pricing(symbols), retries=1
        )
        if not any(p.tradeable for p in prices):
            return
        check_fresh(  # lag counted from the week's open: no bar closes over the weekend
            instrument_id,
            self._session.venue,
            lag_ns=now_ns - max(newest, fx_week_open_ns(now_ns)),
            bar_ns=tf_ns,
            stale_after_bars=self._stale_after_bars,
        )

    def _symbol(self, instrument_id: InstrumentId) -> str:
        return self._instruments().symbol_of(instrument_id)

    def _instruments(self) -> OandaInstruments:
        self._session.require_connected("market data")
        instruments = self._session.instruments
        if instruments is None:  # pragma: no cover - require_connected checks it
            raise VenueError(f"{self._session.venue}: no instruments loaded; call connect()")
        return instruments


def _ns(column: pd.Series) -> pd.Series:
    return column.astype("int64")


def fx_week_open_ns(now_ns: int) -> int:
    """The FX week's open at or before `now_ns`: Sunday 17:00 America/New_York."""
    local = datetime.fromtimestamp(now_ns / 1e9, tz=_NEW_YORK)
    sunday = (local - timedelta(days=(local.weekday() + 1) % 7)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    if sunday > local:
        sunday -= timedelta(days=7)
    return int(sunday.timestamp()) * 1_000_000_000
