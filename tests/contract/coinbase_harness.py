"""The contract harness of the ccxt adapter on Coinbase: `CcxtVenue` (the official ccxt
`coinbase` class) against the in-process Coinbase Advanced Trade emulator on 127.0.0.1,
in manual mode.

Quote USD, products BTC-USD and ETH-USD (`BTC/USD`, `ETH/USD` in ccxt). The market moves
with `EmulatedMarket.trade_bar`; `fillable` becomes the bar's volume
(`fillable / max_volume_share`); `drain` is `venue.sync()` then `venue.drain_events()`.
The key signs with HMAC (Coinbase's legacy key scheme, checked against the wall clock).
The network hooks (`faults`) arm the emulator's faults on `POST orders` and
`POST orders/batch_cancel`; the adapter times out after `TIMEOUT_MS`, well before the
emulator closes a withheld answer. `restart()` builds a new `CcxtVenue` on the same key.
"""

from __future__ import annotations

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

from .emulator_faults import CountingFaults, CountingLimiter, EmulatorFaults
from .network import WireRequest

__all__ = ["TIMEOUT_MS", "CoinbaseHarness"]

_T0_MS = 1_709_562_600_000  # 2024-03-04 14:30 UTC
_BAR_MS = 60_000
_VOLUME_SHARE = Decimal("0.5")
_UNLIMITED_VOLUME = Decimal(10) ** 9
_KEY, _SECRET = "contract-key", "contract-secret"
_SYMBOLS = {"BTC/USD": "BTC-USD", "ETH/USD": "ETH-USD"}
_CASH = {"USD": Decimal(1_000_000)}
_ORDER_PATHS = {
    WireRequest.SUBMIT: ("POST", "/api/v3/brokerage/orders"),
    WireRequest.CANCEL: ("POST", "/api/v3/brokerage/orders/batch_cancel"),
}
# Coinbase allows 1800 weight a minute; the suite's sessions need more, and
# `crowd_rate_limit` makes it tight when a test wants it so.
_WEIGHT_PER_MINUTE = 100_000
TIMEOUT_MS = 1_000
"""The adapter's request timeout: what a lost answer costs a test."""
_HOLD_S = TIMEOUT_MS / 1000 + 1.0


def _spec(base: str) -> SymbolSpec:
    lot = Decimal("0.001")
    return SymbolSpec(base, "USD", Decimal("0.01"), lot, lot, Decimal("0.01"))


def _fast_exchange(config: CcxtVenueConfig) -> Any:
    exchange = build_exchange(config)
    exchange.rateLimit = 1  # the emulator is local; keep the suite quick
    return exchange


class CoinbaseHarness:
    """A `CcxtVenue` on a fresh Coinbase emulator: 10 bps commission, 1,000,000 USD."""

    def __init__(self) -> None:
        self.market = EmulatedMarket(
            {wire: _spec(symbol.split("/")[0]) for symbol, wire in _SYMBOLS.items()},
            MarketSpec(
                commission_bps=Decimal(10),
                max_volume_share=_VOLUME_SHARE,
                starting_balances=dict(_CASH),
            ),
        )
        self.market.add_account(_KEY, dict(_CASH))
        limiter = CountingLimiter(_WEIGHT_PER_MINUTE)
        self.server = build_emulator(
            "coinbase",
            self.market,
            {_KEY: _SECRET},
            faults=CountingFaults(),
            rate_limiter=limiter,
            timeout_hold_s=_HOLD_S,
        )
        base_url = self.server.start()
        self.faults = EmulatorFaults(
            self.server, limiter, self.market, _KEY, _ORDER_PATHS, (_KEY, "127.0.0.1")
        )
        self._config = CcxtVenueConfig(
            exchange_id="coinbase",
            symbols=tuple(_SYMBOLS),
            api_key=Secret(_KEY),
            secret=Secret(_SECRET),
            endpoint=base_url,
            timeout_ms=TIMEOUT_MS,
        )
        self.start_price = Decimal(100)
        self._bar = 0
        p = self.start_price
        for wire in _SYMBOLS.values():
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
        wire = _SYMBOLS[self.venue.session.instruments.symbol_of(instrument.id)]  # type: ignore[union-attr]
        volume = _UNLIMITED_VOLUME if fillable is None else fillable / _VOLUME_SHARE
        self._trade(wire, o, h, l, c, volume)

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
        self.market.trade_bar(wire, _T0_MS + self._bar * _BAR_MS, o, h, l, c, volume)

    def drain(self) -> list[OrderEvent]:
        self.venue.sync()
        return self.venue.drain_events()

    def close(self) -> None:
        for venue in self._adapters:
            venue.disconnect()
        self.server.stop()
