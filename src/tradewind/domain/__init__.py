"""Value objects, entities and enums shared by every layer (standard library only)."""

from tradewind.domain.errors import DomainError, InvalidTransitionError, TradewindError
from tradewind.domain.market import MarketClass, QuoteType
from tradewind.domain.timeframe import Timeframe, TimeUnit

__all__ = [
    "DomainError",
    "InvalidTransitionError",
    "MarketClass",
    "QuoteType",
    "TimeUnit",
    "Timeframe",
    "TradewindError",
]
