"""OANDA v20 (forex): the adapter (`OandaVenue`, `OandaMarketData`, `OandaCandles`) over
our own small typed httpx client, and the local emulator (`venues.oanda.emulator`).

Build one `OandaSession` per account and token and share it between `OandaVenue` and
`OandaMarketData`; nothing connects before `connect()`. The default endpoint is the
practice server; production only when configured as `endpoint`.
"""

from tradewind.venues.oanda.candles import OandaCandles
from tradewind.venues.oanda.client import OandaClient
from tradewind.venues.oanda.config import (
    PRACTICE_URL,
    PRODUCTION_URL,
    OandaVenueConfig,
    Secret,
)
from tradewind.venues.oanda.data import OandaMarketData
from tradewind.venues.oanda.errors import ErrorKind, OandaVenueError
from tradewind.venues.oanda.execution import OandaVenue
from tradewind.venues.oanda.session import OandaSession

__all__ = [
    "PRACTICE_URL",
    "PRODUCTION_URL",
    "ErrorKind",
    "OandaCandles",
    "OandaClient",
    "OandaMarketData",
    "OandaSession",
    "OandaVenue",
    "OandaVenueConfig",
    "OandaVenueError",
    "Secret",
]
