"""Local stand-ins for crypto exchanges: their REST wire formats over the emulation toolkit.

`DIALECTS` maps an exchange id to its dialect class; `build_emulator` wires a market, an
optional replay feed, faults and rate limits into a ready (not yet started) server.
Point a ccxt client at `server.base_url` by replacing the scheme and host of every URL in
`exchange.urls['api']` and keeping the paths (`/api/v3`, `/sapi/v1`, `/fapi/v1`, ...).
"""

from __future__ import annotations

from collections.abc import Mapping

from tradewind.venues.ccxt.emulator.binance import BinanceDialect
from tradewind.venues.ccxt.emulator.coinbase import CoinbaseDialect
from tradewind.venues.ccxt.emulator.kraken import KrakenDialect
from tradewind.venues.emulation import (
    EmulatedMarket,
    EmulatorServer,
    FaultInjector,
    RateLimiter,
    ReplayFeed,
)

__all__ = ["DIALECTS", "BinanceDialect", "CoinbaseDialect", "KrakenDialect", "build_emulator"]

DIALECTS: dict[str, type[BinanceDialect | KrakenDialect | CoinbaseDialect]] = {
    "binance": BinanceDialect,
    "kraken": KrakenDialect,
    "coinbase": CoinbaseDialect,
}


def build_emulator(
    exchange: str,
    market: EmulatedMarket,
    credentials: Mapping[str, str],
    *,
    feed: ReplayFeed | None = None,
    faults: FaultInjector | None = None,
    rate_limiter: RateLimiter | None = None,
    base_interval_ms: Mapping[str, int] | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    timeout_hold_s: float = 12.0,
) -> EmulatorServer:
    """A server speaking `exchange`'s wire format over `market`; call `.start()` on it.

    Raises ValueError for an exchange without a dialect or a non-loopback host.
    """
    dialect_cls = DIALECTS.get(exchange)
    if dialect_cls is None:
        raise ValueError(f"exchange {exchange!r}: expected one of {sorted(DIALECTS)}")
    dialect = dialect_cls(
        market,
        credentials,
        feed=feed,
        rate_limiter=rate_limiter,
        base_interval_ms=base_interval_ms,
    )
    return EmulatorServer(
        dialect, host=host, port=port, faults=faults, timeout_hold_s=timeout_hold_s
    )
