"""What the catalog says when a symbol has no series: where it does exist, or close matches."""

from __future__ import annotations

import difflib

from tradewind.data.schema import CatalogEntry
from tradewind.domain.market import MarketClass

__all__ = ["unknown_symbol_message"]


def unknown_symbol_message(
    symbol: str, market: MarketClass | None, timeframe: str | None, entries: list[CatalogEntry]
) -> str:
    """The error text for `symbol` (in `market` at `timeframe`) missing from `entries`."""
    scope = "".join(
        [
            f" in market {market}" if market else "",
            f" at timeframe {timeframe}" if timeframe else "",
        ]
    )
    same = [e for e in entries if e.symbol == symbol]
    if same:
        have = ", ".join(f"{e.market}/{e.timeframe}" for e in same)
        return f"symbol {symbol} has no series{scope}; it exists as {have}"
    close = difflib.get_close_matches(symbol, sorted({e.symbol for e in entries}), n=5, cutoff=0.5)
    hint = f"; close matches: {', '.join(close)}" if close else ""
    return f"unknown symbol {symbol}{scope}{hint} (see `tradewind data list`)"
