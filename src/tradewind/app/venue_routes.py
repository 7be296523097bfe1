"""The composition root of venues: which adapter trades each market, and which data.

Every paper, advisory (and, later, live) run asks `route_markets` for one
`MarketRoute` per enabled market, chosen from the market's `provider`. A provider
without an implemented adapter is refused here (never replaced by the simulator), and
each route says in words which venue and which data source it uses, for the run's
output and its journal.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tradewind.app.broker_routes import BROKERS, broker_market
from tradewind.app.exchange_routes import ExchangeConnections, ExchangeMarket, exchange_market
from tradewind.app.venue_choice import provider_problem
from tradewind.config import ConfigError, ConfigIssue, MarketConfig, TradewindConfig
from tradewind.config.vocabulary import PaperFills, Provider
from tradewind.domain.instrument import Instrument
from tradewind.domain.venue_errors import VenueError
from tradewind.engine.feeds import RowFeed
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import EngineSpec, MarketRun
from tradewind.ports.execution import ExecutionVenue
from tradewind.venues.sim import CommissionSpec, SimulatedVenue, SimVenueConfig

__all__ = ["ADAPTERS", "MarketRoute", "RouteContext", "route_markets", "routes_summary"]

LiveFeedBuilder = Callable[[MarketPanel, Sequence[int]], RowFeed]
"""Builds a market's live row feed for a session's recording and panel columns."""

# The config has no tick size: paper instruments take any price a bar gives (prices are
# not rounded, so paper fills equal the backtest's), and any quantity when lot_size is 0.
_ANY_STEP = Decimal("1e-30")


@dataclass(frozen=True, slots=True)
class MarketRoute:
    """Where one market's orders go and where its bars come from."""

    market: str
    provider: str
    venue: ExecutionVenue
    venue_label: str
    """E.g. `sim (SIM-CRYPTO): fills simulated from bars`."""
    data_label: str
    """E.g. `sim replay of the catalog's bars`."""
    instruments: Mapping[str, Instrument]
    """Instrument per configured symbol."""
    feed: LiveFeedBuilder | None = None
    """The market's live row feed over (recording, panel columns); None: a replay
    of the recording."""
    account_id: Callable[[], str | None] = lambda: None
    """The venue account the orders go to, once connected (None: the simulator)."""

    def describe(self) -> str:
        """One line for the run's output and its journal."""
        return f"{self.market}: venue {self.venue_label}; data {self.data_label}"


@dataclass(frozen=True, slots=True)
class RouteContext:
    """What route builders need beyond the config: the run they serve."""

    run_id: str = ""
    """Prefixes the simulated venues' trade ids, so runs sharing a journal never
    reuse one (the journal keeps the first fill of a venue's trade id only)."""
    connections: ExchangeConnections = field(default_factory=ExchangeConnections)
    """Exchange connections, shared by every market and pass of a session."""
    live: bool = False
    """A live run (`tradewind live`): every market's orders go to its venue."""


def route_markets(
    config: TradewindConfig, spec: EngineSpec, context: RouteContext | None = None
) -> tuple[MarketRoute, ...]:
    """One route per market of `spec`, from its provider in `config`.

    Raises:
        ConfigError: a provider without an adapter (runs call `app.preflight` first,
            which reports it with its config line).
    """
    context = context or RouteContext()
    routes = []
    for market in spec.markets:
        market_config = config.markets[market.name]
        problem = provider_problem(market.name, market_config)
        if not problem and context.live and market_config.provider is Provider.SIM:
            problem = "provider sim cannot trade live: expected a venue provider"
        if problem:
            issue = ConfigIssue(f"markets.{market.name}.provider", problem)
            raise ConfigError("configuration", [issue])
        routes.append(ADAPTERS[market_config.provider](market, market_config, spec, context))
    return tuple(routes)


def routes_summary(routes: tuple[MarketRoute, ...]) -> dict[str, dict[str, str]]:
    """Per market: provider, venue and data source (journaled with the run)."""
    return {
        r.market: {"provider": r.provider, "venue": r.venue_label, "data": r.data_label}
        for r in routes
    }


def _ccxt_route(
    market: MarketRun, config: MarketConfig, spec: EngineSpec, context: RouteContext
) -> MarketRoute:
    """Bars from the exchange; fills simulated over them (exchange lots) or, with
    `paper_fills: venue`, at the market's test endpoint through the ccxt adapter."""
    simulated = _sim_route(market, config, spec, context)
    on_exchange = exchange_market(market, config, context.connections, simulated.instruments)
    return _venue_route(market, config, spec, context, simulated, on_exchange)


def _broker_route(
    market: MarketRun, config: MarketConfig, spec: EngineSpec, context: RouteContext
) -> MarketRoute:
    """Bars from the broker (OANDA, Alpaca, IB); fills simulated over them or, with
    `paper_fills: venue`, sent to the market's test endpoint through its adapter."""
    simulated = _sim_route(market, config, spec, context)
    at_broker = broker_market(market, config, context.connections, simulated.instruments)
    return _venue_route(market, config, spec, context, simulated, at_broker)


