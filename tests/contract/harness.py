"""What the contract suite needs from each adapter: a harness, and the registry of them.

A harness builds one connected adapter trading two instruments (against the venue's
emulator for a live adapter) and knows how to move that venue's market. The suite
only talks to the adapter through `ExecutionVenue`, and to the market through the
harness. A harness whose adapter reaches its venue over a network also offers the
network hooks (`faults`, see `network.NetworkFaults`: lost answers, dropped
connections, outages, rate limits); every harness can `restart()` its adapter. To add
an adapter, write a harness module beside `sim_harness.py` and add one line to
`HARNESSES`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from tradewind.domain.instrument import Instrument
from tradewind.domain.order_events import OrderEvent
from tradewind.ports.execution import ExecutionVenue

from .alpaca_harness import AlpacaHarness
from .ccxt_harness import CcxtHarness
from .coinbase_harness import CoinbaseHarness
from .ib_harness import IbHarness
from .kraken_harness import KrakenHarness
from .network import NetworkFaults, WireRequest
from .oanda_harness import OandaHarness
from .sim_harness import SimHarness

__all__ = ["HARNESSES", "NetworkFaults", "VenueHarness", "WireRequest"]


class VenueHarness(Protocol):
    """One adapter under test and the market it trades in.

    Both instruments start flat, with one bar traded at `start_price` (a price on
    their tick grid), so orders can be valued and market orders are not first.
    """

    @property
    def venue(self) -> ExecutionVenue:
        """The connected adapter under test."""
        ...

    @property
    def primary(self) -> Instrument: ...

    @property
    def secondary(self) -> Instrument: ...

    @property
    def start_price(self) -> Decimal: ...

    @property
    def faults(self) -> NetworkFaults | None:
        """The network between adapter and venue (`network.NetworkFaults`); None when
        the adapter has none (the simulated venue is in-process)."""
        ...

    def now(self) -> datetime:
        """The venue's current instant: what new orders are stamped with."""
        ...

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
        """Trade one bar with these prices; at most `fillable` of resting orders fills
        (None: no limit). Working orders react before this returns."""
        ...

    def drain(self) -> list[OrderEvent]:
        """Every event since the last drain, once each, after the adapter settled."""
        ...

    def restart(self) -> ExecutionVenue:
        """A fresh adapter on the same venue account, connected, as a restarted process
        would build it; it becomes `venue`. The previous adapter is left as it was, so a
        test can compare the two. The simulated venue is the venue itself (there is no
        account behind it to reconnect to), so its harness returns the same object."""
        ...

    def close(self) -> None:
        """Disconnect every adapter built and stop anything the harness started."""
        ...


HARNESSES: dict[str, Callable[[], VenueHarness]] = {
    "sim": SimHarness,
    "alpaca": AlpacaHarness,
    "ccxt": CcxtHarness,
    "ccxt-kraken": KrakenHarness,
    "ccxt-coinbase": CoinbaseHarness,
    "ib": IbHarness,
    "oanda": OandaHarness,
}
"""Harness factories by adapter name; the suite runs once per entry."""
