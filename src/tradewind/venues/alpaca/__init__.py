"""US equities at Alpaca through alpaca-py: the adapter (`AlpacaVenue`,
`AlpacaMarketData`, `AlpacaCandles`) and the local emulator (`venues.alpaca.emulator`).

Build one `AlpacaSession` per account and share it between `AlpacaVenue` and
`AlpacaMarketData`; nothing connects before `connect()`. The names below are imported
lazily, so importing the emulator does not load alpaca-py or pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tradewind.venues.alpaca.candles import AlpacaCandles
    from tradewind.venues.alpaca.config import AlpacaVenueConfig, Secret
    from tradewind.venues.alpaca.data import AlpacaMarketData
    from tradewind.venues.alpaca.errors import AlpacaVenueError, ErrorKind
    from tradewind.venues.alpaca.execution import AccountSummary, AlpacaVenue
    from tradewind.venues.alpaca.session import AlpacaSession

__all__ = [
    "AccountSummary",
    "AlpacaCandles",
    "AlpacaMarketData",
    "AlpacaSession",
    "AlpacaVenue",
    "AlpacaVenueConfig",
    "AlpacaVenueError",
    "ErrorKind",
    "Secret",
]

_HOMES = {
    "AccountSummary": "execution",
    "AlpacaCandles": "candles",
    "AlpacaMarketData": "data",
    "AlpacaSession": "session",
    "AlpacaVenue": "execution",
    "AlpacaVenueConfig": "config",
    "AlpacaVenueError": "errors",
    "ErrorKind": "errors",
    "Secret": "config",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{home}"), name)
