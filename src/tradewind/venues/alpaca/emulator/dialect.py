"""Alpaca's trading API v2 and market data API v2 (stocks) served over an emulated market.

Every request needs the `APCA-API-KEY-ID` and `APCA-API-SECRET-KEY` headers of a known
key (else 401 `{"code": 40110000, "message": "request is not authorized"}`); each key
trades its own margin account, opened on its first request. Each key (or, before
authentication, the client address) may send `requests_per_minute` requests in any
rolling minute, else 429 `{"code": 42910000, "message": "rate limit exceeded"}` with
Retry-After; every answer carries X-RateLimit-Limit / -Remaining / -Reset.
"""

from __future__ import annotations

import hmac
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tradewind.venues.alpaca.emulator.account import AccountEndpoints
from tradewind.venues.alpaca.emulator.activities import ActivityEndpoints
from tradewind.venues.alpaca.emulator.assets import asset_json
from tradewind.venues.alpaca.emulator.clock import ClockEndpoints
from tradewind.venues.alpaca.emulator.market_data import MarketDataEndpoints
from tradewind.venues.alpaca.emulator.orders import OrderEndpoints
from tradewind.venues.alpaca.emulator.wire import (
    AlpacaError,
    Call,
    asset_uuid,
    not_found,
)
from tradewind.venues.emulation import (
    EmulatedMarket,
    EmulatorRequest,
    EmulatorResponse,
    FaultKind,
    RateLimiter,
    ReplayFeed,
)
from tradewind.venues.emulation.hours import TradingHours

__all__ = ["DEFAULT_REQUESTS_PER_MINUTE", "AlpacaDialect"]

DEFAULT_REQUESTS_PER_MINUTE = 200
_UNAUTHORIZED = AlpacaError(401, 40110000, "request is not authorized")
_Handler = Callable[[Call], Any]


