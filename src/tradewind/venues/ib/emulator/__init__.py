"""A local stand-in for TWS / IB Gateway: the TWS API socket protocol over the emulation toolkit.

ib_async 2.1.0 (and any client speaking server version 178) connects to it as to TWS:
`IB().connect("127.0.0.1", server.port, clientId=1)`. It listens on 127.0.0.1 only.

Connection: the `API\\0` handshake answers server version 178 (a client offering less
is disconnected); startApi gets managedAccounts (one paper-like account, "DU0000001" by
default), nextValidId and the farm notices 2104, 2106 and 2158. Several clients may be
connected with distinct clientIds; a clientId already connected gets error 326 and is
disconnected. There are no credentials (TWS holds the login): `DEFAULT_CREDENTIALS` only
names the account, and is not a real account.

Requests served (by ib_async's method names, which `served()` counts and faults match):
reqCurrentTime (the market clock), reqIds, reqManagedAccts, reqContractDetails (STK on
SMART and its listing exchanges, CASH on IDEALPRO), reqMktData (snapshot and streaming;
bid / ask one tick around the last price, last, close, volume; reqMarketDataType 3/4 gives
the delayed tick types), reqHistoricalData (barSize from "1 min" up to "1 week" in whole
multiples of the data's base bars; durationStr S/D/W/M/Y in calendar time; endDateTime ""
or explicit; whatToShow TRADES (stocks), MIDPOINT, BID, ASK; formatDate 1 and 2; no
bars later than the market clock), reqHeadTimeStamp, placeOrder (MKT, LMT, STP, STP LMT;
tif DAY (default), GTC, IOC, FOK; orderRef kept; re-sending an orderId that is still
working modifies it), cancelOrder, reqGlobalCancel, reqOpenOrders / reqAllOpenOrders /
reqAutoOpenOrders, reqCompletedOrders, reqExecutions (with its filter), reqPositions,
reqAccountUpdates (values, portfolio, accountDownloadEnd; sent again after every fill),
reqAccountUpdatesMulti, reqAccountSummary, reqPnL. Orders report openOrder + orderStatus
(PreSubmitted while a stop waits for its trigger or the market is closed, Submitted,
Filled, Cancelled for cancelled and expired orders), executions execDetails +
commissionReport, pushed to the clientId that placed the order.

Errors (the error message, to the request's id): 200 no security definition, 201 order
rejected with the reason (unsupported type / tif, bad size, insufficient margin, fault),
103 duplicate order id, 202 order cancelled, 10147 / 10148 cancel of an unknown /
finished order, 321 refused modification, 162 historical data refused (bad bar size,
duration, whatToShow, no data), 100 / 1100 for injected rate-limit / server faults.

Faults (`build_emulator(..., faults=FaultInjector(...))`), decided per request message
with `method` "MSG" and the message name as the path, so `faults.arm("drop",
path_prefix="placeOrder")` works: latency delays the answer; drop closes the connection
without processing the request; timeout processes it and never answers (the connection
stays open; `timeout_hold_s` is accepted for the uniform signature and unused);
http429/http418 answer error 100 and http5xx error 1100 to the request's id without
processing it; reject refuses a placeOrder with error 201; duplicate_ack sends a new
order's orderStatus twice; skew moves reqCurrentTime back. `served()` (and the
`requests` Counter) count requests by message name.

Markets: the bundled daily US stocks (XNYS hours: market orders placed while closed
queue until the next bar's open, DAY orders expire at the session close) and EUR.USD
hourly (FOREX_HOURS), one margin account in USD (1,000,000; leverage 4; shorts allowed).
Commission: IB fixed pricing per execution, stocks USD 0.005/share (min USD 1, max 1% of
value), forex 0.2 bps (min USD 2), charged on top of a commission-free market.

Limits (not emulated): combo / bracket / OCA / algo / what-if orders, other order types
and tifs (GTD, OPG, MOC...), outsideRth (no extended-hours data), market depth, tick-by-
tick, real-time bars, keepUpToDate updates, news, scanners, options, FA accounts,
multiple accounts, MIDPOINT volume of -1 (the bundled volume is sent), daily forex bars
at 17:00 New York (they open at 00:00 UTC), a partly filled order cannot be modified.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from tradewind.venues.emulation import (
    EmulatedMarket,
    FaultInjector,
    MarketSpec,
    ReplayFeed,
    SymbolSpec,
)
from tradewind.venues.emulation.hours import FOREX_HOURS, ExchangeHours, TradingHours
from tradewind.venues.ib.emulator.server import FAULT_METHOD, IbEmulatorServer

__all__ = [
    "BUNDLED",
    "DEFAULT_ACCOUNT",
    "DEFAULT_BALANCES",
    "DEFAULT_CREDENTIALS",
    "FAULT_METHOD",
    "MARKET_SPEC",
    "BundledSeries",
    "IbEmulatorServer",
    "build_emulator",
]

DEFAULT_ACCOUNT = "DU0000001"


@dataclass(frozen=True, slots=True)
class BundledSeries:
    """Where a venue symbol's bundled bars live, its spec and its trading hours."""

    market: str
    series: str
    spec: SymbolSpec
    hours: TradingHours


def _stock(symbol: str) -> BundledSeries:
    one = Decimal(1)
    spec = SymbolSpec(symbol, "USD", price_tick=Decimal("0.01"), lot=one, min_qty=one,
                      min_notional=Decimal(0))  # fmt: skip
    return BundledSeries("equities", symbol, spec, ExchangeHours("XNYS"))


_STOCKS = ("AAPL", "MSFT", "SPY", "DIA", "JPM", "XOM", "XLK", "XLF", "XLE", "EEM", "EFA")
BUNDLED: Mapping[str, BundledSeries] = {
    **{s: _stock(s) for s in _STOCKS},
    "EUR.USD": BundledSeries(
        "forex",
        "EUR-USD",
        SymbolSpec(
            "EUR",
            "USD",
            price_tick=Decimal("0.00005"),
            lot=Decimal(1),
            min_qty=Decimal(1),
            min_notional=Decimal(0),
        ),
        FOREX_HOURS,
    ),
}
DEFAULT_BALANCES: Mapping[str, Decimal] = {"USD": Decimal(1_000_000)}
MARKET_SPEC = MarketSpec(
    commission_bps=Decimal(0),
    starting_balances=DEFAULT_BALANCES,
    margin_leverage=Decimal(4),
    closed_market_orders="queue",
)
DEFAULT_CREDENTIALS: Mapping[str, str] = {"account": DEFAULT_ACCOUNT}
"""Not a real account: the only "credential" is the account id the emulator reports."""


def build_emulator(
    market: EmulatedMarket,
    credentials: Mapping[str, str],
    *,
    feed: ReplayFeed | None = None,
    faults: FaultInjector | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    timeout_hold_s: float = 12.0,
) -> IbEmulatorServer:
    """A TWS stand-in over `market` (not started; call `.start()`).

    `credentials["account"]` names the account (default DU0000001). Raises ValueError for
    a non-loopback host or an unknown credentials key.
    """
    unknown = sorted(set(credentials) - {"account"})
    if unknown:
        raise ValueError(f"credentials {unknown}: expected only 'account'")
    account = credentials.get("account") or DEFAULT_ACCOUNT
    return IbEmulatorServer(
        market, account, feed=feed, faults=faults, host=host, port=port,
        timeout_hold_s=timeout_hold_s,
    )  # fmt: skip
