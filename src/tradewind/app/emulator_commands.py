"""`tradewind emulate`: an exchange emulator replaying the bundled crypto data.

Each exchange's symbols map to bundled series, each at its finest bundled timeframe:
binance BTCUSDT / ETHUSDT / LTCUSDT (USD treated as USDT) and kraken XXBTZUSD /
XETHZUSD / XLTCZUSD, from crypto/BTC-USD, ETH-USD and LTC-USD. A dialect that lists
its own (`bundled_symbols`, `default_balances`) is taken at its word; binance's live in
this module. Default balances: binance USDT=1000000, kraken ZUSD=1000000. The replay
starts (by default) at the latest first-bar close among the chosen symbols, so every
symbol has a price, and runs at `speed` market seconds per wall second.
Accepted credentials: `TRADEWIND_EMULATOR_API_KEY` / `TRADEWIND_EMULATOR_SECRET`, default
"rehearsal-key" and the secret "rehearsal-secret" (binance) or its base64 text
"cmVoZWFyc2FsLXNlY3JldA==" (kraken, whose secrets are base64). Not real credentials:
the emulator is loopback only.
"""

from __future__ import annotations

import base64
import dataclasses
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from types import FrameType
from typing import Protocol

from tradewind.app.broker_emulators import BROKER_EMULATORS, BrokerEmulator, broker_emulator
from tradewind.app.emulator_options import (
    EmulatorOptionError,
    bundled_path,
    load_state_option,
    parse_balances,
    parse_faults,
    parse_symbols,
    start_ms,
)
from tradewind.venues.ccxt.emulator import DIALECTS, build_emulator
from tradewind.venues.emulation import (
    EmulatedMarket,
    FaultInjector,
    MarketSpec,
    PricePath,
    ReplayClock,
    ReplayFeed,
    SymbolSpec,
)
from tradewind.venues.emulation.state import (
    restore_state,
    save_state,
)

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_SECRET",
    "BundledSymbols",
    "EmulateOptions",
    "EmulatorOptionError",
    "RunningEmulator",
    "default_secret",
    "exchange_defaults",
    "run_emulator",
    "start_emulator",
]

DEFAULT_API_KEY = "rehearsal-key"
DEFAULT_SECRET = "rehearsal-secret"
_ACTIVITY_EVERY_S = 60.0
# Exchanges whose secrets are base64 text (the default secret is encoded for them).
_BASE64_SECRETS = frozenset({"kraken"})

# venue symbol -> (bundled series, spec); ticks and lots as Binance lists them.
_BINANCE_BUNDLED: dict[str, tuple[str, SymbolSpec]] = {
    "BTCUSDT": (
        "BTC-USD",
        SymbolSpec(
            "BTC", "USDT", Decimal("0.01"), Decimal("0.00001"), Decimal("0.00001"), Decimal("5")
        ),
    ),
    "ETHUSDT": (
        "ETH-USD",
        SymbolSpec(
            "ETH", "USDT", Decimal("0.01"), Decimal("0.0001"), Decimal("0.0001"), Decimal("5")
        ),
    ),
    "LTCUSDT": (
        "LTC-USD",
        SymbolSpec(
            "LTC", "USDT", Decimal("0.01"), Decimal("0.001"), Decimal("0.001"), Decimal("5")
        ),
    ),
}


@dataclass(frozen=True, slots=True)
class BundledSymbols:
    """What an exchange's emulator serves by default.

    Attributes:
        symbols: venue symbol -> (bundled crypto series, its `SymbolSpec`).
        balances: each new account's starting balances, by the venue's asset code.
    """

    symbols: Mapping[str, tuple[str, SymbolSpec]]
    balances: Mapping[str, Decimal]


# Dialects that do not list their own bundled symbols and balances.
_FALLBACK: dict[str, BundledSymbols] = {
    "binance": BundledSymbols(_BINANCE_BUNDLED, {"USDT": Decimal("1000000")}),
}


def exchange_defaults(exchange: str) -> BundledSymbols:
    """The bundled symbols and default balances of `exchange`'s emulator.

    Raises:
        EmulatorOptionError: no dialect, or no bundled symbols, for `exchange`.
    """
    dialect = DIALECTS.get(exchange)
    if dialect is None:
        raise EmulatorOptionError(
            f"exchange {exchange!r}: expected one of {', '.join(emulated_venues())}"
        )
    symbols = getattr(dialect, "bundled_symbols", None)
    balances = getattr(dialect, "default_balances", None)
    if symbols and balances is not None:
        return BundledSymbols(dict(symbols), dict(balances))
    fallback = _FALLBACK.get(exchange)
    if fallback is None:
        raise EmulatorOptionError(
            f"exchange {exchange!r}: its emulator lists no bundled symbols to replay"
        )
    return fallback


