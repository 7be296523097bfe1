"""The contract harness of the Interactive Brokers adapter: `IbVenue` (over ib_async, on
its own event-loop thread) against the in-process TWS emulator on 127.0.0.1, in manual
mode (see `emulator_harness`).

Stocks AAPL and MSFT (tick 0.01, lot 1 share) in a USD margin account of 1,000,000
with IB's fixed commissions; the market clock is Monday 2024-03-04 from 09:30 New York,
so every bar trades in the regular session. A restarted adapter reconnects with the
same client id after the first one closed its connection (TWS refuses a client id in
use, 326).

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

import pytest

from tradewind.domain.identifiers import ClientOrderId
from tradewind.venues.emulation import EmulatedMarket, FaultDecision, FaultKind
from tradewind.venues.ib import IbVenue, IbVenueConfig
from tradewind.venues.ib.emulator import BUNDLED, FAULT_METHOD, MARKET_SPEC, build_emulator
from tradewind.venues.ib.requests import parse_order_ref

from .emulator_faults import CountingFaults, InjectorFaults
from .emulator_harness import HOLD_S, TIMEOUT_MS, VOLUME_SHARE, EmulatorHarness
from .network import WireRequest

__all__ = ["IbHarness"]

_SYMBOLS = ("AAPL", "MSFT")
_MESSAGES = {
    WireRequest.SUBMIT: (FAULT_METHOD, "placeOrder"),
    WireRequest.CANCEL: (FAULT_METHOD, "cancelOrder"),
}
_NO_BUDGET = (
    "TWS has no rolling request budget to crowd: ib_async paces its messages below TWS's "
    "50 per second itself, and the emulator models only injected refusals (error 100)"
)


class _CountingFaults(CountingFaults):
    """The emulator's fault injector, also counting its rate answers (TWS has no limiter:
    an injected refusal is its 429)."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: Counter[int] = Counter()

    def decide(self, method: str, path: str) -> FaultDecision:
        decision = super().decide(method, path)
        self.answers[429 if decision.kind is FaultKind.HTTP429 else 200] += 1
        return decision


class _IbFaults(InjectorFaults):
    """`NetworkFaults` over the IB emulator (see the module docstring)."""

    def __init__(self, injector: _CountingFaults, market: EmulatedMarket, account: str) -> None:
        super().__init__(injector, market, account, _MESSAGES)
        self._answers = injector.answers

    def crowd_rate_limit(self) -> None:
        pytest.skip(_NO_BUDGET)

    def rate_answers(self) -> Mapping[int, int]:
        return dict(self._answers)

    def orders_at_venue(self, client_order_id: ClientOrderId) -> int:
        wanted = str(client_order_id)
        refs = [o.client_order_id.split("/", 3)[-1] for o in self._market.orders(self._account)]
        return sum(parse_order_ref(ref)[0] == wanted for ref in refs)


class IbHarness(EmulatorHarness[IbVenue]):
    """An `IbVenue` on a fresh TWS emulator: AAPL and MSFT, 1,000,000 USD on margin."""

    def __init__(self) -> None:
        spec = dataclasses.replace(MARKET_SPEC, max_volume_share=VOLUME_SHARE)
        market = EmulatedMarket(
            {s: BUNDLED[s].spec for s in _SYMBOLS},
            spec,
            hours={s: BUNDLED[s].hours for s in _SYMBOLS},
        )
        injector = _CountingFaults()
        server = build_emulator(market, {}, faults=injector, timeout_hold_s=HOLD_S)
        server.start()
        faults = _IbFaults(injector, market, server.account)
        self._config = IbVenueConfig(
            symbols=_SYMBOLS, endpoint=f"tws://127.0.0.1:{server.port}", timeout_ms=TIMEOUT_MS
        )
        super().__init__(market, server, faults, _SYMBOLS)

    def _new_venue(self) -> IbVenue:
        return IbVenue(self._config)

    def restart(self) -> IbVenue:
        for previous in self._adapters:
            previous.disconnect()  # TWS refuses a client id still connected
        return super().restart()
