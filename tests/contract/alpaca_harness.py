"""The contract harness of the Alpaca adapter: `AlpacaVenue` (the official alpaca-py
client) against the in-process Alpaca emulator on 127.0.0.1, in manual mode.

Two whole-share US equities, AAPL and MSFT, always open (the market clock never closes
them, so market orders fill at once), one-minute bars from 2024-03-04 14:30 UTC, a
margin account of USD 1,000,000 (leverage 4, shorting allowed), no commission (Alpaca
charges none). `fillable` becomes the bar's volume (`fillable / max_volume_share`);
`drain` is `venue.sync()` then `venue.drain_events()`. The network hooks arm the
emulator's faults on `POST /v2/orders` and `DELETE /v2/orders/`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tradewind.domain.instrument import Instrument
from tradewind.domain.order_events import OrderEvent
from tradewind.domain.timestamps import instant_from_ns
from tradewind.venues.alpaca import AlpacaVenue, AlpacaVenueConfig
from tradewind.venues.alpaca.config import Secret
from tradewind.venues.alpaca.emulator import build_emulator, equity_spec
from tradewind.venues.emulation import EmulatedMarket, MarketSpec

from .emulator_faults import CountingFaults, CountingLimiter, EmulatorFaults
from .network import WireRequest

__all__ = ["AlpacaHarness"]

_T0_MS = 1_709_562_600_000  # 2024-03-04 14:30 UTC, a Monday
_BAR_MS = 60_000
_VOLUME_SHARE = Decimal("0.5")
_UNLIMITED_VOLUME = Decimal(10) ** 9
_CASH = Decimal(1_000_000)
_KEY, _SECRET = "contract-key", "contract-secret"
_SYMBOLS = ("AAPL", "MSFT")
_TIMEOUT_MS = 1_000
_HOLD_S = _TIMEOUT_MS / 1000 + 1.0
_REQUESTS_PER_MINUTE = 200  # Alpaca's


class AlpacaHarness:
    """An `AlpacaVenue` on a fresh Alpaca emulator (see the module docstring)."""

    charges_commission = False
    """Alpaca charges no commission on US equities."""

    def __init__(self) -> None:
        self.market = EmulatedMarket(
            {s: equity_spec(s, fractionable=False) for s in _SYMBOLS},
            MarketSpec(
                commission_bps=Decimal(0),
                max_volume_share=_VOLUME_SHARE,
                starting_balances={"USD": _CASH},
                margin_leverage=Decimal(4),
                closed_market_orders="queue",
            ),
        )
        self.market.add_account(_KEY, {"USD": _CASH})
        limiter = CountingLimiter(_REQUESTS_PER_MINUTE)
        self.server = build_emulator(
            self.market,
            {_KEY: _SECRET},
            faults=CountingFaults(),
            rate_limiter=limiter,
            timeout_hold_s=_HOLD_S,
        )
        base_url = self.server.start()
        self.faults = EmulatorFaults(
            self.server,
            limiter,
            self.market,
            _KEY,
            {
                WireRequest.SUBMIT: ("POST", "/v2/orders"),
                WireRequest.CANCEL: ("DELETE", "/v2/orders/"),
            },
            (_KEY,),
        )
        self._config = AlpacaVenueConfig(
            symbols=_SYMBOLS,
            api_key=Secret(_KEY),
            secret_key=Secret(_SECRET),
            endpoint=base_url,
            timeout_ms=_TIMEOUT_MS,
        )
        self.start_price = Decimal(100)
        self._bar = 0
        p = self.start_price
        for symbol in _SYMBOLS:
            self._trade(symbol, p, p, p, p, _UNLIMITED_VOLUME)
        self._adapters: list[AlpacaVenue] = []
        self.venue = self.restart()
        instruments = self.venue.session.instruments
        assert instruments is not None
        self.primary: Instrument = instruments.all[0]
        self.secondary: Instrument = instruments.all[1]

    def restart(self) -> AlpacaVenue:
        venue = AlpacaVenue(self._config, poll_interval_ms=0)
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
        volume = _UNLIMITED_VOLUME if fillable is None else fillable / _VOLUME_SHARE
        self._trade(instrument.id.symbol, o, h, l, c, volume)

    def _trade(
        self,
        symbol: str,
        o: Decimal,
        h: Decimal,
        l: Decimal,  # noqa: E741
        c: Decimal,
        volume: Decimal,
    ) -> None:
        self._bar += 1
        self.market.trade_bar(symbol, _T0_MS + self._bar * _BAR_MS, o, h, l, c, volume)

    def drain(self) -> list[OrderEvent]:
        self.venue.sync()
        return self.venue.drain_events()

    def close(self) -> None:
        for venue in self._adapters:
            venue.disconnect()
        self.server.stop()