def emulated_venues() -> list[str]:
    """Every venue `tradewind emulate` speaks: the crypto exchanges, then the brokers."""
    return [*sorted(DIALECTS), *BROKER_EMULATORS]


def default_secret(exchange: str) -> str:
    """The secret accepted when `TRADEWIND_EMULATOR_SECRET` is unset (see the module)."""
    if exchange in _BASE64_SECRETS:
        return base64.b64encode(DEFAULT_SECRET.encode()).decode()
    return DEFAULT_SECRET


@dataclass(frozen=True, slots=True)
class EmulateOptions:
    """The options of `tradewind emulate` (texts as typed; parsed by `start_emulator`)."""

    exchange: str = "binance"
    port: int = 0
    symbols: str | None = None
    speed: float = 1.0
    start: str | None = None
    faults: str | None = None
    seed: int = 0
    state: Path | None = None
    balances: str | None = None
    """ASSET=AMOUNT,...; None: the exchange's default balances."""


class ServedEmulator(Protocol):
    """What `tradewind emulate` needs of a started emulator server (HTTP or IB's socket)."""

    @property
    def base_url(self) -> str: ...

    @property
    def port(self) -> int: ...

    @property
    def requests(self) -> Mapping[str, int]:
        """Requests served so far, by path or message."""
        ...

    def start(self) -> str:
        """Listen; returns the base URL. Raises OSError when the port is taken."""
        ...

    def stop(self) -> None: ...


@dataclass
class RunningEmulator:
    """A started emulator; `stop()` saves the state (when asked) and closes the server."""

    server: ServedEmulator
    market: EmulatedMarket
    clock: ReplayClock
    feed: ReplayFeed
    state_path: Path | None
    _stopped: bool = field(default=False)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        self.server.stop()
        if self.state_path is not None:
            self.feed.sync()
            save_state(self.state_path, self.clock, self.market)


def start_emulator(options: EmulateOptions) -> RunningEmulator:
    """Build and start the emulator; raises EmulatorOptionError for a bad option."""
    if not options.speed > 0:
        raise EmulatorOptionError(f"--speed: expected a number > 0, got {options.speed}")
    broker = broker_emulator(options.exchange)
    if broker is not None:
        return _start_broker(options, broker)
    defaults = exchange_defaults(options.exchange)
    bundled = defaults.symbols
    symbols = parse_symbols(options.symbols, bundled)
    faults = FaultInjector(parse_faults(options.faults), seed=options.seed)
    paths = [bundled_path(s, *bundled[s]) for s in symbols]
    specs = {s: bundled[s][1] for s in symbols}
    balances = (
        dict(defaults.balances) if options.balances is None else parse_balances(options.balances)
    )
    market = EmulatedMarket(specs, MarketSpec(starting_balances=balances))
    clock, feed = _replay(market, paths, options)
    key = os.environ.get("TRADEWIND_EMULATOR_API_KEY") or DEFAULT_API_KEY
    secret = os.environ.get("TRADEWIND_EMULATOR_SECRET") or default_secret(options.exchange)
    try:
        server = build_emulator(
            options.exchange,
            market,
            {key: secret},
            feed=feed,
            faults=faults,
            base_interval_ms={p.symbol: p.interval_ms for p in paths},
            port=options.port,
        )
    except ValueError as exc:  # e.g. a TRADEWIND_EMULATOR_SECRET the exchange cannot use
        raise EmulatorOptionError(f"TRADEWIND_EMULATOR_SECRET: {exc}") from None
    return _started(server, market, clock, feed, options)


def _start_broker(options: EmulateOptions, broker: BrokerEmulator) -> RunningEmulator:
    """`start_emulator` for a forex or stocks broker (oanda, alpaca, ib)."""
    bundled = broker.bundled
    symbols = parse_symbols(options.symbols, bundled)
    faults = FaultInjector(parse_faults(options.faults), seed=options.seed)
    paths = [
        bundled_path(s, bundled[s].series, bundled[s].spec, market=bundled[s].market, on_tick=False)
        for s in symbols
    ]
    balances = (
        dict(broker.default_balances)
        if options.balances is None
        else parse_balances(options.balances)
    )
    specs = {  # a close-only series has no volume to cap fills with
        p.symbol: dataclasses.replace(bundled[p.symbol].spec, volume_known=any(p.volume))
        for p in paths
    }
    market = EmulatedMarket(
        specs,
        dataclasses.replace(broker.market_spec, starting_balances=balances),
        hours={s: bundled[s].hours for s in symbols},
    )
    clock, feed = _replay(market, paths, options)
    server = broker.build(market, feed=feed, faults=faults, port=options.port)
    return _started(server, market, clock, feed, options)


