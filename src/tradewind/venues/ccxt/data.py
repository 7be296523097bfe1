"""`CcxtMarketData`: closed bars and history of a spot exchange through ccxt.

Every answer is cut at the venue's clock (`fetch_time`): a candle whose close
(open + timeframe) is after it is still forming and is never returned. Polling with
the last `close_time` seen as `since` gives each bar once, and after a reconnect the
same call backfills whatever closed meanwhile. A feed whose newest closed bar is more
than `stale_after_bars` bar lengths behind the venue clock raises a retryable
`VenueError`: silence is not taken for a quiet market.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId, Venue
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.timestamps import ensure_utc, instant_from_ns
from tradewind.domain.venue_errors import VenueError
from tradewind.execution.bar_frames import BAR_COLUMNS, check_fresh, checked_stale_after_bars
from tradewind.ports.market_data import BarFrame
from tradewind.venues.ccxt.client import build_exchange
from tradewind.venues.ccxt.config import CcxtVenueConfig
from tradewind.venues.ccxt.history import ms_of
from tradewind.venues.ccxt.instruments import CcxtInstruments
from tradewind.venues.ccxt.parsing import bars_from_ohlcv
from tradewind.venues.ccxt.session import CcxtSession

__all__ = ["CcxtMarketData"]

_MAX_PAGES = 1_000


class CcxtMarketData:
    """Bars of the configured symbols (see the module docstring).

    Args:
        config: exchange, symbols, endpoint, page size.
        session: a session shared with `CcxtVenue` (one client and budget); built
            from `config` when None. It must be connected before bars are asked for
            (`connect()` here does it).
        exchange_factory: builds the ccxt client when no session is given.
        stale_after_bars: how many bar lengths the newest closed bar may lag the
            venue clock before the feed counts as stale, > 0.

    Raises:
        DomainError: `stale_after_bars` not positive.
    """

    def __init__(
        self,
        config: CcxtVenueConfig,
        *,
        session: CcxtSession | None = None,
        exchange_factory: Callable[[CcxtVenueConfig], Any] = build_exchange,
        stale_after_bars: int = 3,
    ) -> None:
        self._stale_after_bars = checked_stale_after_bars(stale_after_bars)
        self._session = session or CcxtSession(config, exchange_factory)

    @property
    def venue(self) -> Venue:
        return Venue(self._session.venue)

    def connect(self) -> None:
        """Connect the session unless it is already (loads markets, reads the clock)."""
        if self._session.instruments is None or not self._session.status.accepts_requests:
            self._session.connect()

    def instruments(self) -> Sequence[InstrumentId]:
        return [i.id for i in self._instruments().all]

    def closed_bars(
        self, instrument_id: InstrumentId, timeframe: Timeframe, since: datetime | None = None
    ) -> BarFrame:
        """Bars with `since < close_time <= venue now`, oldest first (the newest page
        when `since` is None).

        Raises:
            VenueError: the feed is stale (retryable), or the venue failed.
        """
        symbol, tf_ms = self._symbol(instrument_id), self._tf_ms(timeframe)
        now_ms = self._now_ms()
        if since is None:
            frame = self._page(symbol, timeframe, None)
            after_ms = None
        else:
            after_ms = ms_of(ensure_utc(since, field="since"))
            frame = self._read(symbol, timeframe, after_ms - tf_ms + 1, now_ms)
        frame = _closed(frame, now_ms)
        if after_ms is not None:
            frame = frame[_ms(frame["close_time"]) > after_ms]
        self._check_fresh(instrument_id, frame, after_ms, now_ms, tf_ms)
        return frame.reset_index(drop=True)

    def history(
        self,
        instrument_id: InstrumentId,
        timeframe: Timeframe,
        start: datetime,
        end: datetime | None = None,
    ) -> BarFrame:
        """Closed bars with `start <= timestamp < end` (`end` None: up to venue now)."""
        symbol = self._symbol(instrument_id)
        self._tf_ms(timeframe)
        now_ms = self._now_ms()
        start_ms = ms_of(ensure_utc(start, field="start"))
        end_ms = now_ms if end is None else min(now_ms, ms_of(ensure_utc(end, field="end")))
        frame = _closed(self._read(symbol, timeframe, start_ms, end_ms), now_ms)
        stamps = _ms(frame["timestamp"])
        frame = frame[(stamps >= start_ms) & (stamps < end_ms if end is not None else True)]
        return frame.reset_index(drop=True)

    # -- reading -------------------------------------------------------------------------

    def _read(self, symbol: str, timeframe: Timeframe, from_ms: int, until_ms: int) -> pd.DataFrame:
        """Every candle with open in [from_ms, until_ms], page by page within the budget."""
        frames, cursor = [], from_ms
        for _ in range(_MAX_PAGES):
            page = self._page(symbol, timeframe, cursor)
            if page.empty:
                break
            frames.append(page)
            last_open = int(_ms(page["timestamp"]).max())
            if len(page) < self._session.config.page_limit or last_open >= until_ms:
                break
            cursor = last_open + 1
        if not frames:
            empty: pd.DataFrame = bars_from_ohlcv([], timeframe)
            return empty
        joined = pd.concat(frames, ignore_index=True)
        joined = joined.drop_duplicates("timestamp", keep="last").sort_values("timestamp")
        return joined[_ms(joined["timestamp"]) <= until_ms].reset_index(drop=True)

    def _page(self, symbol: str, timeframe: Timeframe, since_ms: int | None) -> pd.DataFrame:
        limit = self._session.config.page_limit
        rows = self._session.call(
            f"read {timeframe} bars of {symbol}",
            lambda ex: ex.fetch_ohlcv(symbol, str(timeframe), since_ms, limit),
            retries=1,
        )
        frame: pd.DataFrame = bars_from_ohlcv(rows, timeframe)
        return frame

    def _check_fresh(
        self,
        instrument_id: InstrumentId,
        frame: pd.DataFrame,
        after_ms: int | None,
        now_ms: int,
        tf_ms: int,
    ) -> None:
        newest = int(_ms(frame["close_time"]).max()) if not frame.empty else after_ms
        if newest is None:
            return
        check_fresh(
            instrument_id,
            self._session.venue,
            lag_ns=(now_ms - newest) * 1_000_000,
            bar_ns=tf_ms * 1_000_000,
            stale_after_bars=self._stale_after_bars,
        )

    def _now_ms(self) -> int:
        value = self._session.call("read the venue clock", lambda ex: ex.fetch_time(), retries=1)
        if isinstance(value, bool) or not isinstance(value, int):
            raise VenueError(f"invalid time payload from {self._session.venue}: {value!r}")
        return value

    def _symbol(self, instrument_id: InstrumentId) -> str:
        return self._instruments().symbol_of(instrument_id)

    def _tf_ms(self, timeframe: Timeframe) -> int:
        served = getattr(self._session.exchange, "timeframes", None) or {}
        if str(timeframe) not in served:
            raise DomainError(
                f"timeframe {timeframe} is not served by {self._session.venue}: expected one "
                f"of {', '.join(served) or 'none'}"
            )
        return timeframe.seconds * 1000

    def _instruments(self) -> CcxtInstruments:
        self._session.require_connected("market data")
        instruments = self._session.instruments
        if instruments is None:  # pragma: no cover - require_connected checks it
            raise VenueError(f"{self._session.venue}: no markets loaded; call connect()")
        return instruments

    def venue_now(self) -> datetime:
        """The venue clock (UTC)."""
        return instant_from_ns(self._now_ms() * 1_000_000)


def _closed(frame: pd.DataFrame, now_ms: int) -> pd.DataFrame:
    """Only bars whose close is at or before the venue clock."""
    frame = frame.loc[:, list(BAR_COLUMNS)]
    return frame[_ms(frame["close_time"]) <= now_ms]


def _ms(column: pd.Series) -> pd.Series:
    return column.astype("int64") // 1_000_000
