"""Routes of markets at the forex and stocks brokers: OANDA, Alpaca, Interactive Brokers.

The broker counterpart of `exchange_routes.exchange_market`: one session per broker,
address, account and symbols (shared by the market's data and its orders), built from
the market's config and the credentials in the environment (`TRADEWIND_OANDA_TOKEN`,
`TRADEWIND_ALPACA_API_KEY`, `TRADEWIND_IB_PORT`, ...). Each adapter is imported only
when a market uses it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tradewind.app.exchange_routes import (
    ExchangeConnections,
    ExchangeMarket,
    VenueParts,
    venue_market,
)
from tradewind.config import MarketConfig
from tradewind.config.secrets import Secrets
from tradewind.config.vocabulary import Provider
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.instrument import Instrument
from tradewind.domain.market import MarketClass
from tradewind.domain.secret import Secret
from tradewind.domain.venue_errors import VenueError
from tradewind.engine.setup import MarketRun
from tradewind.ports.execution import ExecutionVenue

__all__ = ["BROKERS", "BrokerKit", "broker_market"]


@dataclass(frozen=True, slots=True)
class BrokerKit:
    """How one broker's adapter is built and named."""

    title: str
    """E.g. `OANDA v20`."""
    default_address: str
    """Said when the market gives no endpoint."""
    venue_symbol: Callable[[str, MarketClass], str]
    """Our symbol (`EUR-USD`) -> the broker's (`EUR_USD`)."""
    session: Callable[[MarketConfig, tuple[str, ...], Secrets, int], Any]
    """(config, venue symbols, secrets, sessions built before) -> an unconnected session."""
    data: Callable[[Any], Any]
    """Session -> its LiveMarketData (with `connect()`)."""
    orders: Callable[[Any], ExecutionVenue]
    """Session -> its ExecutionVenue."""
    key: Callable[[Secrets], str]
    """What tells accounts apart (a token, a key id, a client id); never shown."""


def broker_market(
    market: MarketRun,
    config: MarketConfig,
    connections: ExchangeConnections,
    fallback: Mapping[str, Instrument],
) -> ExchangeMarket:
    """`market` at its broker (`fallback`: instruments to use until it is connected).

    Raises:
        VenueError: the broker answered but does not list a configured symbol.
    """
    kit = BROKERS[config.provider]
    venue_symbols = {s: kit.venue_symbol(s, config.market_class) for s in market.symbols}
    secrets = connections.loaded_secrets()
    symbols = tuple(venue_symbols.values())
    cache_key = (config.provider.value, config.endpoint or "", kit.key(secrets), *symbols)

    def build(sessions_before: int) -> Any:
        session = kit.session(config, symbols, secrets, sessions_before)
        with contextlib.suppress(VenueError):
            session.connect()
        return session

    session = connections.shared(cache_key, build)
    ids = [InstrumentId(s, session.venue) for s in market.symbols]
    where = config.endpoint or kit.default_address
    label = f"{kit.title} closed {config.timeframe} bars from {where}"
    parts = VenueParts(
        session, kit.data(session), venue_symbols, ids, label, lambda: kit.orders(session)
    )
    return venue_market(market, parts, config, connections, fallback)


def _reveal(value: Any) -> Secret | None:
    return Secret(value.get_secret_value()) if value is not None else None


def _oanda_session(config: MarketConfig, symbols: tuple[str, ...], secrets: Secrets, _: int) -> Any:
    from tradewind.venues.oanda import OandaSession, OandaVenueConfig

    account = secrets.oanda_account_id.get_secret_value() if secrets.oanda_account_id else None
    return OandaSession(
        OandaVenueConfig(
            symbols=symbols,
            token=_reveal(secrets.oanda_token),
            account_id=account,
            endpoint=config.endpoint,
            timeout_ms=config.request_timeout_ms,
            market_class=config.market_class,
        )
    )


