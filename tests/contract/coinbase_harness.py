"""The contract harness of the ccxt adapter on Coinbase: `CcxtVenue` (the official ccxt
`coinbase` class) against the in-process Coinbase Advanced Trade emulator on 127.0.0.1,
in manual mode (see `ccxt_exchange_harness`).

Quote USD, products BTC-USD and ETH-USD (`BTC/USD`, `ETH/USD` in ccxt). The key signs
with HMAC (Coinbase's legacy key scheme, checked against the wall clock). The network
hooks (`faults`) arm the emulator's faults on `POST orders` and
`POST orders/batch_cancel`.
"""

from __future__ import annotations

from .ccxt_exchange_harness import TIMEOUT_MS, EmulatedExchange, EmulatedExchangeHarness
from .network import WireRequest

__all__ = ["COINBASE", "TIMEOUT_MS", "CoinbaseHarness"]

COINBASE = EmulatedExchange(
    exchange_id="coinbase",
    symbols={"BTC/USD": "BTC-USD", "ETH/USD": "ETH-USD"},
    base_assets={"BTC-USD": "BTC", "ETH-USD": "ETH"},
    quote_asset="USD",
    key="contract-key",
    secret="contract-secret",
    order_paths={
        WireRequest.SUBMIT: ("POST", "/api/v3/brokerage/orders"),
        WireRequest.CANCEL: ("POST", "/api/v3/brokerage/orders/batch_cancel"),
    },
    # Coinbase allows 1800 weight a minute; the suite's sessions need more, and
    # `crowd_rate_limit` makes it tight when a test wants it so.
    weight_per_minute=100_000,
)
"""Coinbase as the contract suite trades it."""


class CoinbaseHarness(EmulatedExchangeHarness):
    """A `CcxtVenue` on a fresh Coinbase emulator: 10 bps commission, 1,000,000 USD."""

    def __init__(self) -> None:
        super().__init__(COINBASE)
