"""Exchange emulation toolkit: a matching engine, a replay clock and a loopback HTTP server.

Venue dialects (Binance in `venues.ccxt.emulator`, others later) speak a venue's wire
format on top of it, so that the official client library runs against it offline.

Usage (manual market, as the contract tests drive it)::

    from decimal import Decimal as D
    from tradewind.venues.emulation import EmulatedMarket, EmulatorServer, MarketSpec, SymbolSpec
    from tradewind.venues.ccxt.emulator import BinanceDialect

    market = EmulatedMarket(
        {"BTCUSDT": SymbolSpec("BTC", "USDT", price_tick=D("0.01"), lot=D("0.00001"),
                               min_qty=D("0.00001"), min_notional=D("5"))},
        MarketSpec(starting_balances={"USDT": D("100000")}),
    )
    market.trade_bar("BTCUSDT", open_time_ms, 100, 101, 99, 100.5, volume=10)  # clock -> close
    dialect = BinanceDialect(market, credentials={"key": "secret"})
    server = EmulatorServer(dialect)            # host 127.0.0.1, port 0 (ephemeral)
    base_url = server.start()                   # "http://127.0.0.1:PORT"
    ...                                         # point ccxt.binance at base_url (keep paths)
    server.stop()                               # idempotent; clients then get connection refused

Accounts are keyed by api key: the dialect opens one with `MarketSpec.starting_balances` on
the key's first signed request, or call `market.add_account(key, balances)` first.
`market.trade_bar(...)` returns the trades it caused; `market.orders(key)`,
`market.trades(key)` and `market.balances(key)` show the venue's side. Faults:
`EmulatorServer(dialect, faults=FaultInjector(FaultSpec.parse("..."), seed=1))` and
`server.faults.arm("http429", path_prefix="/api/v3/order", method="POST")`.
Replay instead of manual bars: `ReplayFeed(market, ReplayClock(start_ms, speed), paths)`
passed to the dialect as `feed=`; it is synced before every request.
"""

from tradewind.venues.emulation.faults import (
    FaultDecision,
    FaultInjector,
    FaultKind,
    FaultSpec,
)
from tradewind.venues.emulation.hours import (
    ALWAYS_OPEN,
    FOREX_HOURS,
    AlwaysOpen,
    ExchangeHours,
    ForexHours,
    TradingHours,
)
from tradewind.venues.emulation.market import EmulatedMarket
from tradewind.venues.emulation.positions import PositionState
from tradewind.venues.emulation.ratelimit import RateDecision, RateLimiter
from tradewind.venues.emulation.records import (
    Balance,
    Bar,
    MarketSpec,
    NewOrder,
    Order,
    OrderRejectedError,
    OrderStatus,
    OrderType,
    Placement,
    RejectReason,
    Side,
    SymbolSpec,
    TimeInForce,
    Trade,
)
from tradewind.venues.emulation.replay import (
    Kline,
    PricePath,
    ReplayClock,
    ReplayFeed,
    UnsupportedIntervalError,
    aggregate_klines,
)
from tradewind.venues.emulation.server import (
    Dialect,
    EmulatorRequest,
    EmulatorResponse,
    EmulatorServer,
)

__all__ = [
    "ALWAYS_OPEN",
    "FOREX_HOURS",
    "AlwaysOpen",
    "Balance",
    "Bar",
    "Dialect",
    "EmulatedMarket",
    "EmulatorRequest",
    "EmulatorResponse",
    "EmulatorServer",
    "ExchangeHours",
    "FaultDecision",
    "FaultInjector",
    "FaultKind",
    "FaultSpec",
    "ForexHours",
    "Kline",
    "MarketSpec",
    "NewOrder",
    "Order",
    "OrderRejectedError",
    "OrderStatus",
    "OrderType",
    "Placement",
    "PositionState",
    "PricePath",
    "RateDecision",
    "RateLimiter",
    "RejectReason",
    "ReplayClock",
    "ReplayFeed",
    "Side",
    "SymbolSpec",
    "TimeInForce",
    "Trade",
    "TradingHours",
    "UnsupportedIntervalError",
    "aggregate_klines",
]
