"""`IbCandles`: TWS's historical bars in the shape `tradewind data download` reads
(`app.data_download_pages.CandleSource`), over its own API connection.

TWS lists no market universe, so `spot_markets()` is the configured symbols (each
mapped to its contract id). The connection opens on the first request.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from tradewind.domain.timeframe import Timeframe
from tradewind.domain.timestamps import ns_of
from tradewind.domain.venue_errors import VenueError
from tradewind.venues.ib.bars import BAR_SIZES, bar_size_of, duration_text, rows_of, what_to_show
from tradewind.venues.ib.client import IbClient
from tradewind.venues.ib.config import IbVenueConfig
from tradewind.venues.ib.instruments import IbInstruments
from tradewind.venues.ib.session import IbSession

__all__ = ["IbCandles"]

Candle = list[float]
_MAX_PAGE_BARS = 1_000


class IbCandles:
    """Candle history of the configured contracts (see the module docstring).

    Args:
        config: host, port, client id, symbols (use a client id of its own).
        client_factory: builds the `IbClient` (tests).
    """

    def __init__(self, config: IbVenueConfig, *, client_factory: Any = IbClient) -> None:
        self._config = config
        self._session = IbSession(config, client_factory)

    @property
    def name(self) -> str:
        return "ib"

    @property
    def url(self) -> str:
        return f"tws://{self._config.address}"

    @property
    def max_page_bars(self) -> int:
        return _MAX_PAGE_BARS

    def close(self) -> None:
        """Close the API connection (idempotent)."""
        self._session.disconnect()

    def spot_markets(self) -> Mapping[str, str]:
        """Venue symbol -> TWS contract id, for the configured symbols."""
        instruments = self._instruments()
        return {s: str(instruments.contract(s).conId) for s in instruments.symbols}

    def timeframes(self) -> Collection[str]:
        return tuple(BAR_SIZES)

    def venue_time_ms(self) -> int:
        self._instruments()
        return ns_of(self._session.server_time()) // 1_000_000

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, since_ms: int, limit: int, /
    ) -> Sequence[Candle]:
        """Up to `limit` closed bars opening at or after `since_ms`, oldest first.

        Raises:
            VenueError: TWS failed (retryable for network trouble), naming its address.
        """
        instruments = self._instruments()
        if instruments.by_symbol(symbol) is None:
            raise VenueError(f"unknown symbol {symbol!r} at IB ({self.url}): not configured")
        tf = Timeframe.parse(timeframe)
        size = bar_size_of(tf)
        count = max(1, min(limit, _MAX_PAGE_BARS))
        now_ms = self.venue_time_ms()
        end_ms = min(now_ms, since_ms + count * tf.seconds * 1000)
        if end_ms <= since_ms:
            return []
        show, rth = what_to_show(self._config.market_class)
        contract = instruments.contract(symbol)
        end = datetime.fromtimestamp(end_ms / 1000, tz=UTC)
        duration = duration_text((end_ms - since_ms) // 1000)
        try:
            bars = self._session.call(
                f"read {timeframe} bars of {symbol}",
                lambda ib: ib.reqHistoricalDataAsync(
                    contract, end, duration, size, show, rth, formatDate=2, timeout=0
                ),
                timeout_s=self._config.timeout_s * 3,
            )
        except VenueError as error:
            raise VenueError(f"{error} ({self.url})", retryable=error.retryable) from None
        rows = rows_of(bars, tf, self._config.market_class)
        kept = sorted(r for r in rows if r[0] >= since_ms and r[1] <= now_ms)[:count]
        return [[float(r[0]), r[2], r[3], r[4], r[5], r[6]] for r in kept]

    def _instruments(self) -> IbInstruments:
        if self._session.instruments is None or not self._session.status.accepts_requests:
            try:
                self._session.connect()
            except VenueError as error:
                raise VenueError(f"{error} ({self.url})", retryable=error.retryable) from None
        instruments = self._session.instruments
        if instruments is None:  # pragma: no cover - connect sets them
            raise VenueError(f"IB ({self.url}): no contracts loaded")
        return instruments
