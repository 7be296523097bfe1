"""`AlpacaCandles`: Alpaca's stock bar history in the shape `tradewind data download`
pages through (`app.data_download_pages.CandleSource`).

Candles are `[open_ms, open, high, low, close, volume]`, oldest first; a daily candle
opens at its session date 00:00 UTC (Tradewind's daily stamp), and only closed bars are
given (today's daily bar not before the session's close on Alpaca's clock). Alpaca's
data API needs the account's key, so the source connects its session (the configured
symbols' assets, the clock, the account) at the first request. Failures raise
`VenueError` naming the data URL, never a credential.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from tradewind.domain.venue_errors import VenueError
from tradewind.venues.alpaca.bars import TIMEFRAMES, BarReader, alpaca_timeframe
from tradewind.venues.alpaca.config import AlpacaVenueConfig
from tradewind.venues.alpaca.session import AlpacaSession

__all__ = ["AlpacaCandles"]

_MAX_PAGE_BARS = 10_000


class AlpacaCandles:
    """Candle history of the configured symbols (see the module docstring).

    Args:
        config: symbols, credentials, endpoints, data feed.
        session: a session to share; built from `config` when None.
        adjustment: Alpaca's corporate-action adjustment (`raw`, `split`, `all`).
    """

    def __init__(
        self,
        config: AlpacaVenueConfig,
        *,
        session: AlpacaSession | None = None,
        adjustment: str = "raw",
    ) -> None:
        self._config = config
        self._session = session or AlpacaSession(config)
        self._reader = BarReader(self._session, feed=config.data_feed, adjustment=adjustment)

    @property
    def name(self) -> str:
        return "alpaca"

    @property
    def url(self) -> str:
        return self._config.data_url

    @property
    def max_page_bars(self) -> int:
        return _MAX_PAGE_BARS

    def spot_markets(self) -> Mapping[str, str]:
        """The configured symbols Alpaca lists and trades (symbol -> symbol)."""
        instruments = self._connected()
        return {symbol: symbol for symbol in instruments}

    def timeframes(self) -> Collection[str]:
        return TIMEFRAMES

    def venue_time_ms(self) -> int:
        self._connected()
        return self._session.clock().now_ms

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, since_ms: int, limit: int, /
    ) -> Sequence[list[float]]:
        """Up to `limit` closed candles opening at or after `since_ms`, oldest first."""
        self._connected()
        parsed, _ = alpaca_timeframe(timeframe)
        now_ms = self._session.clock().now_ms
        count = max(1, min(int(limit), _MAX_PAGE_BARS))
        candles = self._reader.read(symbol, parsed, since_ms, now_ms + 1, count)
        return [
            [c.open_ms, c.open, c.high, c.low, c.close, c.volume]
            for c in candles if c.close_ms <= now_ms
        ]  # fmt: skip

    def _connected(self) -> list[str]:
        if self._session.instruments is None or not self._session.status.accepts_requests:
            try:
                self._session.connect()
            except VenueError as error:
                raise VenueError(
                    f"alpaca at {self.url}: {error}", retryable=error.retryable
                ) from None
        instruments = self._session.instruments
        return [] if instruments is None else instruments.symbols
