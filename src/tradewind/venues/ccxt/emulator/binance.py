"""Binance spot REST (v3) dialect for the emulator server.

Routes `/api/v3/...` (spot), `/fapi/v1/exchangeInfo` and `/dapi/v1/exchangeInfo` (empty,
so ccxt's default `load_markets` works) and the `/sapi/v1` calls ccxt makes while loading
markets with keys. Signed requests need the `X-MBX-APIKEY` header, a `timestamp` and an
HMAC-SHA256 `signature` of the query string followed by the body (everything before
`&signature=`), as Binance and ccxt compute it. Timestamps are checked against the AUTH
clock (the wall clock, minus the skew fault): `timestamp < auth_now + 1000` and
`auth_now - timestamp <= recvWindow` (default 5000, at most 60000), else -1021. Every
market-side time (serverTime, klines, orders, trades) is on the MARKET clock.

Errors have Binance's shape {"code", "msg"} and status; each answer carries the
`x-mbx-used-weight` and `x-mbx-used-weight-1m` headers of the caller's weight.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from tradewind.venues.ccxt.emulator.binance_private import PrivateEndpoints
from tradewind.venues.ccxt.emulator.binance_public import PublicEndpoints
from tradewind.venues.ccxt.emulator.binance_replace import ReplaceEndpoint
from tradewind.venues.ccxt.emulator.binance_wire import BinanceError, Call, int_param
from tradewind.venues.emulation import (
    EmulatedMarket,
    EmulatorRequest,
    EmulatorResponse,
    FaultKind,
    RateLimiter,
    ReplayFeed,
)

__all__ = ["BinanceDialect"]

_Handler = Callable[[Call], Any]


@dataclass(frozen=True, slots=True)
class _Route:
    handler: _Handler
    weight: int
    signed: bool
    weight_without_symbol: int | None = None


class BinanceDialect:
    """Binance spot v3 over an `EmulatedMarket`; see the module docstring.

    credentials: api key -> secret; each key trades its own account, opened on its first
    signed request with the market's starting balances. feed: a replay feed synced before
    each request (None: the market moves only through `trade_bar`). base_interval_ms: the
    base bar interval per symbol (default MarketSpec.bar_interval_ms) for kline aggregation.
    """

    name = "binance"

    def __init__(
        self,
        market: EmulatedMarket,
        credentials: Mapping[str, str],
        *,
        feed: ReplayFeed | None = None,
        rate_limiter: RateLimiter | None = None,
        base_interval_ms: Mapping[str, int] | None = None,
        auth_clock_ms: Callable[[], int] | None = None,
    ) -> None:
        self.market = market
        self.credentials = dict(credentials)
        self.feed = feed
        self.rate_limiter = rate_limiter or RateLimiter()
        self._auth_clock_ms = auth_clock_ms or (lambda: int(time.time() * 1000))
        self.public = PublicEndpoints(market, base_interval_ms or {})
        self.private = PrivateEndpoints(market, self.public)
        self.replace = ReplaceEndpoint(market, self.private)
        self._routes = self._route_table()

    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        """Answer one request (never raises for a client error)."""
        now_ms = self.feed.sync() if self.feed is not None else self.market.now_ms
        route = self._routes.get((request.method, request.path))
        if route is None:
            return _error(404, -1000, f"Unknown endpoint {request.method} {request.path}.", {})
        params = _params(request)
        key = request.headers.get("x-mbx-apikey") or request.client_host
        weight = (
            route.weight_without_symbol
            if route.weight_without_symbol and "symbol" not in params
            else route.weight
        )
        decision = self.rate_limiter.charge(key, weight)
        headers = _weight_headers(decision.used_weight)
        if not decision.allowed:
            return _rate_error(
                decision.status, decision.retry_after_s, headers, request.client_host
            )
        try:
            account = self._authenticate(request, params) if route.signed else None
            body = route.handler(Call(request, params, account, now_ms))
        except BinanceError as exc:
            return _error(exc.status, exc.code, exc.msg, headers, exc.data)
        return EmulatorResponse(200, body, headers)

    def fault_response(self, kind: FaultKind, request: EmulatorRequest) -> EmulatorResponse:
        """The answer to an injected HTTP fault (429, 418 or 503), not processed."""
        key = request.headers.get("x-mbx-apikey") or request.client_host
        headers = _weight_headers(self.rate_limiter.used(key))
        if kind is FaultKind.HTTP429:
            return _rate_error(429, 1, headers, request.client_host)
        if kind is FaultKind.HTTP418:
            return _rate_error(418, 120, headers, request.client_host)
        return _error(
            503, -1001, "Internal error; unable to process your request. Please try again.", headers
        )

    # -- authentication --------------------------------------------------------------------
    def _authenticate(self, request: EmulatorRequest, params: Mapping[str, str]) -> str:
        key = request.headers.get("x-mbx-apikey")
        if not key:
            raise BinanceError(401, -2014, "API-key format invalid.")
        secret = self.credentials.get(key)
        if secret is None:
            raise BinanceError(401, -2015, "Invalid API-key, IP, or permissions for action.")
        self._check_timestamp(request, params)
        payload, signature = _signed_payload(request)
        expected = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if signature is None or not hmac.compare_digest(expected, signature.lower()):
            raise BinanceError(400, -1022, "Signature for this request is not valid.")
        self.market.add_account(key)
        return key

    def _check_timestamp(self, request: EmulatorRequest, params: Mapping[str, str]) -> None:
        timestamp = int_param(params, "timestamp")
        if timestamp is None:
            raise BinanceError(
                400,
                -1102,
                "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
            )
        recv_window = int_param(params, "recvWindow")
        recv_window = 5000 if recv_window is None else recv_window
        if recv_window > 60_000:
            raise BinanceError(400, -1131, "recvWindow must be less than 60000.")
        auth_now = self._auth_clock_ms() - request.fault.skew_ms
        if timestamp >= auth_now + 1000:
            raise BinanceError(
                400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."
            )
        if auth_now - timestamp > recv_window:
            raise BinanceError(
                400, -1021, "Timestamp for this request is outside of the recvWindow."
            )

    # -- routes ----------------------------------------------------------------------------
    def _route_table(self) -> dict[tuple[str, str], _Route]:
        pub, prv = self.public, self.private
        spot = "/api/v3/"
        return {
            ("GET", spot + "ping"): _Route(pub.ping, 1, False),
            ("GET", spot + "time"): _Route(pub.time, 1, False),
            ("GET", spot + "exchangeInfo"): _Route(pub.exchange_info, 20, False),
            ("GET", spot + "klines"): _Route(pub.klines, 2, False),
            ("GET", spot + "uiKlines"): _Route(pub.klines, 2, False),
            ("GET", spot + "ticker/24hr"): _Route(pub.ticker_24hr, 2, False, 80),
            ("GET", spot + "ticker/price"): _Route(pub.ticker_price, 2, False, 4),
            ("GET", spot + "ticker/bookTicker"): _Route(pub.book_ticker, 2, False, 4),
            ("GET", spot + "depth"): _Route(pub.depth, 5, False),
            ("GET", spot + "trades"): _Route(pub.trades, 25, False),
            ("GET", spot + "aggTrades"): _Route(pub.trades, 2, False),
            ("GET", spot + "historicalTrades"): _Route(pub.trades, 25, False),
            ("GET", spot + "avgPrice"): _Route(pub.avg_price, 2, False),
            ("GET", "/fapi/v1/exchangeInfo"): _Route(pub.futures_exchange_info, 1, False),
            ("GET", "/dapi/v1/exchangeInfo"): _Route(pub.futures_exchange_info, 1, False),
            ("GET", "/sapi/v1/system/status"): _Route(
                lambda c: {"status": 0, "msg": "normal"}, 1, False
            ),
            ("GET", spot + "account"): _Route(prv.account, 20, True),
            ("POST", spot + "order"): _Route(prv.create_order, 1, True),
            ("POST", spot + "order/test"): _Route(prv.test_order, 1, True),
            ("POST", spot + "order/cancelReplace"): _Route(self.replace.cancel_replace, 1, True),
            ("GET", spot + "order"): _Route(prv.get_order, 4, True),
            ("DELETE", spot + "order"): _Route(prv.cancel_order, 1, True),
            ("GET", spot + "openOrders"): _Route(prv.open_orders, 6, True, 80),
            ("DELETE", spot + "openOrders"): _Route(prv.cancel_open_orders, 1, True),
            ("GET", spot + "allOrders"): _Route(prv.all_orders, 20, True),
            ("GET", spot + "myTrades"): _Route(prv.my_trades, 20, True),
            ("GET", "/sapi/v1/capital/config/getall"): _Route(prv.coins, 10, True),
            ("GET", "/sapi/v1/margin/allPairs"): _Route(prv.empty_list, 1, True),
            ("GET", "/sapi/v1/margin/isolated/allPairs"): _Route(prv.empty_list, 10, True),
        }


def _params(request: EmulatorRequest) -> dict[str, str]:
    params = dict(parse_qsl(request.query, keep_blank_values=True))
    if request.body:
        params.update(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
    return params


def _signed_payload(request: EmulatorRequest) -> tuple[str, str | None]:
    """Binance's totalParams (query then body) without the signature, and the signature."""
    signature = None
    parts = []
    for raw in (request.query, request.body.decode("utf-8", "replace")):
        kept = []
        for item in raw.split("&") if raw else []:
            if item.startswith("signature="):
                signature = item[len("signature=") :]
            else:
                kept.append(item)
        parts.append("&".join(kept))
    return "".join(parts), signature


def _weight_headers(used: int) -> dict[str, str]:
    return {"x-mbx-used-weight": str(used), "x-mbx-used-weight-1m": str(used)}


def _error(
    status: int, code: int, msg: str, headers: Mapping[str, str], data: Any = None
) -> EmulatorResponse:
    body: dict[str, Any] = {"code": code, "msg": msg}
    if data is not None:
        body["data"] = data
    return EmulatorResponse(status, body, headers)


def _rate_error(
    status: int, retry_after_s: int, headers: Mapping[str, str], host: str
) -> EmulatorResponse:
    if status == 418:
        until_ms = int(time.time() * 1000) + retry_after_s * 1000
        msg = (
            f"Way too many requests; IP({host}) banned until {until_ms}. "
            "Please use the websocket for live updates to avoid bans."
        )
    else:
        msg = (
            f"Too many requests; current limit of IP({host}) request weight per minute "
            "exceeded. Please use the websocket for live updates to avoid polling the API."
        )
    return _error(status, -1003, msg, {**headers, "Retry-After": str(retry_after_s)})
