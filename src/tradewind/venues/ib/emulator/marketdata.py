"""reqMktData: ticks from the market's last price (the close of the latest bar).

The emulator has no order book: bid = last - 1 tick, ask = last + 1 tick, close = the
previous bar's close. Forex contracts get no last tick (IDEALPRO quotes only). Market data
type 3/4 (`reqMarketDataType`) sends the delayed tick types (66, 67, 68, 75 ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tradewind.venues.emulation import EmulatedMarket
from tradewind.venues.ib.emulator.contracts import IbContract

__all__ = ["Quote", "Subscription", "quote_of", "tick_messages"]

_LIVE = {"bid": 1, "ask": 2, "last": 4, "close": 9, "bid_size": 0, "ask_size": 3,
         "last_size": 5, "volume": 8}  # fmt: skip
_DELAYED = {"bid": 66, "ask": 67, "last": 68, "close": 75, "bid_size": 69, "ask_size": 70,
            "last_size": 71, "volume": 74}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Quote:
    """What a ticker shows: prices, and the sizes of the quotes and the last bar."""

    last: Decimal
    bid: Decimal
    ask: Decimal
    close: Decimal
    quote_size: Decimal
    volume: Decimal


@dataclass(slots=True)
class Subscription:
    """A streaming reqMktData of one connection and the last quote it was sent."""

    req_id: int
    contract: IbContract
    data_type: int
    sent: Quote | None = field(default=None)


def quote_of(market: EmulatedMarket, contract: IbContract) -> Quote | None:
    """The current quote of a contract, or None before its first price."""
    last = market.last_price(contract.market_symbol)
    if last is None:
        return None
    bars = market.bars(contract.market_symbol)
    close = bars[-2].close if len(bars) >= 2 else last
    volume = bars[-1].volume if bars else Decimal(0)
    tick = contract.min_tick
    size = Decimal(1_000_000) if contract.is_forex else Decimal(100)
    return Quote(last, last - tick, last + tick, close, size, volume)


def tick_messages(
    req_id: int, contract: IbContract, quote: Quote, data_type: int
) -> Sequence[list[object]]:
    """tickPrice / tickSize messages (ids 1 and 2) for a quote."""
    types = _DELAYED if data_type in (3, 4) else _LIVE
    messages: list[list[object]] = [
        [1, 6, req_id, types["bid"], quote.bid, quote.quote_size, 0],
        [1, 6, req_id, types["ask"], quote.ask, quote.quote_size, 0],
    ]
    if not contract.is_forex:
        messages.append([1, 6, req_id, types["last"], quote.last, Decimal(100), 0])
        messages.append([2, 6, req_id, types["volume"], quote.volume])
    messages.append([1, 6, req_id, types["close"], quote.close, 0, 0])
    return messages
