"""What the ccxt adapter's contract harnesses share: `CcxtVenue` (the official ccxt
client) against an in-process exchange emulator on 127.0.0.1, in manual mode.

An `EmulatedExchange` says what differs between exchanges (the ccxt exchange id, its
symbols and their wire names, the quote asset, the key and secret, the order paths the
network hooks arm, the rate limit, the bar spacing); `EmulatedExchangeHarness` builds
the rest the same way for each, on `emulator_harness.EmulatorHarness` (bars, `drain`,
`TIMEOUT_MS`). `restart()` builds a new `CcxtVenue` on the same key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from tradewind.domain.instrument import Instrument
from tradewind.venues.ccxt import CcxtVenue, CcxtVenueConfig
from tradewind.venues.ccxt.client import build_exchange
from tradewind.venues.ccxt.config import Secret
from tradewind.venues.ccxt.emulator import build_emulator
from tradewind.venues.emulation import EmulatedMarket, MarketSpec, SymbolSpec

from .emulator_faults import OrderPath
from .emulator_harness import TIMEOUT_MS, VOLUME_SHARE, EmulatorHarness, serve_emulator
from .network import WireRequest

__all__ = ["TIMEOUT_MS", "EmulatedExchange", "EmulatedExchangeHarness"]

_STARTING_CASH = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class EmulatedExchange:
    """One exchange as its contract harness sees it.

    Args:
        exchange_id: the ccxt exchange id, also the emulator's dialect.
        symbols: ccxt symbol -> the exchange's wire symbol, in instrument order.
        base_assets: wire symbol -> the emulator's base asset code.
        quote_asset: the emulator's quote asset code, also the account's cash.
        key, secret: the account's credentials at the emulator.
        order_paths: (method, path) of submits and cancels, for the network hooks.
        weight_per_minute: the emulator's rate limit.
        bar_ms: the time between two traded bars.
    """

    exchange_id: str
    symbols: Mapping[str, str]
    base_assets: Mapping[str, str]
    quote_asset: str
    key: str
    secret: str
    order_paths: Mapping[WireRequest, OrderPath]
    weight_per_minute: int
    bar_ms: int = 60_000


def _spec(base: str, quote: str) -> SymbolSpec:
    lot = Decimal("0.001")
    return SymbolSpec(base, quote, Decimal("0.01"), lot, lot, Decimal("0.01"))


def _fast_exchange(config: CcxtVenueConfig) -> Any:
    exchange = build_exchange(config)
    exchange.rateLimit = 1  # the emulator is local; keep the suite quick
    return exchange


class EmulatedExchangeHarness(EmulatorHarness[CcxtVenue]):
    """A `CcxtVenue` on a fresh emulator of `exchange`: 10 bps commission and
    1,000,000 of its quote asset."""

    def __init__(self, exchange: EmulatedExchange) -> None:
        self._exchange = exchange
        cash = {exchange.quote_asset: _STARTING_CASH}
        market = EmulatedMarket(
            {
                wire: _spec(exchange.base_assets[wire], exchange.quote_asset)
                for wire in exchange.symbols.values()
            },
            MarketSpec(
                commission_bps=Decimal(10),
                max_volume_share=VOLUME_SHARE,
                starting_balances=dict(cash),
            ),
        )
        market.add_account(exchange.key, dict(cash))
        served = serve_emulator(
            partial(build_emulator, exchange.exchange_id),
            market,
            {exchange.key: exchange.secret},
            limit_per_minute=exchange.weight_per_minute,
            account=exchange.key,
            order_paths=exchange.order_paths,
            rate_keys=(exchange.key, "127.0.0.1"),
        )
        self._config = CcxtVenueConfig(
            exchange_id=exchange.exchange_id,
            symbols=tuple(exchange.symbols),
            api_key=Secret(exchange.key),
            secret=Secret(exchange.secret),
            endpoint=served.base_url,
            timeout_ms=TIMEOUT_MS,
        )
        wire_symbols = list(exchange.symbols.values())
        super().__init__(market, served.server, served.faults, wire_symbols, bar_ms=exchange.bar_ms)

    def _new_venue(self) -> CcxtVenue:
        return CcxtVenue(self._config, exchange_factory=_fast_exchange)

    def _wire_symbol(self, instrument: Instrument) -> str:
        return self._exchange.symbols[super()._wire_symbol(instrument)]
