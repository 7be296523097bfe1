"""The contract harness of the simulated venue: the market moves by `on_bar`.

The simulated venue runs in-process: there is no network to fault (`faults` is None),
and the adapter is the venue itself, so `restart()` returns the same object.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tradewind.domain.instrument import Instrument
from tradewind.domain.market import MarketClass
from tradewind.domain.order_events import OrderEvent
from tradewind.execution import CommissionModel
from tradewind.venues.sim import CommissionSpec, SimulatedVenue, SimVenueConfig

from .network import NetworkFaults

__all__ = ["SimHarness"]

_T0 = datetime(2024, 3, 4, 14, 30, tzinfo=UTC)
_VOLUME_SHARE = 0.5


class SimHarness:
    """A `SimulatedVenue` with partial fills on, 10 bps commission and 1,000,000 USD."""

    def __init__(self) -> None:
        self.primary = Instrument.for_symbol("SPY", MarketClass.EQUITIES)
        self.secondary = Instrument.for_symbol("BTC-USD", MarketClass.CRYPTO)
        self.start_price = Decimal(100)
        config = SimVenueConfig(
            commission=CommissionSpec(CommissionModel.BPS, bps=10),
            max_volume_share=_VOLUME_SHARE,
            starting_balances={"USD": 1_000_000},
        )
        self.venue = SimulatedVenue([self.primary, self.secondary], config)
        self._sim = self.venue
        self.faults: NetworkFaults | None = None
        self._bar = 0
        self._events: list[OrderEvent] = []
        p = self.start_price
        for instrument in (self.primary, self.secondary):
            self.move_market(instrument, p, p, p, p)

    def restart(self) -> SimulatedVenue:
        """The same venue: the simulated venue keeps its orders and fills in the adapter
        object, so nothing outlives it to reconnect to; reconnecting it is `connect()`."""
        self._sim.connect()
        return self._sim

    def now(self) -> datetime:
        return _T0 + timedelta(hours=self._bar)

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
        self._bar += 1
        open_ns = int(self.now().timestamp()) * 1_000_000_000
        volume = math.nan if fillable is None else float(fillable) / _VOLUME_SHARE
        prices = (float(o), float(h), float(l), float(c))
        self._events += self._sim.on_bar(instrument.id, open_ns, *prices, volume=volume)

    def drain(self) -> list[OrderEvent]:
        events, self._events = self._events + self._sim.drain_events(), []
        return events

    def close(self) -> None:
        self._sim.disconnect()
