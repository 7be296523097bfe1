"""The Alpaca emulator served in-process on 127.0.0.1 with alpaca-py's clients on it.

The market holds AAPL and MSFT on the NYSE calendar. `AlpacaRig.minute(i, ...)` trades
minute i of Friday 2024-01-05's session (14:30 UTC open) for AAPL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from alpaca.data.historical import StockHistoricalDataClient
from alpaca.trading.client import TradingClient

from tradewind.venues.alpaca.emulator import BUNDLED, AlpacaServer, build_emulator, build_market
from tradewind.venues.emulation import EmulatedMarket, FaultInjector, RateLimiter

__all__ = ["KEY", "MINUTE_MS", "OPEN_MS", "SECRET", "AlpacaRig", "alpaca_rig", "ms"]

KEY, SECRET = "test-key-id", "test-secret-key"
MINUTE_MS = 60_000


def ms(text: str) -> int:
    """An ISO instant (UTC when naive) in ms."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


OPEN_MS = ms("2024-01-05T14:30:00")  # Friday, 09:30 New York


@dataclass
class AlpacaRig:
    """The market, its server and faults; clients for the default or other credentials."""

    market: EmulatedMarket
    server: AlpacaServer
    faults: FaultInjector

    def trading(self, key: str = KEY, secret: str = SECRET) -> TradingClient:
        client = TradingClient(key, secret, paper=True, url_override=self.server.base_url)
        client._retry_wait = 0  # alpaca-py sleeps 3 s before retrying a 429
        return client

    def data(self, key: str = KEY, secret: str = SECRET) -> StockHistoricalDataClient:
        client = StockHistoricalDataClient(key, secret, url_override=self.server.base_url)
        client._retry_wait = 0
        return client

    def minute(self, i: int, o: float, h: float, low: float, c: float, v: float = 1000) -> None:
        """Trade minute `i` after the 2024-01-05 open for AAPL."""
        start = OPEN_MS + i * MINUTE_MS
        self.market.trade_bar("AAPL", start, o, h, low, c, v, close_time_ms=start + MINUTE_MS)


@contextmanager
def alpaca_rig(requests_per_minute: int = 2000) -> Iterator[AlpacaRig]:
    """Serve AAPL and MSFT; AAPL traded 100..104 over the first five minutes of the
    session (market clock 14:35 UTC, open) and MSFT one minute at 370."""
    market = build_market({s: BUNDLED[s] for s in ("AAPL", "MSFT")})
    faults = FaultInjector(seed=1)
    server = build_emulator(
        market,
        {KEY: SECRET},
        faults=faults,
        rate_limiter=RateLimiter(requests_per_minute, ban_s=0.0),
        timeout_hold_s=1.0,
    )
    rig = AlpacaRig(market, server, faults)
    for i in range(5):
        rig.minute(i, 100 + i, 101 + i, 99 + i, 100.5 + i)
    market.trade_bar("MSFT", OPEN_MS, 370, 371, 369, Decimal("370.00"), 500, OPEN_MS + MINUTE_MS)
    server.start()
    try:
        yield rig
    finally:
        server.stop()
