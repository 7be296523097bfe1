"""A local stand-in for OANDA's v20 REST API (fxTrade practice) over the emulation toolkit.

Served (all under http://127.0.0.1:PORT, paths as on api-fxpractice.oanda.com; the
streams are on the same host, not a separate stream host):

- GET /v3/accounts, /v3/accounts/{id}, /{id}/summary, /{id}/instruments[?instruments=]
- GET /v3/instruments/{instrument}/candles and /v3/accounts/{id}/instruments/{i}/candles:
  price M|B|A (any mix), granularity S5..M (no finer than the data's base bars: the
  bundled EUR_USD is hourly), count (<= 5000), from, to, includeFirst, smooth,
  dailyAlignment / alignmentTimezone (H2..H12, D, W, M), weeklyAlignment (W);
  `complete` is false on the forming candle.
- GET /{id}/pricing?instruments=[&since=] (bid/ask half the spread around the last price;
  `tradeable` false while the market is closed) and /{id}/pricing/stream (PRICE lines on
  change, HEARTBEAT every 5 s).
- POST /{id}/orders: MARKET (FOK, IOC; priceBound), LIMIT (GTC, GTD, GFD, FOK, IOC), STOP
  and MARKET_IF_TOUCHED (GTC, GTD, GFD); positionFill DEFAULT / REDUCE_FIRST;
  clientExtensions and tradeClientExtensions. 201 with orderCreateTransaction plus
  orderFillTransaction or orderCancelTransaction (MARKET_HALTED while closed,
  INSUFFICIENT_MARGIN, INSUFFICIENT_LIQUIDITY for an unfilled FOK/IOC, BOUNDS_VIOLATION);
  400 with orderRejectTransaction + errorCode (UNITS_*, PRICE_*, TIME_IN_FORCE_*,
  INSTRUMENT_*, CLIENT_ORDER_ID_ALREADY_EXISTS).
- GET /{id}/orders (state, instrument, count, beforeID, ids), /{id}/pendingOrders,
  /{id}/orders/{id or @clientID}; PUT .../cancel, PUT /{id}/orders/{specifier} (replace:
  cancel CLIENT_REQUEST_REPLACED + a new order with replacesOrderID),
  PUT .../clientExtensions.
- GET /{id}/trades (state, instrument, count, beforeID, ids), /{id}/openTrades,
  /{id}/trades/{id or @clientID}; PUT .../close ({"units": "ALL" | n}).
- GET /{id}/positions, /{id}/openPositions, /{id}/positions/{instrument};
  PUT .../close ({"longUnits", "shortUnits"}).
- GET /{id}/transactions (from, to, pageSize, type -> page URLs), /{id}/transactions/{tid},
  /idrange?from=&to=, /sinceid?id=, /{id}/transactions/stream (+ HEARTBEAT every 5 s).

Auth: `Authorization: Bearer <token>`; a missing or unknown token gets 401
{"errorMessage": "Insufficient authorization to perform request."}. `credentials` maps
each accepted token to its account ids (comma separated; empty: the default account, so
`TRADEWIND_EMULATOR_API_KEY` alone sets the token); `DEFAULT_CREDENTIALS` (token
"tradewind-oanda-emulator-token", account 101-001-0000000-001) is a made-up value that
no real OANDA server accepts. A malformed account id gets 400, another token's 403, an
unknown one 404. Times are RFC3339 with nanoseconds, or UNIX seconds with
`Accept-Datetime-Format: UNIX`; numbers are decimal strings.

Symbols: EUR_USD (bundled forex EUR-USD 1h, 2017; pipLocation -4, displayPrecision 5,
tradeUnitsPrecision 0, minimumTradeSize 1, marginRate 0.02, spread 1.4 pips) on
FOREX_HOURS (Sunday 17:00 to Friday 17:00 New York). The account is a netting margin
account in USD (50:1): units are signed, fills reduce the oldest opposite trades first.

Errors: 400 {errorCode?, errorMessage} (+ orderRejectTransaction), 401, 403, 404
(ORDER_DOESNT_EXIST, TRADE_DOESNT_EXIST, TRANSACTION_DOESNT_EXIST), 405, 429 past 120
requests per second per token (or the `rate_limiter` given), 503 (fault). Faults:
latency, timeout, drop, http429, http5xx, reject (order creation refused with
ACCOUNT_ORDER_CREATION_LOCKED) and duplicate_ack (a reused client id answers with the
first order's transactions); skew does not apply (v20 requests are not timestamped).

Not emulated: takeProfitOnFill / stopLossOnFill / trailing and guaranteed stops (400),
TAKE_PROFIT / STOP_LOSS / TRAILING_STOP_LOSS order types, hedging, financing, commission
(cost is in the spread only: fills are at the mid price), positionFill OPEN_ONLY /
REDUCE_ONLY, trigger conditions other than the mid price, /changes, /candles/latest,
order books and position books, and P&L conversion for instruments whose quote currency
is not the account's (only EUR_USD is bundled). After a `--state` restore the ledger is
rebuilt from the market's orders and executions: tags, comments, GTD/GFD expiry and
refused orders from before the restart are lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from tradewind.venues.emulation import (
    EmulatedMarket,
    EmulatorServer,
    FaultInjector,
    MarketSpec,
    RateLimiter,
    ReplayFeed,
    SymbolSpec,
)
from tradewind.venues.emulation.hours import FOREX_HOURS, TradingHours
from tradewind.venues.oanda.emulator.books import Books
from tradewind.venues.oanda.emulator.dialect import OandaDialect, PerSecondLimiter
from tradewind.venues.oanda.emulator.instruments import InstrumentInfo

__all__ = [
    "BUNDLED",
    "DEFAULT_ACCOUNT",
    "DEFAULT_BALANCES",
    "DEFAULT_CREDENTIALS",
    "DEFAULT_TOKEN",
    "INSTRUMENTS",
    "MARKET_SPEC",
    "BundledSeries",
    "InstrumentInfo",
    "OandaDialect",
    "PerSecondLimiter",
    "build_emulator",
    "instruments_for",
]

DEFAULT_TOKEN = "tradewind-oanda-emulator-token"
DEFAULT_ACCOUNT = "101-001-0000000-001"
DEFAULT_CREDENTIALS: Mapping[str, str] = {DEFAULT_TOKEN: DEFAULT_ACCOUNT}
DEFAULT_BALANCES: Mapping[str, Decimal] = {"USD": Decimal("100000")}
MARKET_SPEC = MarketSpec(
    commission_bps=Decimal(0),
    max_volume_share=Decimal(1),
    starting_balances=DEFAULT_BALANCES,
    bar_interval_ms=3_600_000,
    margin_leverage=Decimal(50),
    closed_market_orders="reject",
)
INSTRUMENTS: Mapping[str, InstrumentInfo] = {
    "EUR_USD": InstrumentInfo("EUR_USD", "EUR/USD"),
}


@dataclass(frozen=True, slots=True)
class BundledSeries:
    """A venue symbol served from the bundled catalog series market=<market>/symbol=<series>."""

    market: str
    series: str
    spec: SymbolSpec
    hours: TradingHours


BUNDLED: Mapping[str, BundledSeries] = {
    "EUR_USD": BundledSeries(
        "forex",
        "EUR-USD",
        SymbolSpec(
            "EUR",
            "USD",
            price_tick=Decimal("0.00001"),
            lot=Decimal(1),
            min_qty=Decimal(1),
            min_notional=Decimal(0),
            max_qty=Decimal(100_000_000),
        ),
        FOREX_HOURS,
    ),
}


def instruments_for(market: EmulatedMarket) -> dict[str, InstrumentInfo]:
    """v20 reference data for every market symbol (known ones, else from the spec)."""
    leverage = market.config.margin_leverage or Decimal(1)
    out = {}
    for symbol, spec in market.symbols.items():
        known = INSTRUMENTS.get(symbol)
        if known is not None:
            out[symbol] = known
            continue
        price_places = max(-spec.price_tick.normalize().as_tuple().exponent, 0)  # type: ignore[operator]
        unit_places = max(-spec.lot.normalize().as_tuple().exponent, 0)  # type: ignore[operator]
        out[symbol] = InstrumentInfo(
            symbol,
            f"{spec.base}/{spec.quote}",
            pip_location=-max(price_places - 1, 0),
            display_precision=price_places,
            trade_units_precision=unit_places,
            minimum_trade_size=spec.min_qty,
            margin_rate=(Decimal(1) / leverage).quantize(Decimal("0.0001")),
            spread=spec.price_tick * 14,
        )
    return out


def build_emulator(
    market: EmulatedMarket,
    credentials: Mapping[str, str],
    *,
    feed: ReplayFeed | None = None,
    faults: FaultInjector | None = None,
    rate_limiter: RateLimiter | None = None,
    heartbeat_s: float = 5.0,
    host: str = "127.0.0.1",
    port: int = 0,
    timeout_hold_s: float = 12.0,
) -> EmulatorServer:
    """A (not started) server speaking OANDA v20 over `market`; `.start()` returns its URL.

    credentials: token -> its account ids, comma separated (empty: DEFAULT_ACCOUNT).
    Raises ValueError for a non-loopback host or an empty token.
    """
    tokens = {}
    for token, accounts in credentials.items():
        if not token:
            raise ValueError("credentials: expected a non-empty token")
        ids = tuple(a.strip() for a in accounts.split(",") if a.strip())
        tokens[token] = ids or (DEFAULT_ACCOUNT,)
    books = Books(market, instruments_for(market), tokens)
    dialect = OandaDialect(books, feed=feed, rate_limiter=rate_limiter, heartbeat_s=heartbeat_s)
    return EmulatorServer(
        dialect, host=host, port=port, faults=faults, timeout_hold_s=timeout_hold_s
    )
