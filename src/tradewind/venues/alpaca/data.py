"""`AlpacaMarketData`: closed stock bars and history from Alpaca's data API.

Every answer is cut at Alpaca's clock (`GET /v2/clock`): a bar whose close is after it
is still forming and is never returned, so today's daily bar appears only once the
session has closed (16:00 New York, earlier on half days; see `bars.py`). Polling with
the last `close_time` seen as `since` gives each bar once, and after a reconnect the
same call backfills whatever closed meanwhile. While the market is open, an intraday
feed whose newest closed bar (or today's open, when later) lags Alpaca's clock by more
than `stale_after_bars` bars raises a retryable `VenueError`; a closed market is quiet,
not stale.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tradewind.domain.identifiers import InstrumentId, Venue
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.timestamps import ensure_utc
from tradewind.domain.venue_errors import VenueError
from tradewind.execution.bar_frames import (
    BAR_COLUMNS,
    bar_frame,
    check_fresh,
    checked_stale_after_bars,
)
from tradewind.ports.market_data import BarFrame
from tradewind.venues.alpaca.bars import BarReader, Candle, alpaca_timeframe
from tradewind.venues.alpaca.config import AlpacaVenueConfig
from tradewind.venues.alpaca.history import ms_of
from tradewind.venues.alpaca.instruments import AlpacaInstruments
from tradewind.venues.alpaca.lifecycle import instant
from tradewind.venues.alpaca.session import AlpacaSession

__all__ = ["BAR_COLUMNS", "AlpacaMarketData", "frame_of"]

_NEWEST_BARS = 200
_DAY_MS = 86_400_000


class AlpacaMarketData:
    """Bars of the configured symbols (see the module docstring).

    Args:
        config: symbols, credentials, endpoints, data feed.
        session: a session shared with `AlpacaVenue`; built from `config` when None.
        stale_after_bars: how many bar lengths the newest closed intraday bar may lag
            Alpaca's clock while the market is open, > 0.
        adjustment: Alpaca's corporate-action adjustment (`raw`, `split`, `all`).

    Raises:
        DomainError: `stale_after_bars` not positive.
    """

    def __init__(
        self,
        config: AlpacaVenueConfig,
        *,
        session: AlpacaSession | None = None,
        stale_after_bars: int = 3,
        adjustment: str = "raw",
    ) -> None:
        self._stale_after_bars = checked_stale_after_bars(stale_after_bars)
        self._session = session or AlpacaSession(config)
        self._reader = BarReader(self._session, feed=config.data_feed, adjustment=adjustment)

    @property
    def venue(self) -> Venue:
        return Venue(self._session.venue)

    @property
    def session(self) -> AlpacaSession:
        return self._session

    def connect(self) -> None:
        """Connect the session unless it is already (assets, clock, account)."""
        if self._session.instruments is None or not self._session.status.accepts_requests:
            self._session.connect()

    def instruments(self) -> Sequence[InstrumentId]:
        return [i.id for i in self._instruments().all]

    def closed_bars(
        self, instrument_id: InstrumentId, timeframe: Timeframe, since: datetime | None = None
    ) -> BarFrame:
        """Bars with `since < close_time <= Alpaca now`, oldest first (the newest
        `_NEWEST_BARS` or so when `since` is None).

        Raises:
            VenueError: the feed is stale (retryable), or Alpaca failed.
        """
        symbol = self._symbol(instrument_id)
        parsed, _ = alpaca_timeframe(timeframe)
        clock = self._session.clock()
        tf_ms = parsed.seconds * 1000
        if since is None:
            after_ms = None
            # calendar time for the newest bars: sessions are ~1/4 of a day, weekends off
            span_ms = _NEWEST_BARS * tf_ms * (2 if tf_ms >= _DAY_MS else 5)
            start_ms = clock.now_ms - span_ms
        else:
            after_ms = ms_of(ensure_utc(since, field="since"))
            start_ms = after_ms - tf_ms - _DAY_MS  # a daily bar's stamp is before its close
        candles = self._reader.read(symbol, parsed, start_ms, clock.now_ms + 1)
        closed = [c for c in candles if c.close_ms <= clock.now_ms]
        if after_ms is not None:
            closed = [c for c in closed if c.close_ms > after_ms]
        if clock.is_open and tf_ms < _DAY_MS:
            opened = self._reader.session_open_ms(clock.now_ms) or 0
            self._check_fresh(instrument_id, closed, after_ms, clock.now_ms, tf_ms, opened)
        return frame_of(closed)

    def history(
        self,
        instrument_id: InstrumentId,
        timeframe: Timeframe,
        start: datetime,
        end: datetime | None = None,
    ) -> BarFrame:
        """Closed bars with `start <= timestamp < end` (`end` None: up to Alpaca now)."""
        symbol = self._symbol(instrument_id)
        parsed, _ = alpaca_timeframe(timeframe)
        now_ms = self._session.clock().now_ms
        start_ms = ms_of(ensure_utc(start, field="start"))
        end_ms = now_ms + 1 if end is None else min(now_ms + 1, ms_of(ensure_utc(end, field="end")))
        if end_ms <= start_ms:
            return frame_of([])
        candles = self._reader.read(symbol, parsed, start_ms, end_ms)
        return frame_of([c for c in candles if c.close_ms <= now_ms])

    def venue_now(self) -> datetime:
        """Alpaca's clock (UTC)."""
        return instant(self._session.clock().now_ms)

    def _check_fresh(
        self,
        instrument_id: InstrumentId,
        closed: list[Candle],
        after_ms: int | None,
        now_ms: int,
        tf_ms: int,
        session_open_ms: int,
    ) -> None:
        newest = max((c.close_ms for c in closed), default=after_ms)
        if newest is None:
            return
        check_fresh(
            instrument_id,
            self._session.venue,
            lag_ns=(now_ms - max(newest, session_open_ms)) * 1_000_000,
            bar_ns=tf_ms * 1_000_000,
            stale_after_bars=self._stale_after_bars,
        )

    def _symbol(self, instrument_id: InstrumentId) -> str:
        return self._instruments().symbol_of(instrument_id)

    def _instruments(self) -> AlpacaInstruments:
        self._session.require_connected("market data")
        instruments = self._session.instruments
        if instruments is None:  # pragma: no cover - require_connected checks it
            raise VenueError(f"{self._session.venue}: no instruments loaded; call connect()")
        return instruments


def frame_of(candles: Sequence[Candle]) -> BarFrame:
    """Candles as a normalized bar frame (UTC timestamps), one row per timestamp."""
    return bar_frame(
        (c.open_ms, c.close_ms, c.open, c.high, c.low, c.close, c.volume) for c in candles
    )
