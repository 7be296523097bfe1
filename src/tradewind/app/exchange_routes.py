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

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from tradewind.app.venue_feed import FeedTiming, VenueBarFeed
from tradewind.config import MarketConfig, load_secrets
from tradewind.config.secrets import Secrets
from tradewind.domain.instrument import Instrument
from tradewind.domain.venue_errors import VenueError
from tradewind.engine.feeds import RowFeed
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import MarketRun
from tradewind.ports.execution import ExecutionVenue

if TYPE_CHECKING:  # ccxt takes half a second to import: only markets on an exchange pay
    from tradewind.venues.ccxt import CcxtSession, CcxtVenueConfig

__all__ = ["ExchangeConnections", "ExchangeMarket", "exchange_market"]

_BUDGET_DIR_ENV = "TRADEWIND_RATE_BUDGET_DIR"


@dataclass(slots=True)
class ExchangeConnections:
    """The connected sessions of one process, by exchange, address and key."""

    secrets: Secrets | None = None
    feed_timing: FeedTiming = field(default_factory=FeedTiming)
    _sessions: dict[tuple[str, str, str], CcxtSession] = field(default_factory=dict)

    def session(self, config: MarketConfig, symbols: Sequence[str]) -> CcxtSession:
        """The connected session for `config`'s exchange (built and connected once).

        Raises:
            VenueError: the exchange cannot be reached or refused the credentials.
        """
        secrets = self.secrets or load_secrets()
        self.secrets = secrets
        exchange = config.exchange or ""
        key = secrets.ccxt_api_key.get_secret_value() if secrets.ccxt_api_key else ""
        cache_key = (exchange, config.endpoint or "", key)
        if cache_key not in self._sessions:
            from tradewind.venues.ccxt import CcxtSession

            session = CcxtSession(_venue_config(config, symbols, secrets))
            session.connect()
            self._sessions[cache_key] = session
        return self._sessions[cache_key]


@dataclass(frozen=True, slots=True)
class ExchangeMarket:
    """One market on its exchange: instruments, live bars, and the adapter for orders."""

    session: CcxtSession
    instruments: dict[str, Instrument]
    """The exchange's instrument per configured symbol (tick, lot, min notional)."""
    data_label: str
    feed: Callable[[MarketPanel, Sequence[int]], RowFeed]
    """Builds the market's live row feed for a session's recording and columns."""

    def order_venue(self) -> ExecutionVenue:
        """The ccxt adapter on this market's connection (`paper_fills: venue`)."""
        from tradewind.venues.ccxt import CcxtVenue

        return CcxtVenue(self.session.config, session=self.session, poll_interval_ms=0)


def exchange_market(
    market: MarketRun, config: MarketConfig, connections: ExchangeConnections
) -> ExchangeMarket:
    """`market` on its exchange, connected.

    Raises:
        VenueError: the exchange cannot be reached, or a symbol is not listed there.
    """
    from tradewind.venues.ccxt import CcxtMarketData

    venue_symbols = [_venue_symbol(s) for s in market.symbols]
    session = connections.session(config, venue_symbols)
    instruments = _instruments(session, market.symbols, venue_symbols)
    data = CcxtMarketData(session.config, session=session)
    where = config.endpoint or "the exchange's own address"
    ids = [instruments[s].id for s in market.symbols]
    timing = connections.feed_timing

    def feed(recording: MarketPanel, columns: Sequence[int]) -> RowFeed:
        return VenueBarFeed(data, recording, columns, ids, config.timeframe, timing)

    label = f"{config.exchange} closed {config.timeframe} candles from {where}"
    return ExchangeMarket(session, instruments, label, feed)


def _venue_config(
    config: MarketConfig, symbols: Sequence[str], secrets: Secrets
) -> CcxtVenueConfig:
    from tradewind.venues.ccxt import CcxtVenueConfig, Secret

    def reveal(value: SecretStr | None) -> Secret | None:
        return Secret(value.get_secret_value()) if value is not None else None

    budget_dir = os.environ.get(_BUDGET_DIR_ENV)
    return CcxtVenueConfig(
        exchange_id=config.exchange or "",
        symbols=tuple(symbols),
        api_key=reveal(secrets.ccxt_api_key),
        secret=reveal(secrets.ccxt_secret),
        password=reveal(secrets.ccxt_password),
        endpoint=config.endpoint,
        rate_budget_dir=Path(budget_dir) if budget_dir else _default_budget_dir(),
    )


def _default_budget_dir() -> Path:
    """One directory per user, so every process on a key shares one budget."""
    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    return Path(base) / f"tradewind-rate-budget-{os.getuid()}"


def _venue_symbol(symbol: str) -> str:
    """`BTC-USDT` -> `BTC/USDT` (ccxt's unified symbol)."""
    base, _, quote = symbol.partition("-")
    return f"{base}/{quote}"


def _instruments(
    session: CcxtSession, symbols: Sequence[str], venue_symbols: Sequence[str]
) -> dict[str, Instrument]:
    loaded = session.instruments
    found: dict[str, Instrument] = {}
    for symbol, venue_symbol in zip(symbols, venue_symbols, strict=True):
        instrument = loaded.by_symbol(venue_symbol) if loaded is not None else None
        if instrument is None:
            raise VenueError(f"{session.venue} does not list {venue_symbol} (symbol {symbol})")
        found[symbol] = instrument
    return found