def _venue_route(
    market: MarketRun,
    config: MarketConfig,
    spec: EngineSpec,
    context: RouteContext,
    simulated: MarketRoute,
    on_exchange: ExchangeMarket,
) -> MarketRoute:
    venue_name = config.exchange or BROKERS[config.provider].title

    def account_id() -> str | None:  # known once the session is connected
        return getattr(on_exchange.session, "account_id", None)

    if context.live:
        where = config.endpoint or "its production address"
        venue = on_exchange.order_venue()
        if config.provider is Provider.CCXT:  # its capabilities (a venue countdown) on connect
            with contextlib.suppress(VenueError):
                venue.connect()
        return MarketRoute(
            market=market.name,
            provider=config.provider.value,
            venue=venue,
            venue_label=f"{venue_name} at {where}: LIVE orders (operator mode)"
            f"{_exits_note(config.provider)}",
            data_label=on_exchange.data_label,
            instruments=on_exchange.instruments,
            feed=on_exchange.feed,
            account_id=account_id,
        )
    if config.paper_fills is PaperFills.VENUE:
        return MarketRoute(
            market=market.name,
            provider=config.provider.value,
            venue=on_exchange.order_venue(),
            venue_label=f"{venue_name} at {config.endpoint}: orders sent to this "
            f"test venue (paper_fills: venue){_exits_note(config.provider)}",
            data_label=on_exchange.data_label,
            instruments=on_exchange.instruments,
            feed=on_exchange.feed,
            account_id=account_id,
        )
    if on_exchange.session.instruments is not None:  # connected: the exchange's lot sizes
        lots = {s: i.lot_size for s, i in on_exchange.instruments.items()}
        simulated = _sim_route(market, config, spec, context, lots=lots)
    return dataclasses.replace(
        simulated,
        venue_label=f"{simulated.venue_label} over {venue_name}'s bars",
        data_label=on_exchange.data_label,
        feed=on_exchange.feed,
    )


def _exits_note(provider: Provider) -> str:
    """Says so where exits go without reduce-only to a venue that could short with them:
    the brokers (no adapter declares reduce-only; spot exchanges cannot short)."""
    if provider not in BROKERS:
        return ""
    return (
        "; exits sent as plain orders (no reduce-only there): the engine sizes them to "
        "its position and cancels the other exit when one fills"
    )


def _sim_route(
    market: MarketRun,
    config: MarketConfig,
    spec: EngineSpec,
    context: RouteContext,
    *,
    lots: Mapping[str, Decimal] | None = None,
) -> MarketRoute:
    costs = market.costs
    venue_name = f"SIM-{market.name.upper().replace('.', '-')}"
    config_lot = Decimal(repr(costs.lot)) if costs.lot > 0 else _ANY_STEP
    instruments = {
        symbol: Instrument.for_symbol(
            symbol,
            config.market_class,
            venue=venue_name,
            quote_currency=spec.quote_currencies.get(symbol, spec.base_currency),
            base_currency=_asset_code(symbol),
            price_tick=_ANY_STEP,
            lot_size=lots[symbol] if lots else config_lot,
            min_notional=0,  # the engine's risk check applies min_notional (account currency)
            multiplier=Decimal(repr(costs.multiplier)),
        )
        for symbol in market.symbols
    }
    venue = SimulatedVenue(
        instruments.values(),
        SimVenueConfig(
            fill_model=spec.fill_model,
            slippage_bps=costs.slippage_bps,
            slip_limit_fills=True,  # the backtest's cost model, so paper trades its fills
            commission=CommissionSpec(
                model=costs.commission_model,
                bps=costs.commission_bps,
                per_unit=costs.commission_per_unit,
                min_per_order=costs.commission_min,
                spread=costs.spread,
            ),
            venue=venue_name,
            trade_id_prefix=f"{context.run_id}-" if context.run_id else "",
        ),
    )
    return MarketRoute(
        market=market.name,
        provider=config.provider.value,
        venue=venue,
        venue_label=f"sim ({venue_name}): fills simulated from bars",
        data_label="sim replay of the catalog's bars",
        instruments=instruments,
    )


def _asset_code(symbol: str) -> str:
    """A currency-like code for the instrument's base (informational for the sim)."""
    return "".join(ch for ch in symbol if ch.isalnum())[:12] or "UNIT"


RouteBuilder = Callable[[MarketRun, MarketConfig, EngineSpec, RouteContext], MarketRoute]
"""Builds one market's route."""

ADAPTERS: Mapping[Provider, RouteBuilder] = {
    Provider.SIM: _sim_route,
    Provider.CCXT: _ccxt_route,
    Provider.OANDA: _broker_route,
    Provider.ALPACA: _broker_route,
    Provider.IB: _broker_route,
}
"""Route builder per provider; exactly `app.venue_choice.ADAPTER_PROVIDERS` (tested)."""
