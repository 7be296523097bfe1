"""v20 prices: bids and asks half the spread around the market's last (mid) price.

`tradeable` is false while the instrument's market is closed (FOREX_HOURS for forex).
The price's time is the close of the latest base bar. The stream sends a PRICE line when
an instrument's price or tradeability changes and a HEARTBEAT every `heartbeat_s`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from tradewind.venues.oanda.emulator.books import Books
from tradewind.venues.oanda.emulator.wire import Call, Ms, OandaError, parse_time, render

__all__ = ["PricingEndpoints", "price_json"]

_DAY_MS = 86_400_000
_LIQUIDITY = "10000000"


def price_json(books: Books, instrument: str, now_ms: int) -> dict[str, Any] | None:
    """The v20 ClientPrice of one instrument, or None before its first price."""
    info = books.info(instrument)
    market = books.market
    mid = market.last_price(instrument)
    if mid is None:
        return None
    recent = market.bars(instrument, since_open_ms=now_ms - 7 * _DAY_MS)
    time_ms = recent[-1].close_time_ms if recent else now_ms
    quote = info.quote_at(mid)
    tradeable = market.is_open(instrument)
    return {
        "type": "PRICE",
        "instrument": instrument,
        "time": Ms(min(time_ms, now_ms)),
        "status": "tradeable" if tradeable else "non-tradeable",
        "tradeable": tradeable,
        "bids": [{"price": info.price(quote.bid), "liquidity": _LIQUIDITY}],
        "asks": [{"price": info.price(quote.ask), "liquidity": _LIQUIDITY}],
        "closeoutBid": info.price(quote.bid),
        "closeoutAsk": info.price(quote.ask),
        "quoteHomeConversionFactors": {"positiveUnits": "1.00000", "negativeUnits": "1.00000"},
    }


class PricingEndpoints:
    """Handlers of /v3/accounts/{id}/pricing and its stream."""

    def __init__(self, books: Books) -> None:
        self.books = books

    def instruments(self, call: Call) -> list[str]:
        raw = call.params.get("instruments", "")
        names = [n for n in raw.split(",") if n]
        if not names:
            raise OandaError(400, "Invalid value specified for 'instruments'")
        for name in names:
            self.books.info(name, "instruments")
        return names

    def pricing(self, call: Call) -> dict[str, Any]:
        self.books.ledger(call.account_id)
        names = self.instruments(call)
        since_ms = parse_time("since", call.params["since"]) if call.params.get("since") else None
        prices = [price_json(self.books, n, call.now_ms) for n in names]
        selected = [
            p for p in prices if p is not None and (since_ms is None or int(p["time"]) > since_ms)
        ]
        out: dict[str, Any] = {"time": Ms(call.now_ms), "prices": selected}
        if call.params.get("includeHomeConversions") == "true":
            out["homeConversions"] = [
                {
                    "currency": self.books.currency,
                    "accountGain": "1",
                    "accountLoss": "1",
                    "positionValue": "1",
                }
            ]
        return out

    def stream(
        self,
        call: Call,
        sync: Callable[[], int],
        heartbeat_s: float,
        stop: threading.Event,
        unix: bool,
    ) -> Iterator[bytes]:
        """PRICE lines on change and HEARTBEAT lines, one JSON object per line."""
        self.books.ledger(call.account_id)
        return _stream(self.books, self.instruments(call), sync, heartbeat_s, stop, unix)


def _stream(
    books: Books,
    names: Sequence[str],
    sync: Callable[[], int],
    heartbeat_s: float,
    stop: threading.Event,
    unix: bool,
) -> Iterator[bytes]:
    sent: dict[str, tuple[Any, ...]] = {}
    next_beat = time.monotonic() + heartbeat_s
    while not stop.is_set():
        now_ms = sync()
        for name in names:
            price = price_json(books, name, now_ms)
            if price is None:
                continue
            key = (price["time"], price["bids"][0]["price"], price["tradeable"])
            if sent.get(name) != key:
                sent[name] = key
                yield _line(price, unix)
        if time.monotonic() >= next_beat:
            next_beat += heartbeat_s
            yield _line({"type": "HEARTBEAT", "time": Ms(now_ms)}, unix)
        yield b""
        stop.wait(min(0.1, heartbeat_s))


def _line(body: dict[str, Any], unix: bool) -> bytes:
    return json.dumps(render(body, unix), separators=(",", ":")).encode() + b"\n"
