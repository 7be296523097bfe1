"""A local stand-in for Alpaca (US equities): its REST wire format over the emulation toolkit.

alpaca-py 0.44 runs against it unchanged: `TradingClient(key, secret, paper=True,
url_override=base_url)` and `StockHistoricalDataClient(key, secret, url_override=base_url)`;
one server on 127.0.0.1 serves both the trading and the market data API.

Served (trading API v2):
    GET /v2/account; GET /v2/clock; GET /v2/calendar (start, end);
    GET /v2/assets (status, asset_class, exchange), GET /v2/assets/{symbol or id};
    POST /v2/orders: type market|limit|stop|stop_limit, time_in_force day|gtc|ioc|fok,
      qty (whole or fractional) or notional (market orders), client_order_id (<= 128
      characters, unique per account), order_class simple, extended_hours false;
      fractional and notional orders must be DAY orders and may not open a short;
    GET /v2/orders (status open|closed|all, limit <= 500, after, until, direction,
      nested, symbols, side); GET /v2/orders/{id};
      GET /v2/orders:by_client_order_id?client_order_id=;
    DELETE /v2/orders/{id} (204); DELETE /v2/orders (207, one entry per open order);
    PATCH /v2/orders/{id} (qty, time_in_force, limit_price, stop_price, client_order_id:
      a new order with `replaces`; the old one becomes `replaced` with `replaced_by`);
    GET /v2/positions, GET /v2/positions/{symbol or asset id},
    DELETE /v2/positions/{symbol} (qty or percentage), DELETE /v2/positions
      (cancel_orders; 207);
    GET /v2/account/activities[/FILL] (activity_types, date, after, until, direction,
      page_size <= 100, page_token): one FILL activity per execution.
Served (market data API v2, stocks):
    GET /v2/stocks/bars and /v2/stocks/{symbol}/bars (symbols, timeframe <n>Min|<n>Hour|
      1Day, start, end, limit <= 10000, page_token, sort; adjustment, feed, asof and
      currency accepted and ignored); latest trades, quotes and bars, multi- and
      single-symbol. Daily bars are stamped at midnight New York time of their session.

`build_emulator` returns an `AlpacaServer` (the toolkit's server plus PATCH and bodiless
204 answers); `server.served()` counts requests by path with ids and symbols folded.

Auth: the `APCA-API-KEY-ID` and `APCA-API-SECRET-KEY` headers must name a configured key
and its secret (`DEFAULT_CREDENTIALS` is a made-up rehearsal pair, not a real Alpaca key);
otherwise 401 `{"code": 40110000, "message": "request is not authorized"}`. Each key has
its own margin account (USD 100,000 by default, `DEFAULT_BALANCES`).

Accounts and fills (`MARKET_SPEC`): commission 0; margin leverage 4 (orders are refused
403 "insufficient buying power" when gross exposure would pass 4 x equity; shorting
allowed); market hours from the XNYS calendar: market orders sent while the market is
closed are accepted (status `accepted`) and fill at the open of the next bar, limits
rest, IOC/FOK limits expire; DAY orders expire at the session close. Market orders fill
at the last price, resting orders against each new bar (at most 25% of its volume; see
`venues.emulation.market`). Every time served (orders, fills, clock, bars) is on the
market clock of the replay, not the wall clock.

Symbols (`BUNDLED`): AAPL (not split-adjusted), MSFT, SPY, DIA, JPM, XOM, XLK, XLF, XLE,
EEM, EFA from the bundled daily equities; tick 0.01, fractional lot 1e-9. Only AAPL has
open/high/low/volume in the bundle; the others are close-only, and `tradewind emulate`
replays them as flat bars at the close with volume 0 (`SymbolSpec.volume_known` False:
resting orders fill without a volume cap). `bundle.complete_bars` (open = previous close,
a synthetic volume) is a test helper only.

Errors: Alpaca's `{"code", "message"}` bodies: 400 / 40010000 malformed, 422 / 40010001
invalid order fields or parameters, 403 / 40310000 insufficient buying power or
fractional short, 404 / 40410000 unknown order, asset, position or endpoint, 422 /
42210000 an order no longer open, 429 / 42910000 past 200 requests per minute per key
(alpaca-py retries 429 three times, 3 s apart, then raises APIError).

Faults (`FaultInjector`, `faults.arm(kind, count, path_prefix, method)`): latency,
timeout (processed, answer withheld), drop (not processed), http429 (and http418, which
Alpaca does not have, answered as 429), http5xx (503), reject (an order refused 403
"insufficient buying power"), duplicate_ack (a reused client_order_id gets the first
order back instead of 422). skew does nothing: Alpaca requests carry no timestamp.

Not emulated: extended hours, bracket/oco/oto/trailing-stop/options/crypto orders,
opg/cls, websockets (trade updates and streaming data), non-FILL activities, corporate
actions and split adjustment, portfolio history, watchlists, account configuration,
margin calls, PDT rules, quotes other than bid = ask = the latest close. Replace links
(`replaced_by` / `replaces`) are kept in memory only: after a restart with `--state` a
replaced order reads `canceled`. A PATCH is checked before the original is canceled, but
a replacement the market still refuses (buying power) leaves the original canceled.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from tradewind.venues.alpaca.emulator.assets import BUNDLED, BundledSeries, equity_spec
from tradewind.venues.alpaca.emulator.dialect import DEFAULT_REQUESTS_PER_MINUTE, AlpacaDialect
from tradewind.venues.alpaca.emulator.server import AlpacaServer
from tradewind.venues.emulation import (
    EmulatedMarket,
    FaultInjector,
    MarketSpec,
    RateLimiter,
    ReplayFeed,
)

__all__ = [
    "BUNDLED",
    "DEFAULT_BALANCES",
    "DEFAULT_CREDENTIALS",
    "MARKET_SPEC",
    "AlpacaDialect",
    "AlpacaServer",
    "BundledSeries",
    "build_emulator",
    "build_market",
    "equity_spec",
]

DEFAULT_BALANCES: Mapping[str, Decimal] = {"USD": Decimal("100000")}
DEFAULT_CREDENTIALS: Mapping[str, str] = {"rehearsal-key": "rehearsal-secret"}
MARKET_SPEC = MarketSpec(
    commission_bps=Decimal(0),
    starting_balances=DEFAULT_BALANCES,
    bar_interval_ms=86_400_000,
    margin_leverage=Decimal(4),
    closed_market_orders="queue",
)


def build_market(
    symbols: Mapping[str, BundledSeries] | None = None, spec: MarketSpec | None = None
) -> EmulatedMarket:
    """An empty market for `symbols` (default: every bundled one) with their hours."""
    chosen = BUNDLED if symbols is None else symbols
    return EmulatedMarket(
        {s: b.spec for s, b in chosen.items()},
        spec or MARKET_SPEC,
        hours={s: b.hours for s, b in chosen.items()},
    )


def build_emulator(
    market: EmulatedMarket,
    credentials: Mapping[str, str],
    *,
    feed: ReplayFeed | None = None,
    faults: FaultInjector | None = None,
    rate_limiter: RateLimiter | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    timeout_hold_s: float = 12.0,
) -> AlpacaServer:
    """A server speaking Alpaca's REST API over `market`; call `.start()` on it.

    rate_limiter: default 200 requests per rolling minute per key. Raises ValueError for
    a non-loopback host.
    """
    dialect = AlpacaDialect(
        market,
        credentials,
        feed=feed,
        rate_limiter=rate_limiter or RateLimiter(DEFAULT_REQUESTS_PER_MINUTE, ban_s=0.0),
    )
    return AlpacaServer(dialect, host=host, port=port, faults=faults, timeout_hold_s=timeout_hold_s)
