"""Interactive Brokers through TWS / IB Gateway with ib_async: the adapter (`IbVenue`,
`IbMarketData`, `IbCandles`) and the local TWS emulator (`venues.ib.emulator`).

Build one `IbSession` per TWS connection (client id) and share it between `IbVenue`
and `IbMarketData`; nothing connects before `connect()`. There are no credentials:
TWS or the Gateway holds the login.
"""

from tradewind.venues.ib.candles import IbCandles
from tradewind.venues.ib.config import IbVenueConfig, Secret
from tradewind.venues.ib.data import IbMarketData
from tradewind.venues.ib.errors import ErrorKind, IbVenueError
from tradewind.venues.ib.execution import IbVenue
from tradewind.venues.ib.session import IbSession

__all__ = [
    "ErrorKind",
    "IbCandles",
    "IbMarketData",
    "IbSession",
    "IbVenue",
    "IbVenueConfig",
    "IbVenueError",
    "Secret",
]
