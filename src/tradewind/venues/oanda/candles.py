"""`OandaCandles`: v20 candle history in the shape `tradewind data download` reads
(`app.data_download_pages.CandleSource`).

Only complete mid candles are returned; pages of at most 5000 (v20's maximum). Every
v20 endpoint needs the token, so this one does too. Failures raise `VenueError`
naming the URL (never the token), retryable for network trouble.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TypeVar

import httpx

from tradewind.domain.venue_errors import VenueError
from tradewind.venues.oanda.client import OandaClient
from tradewind.venues.oanda.config import OandaVenueConfig
from tradewind.venues.oanda.errors import OandaVenueError
from tradewind.venues.oanda.granularity import GRANULARITIES, granularity_of

__all__ = ["OandaCandles"]

Candle = list[float]
T = TypeVar("T")


class OandaCandles:
    """Public-shape candle history of one account's instruments.

    Args:
        config: token, account (None: the token's first), endpoint, timeout.
        transport: an httpx transport (tests).
    """

    max_page_bars = 5_000

    def __init__(
        self, config: OandaVenueConfig, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self._config = config
        self._client = OandaClient(
            config.base_url,
            config.token,
            account_id=config.account_id,
            timeout_ms=config.timeout_ms,
            venue=config.venue,
            transport=transport,
        )

    @property
    def name(self) -> str:
        return "oanda"

    @property
    def url(self) -> str:
        return self._config.base_url

    def close(self) -> None:
        self._client.close()

    def spot_markets(self) -> Mapping[str, str]:
        """Every instrument of the account: v20 name -> v20 name (`EUR_USD`)."""
        self._ensure_account()
        specs = self._guarded(lambda: self._client.instruments())
        return {spec.name: spec.name for spec in specs}

    def timeframes(self) -> Collection[str]:
        return tuple(GRANULARITIES)

    def venue_time_ms(self) -> int:
        """The pricing answer's time (ms) for the configured instruments."""
        self._ensure_account()
        now_ns, _ = self._guarded(lambda: self._client.pricing(self._config.symbols))
        return now_ns // 1_000_000

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, since_ms: int, limit: int, /
    ) -> Sequence[Candle]:
        """Up to `limit` complete candles opening at or after `since_ms`, oldest first."""
        granularity = granularity_of(timeframe, self._config.venue)
        count = max(1, min(limit, self.max_page_bars))
        candles = self._guarded(
            lambda: self._client.candles(
                symbol, granularity, from_ns=max(since_ms, 0) * 1_000_000, count=count
            )
        )
        return [
            [
                c.open_ns // 1_000_000,
                float(c.o),
                float(c.h),
                float(c.l),
                float(c.c),
                float(c.volume),
            ]
            for c in candles
            if c.complete and c.open_ns >= since_ms * 1_000_000
        ][:limit]

    def _ensure_account(self) -> None:
        if not self._client.account_id:
            accounts = self._guarded(self._client.accounts)
            if not accounts:
                raise VenueError(f"{self.url}: the token has no v20 account")
            self._client.account_id = accounts[0]

    def _guarded(self, request: Callable[[], T]) -> T:
        try:
            return request()
        except OandaVenueError as error:
            raise VenueError(f"{self.url}: {error}", retryable=error.retryable) from None