def _replay(
    market: EmulatedMarket, paths: list[PricePath], options: EmulateOptions
) -> tuple[ReplayClock, ReplayFeed]:
    """The replay of `paths` into `market`: from `--start`, or continued from `--state`."""
    state = load_state_option(options.state)
    clock = (
        state.clock()
        if state is not None
        else ReplayClock(start_ms(options.start, paths), options.speed)
    )
    feed = ReplayFeed(market, clock, paths)
    if state is not None:
        restore_state(state, market, feed)
    return clock, feed


def _started(
    server: ServedEmulator,
    market: EmulatedMarket,
    clock: ReplayClock,
    feed: ReplayFeed,
    options: EmulateOptions,
) -> RunningEmulator:
    """Start `server` listening; raises EmulatorOptionError when the port is taken."""
    try:
        server.start()
    except OSError as exc:
        raise EmulatorOptionError(
            f"--port {options.port}: cannot listen on 127.0.0.1 ({exc.strerror or exc})"
        ) from None
    feed.sync()
    return RunningEmulator(server, market, clock, feed, options.state)


def run_emulator(
    options: EmulateOptions,
    echo: Callable[[str], None],
    stop_event: threading.Event | None = None,
) -> int:
    """Serve until SIGINT / SIGTERM (or `stop_event`), then stop cleanly; returns 0.

    Prints `listening on <url>` once serving, then at most one activity line a minute,
    and what it served when it stops.
    """
    stop = stop_event or threading.Event()
    running = start_emulator(options)
    previous = _install_signal_handlers(stop)
    try:
        echo(f"listening on {_address(running.base_url)}")
        _serve_until(stop, running, echo)
    finally:
        _restore_signal_handlers(previous)
        running.stop()
    echo(_served(running))
    return 0


def _address(base_url: str) -> str:
    """An HTTP emulator's base URL, or a socket emulator's `host:port` (IB's TWS API)."""
    return base_url if base_url.startswith("http") else base_url.split("://", 1)[-1]


def _served(running: RunningEmulator) -> str:
    """`stopped: served N requests (top paths); N orders, N trades; market time T`."""
    requests = _requests(running)
    top = ", ".join(f"{path} {n}" for path, n in requests.most_common(3)) or "none"
    orders = sum(len(running.market.orders(a)) for a in running.market.accounts())
    trades = sum(len(running.market.trades(a)) for a in running.market.accounts())
    market_now = datetime.fromtimestamp(running.market.now_ms / 1000, tz=UTC)
    return (
        f"stopped: served {sum(requests.values())} requests ({top}); {orders} orders, "
        f"{trades} trades; market time {market_now:%Y-%m-%d %H:%M}"
    )


def _requests(running: RunningEmulator) -> Counter[str]:
    """Requests served so far by path (or message), grouped where the server groups
    them (a broker's order ids under one path)."""
    served = getattr(running.server, "served", None)
    return Counter(served() if callable(served) else running.server.requests)


def _serve_until(
    stop: threading.Event, running: RunningEmulator, echo: Callable[[str], None]
) -> None:
    seen: Counter[str] = Counter()
    next_report = time.monotonic() + _ACTIVITY_EVERY_S
    while not stop.wait(1.0):
        if time.monotonic() < next_report:
            continue
        next_report = time.monotonic() + _ACTIVITY_EVERY_S
        now = _requests(running)
        fresh = now - seen
        seen = now
        if fresh:
            market_now = datetime.fromtimestamp(running.feed.sync() / 1000, tz=UTC)
            top = ", ".join(f"{path} {n}" for path, n in fresh.most_common(3))
            echo(
                f"{sum(fresh.values())} requests in the last minute ({top}); "
                f"market time {market_now:%Y-%m-%d %H:%M}"
            )


_Handler = Callable[[int, FrameType | None], object] | int | None


def _install_signal_handlers(stop: threading.Event) -> dict[int, _Handler]:
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous: dict[int, _Handler] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.getsignal(signum)
        signal.signal(signum, lambda _sig, _frame: stop.set())
    return previous


def _restore_signal_handlers(previous: dict[int, _Handler]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)
