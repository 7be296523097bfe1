"""Crypto spot venues through ccxt: the adapter (`CcxtVenue`, `CcxtMarketData`) and the
local exchange emulators (`venues.ccxt.emulator`).

Build one `CcxtSession` per exchange and key and share it between `CcxtVenue` and
`CcxtMarketData` so both spend one request budget; nothing connects before `connect()`.
"""

from tradewind.venues.ccxt.config import CcxtVenueConfig, Secret
from tradewind.venues.ccxt.data import CcxtMarketData
from tradewind.venues.ccxt.errors import CcxtVenueError, ErrorKind
from tradewind.venues.ccxt.execution import CcxtVenue
from tradewind.venues.ccxt.rate_budget import RateBudget
from tradewind.venues.ccxt.session import CcxtSession

__all__ = [
    "CcxtMarketData",
    "CcxtSession",
    "CcxtVenue",
    "CcxtVenueConfig",
    "CcxtVenueError",
    "ErrorKind",
    "RateBudget",
    "Secret",
]
