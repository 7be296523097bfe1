"""The contract harness of the OANDA v20 adapter: `OandaVenue` over its own httpx client
against the in-process OANDA emulator on 127.0.0.1, in manual mode.

Instruments EUR_USD and GBP_USD on a 0.00001 grid (whole units), both started at 100
(a made-up level, so the suite's absolute price steps stay positive); the account is
the emulator's 50:1 margin account in USD with 1,000,000. The market keeps forex hours
and the bars are traded on a Monday afternoon (open). The network hooks (`faults`) arm
the emulator's faults on the order paths; its limiter is the toolkit's per-minute one,
charged per token.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tradewind.domain.instrument import Instrument
from tradewind.domain.order_events import OrderEvent
from tradewind.domain.secret import Secret
from tradewind.domain.timestamps import instant_from_ns
from tradewind.venues.emulation import EmulatedMarket, MarketSpec, SymbolSpec
from tradewind.venues.emulation.hours import FOREX_HOURS
from tradewind.venues.oanda import OandaVenue, OandaVenueConfig
from tradewind.venues.oanda.emulator import build_emulator

from .emulator_faults import CountingFaults, CountingLimiter, EmulatorFaults
from .network import WireRequest

__all__ = ["OandaHarness"]

_T0_MS = 1_709_562_600_000  # Monday 2024-03-04 14:30 UTC: forex is open
_BAR_MS = 60_000
_TOKEN = "contract-oanda-token"
_ACCOUNT = "101-001-0000000-001"
_SYMBOLS = ("EUR_USD", "GBP_USD")
_VOLUME_SHARE = Decimal("0.5")
_UNLIMITED_VOLUME = Decimal(10) ** 9
TIMEOUT_MS = 1_000
_HOLD_S = TIMEOUT_MS / 1000 + 1.0


def _spec(base: str) -> SymbolSpec:
    one = Decimal(1)
    return SymbolSpec(base, "USD", Decimal("0.00001"), one, one, Decimal(0))


class OandaHarness:
    """An `OandaVenue` on a fresh OANDA emulator (1,000,000 USD, 50:1 margin)."""

    cash_moves_by_notional = False
    """A margin account: the balance moves by realized P&L, not by what was bought."""
    charges_commission = False
    """OANDA's cost is in the spread (the emulator fills at the mid, no commission)."""

    def __init__(self) -> None:
        cash = {"USD": Decimal(1_000_000)}
        self.market = EmulatedMarket(
            {symbol: _spec(symbol[:3]) for symbol in _SYMBOLS},
            MarketSpec(
                max_volume_share=_VOLUME_SHARE,
                starting_balances=dict(cash),
                margin_leverage=Decimal(50),
                closed_market_orders="reject",
            ),
            hours=dict.fromkeys(_SYMBOLS, FOREX_HOURS),
        )
        self.market.add_account(_ACCOUNT, dict(cash))
        limiter = CountingLimiter(100_000)
        self.server = build_emulator(
            self.market,
            {_TOKEN: _ACCOUNT},
            faults=CountingFaults(),
            rate_limiter=limiter,
            timeout_hold_s=_HOLD_S,
        )
        base_url = self.server.start()
        orders = f"/v3/accounts/{_ACCOUNT}/orders"
        self.faults = EmulatorFaults(
            self.server,
            limiter,
            self.market,
            _ACCOUNT,
            {WireRequest.SUBMIT: ("POST", orders), WireRequest.CANCEL: ("PUT", f"{orders}/")},
            (_TOKEN,),
        )
        self._config = OandaVenueConfig(
            symbols=_SYMBOLS,
            token=Secret(_TOKEN),
            account_id=_ACCOUNT,
            endpoint=base_url,
            timeout_ms=TIMEOUT_MS,
        )
        self.start_price = Decimal(100)
        self._bar = 0
        p = self.start_price
        for symbol in _SYMBOLS:
            self._trade(symbol, p, p, p, p, _UNLIMITED_VOLUME)
        self._adapters: list[OandaVenue] = []
        self.venue = self.restart()
        instruments = self.venue.session.instruments
        assert instruments is not None
        self.primary: Instrument = instruments.all[0]
        self.secondary: Instrument = instruments.all[1]

    def restart(self) -> OandaVenue:
        venue = OandaVenue(self._config)
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
        self._trade(symbol, o, h, l, c, volume)

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
            venue.session.close()
        self.server.stop()
