"""The contract harness of the ccxt adapter on Binance: `CcxtVenue` (the official ccxt
`binance` class) against the in-process Binance emulator on 127.0.0.1, in manual mode
(see `ccxt_exchange_harness`).

Quote USDT, symbols BTC/USDT and ETH/USDT. The network hooks (`faults`) arm the
emulator's faults on `/api/v3/order`.
"""

from __future__ import annotations

from .ccxt_exchange_harness import TIMEOUT_MS, EmulatedExchange, EmulatedExchangeHarness
from .network import WireRequest

__all__ = ["BINANCE", "TIMEOUT_MS", "CcxtHarness"]

BINANCE = EmulatedExchange(
    exchange_id="binance",
    symbols={"BTC/USDT": "BTCUSDT", "ETH/USDT": "ETHUSDT"},
    base_assets={"BTCUSDT": "BTC", "ETHUSDT": "ETH"},
    quote_asset="USDT",
    key="contract-key",
    secret="contract-secret",
    order_paths={
        WireRequest.SUBMIT: ("POST", "/api/v3/order"),
        WireRequest.CANCEL: ("DELETE", "/api/v3/order"),
    },
    weight_per_minute=6_000,  # Binance's
)
"""Binance as the contract suite trades it."""


class CcxtHarness(EmulatedExchangeHarness):
    """A `CcxtVenue` on a fresh Binance emulator: 10 bps commission, 1,000,000 USDT."""

    def __init__(self) -> None:
        super().__init__(BINANCE)
