"""Routes of markets on a ccxt exchange (`provider: ccxt` / `binance`, `kraken`, ...).

Bars always come from the exchange (its closed candles, polled by a
`venue_feed.VenueBarFeed`). Orders fill where `paper_fills` says: `simulated` (the
default) fills them on the simulated venue over those bars, with the exchange's lot
sizes; `venue` sends them to the market's `endpoint` (a testnet or `tradewind
emulate`) through the ccxt adapter. Each route says which in words, for the run's
output and journal.

One connection (`CcxtSession`: client, request budget, markets) serves every market
and pass on the same exchange, address and key; it connects when the first route on it
is built, so an unreachable exchange is reported before the run starts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import SecretStr

from tradewind.app.rate_budget_dir import rate_budget_dir
from tradewind.app.venue_feed import FeedTiming, VenueBarFeed
from tradewind.config import MarketConfig, load_secrets
from tradewind.config.secrets import Secrets
from tradewind.domain.calendar_codes import CALENDAR_24_7, default_calendar_for
from tradewind.domain.identifiers import InstrumentId, Venue
from tradewind.domain.instrument import Instrument
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import VenueStatus
from tradewind.engine.feeds import RowFeed
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import MarketRun
from tradewind.ports.calendar import TradingCalendar
from tradewind.ports.execution import ExecutionVenue
from tradewind.ports.live_data import LiveMarketData
from tradewind.ports.market_data import BarFrame

if TYPE_CHECKING:  # ccxt takes half a second to import: only markets on an exchange pay
    from tradewind.venues.ccxt import CcxtSession, CcxtVenueConfig

__all__ = [
    "ConnectedSession",
    "ConnectingData",
    "ExchangeConnections",
    "ExchangeMarket",
    "LoadedInstruments",
    "VenueParts",
    "exchange_market",
    "venue_market",
]


class ConnectedSession(Protocol):
    """What routes read of an adapter's session (ccxt's and every broker's)."""

    @property
    def venue(self) -> str: ...

    @property
    def status(self) -> VenueStatus: ...

    @property
    def instruments(self) -> InstrumentBook | None:
        """The venue's instruments once connected, None before."""
        ...


class InstrumentBook(Protocol):
    def by_symbol(self, symbol: str, /) -> Instrument | None: ...


class ConnectableData(LiveMarketData, Protocol):
    def connect(self) -> None: ...


@dataclass(slots=True)
class ExchangeConnections:
    """The connected sessions of one process, by venue, address and key."""

    secrets: Secrets | None = None
    feed_timing: FeedTiming = field(default_factory=FeedTiming)
    _sessions: dict[tuple[str, ...], Any] = field(default_factory=dict)

    def shared(self, key: tuple[str, ...], build: Callable[[int], Any]) -> Any:
        """The session under `key`, built once by `build(n)`, where n counts the sessions
        built before it (IB gives each connection its own client id from it)."""
        if key not in self._sessions:
            self._sessions[key] = build(len(self._sessions))
        return self._sessions[key]

    def close(self, reason: str = "the run ended") -> None:
        """Disconnect every session (working orders stay at the venues); a later run
        reconnects the same sessions on first use."""
        for session in self._sessions.values():
            with contextlib.suppress(Exception):
                session.disconnect(reason)

    def loaded_secrets(self) -> Secrets:
        """The process's credentials, read from the environment once."""
        if self.secrets is None:
            self.secrets = load_secrets()
        return self.secrets

    def session(self, config: MarketConfig, symbols: Sequence[str]) -> CcxtSession:
        """The session for `config`'s exchange, address, key and symbols (built once, and
        connected when the exchange answers: one that does not is connected later by
        its market's feed, which pauses the market meanwhile)."""
        secrets = self.loaded_secrets()
        key = secrets.ccxt_api_key.get_secret_value() if secrets.ccxt_api_key else ""
        cache_key = ("ccxt", config.exchange or "", config.endpoint or "", key, *symbols)

        def build(_: int) -> CcxtSession:
            from tradewind.venues.ccxt import CcxtSession

            session = CcxtSession(_venue_config(config, symbols, secrets))
            with contextlib.suppress(VenueError):
                session.connect()
            return session

        session: CcxtSession = self.shared(cache_key, build)
        return session


@dataclass(frozen=True, slots=True)
class ExchangeMarket:
    """One market on its venue: instruments, live bars, and the adapter for orders."""

    session: ConnectedSession
    instruments: Mapping[str, Instrument]
    """The venue's instrument per configured symbol (tick, lot, min notional), as
    loaded once connected; `fallback`'s before that."""
    data_label: str
    feed: Callable[[MarketPanel, Sequence[int]], RowFeed]
    """Builds the market's live row feed for a session's recording and columns."""
    order_venue: Callable[[], ExecutionVenue]
    """Builds the adapter on this market's connection (`paper_fills: venue`)."""


