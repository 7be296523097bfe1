"""A `CcxtVenue` against the in-process Binance emulator, for the adapter tests: a `Rig`
on the contract suite's Binance record, trading BTC/USDT alone."""

from __future__ import annotations

from dataclasses import replace

from tests.contract.ccxt_harness import BINANCE

from .rig import LOT, T0_MS, Rig, start_rig

__all__ = ["BAR_MS", "LOT", "SECRET", "T0_MS", "Emulated", "start_emulator"]

BAR_MS = BINANCE.bar_ms
SECRET = BINANCE.secret
Emulated = Rig
"""The adapter tests' name for a Binance `Rig`; its `trade` moves BTC/USDT."""
_BTC_ONLY = replace(
    BINANCE,
    symbols={"BTC/USDT": "BTCUSDT"},
    key="test-key",  # the account the modify tests look up at the venue
)


def start_emulator(timeout_ms: int = 5_000) -> Emulated:
    """An emulator with BTC/USDT at 100 (one bar traded) and 1,000,000 USDT."""
    return start_rig(_BTC_ONLY, order_prefix="t-", timeout_ms=timeout_ms)
