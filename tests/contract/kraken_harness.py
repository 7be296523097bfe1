"""The contract harness of the ccxt adapter on Kraken: `CcxtVenue` (the official ccxt
`kraken` class) against the in-process Kraken emulator on 127.0.0.1, in manual mode
(see `ccxt_exchange_harness`).

Quote USD, symbols BTC/USD and ETH/USD (Kraken pairs `XXBTZUSD`, `XETHZUSD` over the
legacy asset codes). Bars are a whole minute apart, since Kraken's clock and its
history windows count whole seconds. The secret is base64, as Kraken's are. The
network hooks (`faults`) arm the emulator's faults on `AddOrder` / `CancelOrder`.
"""

from __future__ import annotations

import base64

from .ccxt_exchange_harness import TIMEOUT_MS, EmulatedExchange, EmulatedExchangeHarness
from .network import WireRequest

__all__ = ["KRAKEN", "TIMEOUT_MS", "KrakenHarness"]

KRAKEN = EmulatedExchange(
    exchange_id="kraken",
    symbols={"BTC/USD": "XXBTZUSD", "ETH/USD": "XETHZUSD"},
    base_assets={"XXBTZUSD": "XXBT", "XETHZUSD": "XETH"},
    quote_asset="ZUSD",
    key="contract-key",
    secret=base64.b64encode(b"contract-secret").decode(),
    order_paths={
        WireRequest.SUBMIT: ("POST", "/0/private/AddOrder"),
        WireRequest.CANCEL: ("POST", "/0/private/CancelOrder"),
    },
    # Kraken allows 90 a minute; the suite's sessions need more, and
    # `crowd_rate_limit` makes it tight when a test wants it so.
    weight_per_minute=100_000,
    bar_ms=60_000,
)
"""Kraken as the contract suite trades it."""


class KrakenHarness(EmulatedExchangeHarness):
    """A `CcxtVenue` on a fresh Kraken emulator: 10 bps commission, 1,000,000 USD."""

    def __init__(self) -> None:
        super().__init__(KRAKEN)