def exchange_market(
    market: MarketRun,
    config: MarketConfig,
    connections: ExchangeConnections,
    fallback: Mapping[str, Instrument],
) -> ExchangeMarket:
    """`market` on its exchange (`fallback`: instruments to use until it is connected).

    Raises:
        VenueError: the exchange answered but does not list a configured symbol.
    """
    from tradewind.venues.ccxt import CcxtMarketData
    from tradewind.venues.ccxt.instruments import instrument_id_of

    venue_symbols = dict(
        zip(market.symbols, (_venue_symbol(s) for s in market.symbols), strict=True)
    )
    session = connections.session(config, list(venue_symbols.values()))
    data = CcxtMarketData(session.config, session=session)
    ids = [instrument_id_of(venue_symbols[s], session.venue) for s in market.symbols]

    def order_venue() -> ExecutionVenue:
        from tradewind.venues.ccxt import CcxtVenue

        return CcxtVenue(session.config, session=session, poll_interval_ms=0)

    where = config.endpoint or "the exchange's own address"
    label = f"{config.exchange} closed {config.timeframe} candles from {where}"
    return venue_market(
        market,
        VenueParts(session, data, venue_symbols, ids, label, order_venue),
        config,
        connections,
        fallback,
    )


@dataclass(frozen=True, slots=True)
class VenueParts:
    """One market's pieces on a connected venue, as its adapter builds them."""

    session: ConnectedSession
    data: ConnectableData
    venue_symbols: Mapping[str, str]
    """Our symbol -> the venue's."""
    instrument_ids: Sequence[InstrumentId]
    """In the market's symbol order."""
    data_label: str
    order_venue: Callable[[], ExecutionVenue]


def venue_market(
    market: MarketRun,
    parts: VenueParts,
    config: MarketConfig,
    connections: ExchangeConnections,
    fallback: Mapping[str, Instrument],
) -> ExchangeMarket:
    """`market` on the venue of `parts`: its instruments (checked once connected), its
    live feed and its label (saying when the venue was not reachable at start).

    Raises:
        VenueError: the venue answered but does not list a configured symbol.
    """
    session = parts.session
    instruments = LoadedInstruments(session, parts.venue_symbols, fallback)
    if session.instruments is not None:
        for symbol in market.symbols:
            instruments.require(symbol)
    data = ConnectingData(parts.data)
    ids, timing = list(parts.instrument_ids), connections.feed_timing
    calendar = _sessions_of(config)

    def feed(recording: MarketPanel, columns: Sequence[int]) -> RowFeed:
        return VenueBarFeed(
            data, recording, columns, ids, config.timeframe, timing, calendar=calendar
        )

    label = parts.data_label
    if session.instruments is None:
        label += (
            f" (not reachable at start: {session.status.reason}; the market stays paused "
            "until it answers)"
        )
    return ExchangeMarket(session, instruments, label, feed, parts.order_venue)


class LoadedInstruments(Mapping[str, Instrument]):
    """The venue's instruments once connected, `fallback`'s before."""

    def __init__(
        self,
        session: ConnectedSession,
        venue_symbols: Mapping[str, str],
        fallback: Mapping[str, Instrument],
    ) -> None:
        self._session, self._venue_symbols, self._fallback = session, venue_symbols, fallback

    def require(self, symbol: str) -> Instrument:
        loaded = self._session.instruments
        if loaded is None:
            return self._fallback[symbol]
        instrument = loaded.by_symbol(self._venue_symbols[symbol])
        if instrument is None:
            raise VenueError(
                f"{self._session.venue} does not list {self._venue_symbols[symbol]} "
                f"(symbol {symbol})"
            )
        return instrument

    def __getitem__(self, symbol: str) -> Instrument:
        return self.require(symbol)

    def __iter__(self) -> Iterator[str]:
        return iter(self._venue_symbols)

    def __len__(self) -> int:
        return len(self._venue_symbols)


class ConnectingData:
    """The venue's live bars, connecting first whenever the session is not."""

    def __init__(self, data: ConnectableData) -> None:
        self._data = data

    @property
    def venue(self) -> Venue:
        return self._data.venue

    def instruments(self) -> Sequence[InstrumentId]:
        self._data.connect()
        return self._data.instruments()

    def closed_bars(
        self, instrument_id: InstrumentId, timeframe: Timeframe, since: datetime | None = None
    ) -> BarFrame:
        self._data.connect()
        return self._data.closed_bars(instrument_id, timeframe, since)

    def history(
        self,
        instrument_id: InstrumentId,
        timeframe: Timeframe,
        start: datetime,
        end: datetime | None = None,
    ) -> BarFrame:
        self._data.connect()
        return self._data.history(instrument_id, timeframe, start, end)


def _venue_config(
    config: MarketConfig, symbols: Sequence[str], secrets: Secrets
) -> CcxtVenueConfig:
    from tradewind.venues.ccxt import CcxtVenueConfig, Secret

    def reveal(value: SecretStr | None) -> Secret | None:
        return Secret(value.get_secret_value()) if value is not None else None

    return CcxtVenueConfig(
        exchange_id=config.exchange or "",
        symbols=tuple(symbols),
        api_key=reveal(secrets.ccxt_api_key),
        secret=reveal(secrets.ccxt_secret),
        password=reveal(secrets.ccxt_password),
        endpoint=config.endpoint,
        timeout_ms=config.request_timeout_ms,
        rate_budget_dir=rate_budget_dir(),
    )


def _venue_symbol(symbol: str) -> str:
    """`BTC-USDT` -> `BTC/USDT` (ccxt's unified symbol)."""
    base, _, quote = symbol.partition("-")
    return f"{base}/{quote}"


def _sessions_of(config: MarketConfig) -> TradingCalendar | None:
    """The market's trading calendar; None for a 24/7 market (every bar is expected)."""
    code = default_calendar_for(config.market_class)
    if code == CALENDAR_24_7:
        return None
    from tradewind.data.calendars import get_calendar

    return get_calendar(code)
