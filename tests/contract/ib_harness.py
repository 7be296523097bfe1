"""The contract harness of the Interactive Brokers adapter: `IbVenue` (over ib_async, on
its own event-loop thread) against the in-process TWS emulator on 127.0.0.1, in manual
mode.

Stocks AAPL and MSFT (tick 0.01, lot 1 share) in a USD margin account of 1,000,000
with IB's fixed commissions; the market clock is Monday 2024-03-04 from 09:30 New York,
so every bar trades in the regular session. `fillable` becomes the bar's volume
(`fillable / max_volume_share`); `drain` is `venue.sync()` then `venue.drain_events()`.
A restarted adapter reconnects with the same client id after the first one closed its
connection (TWS refuses a client id in use, 326).

The network hooks arm the emulator's faults on the TWS messages `placeOrder` and
`cancelOrder`: a timeout is carried out and never answered, a drop closes the socket, a
rate limit is TWS's error 100 to the request. TWS has no rolling request budget to
crowd (ib_async paces its messages below TWS's 50 per second itself), so the two
burst tests skip, saying so.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

import pytest

from tradewind.domain.identifiers import ClientOrderId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order_events import OrderEvent
from tradewind.domain.timestamps import instant_from_ns
from tradewind.venues.emulation import EmulatedMarket, FaultDecision, FaultInjector, FaultKind
from tradewind.venues.ib import IbVenue, IbVenueConfig
from tradewind.venues.ib.emulator import BUNDLED, FAULT_METHOD, MARKET_SPEC, build_emulator
from tradewind.venues.ib.requests import parse_order_ref

from .network import WireRequest

__all__ = ["IbHarness"]

_T0_MS = 1_709_562_600_000  # Monday 2024-03-04 14:30 UTC = 09:30 New York
_BAR_MS = 60_000
_SYMBOLS = ("AAPL", "MSFT")
_VOLUME_SHARE = Decimal("0.5")
_UNLIMITED_VOLUME = Decimal(10) ** 9
TIMEOUT_MS = 1_000
_HOLD_S = TIMEOUT_MS / 1000 + 1.0
_MESSAGES = {WireRequest.SUBMIT: "placeOrder", WireRequest.CANCEL: "cancelOrder"}
_NEVER_ENDING = 10**9
_NO_BUDGET = (
    "TWS has no rolling request budget to crowd: ib_async paces its messages below TWS's "
    "50 per second itself, and the emulator models only injected refusals (error 100)"
)


class _CountingFaults(FaultInjector):
    """The emulator's fault injector, counting what it delivered and its rate answers."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered: Counter[str] = Counter()
        self.answers: Counter[int] = Counter()

    def decide(self, method: str, path: str) -> FaultDecision:
        decision = super().decide(method, path)
        if decision.kind is not None:
            self.delivered[decision.kind.value] += 1
        self.answers[429 if decision.kind is FaultKind.HTTP429 else 200] += 1
        return decision


class _IbFaults:
    """`NetworkFaults` over the IB emulator (see the module docstring)."""

    def __init__(self, injector: _CountingFaults, market: EmulatedMarket, account: str) -> None:
        self._injector = injector
        self._market = market
        self._account = account

    def arm_timeout(self, request: WireRequest) -> None:
        self._arm(FaultKind.TIMEOUT, request)

    def arm_drop(self, request: WireRequest) -> None:
        self._arm(FaultKind.DROP, request)

    def arm_rate_limit(self, request: WireRequest) -> None:
        self._arm(FaultKind.HTTP429, request)

    def sever(self) -> None:
        self._injector.arm(FaultKind.DROP, count=_NEVER_ENDING)

    def restore(self) -> None:
        self._injector.disarm()

    def crowd_rate_limit(self) -> None:
        pytest.skip(_NO_BUDGET)

    def delivered(self) -> Mapping[str, int]:
        return dict(self._injector.delivered)

    def rate_answers(self) -> Mapping[int, int]:
        return dict(self._injector.answers)

    def orders_at_venue(self, client_order_id: ClientOrderId) -> int:
        wanted = str(client_order_id)
        refs = [o.client_order_id.split("/", 3)[-1] for o in self._market.orders(self._account)]
        return sum(parse_order_ref(ref)[0] == wanted for ref in refs)

    def _arm(self, kind: FaultKind, request: WireRequest) -> None:
        self._injector.arm(kind, path_prefix=_MESSAGES[request], method=FAULT_METHOD)


class IbHarness:
    """An `IbVenue` on a fresh TWS emulator: AAPL and MSFT, 1,000,000 USD on margin."""

    def __init__(self) -> None:
        spec = dataclasses.replace(MARKET_SPEC, max_volume_share=_VOLUME_SHARE)
        self.market = EmulatedMarket(
            {s: BUNDLED[s].spec for s in _SYMBOLS},
            spec,
            hours={s: BUNDLED[s].hours for s in _SYMBOLS},
        )
        injector = _CountingFaults()
        self.server = build_emulator(self.market, {}, faults=injector, timeout_hold_s=_HOLD_S)
        self.server.start()
        self.faults = _IbFaults(injector, self.market, self.server.account)
        self._config = IbVenueConfig(
            symbols=_SYMBOLS, endpoint=f"tws://127.0.0.1:{self.server.port}", timeout_ms=TIMEOUT_MS
        )
        self.start_price = Decimal(100)
        self._bar = 0
        p = self.start_price
        for symbol in _SYMBOLS:
            self._trade(symbol, p, p, p, p, _UNLIMITED_VOLUME)
        self._adapters: list[IbVenue] = []
        self.venue = self.restart()
        instruments = self.venue.session.instruments
        assert instruments is not None
        self.primary: Instrument = instruments.all[0]
        self.secondary: Instrument = instruments.all[1]

    def restart(self) -> IbVenue:
        for previous in self._adapters:
            previous.disconnect()  # TWS refuses a client id still connected
        venue = IbVenue(self._config)
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
        low: Decimal,
        c: Decimal,
        volume: Decimal,
    ) -> None:
        self._bar += 1
        self.market.trade_bar(symbol, _T0_MS + self._bar * _BAR_MS, o, h, low, c, volume)

    def drain(self) -> list[OrderEvent]:
        self.venue.sync()
        return self.venue.drain_events()

    def close(self) -> None:
        for venue in self._adapters:
            venue.disconnect()
        self.server.stop()