def _alpaca_session(
    config: MarketConfig, symbols: tuple[str, ...], secrets: Secrets, _: int
) -> Any:
    from tradewind.venues.alpaca import AlpacaSession, AlpacaVenueConfig
    from tradewind.venues.alpaca.config import DATA_URL as ALPACA_DATA_URL

    # Alpaca's own trading hosts serve no bars: those come from its data host
    at_alpaca = (urlsplit(config.endpoint or "").hostname or "").endswith("alpaca.markets")
    return AlpacaSession(
        AlpacaVenueConfig(
            symbols=symbols,
            api_key=_reveal(secrets.alpaca_api_key),
            secret_key=_reveal(secrets.alpaca_secret_key),
            endpoint=config.endpoint,
            data_endpoint=ALPACA_DATA_URL if at_alpaca else None,
            timeout_ms=config.request_timeout_ms,
            market_class=config.market_class,
        )
    )


def _ib_session(
    config: MarketConfig, symbols: tuple[str, ...], secrets: Secrets, sessions_before: int
) -> Any:
    from tradewind.venues.ib import IbSession, IbVenueConfig

    # One API connection per market: each needs its own client id at TWS.
    return IbSession(
        IbVenueConfig(
            symbols=symbols,
            host=secrets.ib_host,
            port=secrets.ib_port,
            client_id=secrets.ib_client_id + sessions_before,
            account=secrets.ib_account,
            endpoint=config.endpoint,
            timeout_ms=config.request_timeout_ms,
            market_class=config.market_class,
        )
    )


def _oanda_symbol(symbol: str, _: MarketClass) -> str:
    return symbol.replace("-", "_")


def _ib_symbol(symbol: str, market_class: MarketClass) -> str:
    return symbol.replace("-", ".") if market_class is MarketClass.FOREX else symbol


def _same_symbol(symbol: str, _: MarketClass) -> str:
    return symbol


def _data(package: str, name: str) -> Callable[[Any], Any]:
    def build(session: Any) -> Any:
        import importlib

        cls = getattr(importlib.import_module(package), name)
        return cls(session.config, session=session)

    return build


def _orders(package: str, name: str) -> Callable[[Any], ExecutionVenue]:
    def build(session: Any) -> ExecutionVenue:
        import importlib

        cls = getattr(importlib.import_module(package), name)
        venue: ExecutionVenue = cls(session.config, session=session, poll_interval_ms=0)
        return venue

    return build


def _secret_text(value: Any) -> str:
    return str(value.get_secret_value()) if value is not None else ""


BROKERS: Mapping[Provider, BrokerKit] = {
    Provider.OANDA: BrokerKit(
        title="OANDA v20",
        default_address="OANDA's practice API",
        venue_symbol=_oanda_symbol,
        session=_oanda_session,
        data=_data("tradewind.venues.oanda", "OandaMarketData"),
        orders=_orders("tradewind.venues.oanda", "OandaVenue"),
        key=lambda s: _secret_text(s.oanda_token) + _secret_text(s.oanda_account_id),
    ),
    Provider.ALPACA: BrokerKit(
        title="Alpaca",
        default_address="Alpaca's paper API",
        venue_symbol=_same_symbol,
        session=_alpaca_session,
        data=_data("tradewind.venues.alpaca", "AlpacaMarketData"),
        orders=_orders("tradewind.venues.alpaca", "AlpacaVenue"),
        key=lambda s: _secret_text(s.alpaca_api_key),
    ),
    Provider.IB: BrokerKit(
        title="Interactive Brokers",
        default_address="TWS / IB Gateway at TRADEWIND_IB_HOST:TRADEWIND_IB_PORT",
        venue_symbol=_ib_symbol,
        session=_ib_session,
        data=_data("tradewind.venues.ib", "IbMarketData"),
        orders=_orders("tradewind.venues.ib", "IbVenue"),
        key=lambda s: f"{s.ib_host}:{s.ib_port}",
    ),
}
"""Adapter kit per broker provider."""