@dataclass(frozen=True, slots=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: _Handler
    status: int = 200


class AlpacaDialect:
    """Alpaca's REST API over an `EmulatedMarket`; see the module docstring.

    credentials: api key id -> secret key. feed: a replay feed synced before each request
    (None: the market moves only through `trade_bar`). hours: the exchange's hours for the
    clock (default: the market's hours of its first symbol).
    """

    name = "alpaca"

    def __init__(
        self,
        market: EmulatedMarket,
        credentials: Mapping[str, str],
        *,
        feed: ReplayFeed | None = None,
        rate_limiter: RateLimiter | None = None,
        hours: TradingHours | None = None,
        calendar_code: str = "XNYS",
    ) -> None:
        self.market = market
        self.credentials = dict(credentials)
        self.feed = feed
        self.rate_limiter = rate_limiter or RateLimiter(DEFAULT_REQUESTS_PER_MINUTE, ban_s=0.0)
        first = next(iter(market.symbols))
        self.orders = OrderEndpoints(market, market.hours)
        self.accounts = AccountEndpoints(market, self.orders)
        self.activities = ActivityEndpoints(market)
        self.clock = ClockEndpoints(hours or market.hours(first), calendar_code)
        self.data = MarketDataEndpoints(market)
        self._routes = self._route_table()

    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        """Answer one request (never raises for a client error)."""
        now_ms = self.feed.sync() if self.feed is not None else self.market.now_ms
        key = request.headers.get("apca-api-key-id") or request.client_host
        decision = self.rate_limiter.charge(key, 1)
        headers = self._limit_headers(key, decision.retry_after_s)
        if not decision.allowed:
            retry_s = max(1, decision.retry_after_s)
            return _rate_limited(retry_s, {**headers, "Retry-After": str(retry_s)})
        try:
            route, arg = self._match(request)
            account = self._authenticate(request)
            call = Call.parse(request, account, now_ms, arg)
            body = route.handler(call)
        except AlpacaError as exc:
            return EmulatorResponse(exc.status, exc.body(), headers)
        return EmulatorResponse(route.status, body, headers)

    def fault_response(self, kind: FaultKind, request: EmulatorRequest) -> EmulatorResponse:
        """The answer to an injected HTTP fault: 429 (also for 418) or 503; not processed."""
        if kind in (FaultKind.HTTP429, FaultKind.HTTP418):
            return _rate_limited(1, {"Retry-After": "1"})
        return EmulatorResponse(503, {"code": 50010000, "message": "service unavailable"})

    # -- authentication and limits ---------------------------------------------------------
    def _authenticate(self, request: EmulatorRequest) -> str:
        key = request.headers.get("apca-api-key-id", "")
        secret = request.headers.get("apca-api-secret-key", "")
        expected = self.credentials.get(key)
        if not key or expected is None or not hmac.compare_digest(expected, secret):
            raise _UNAUTHORIZED
        self.market.add_account(key)
        return key

    def _limit_headers(self, key: str, retry_after_s: int) -> dict[str, str]:
        limit = self.rate_limiter.limit_per_minute
        used = self.rate_limiter.used(key)
        reset_s = math.ceil(time.time()) + (retry_after_s or 60)
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - used)),
            "X-RateLimit-Reset": str(reset_s),
        }

    # -- routes ------------------------------------------------------------------------------
    def _match(self, request: EmulatorRequest) -> tuple[_Route, str]:
        path = request.path.rstrip("/") or "/"
        known_path = False
        for route in self._routes:
            match = route.pattern.fullmatch(path)
            if match is None:
                continue
            known_path = True
            if route.method == request.method:
                return route, match.groupdict().get("arg") or ""
        if known_path:
            raise AlpacaError(405, 40510000, f"method {request.method} not allowed")
        raise AlpacaError(404, 40410000, f"endpoint not found: {request.method} {path}")

    def _route_table(self) -> list[_Route]:
        o, a, act, c, d = self.orders, self.accounts, self.activities, self.clock, self.data
        arg = r"(?P<arg>[^/]+)"
        table: list[tuple[str, str, _Handler, int]] = [
            ("GET", "/v2/account", a.account, 200),
            ("GET", "/v2/account/activities", act.activities, 200),
            ("GET", f"/v2/account/activities/{arg}", act.activities, 200),
            ("GET", "/v2/clock", c.clock, 200),
            ("GET", "/v2/calendar", c.calendar, 200),
            ("GET", "/v2/assets", self._assets, 200),
            ("GET", f"/v2/assets/{arg}", self._asset, 200),
            ("POST", "/v2/orders", o.submit, 200),
            ("GET", "/v2/orders", o.list_orders, 200),
            ("DELETE", "/v2/orders", o.cancel_all, 207),
            ("GET", "/v2/orders:by_client_order_id", o.by_client_id, 200),
            ("GET", f"/v2/orders/{arg}", o.get_order, 200),
            ("PATCH", f"/v2/orders/{arg}", o.replace, 200),
            ("DELETE", f"/v2/orders/{arg}", o.cancel, 204),
            ("GET", "/v2/positions", a.positions, 200),
            ("DELETE", "/v2/positions", a.close_all, 207),
            ("GET", f"/v2/positions/{arg}", a.position, 200),
            ("DELETE", f"/v2/positions/{arg}", a.close_position, 200),
            ("GET", "/v2/stocks/bars", d.bars, 200),
            ("GET", "/v2/stocks/bars/latest", lambda call: d.latest(call, "bars"), 200),
            ("GET", "/v2/stocks/trades/latest", lambda call: d.latest(call, "trades"), 200),
            ("GET", "/v2/stocks/quotes/latest", lambda call: d.latest(call, "quotes"), 200),
            ("GET", f"/v2/stocks/{arg}/bars", d.symbol_bars, 200),
            ("GET", f"/v2/stocks/{arg}/bars/latest", lambda c_: d.latest_one(c_, "bars"), 200),
            ("GET", f"/v2/stocks/{arg}/trades/latest", lambda c_: d.latest_one(c_, "trades"), 200),
            ("GET", f"/v2/stocks/{arg}/quotes/latest", lambda c_: d.latest_one(c_, "quotes"), 200),
        ]
        return [
            _Route(m, re.compile(re.escape(p) if "(?P" not in p else _escape_head(p)), h, s)
            for m, p, h, s in table
        ]

    # -- assets ------------------------------------------------------------------------------
    def _assets(self, call: Call) -> list[dict[str, Any]]:
        status = call.params.get("status")
        asset_class = call.params.get("asset_class")
        if status == "inactive" or asset_class not in (None, "", "us_equity"):
            return []
        exchange = call.params.get("exchange")
        listed = [asset_json(s, spec) for s, spec in sorted(self.market.symbols.items())]
        return [a for a in listed if not exchange or a["exchange"] == exchange]

    def _asset(self, call: Call) -> dict[str, Any]:
        wanted = call.path_arg.upper()
        for symbol, spec in self.market.symbols.items():
            if wanted in (symbol, asset_uuid(symbol).upper()):
                return asset_json(symbol, spec)
        raise not_found("asset not found")


def _escape_head(pattern: str) -> str:
    head, marker, tail = pattern.partition("(?P<arg>[^/]+)")
    return re.escape(head) + marker + re.escape(tail)


def _rate_limited(retry_s: int, headers: Mapping[str, str]) -> EmulatorResponse:
    body = {"code": 42910000, "message": "rate limit exceeded"}
    return EmulatorResponse(429, body, {**headers, "Retry-After": str(retry_s)})
