"""Our timeframes to v20 candle granularities.

Daily and weekly candles are asked aligned on 00:00 UTC (weeks from Monday), so a
daily bar's `timestamp` is its date at 00:00 UTC as everywhere in Tradewind.
"""

from __future__ import annotations

from tradewind.domain.errors import DomainError
from tradewind.domain.timeframe import Timeframe

__all__ = ["GRANULARITIES", "granularity_of"]

GRANULARITIES: dict[str, str] = {
    "1m": "M1",
    "2m": "M2",
    "4m": "M4",
    "5m": "M5",
    "10m": "M10",
    "15m": "M15",
    "30m": "M30",
    "1h": "H1",
    "2h": "H2",
    "3h": "H3",
    "4h": "H4",
    "6h": "H6",
    "8h": "H8",
    "12h": "H12",
    "1d": "D",
    "1w": "W",
}
"""Timeframe text -> v20 granularity (v20's seconds and monthly candles are not used)."""


def granularity_of(timeframe: Timeframe | str, venue: str = "OANDA") -> str:
    """The v20 granularity of a timeframe.

    Raises:
        DomainError: a timeframe v20 has no candles for (naming the ones served).
    """
    text = str(timeframe)
    granularity = GRANULARITIES.get(text)
    if granularity is None:
        raise DomainError(
            f"timeframe {text} is not served by {venue}: expected one of {', '.join(GRANULARITIES)}"
        )
    return granularity
