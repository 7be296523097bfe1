"""What every contract harness whose venue is an in-process emulator shares: the ccxt
exchanges (`ccxt_exchange_harness`), Alpaca, Interactive Brokers and OANDA.

A subclass builds the emulated market, starts its emulator on 127.0.0.1, builds the
network hooks (`faults`; `serve_emulator` does both for an HTTP emulator) and its
adapter's config, then calls `EmulatorHarness.__init__`, which trades one bar at
`start_price` (100) for each wire symbol, connects the first adapter (`_new_venue`) and
takes `primary` and `secondary` from its instruments, in order. The market moves with
`EmulatedMarket.trade_bar`, a bar every `bar_ms` after 2024-03-04 14:30 UTC (a Monday,
09:30 New York); `fillable` becomes the bar's volume (`fillable / VOLUME_SHARE`, the
market's `max_volume_share`); `drain` is `venue.sync()` then `venue.drain_events()`. The
adapter times out after `TIMEOUT_MS`, well before the emulator closes a withheld answer
(`HOLD_S`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order_events import OrderEvent
from tradewind.domain.timestamps import instant_from_ns
from tradewind.venues.emulation import EmulatedMarket, EmulatorServer

from .emulator_faults import CountingFaults, CountingLimiter, EmulatorFaults, OrderPath
from .network import NetworkFaults, WireRequest

__all__ = [
    "HOLD_S",
    "TIMEOUT_MS",
    "VOLUME_SHARE",
    "EmulatedVenue",
    "EmulatorHarness",
    "ServedEmulator",
    "serve_emulator",
]

_T0_MS = 1_709_562_600_000  # Monday 2024-03-04 14:30 UTC = 09:30 New York
_UNLIMITED_VOLUME = Decimal(10) ** 9
VOLUME_SHARE = Decimal("0.5")
"""The share of a bar's volume resting orders may fill (the market's `max_volume_share`)."""
TIMEOUT_MS = 1_000
"""The adapter's request timeout: what a lost answer costs a test."""
HOLD_S = TIMEOUT_MS / 1000 + 1.0
"""How long the emulator withholds an answer armed to time out."""


@dataclass(frozen=True, slots=True)
class ServedEmulator:
    """A started HTTP emulator, where it listens, and the network hooks over it."""

    server: EmulatorServer
    base_url: str
    faults: EmulatorFaults


def serve_emulator(
    build: Callable[..., EmulatorServer],
    market: EmulatedMarket,
    credentials: Mapping[str, str],
    *,
    limit_per_minute: int,
    account: str,
    order_paths: Mapping[WireRequest, OrderPath],
    rate_keys: Sequence[str],
    faults_type: type[EmulatorFaults] = EmulatorFaults,
) -> ServedEmulator:
    """Build an emulator with `build(market, credentials, ...)` (a venue's `build_emulator`),
    counting its faults and its rate limiter's answers, and start it on 127.0.0.1.

    Args:
        limit_per_minute: the rate limiter's budget.
        account, order_paths, rate_keys: as `EmulatorFaults` takes them.
        faults_type: the `EmulatorFaults` to build (a venue whose wire client ids differ
            from the domain's counts its orders its own way).
    """
    limiter = CountingLimiter(limit_per_minute)
    server = build(
        market,
        credentials,
        faults=CountingFaults(),
        rate_limiter=limiter,
        timeout_hold_s=HOLD_S,
    )
    base_url = server.start()
    faults = faults_type(server, limiter, market, account, order_paths, rate_keys)
    return ServedEmulator(server, base_url, faults)


class _Instruments(Protocol):
    @property
    def all(self) -> Sequence[Instrument]: ...

    def symbol_of(self, instrument_id: InstrumentId, /) -> str: ...


class _Session(Protocol):
    @property
    def instruments(self) -> _Instruments | None: ...


class _Server(Protocol):
    def stop(self) -> None: ...


class EmulatedVenue(Protocol):
    """What the base needs of an adapter (each live adapter has it)."""

    @property
    def session(self) -> _Session: ...

    def connect(self) -> None: ...

    def disconnect(self) -> None: ...

    def sync(self) -> None: ...

    def drain_events(self) -> list[OrderEvent]: ...


V = TypeVar("V", bound=EmulatedVenue)


class EmulatorHarness(Generic[V]):
    """An adapter on a running emulator (see the module docstring).

    Args:
        market: the emulated market the emulator serves.
        server: the running emulator; `close()` stops it.
        faults: the network hooks over that emulator.
        wire_symbols: the emulator's symbols, each traded one bar at `start_price`.
        bar_ms: the time between two traded bars.
    """

    def __init__(
        self,
        market: EmulatedMarket,
        server: _Server,
        faults: NetworkFaults,
        wire_symbols: Sequence[str],
        *,
        bar_ms: int = 60_000,
    ) -> None:
        self.market = market
        self.server = server
        self.faults = faults
        self.start_price = Decimal(100)
        self._bar_ms = bar_ms
        self._bar = 0
        p = self.start_price
        for wire in wire_symbols:
            self._trade(wire, p, p, p, p, _UNLIMITED_VOLUME)
        self._adapters: list[V] = []
        self.venue: V = self.restart()
        instruments = self._instruments()
        self.primary: Instrument = instruments.all[0]
        self.secondary: Instrument = instruments.all[1]

    def _new_venue(self) -> V:
        """A new, unconnected adapter on the emulator."""
        raise NotImplementedError

    def _close_venue(self, venue: V) -> None:
        """Let go of one adapter the harness built."""
        venue.disconnect()

    def _wire_symbol(self, instrument: Instrument) -> str:
        """The emulator's symbol of `instrument` (the adapter's venue symbol by default)."""
        return self._instruments().symbol_of(instrument.id)

    def _instruments(self) -> _Instruments:
        instruments = self.venue.session.instruments
        if instruments is None:
            raise RuntimeError("the harness's adapter has not loaded its instruments")
        return instruments

    def restart(self) -> V:
        venue = self._new_venue()
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
        volume = _UNLIMITED_VOLUME if fillable is None else fillable / VOLUME_SHARE
        self._trade(self._wire_symbol(instrument), o, h, l, c, volume)

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
        self.market.trade_bar(wire, _T0_MS + self._bar * self._bar_ms, o, h, l, c, volume)

    def drain(self) -> list[OrderEvent]:
        self.venue.sync()
        return self.venue.drain_events()

    def close(self) -> None:
        for venue in self._adapters:
            self._close_venue(venue)
        self.server.stop()
