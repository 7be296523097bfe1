"""What the ccxt adapter's contract harnesses share: `CcxtVenue` (the official ccxt
client) against an in-process exchange emulator on 127.0.0.1, in manual mode.

An `EmulatedExchange` says what differs between exchanges (the ccxt exchange id, its
symbols and their wire names, the quote asset, the key and secret, the order paths the
network hooks arm, the rate limit, the bar spacing); `EmulatedExchangeHarness` builds
the rest the same way for each. The market moves with `EmulatedMarket.trade_bar`;
`fillable` becomes the bar's volume (`fillable / max_volume_share`); `drain` is
`venue.sync()` then `venue.drain_events()`. The adapter times out after `TIMEOUT_MS`,
well before the emulator closes a withheld answer. `restart()` builds a new
`CcxtVenue` on the same key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from tradewind.domain.instrument import Instrument
from tradewind.domain.order_events import OrderEvent
from tradewind.domain.timestamps import instant_from_ns
from tradewind.venues.ccxt import CcxtVenue, CcxtVenueConfig
from tradewind.venues.ccxt.client import build_exchange
from tradewind.venues.ccxt.config import Secret
from tradewind.venues.ccxt.emulator import build_emulator
from tradewind.venues.emulation import EmulatedMarket, MarketSpec, SymbolSpec

from .emulator_faults import CountingFaults, CountingLimiter, EmulatorFaults, OrderPath
from .network import WireRequest

__all__ = ["TIMEOUT_MS", "EmulatedExchange", "EmulatedExchangeHarness"]

_T0_MS = 1_709_562_600_000  # 2024-03-04 14:30 UTC
_VOLUME_SHARE = Decimal("0.5")
_UNLIMITED_VOLUME = Decimal(10) ** 9
_STARTING_CASH = Decimal(1_000_000)
TIMEOUT_MS = 1_000
"""The adapter's request timeout: what a lost answer costs a test."""
_HOLD_S = TIMEOUT_MS / 1000 + 1.0


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


class EmulatedExchangeHarness:
    """A `CcxtVenue` on a fresh emulator of `exchange`: 10 bps commission and
    1,000,000 of its quote asset."""

    def __init__(self, exchange: EmulatedExchange) -> None:
        self._exchange = exchange
        cash = {exchange.quote_asset: _STARTING_CASH}
        self.market = EmulatedMarket(
            {
                wire: _spec(exchange.base_assets[wire], exchange.quote_asset)
                for wire in exchange.symbols.values()
            },
            MarketSpec(
                commission_bps=Decimal(10),
                max_volume_share=_VOLUME_SHARE,
                starting_balances=dict(cash),
            ),
        )
        self.market.add_account(exchange.key, dict(cash))
        limiter = CountingLimiter(exchange.weight_per_minute)
        self.server = build_emulator(
            exchange.exchange_id,
            self.market,
            {exchange.key: exchange.secret},
            faults=CountingFaults(),
            rate_limiter=limiter,
            timeout_hold_s=_HOLD_S,
        )
        base_url = self.server.start()
        self.faults = EmulatorFaults(
            self.server,
            limiter,
            self.market,
            exchange.key,
            exchange.order_paths,
            (exchange.key, "127.0.0.1"),
        )
        self._config = CcxtVenueConfig(
            exchange_id=exchange.exchange_id,
            symbols=tuple(exchange.symbols),
            api_key=Secret(exchange.key),
            secret=Secret(exchange.secret),
            endpoint=base_url,
            timeout_ms=TIMEOUT_MS,
        )
        self.start_price = Decimal(100)
        self._bar = 0
        p = self.start_price
        for wire in exchange.symbols.values():
            self._trade(wire, p, p, p, p, _UNLIMITED_VOLUME)
        self._adapters: list[CcxtVenue] = []
        self.venue = self.restart()
        instruments = self.venue.session.instruments
        assert instruments is not None
        self.primary: Instrument = instruments.all[0]
        self.secondary: Instrument = instruments.all[1]

    def restart(self) -> CcxtVenue:
        venue = CcxtVenue(self._config, exchange_factory=_fast_exchange)
        venue.connect()
        self._adapters.append(venue)
        self.venue = venue
        return venue

    def now(self) -> datetime:
        return instant_from_ns(self.market.now_ms * 1_000_000)

    def move_market(
        self,
        instrument: Instrument,
        o: Decimal,
        h: Decimal,
        l: Decimal,  # noqa: E741
        c: Decimal,
        *,
        fillable: Decimal | None = None,
    ) -> None:
        symbol = self.venue.session.instruments.symbol_of(instrument.id)  # type: ignore[union-attr]
        volume = _UNLIMITED_VOLUME if fillable is None else fillable / _VOLUME_SHARE
        self._trade(self._exchange.symbols[symbol], o, h, l, c, volume)

    def _trade(
        self,
        wire: str,
        o: Decimal,
        h: Decimal,
        l: Decimal,  # noqa: E741
        c: Decimal,
        volume: Decimal,
    ) -> None:
        self._bar += 1
        ts_ms = _T0_MS + self._bar * self._exchange.bar_ms
        self.market.trade_bar(wire, ts_ms, o, h, l, c, volume)

    def drain(self) -> list[OrderEvent]:
        self.venue.sync()
        return self.venue.drain_events()

    def close(self) -> None:
        for venue in self._adapters:
            venue.disconnect()
        self.server.stop()
