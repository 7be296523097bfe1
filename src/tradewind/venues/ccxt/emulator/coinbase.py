"""Coinbase Advanced Trade REST dialect for the emulator server (what ccxt's `coinbase` calls).

Routes the v3 Advanced Trade API under `/api/v3/brokerage/...` (public `market/...`
endpoints, and the signed accounts, orders, fills and transaction summary) and the v2
calls ccxt makes while loading markets and reading balances (`/v2/time`,
`/v2/currencies`, `/v2/currencies/crypto`, `/v2/exchange-rates`, signed `/v2/accounts`).
Authentication (HMAC, or a JWT for CDP keys) is in `coinbase_auth`. GET parameters come in
the query (a repeated key is a list), POST parameters as a JSON body.

Rate limits: each request spends weight in the shared `RateLimiter` per api key (the
client address for public calls): public and v2 calls 3, signed v3 calls 1, by default
1800 per rolling minute (Coinbase allows 30 private and 10 public requests a second).
Over the limit, and while blocked, the answer is 429 `rate_limit_exceeded` (Coinbase has
no ban answer). Injected faults: http429 as a rate limit, http418 likewise, http5xx a 503
without an error body (ccxt: ExchangeNotAvailable). Every market-side time is on the
MARKET clock; signatures are checked against the AUTH clock (the wall clock minus skew).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from tradewind.venues.ccxt.emulator.coinbase_auth import Authenticator
from tradewind.venues.ccxt.emulator.coinbase_private import PrivateEndpoints
from tradewind.venues.ccxt.emulator.coinbase_public import PublicEndpoints
from tradewind.venues.ccxt.emulator.coinbase_wire import (
    Call,
    CoinbaseError,
    api_error,
    errors_error,
)
from tradewind.venues.emulation import (
    EmulatedMarket,
    EmulatorRequest,
    EmulatorResponse,
    FaultKind,
    RateLimiter,
    ReplayFeed,
    SymbolSpec,
)

__all__ = ["CoinbaseDialect"]

_V3 = "/api/v3/brokerage/"
_DEFAULT_LIMIT_PER_MINUTE = 1800
_PUBLIC_WEIGHT = 3
_PRIVATE_WEIGHT = 1
_D = Decimal


@dataclass(frozen=True, slots=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[[Call], Any]
    weight: int
    signed: bool


class CoinbaseDialect:
    """Coinbase Advanced Trade over an `EmulatedMarket`; see the module docstring.

    credentials: api key -> secret (an HMAC secret, a PEM EC key or a base64 Ed25519 key);
    each key trades its own account, opened on its first signed request with the
    market's starting balances. feed: a replay feed synced before each request.
    rate_limiter: default 1800 weight per rolling minute. base_interval_ms: the base bar
    interval per product for candle aggregation. auth_clock_ms: the wall clock signatures
    are checked against. timestamp_window_s: how far a signature's time may be off.

    Raises:
        ValueError: a PEM or Ed25519 secret that cannot be read.
    """

    name = "coinbase"
    bundled_symbols: ClassVar[Mapping[str, tuple[str, SymbolSpec]]] = {
        "BTC-USD": (
            "BTC-USD",
            SymbolSpec("BTC", "USD", _D("0.01"), _D("1E-8"), _D("1E-8"), _D("1")),
        ),
        "ETH-USD": (
            "ETH-USD",
            SymbolSpec("ETH", "USD", _D("0.01"), _D("1E-8"), _D("1E-8"), _D("1")),
        ),
        "LTC-USD": (
            "LTC-USD",
            SymbolSpec("LTC", "USD", _D("0.01"), _D("1E-8"), _D("1E-8"), _D("1")),
        ),
    }
    default_balances: ClassVar[Mapping[str, Decimal]] = {"USD": _D("1000000")}

    def __init__(
        self,
        market: EmulatedMarket,
        credentials: Mapping[str, str],
        *,
        feed: ReplayFeed | None = None,
        rate_limiter: RateLimiter | None = None,
        base_interval_ms: Mapping[str, int] | None = None,
        auth_clock_ms: Callable[[], int] | None = None,
        timestamp_window_s: int = 30,
    ) -> None:
        self.market = market
        self.feed = feed
        self.rate_limiter = rate_limiter or RateLimiter(_DEFAULT_LIMIT_PER_MINUTE)
        self.auth = Authenticator(credentials, window_s=timestamp_window_s)
        self._auth_clock_ms = auth_clock_ms or (lambda: int(time.time() * 1000))
        self.public = PublicEndpoints(market, base_interval_ms or {})
        self.private = PrivateEndpoints(market, self.public)
        self._routes = self._route_table()

    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        """Answer one request (never raises for a client error)."""
        now_ms = self.feed.sync() if self.feed is not None else self.market.now_ms
        found = self._route(request)
        if found is None:
            return _answer(api_error(404, "NOT_FOUND", f"no route {request.path}"))
        route, path_args = found
        try:
            account = None
            if route.signed:
                auth_now_ms = self._auth_clock_ms() - request.fault.skew_ms
                account = self.auth.authenticate(request, auth_now_ms)
                self.market.add_account(account)
            decision = self.rate_limiter.charge(account or request.client_host, route.weight)
            if not decision.allowed:
                return _answer(_rate_limited())
            params = _params(request)
            body = route.handler(Call(request, params, account, now_ms, path_args))
        except CoinbaseError as exc:
            return _answer(exc)
        return EmulatorResponse(200, body)

    def fault_response(self, kind: FaultKind, request: EmulatorRequest) -> EmulatorResponse:
        """The answer to an injected HTTP fault, not processed."""
        if kind in (FaultKind.HTTP429, FaultKind.HTTP418):
            return _answer(_rate_limited())
        return EmulatorResponse(503, {"message": "service unavailable"})

    # -- routes ----------------------------------------------------------------------------
    def _route(self, request: EmulatorRequest) -> tuple[_Route, dict[str, str]] | None:
        for route in self._routes:
            if route.method != request.method:
                continue
            match = route.pattern.fullmatch(request.path)
            if match is not None:
                return route, match.groupdict()
        return None

    def _route_table(self) -> list[_Route]:
        pub, prv = self.public, self.private
        public_v2 = {
            "/v2/time": pub.time_v2,
            "/v2/currencies": pub.currencies,
            "/v2/currencies/crypto": pub.crypto_currencies,
            "/v2/exchange-rates": pub.exchange_rates,
        }
        market_data = {
            "market/products": pub.products,
            "market/products/{product_id}": pub.product_one,
            "market/products/{product_id}/candles": pub.candles,
            "market/products/{product_id}/ticker": pub.ticker,
            "market/product_book": pub.product_book,
        }
        private_get = {
            "accounts": prv.accounts_v3,
            "transaction_summary": prv.transaction_summary,
            "orders/historical/batch": prv.historical_batch,
            "orders/historical/fills": prv.fills,
            "orders/historical/{order_id}": prv.historical_order,
            **{name.removeprefix("market/"): handler for name, handler in market_data.items()},
        }
        routes = [_make("GET", path, h, _PUBLIC_WEIGHT, False) for path, h in public_v2.items()]
        routes.append(_make("GET", "/v2/accounts", prv.accounts_v2, _PUBLIC_WEIGHT, True))
        routes.append(_make("GET", _V3 + "time", pub.time_v3, _PUBLIC_WEIGHT, False))
        routes += [_make("GET", _V3 + p, h, _PUBLIC_WEIGHT, False) for p, h in market_data.items()]
        routes += [_make("GET", _V3 + p, h, _PRIVATE_WEIGHT, True) for p, h in private_get.items()]
        routes.append(_make("POST", _V3 + "orders", prv.create_order, _PRIVATE_WEIGHT, True))
        routes.append(
            _make("POST", _V3 + "orders/batch_cancel", prv.batch_cancel, _PRIVATE_WEIGHT, True)
        )
        return routes


def _make(
    method: str, path: str, handler: Callable[[Call], Any], weight: int, signed: bool
) -> _Route:
    regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
    return _Route(method, re.compile(regex), handler, weight, signed)


def _params(request: EmulatorRequest) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, value in parse_qsl(request.query, keep_blank_values=True):
        if name in params:
            previous = params[name]
            params[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            params[name] = value
    if request.body:
        try:
            loaded = json.loads(request.body)
        except ValueError:
            raise api_error(400, "INVALID_ARGUMENT", "body: expected JSON") from None
        if not isinstance(loaded, dict):
            raise api_error(400, "INVALID_ARGUMENT", "body: expected a JSON object")
        params.update(loaded)
    return params


def _rate_limited() -> CoinbaseError:
    return errors_error(429, "rate_limit_exceeded", "Too many requests")


def _answer(exc: CoinbaseError) -> EmulatorResponse:
    return EmulatorResponse(exc.status, exc.body)
