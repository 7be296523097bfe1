"""`IbMarketData`: closed bars and history of the configured contracts from TWS.

Bars come from `reqHistoricalData` (see `bars` for sizes, what is shown and the close
times), read backwards in pages from the end of the range. Every answer is cut at the
venue's clock (`reqCurrentTime`): a bar whose close is after it is still forming and is
never returned. Polling with the last `close_time` seen as `since` gives each bar once,
and after a reconnect the same call backfills whatever closed meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from tradewind.domain.identifiers import InstrumentId, Venue
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.timestamps import ensure_utc, instant_from_ns, ns_of
from tradewind.domain.venue_errors import VenueError
from tradewind.ports.market_data import BarFrame
from tradewind.venues.ib.bars import (
    Row,
    bar_size_of,
    duration_text,
    frame_of,
    max_page_s,
    rows_of,
    what_to_show,
)
from tradewind.venues.ib.client import IbClient
from tradewind.venues.ib.config import IbVenueConfig
from tradewind.venues.ib.errors import IbVenueError
from tradewind.venues.ib.instruments import IbInstruments
from tradewind.venues.ib.session import IbSession

__all__ = ["IbMarketData"]

_MAX_PAGES = 200
_HISTORY_TIMEOUT_FACTOR = 3


class IbMarketData:
    """Bars of the configured contracts (see the module docstring).

    Args:
        config: host, port, client id, symbols.
        session: a session shared with `IbVenue` (one API connection); built from
            `config` when None. `connect()` connects it unless it is already.
        client_factory: builds the `IbClient` when no session is given (tests).
    """

    def __init__(
        self,
        config: IbVenueConfig,
        *,
        session: IbSession | None = None,
        client_factory: Any = IbClient,
    ) -> None:
        self._session = session or IbSession(config, client_factory)

    @property
    def venue(self) -> Venue:
        return Venue(self._session.venue)

    @property
    def session(self) -> IbSession:
        return self._session

    def connect(self) -> None:
        """Connect the session unless it is already (loads contracts, reads the clock)."""
        if self._session.instruments is None or not self._session.status.accepts_requests:
            self._session.connect()

    def disconnect(self) -> None:
        self._session.disconnect()

    def instruments(self) -> Sequence[InstrumentId]:
        return self._instruments().ids()

    def closed_bars(
        self, instrument_id: InstrumentId, timeframe: Timeframe, since: datetime | None = None
    ) -> BarFrame:
        """Bars with `since < close_time <= venue now`, oldest first (one page back from
        now when `since` is None)."""
        symbol, size = self._symbol(instrument_id), bar_size_of(timeframe)
        now_ms = self._now_ms()
        if since is None:
            from_ms = now_ms - max_page_s(timeframe) * 1000
        else:
            from_ms = _ms(ensure_utc(since, field="since")) - timeframe.seconds * 1000
        rows = self._read(symbol, timeframe, size, from_ms, now_ms)
        after_ms = None if since is None else _ms(since)
        kept = [r for r in rows if r[1] <= now_ms and (after_ms is None or r[1] > after_ms)]
        return frame_of(kept)

    def history(
        self,
        instrument_id: InstrumentId,
        timeframe: Timeframe,
        start: datetime,
        end: datetime | None = None,
    ) -> BarFrame:
        """Closed bars with `start <= timestamp < end` (`end` None: up to venue now)."""
        symbol, size = self._symbol(instrument_id), bar_size_of(timeframe)
        now_ms = self._now_ms()
        start_ms = _ms(ensure_utc(start, field="start"))
        end_ms = now_ms if end is None else min(now_ms, _ms(ensure_utc(end, field="end")))
        rows = self._read(symbol, timeframe, size, start_ms, end_ms)
        kept = [
            r for r in rows
            if r[1] <= now_ms and start_ms <= r[0] and (end is None or r[0] < end_ms)
        ]  # fmt: skip
        return frame_of(kept)

    def venue_now(self) -> datetime:
        """The venue clock (UTC)."""
        return instant_from_ns(self._now_ms() * 1_000_000)

    # -- reading -------------------------------------------------------------------------

    def _read(
        self, symbol: str, timeframe: Timeframe, size: str, from_ms: int, until_ms: int
    ) -> list[Row]:
        """Every bar opening in [from_ms, until_ms], pages read backwards from the end."""
        rows: list[Row] = []
        end_ms = until_ms
        page_ms = max_page_s(timeframe) * 1000
        for _ in range(_MAX_PAGES):
            span_ms = min(page_ms, end_ms - from_ms + timeframe.seconds * 1000)
            page = self._page(symbol, timeframe, size, end_ms, span_ms)
            fresh = [r for r in page if r[0] < end_ms or not rows]
            rows.extend(fresh)
            earliest = min((r[0] for r in page), default=None)
            if not fresh or earliest is None or earliest <= from_ms:
                break
            end_ms = earliest
        return sorted({r[0]: r for r in rows if r[0] >= from_ms}.values())

    def _page(
        self, symbol: str, timeframe: Timeframe, size: str, end_ms: int, span_ms: int
    ) -> list[Row]:
        instruments = self._instruments()
        instrument = instruments.by_symbol(symbol)
        contract = instruments.contract(symbol)
        market_class = self._session.config.market_class
        show, rth = what_to_show(market_class)
        end = datetime.fromtimestamp(end_ms / 1000, tz=UTC)
        duration = duration_text(span_ms // 1000)
        timeout_s = self._session.config.timeout_s * _HISTORY_TIMEOUT_FACTOR
        try:
            bars = self._session.call(
                f"read {timeframe} bars of {symbol}",
                lambda ib: ib.reqHistoricalDataAsync(
                    contract, end, duration, size, show, rth, formatDate=2, timeout=0
                ),
                timeout_s=timeout_s,
            )
        except IbVenueError as error:
            if _no_data(error):  # TWS's answer for a span without bars (a holiday, a weekend)
                return []
            raise
        if instrument is None:  # pragma: no cover - _symbol checked it
            return []
        return rows_of(bars, timeframe, market_class)

    def _now_ms(self) -> int:
        return _ms(self._session.server_time())

    def _symbol(self, instrument_id: InstrumentId) -> str:
        return self._instruments().symbol_of(instrument_id)

    def _instruments(self) -> IbInstruments:
        self._session.require_connected("market data")
        instruments = self._session.instruments
        if instruments is None:  # pragma: no cover - require_connected checks it
            raise VenueError(f"{self._session.venue}: no contracts loaded; call connect()")
        return instruments


def _no_data(error: IbVenueError) -> bool:
    """TWS's "HMDS query returned no data" (error 162): an empty span, not a failure."""
    return error.code == 162 and "returned no data" in str(error)


def _ms(instant: datetime) -> int:
    return ns_of(instant) // 1_000_000
