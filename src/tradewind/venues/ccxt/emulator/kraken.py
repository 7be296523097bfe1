"""Kraken spot REST dialect for the emulator server (what ccxt's `kraken` class calls).

Routes `/0/public/<Method>` (GET or POST) and `/0/private/<Method>` (POST, signed).
Every answer is HTTP 200 with `{"error": [...], "result": ...}`, as Kraken answers, also
for errors (an injected HTTP 429 / 5xx fault keeps the body shape). Signed requests carry
`API-Key` and `API-Sign` = base64(HMAC-SHA512(base64decode(secret), path +
SHA256(nonce + body))) and a `nonce` that must grow with every request of the key
(an equal nonce passes, since ccxt's nonce is in ms and loopback is fast):
`EAPI:Invalid key` (unknown key), `EAPI:Invalid signature`, `EAPI:Invalid nonce`. Kraken
checks no timestamp, so the `skew` fault has no effect here. Rate limits: each request
spends weight (public 1, private 1, history 2, order entry 0) in the shared `RateLimiter`
per key (the client address for public calls); over the limit the answer is
`EAPI:Rate limit exceeded`, and `EGeneral:Temporary lockout` while banned.
`CancelAllOrdersAfter` (the dead man's switch) counts down on the wall clock
(`kraken_dead_man`).

Market symbols are Kraken pair ids (`XXBTZUSD`) over legacy asset codes (`XXBT`,
`ZUSD`); requests may name a pair by id or altname (`XBTUSD`). Secrets are base64, as
Kraken's are. Every market-side time is on the MARKET clock.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from tradewind.venues.ccxt.emulator.kraken_dead_man import DeadManSwitches
from tradewind.venues.ccxt.emulator.kraken_private import PrivateEndpoints
from tradewind.venues.ccxt.emulator.kraken_public import PublicEndpoints
from tradewind.venues.ccxt.emulator.kraken_wire import Call, KrakenError
from tradewind.venues.emulation import (
    EmulatedMarket,
    EmulatorRequest,
    EmulatorResponse,
    FaultKind,
    RateLimiter,
    ReplayFeed,
    SymbolSpec,
)

__all__ = ["KrakenDialect"]

_PUBLIC = "/0/public/"
_PRIVATE = "/0/private/"
# A public caller is spaced ~1 s by ccxt; private calls ~1 per 3 s: stay clear of both.
_DEFAULT_LIMIT_PER_MINUTE = 90
_D = Decimal


@dataclass(frozen=True, slots=True)
class _Route:
    handler: Callable[[Call], Any]
    weight: int
    signed: bool


class KrakenDialect:
    """Kraken spot REST over an `EmulatedMarket`; see the module docstring.

    credentials: api key -> base64 secret; each key trades its own account, opened on
    its first signed request with the market's starting balances; `dead_man` holds
    their CancelAllOrdersAfter countdowns. feed: a replay feed synced before each
    request. rate_limiter: default 90 weight per rolling minute.
    base_interval_ms: the base bar interval per pair for OHLC aggregation.

    Raises:
        ValueError: a secret that is not base64.
    """

    name = "kraken"
    bundled_symbols: ClassVar[Mapping[str, tuple[str, SymbolSpec]]] = {
        "XXBTZUSD": (
            "BTC-USD",
            SymbolSpec("XXBT", "ZUSD", _D("0.1"), _D("1E-8"), _D("0.00005"), _D("0.5")),
        ),
        "XETHZUSD": (
            "ETH-USD",
            SymbolSpec("XETH", "ZUSD", _D("0.01"), _D("1E-8"), _D("0.002"), _D("0.5")),
        ),
        "XLTCZUSD": (
            "LTC-USD",
            SymbolSpec("XLTC", "ZUSD", _D("0.01"), _D("1E-8"), _D("0.05"), _D("0.5")),
        ),
    }
    default_balances: ClassVar[Mapping[str, Decimal]] = {"ZUSD": _D("1000000")}

    def __init__(
        self,
        market: EmulatedMarket,
        credentials: Mapping[str, str],
        *,
        feed: ReplayFeed | None = None,
        rate_limiter: RateLimiter | None = None,
        base_interval_ms: Mapping[str, int] | None = None,
    ) -> None:
        self.market = market
        self._secrets = {key: _secret_bytes(key, secret) for key, secret in credentials.items()}
        self.feed = feed
        self.rate_limiter = rate_limiter or RateLimiter(_DEFAULT_LIMIT_PER_MINUTE)
        self.public = PublicEndpoints(market, base_interval_ms or {})
        self.private = PrivateEndpoints(market, self.public)
        self.dead_man = DeadManSwitches(market)
        self._nonces: dict[str, int] = {}
        self._nonce_lock = threading.Lock()
        self._routes = self._route_table()

    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        """Answer one request (never raises for a client error)."""
        now_ms = self.feed.sync() if self.feed is not None else self.market.now_ms
        route = self._routes.get(request.path)
        if route is None or (route.signed and request.method != "POST"):
            return _answer(["EGeneral:Unknown method"], status=404)
        key = request.headers.get("api-key") if route.signed else None
        decision = self.rate_limiter.charge(key or request.client_host, route.weight)
        if decision.status == 429:
            return _answer(["EAPI:Rate limit exceeded"])
        if decision.status == 418:
            return _answer(["EGeneral:Temporary lockout"])
        try:
            params = _params(request)
            account = self._authenticate(request, params) if route.signed else None
            result = route.handler(Call(request, params, account, now_ms))
        except KrakenError as exc:
            return _answer([exc.message], status=exc.status)
        return EmulatorResponse(200, {"error": [], "result": result})

    def fault_response(self, kind: FaultKind, request: EmulatorRequest) -> EmulatorResponse:
        """The answer to an injected HTTP fault, not processed."""
        if kind is FaultKind.HTTP429:
            return _answer(["EAPI:Rate limit exceeded"], status=429)
        if kind is FaultKind.HTTP418:
            return _answer(["EGeneral:Temporary lockout"])
        return _answer(["EService:Unavailable"], status=503)

    # -- authentication --------------------------------------------------------------------
    def _authenticate(self, request: EmulatorRequest, params: Mapping[str, Any]) -> str:
        key = request.headers.get("api-key") or ""
        secret = self._secrets.get(key)
        if secret is None:
            raise KrakenError("EAPI:Invalid key")
        nonce = str(params.get("nonce") or "")
        message = nonce.encode() + request.body
        digest = hashlib.sha256(message).digest()
        mac = hmac.new(secret, request.path.encode() + digest, hashlib.sha512).digest()
        expected = base64.b64encode(mac).decode()
        if not hmac.compare_digest(expected, request.headers.get("api-sign") or ""):
            raise KrakenError("EAPI:Invalid signature")
        self._check_nonce(key, nonce)
        self.market.add_account(key)
        return key

    def _check_nonce(self, key: str, nonce: str) -> None:
        if not nonce.isdigit():
            raise KrakenError("EAPI:Invalid nonce")
        with self._nonce_lock:
            # ccxt's nonce is in ms and loopback requests can share one (even identical
            # requests): only a nonce smaller than the last one is refused.
            if int(nonce) < self._nonces.get(key, 0):
                raise KrakenError("EAPI:Invalid nonce")
            self._nonces[key] = int(nonce)

    # -- routes ----------------------------------------------------------------------------
    def _route_table(self) -> dict[str, _Route]:
        pub, prv = self.public, self.private
        public: dict[str, Callable[[Call], Any]] = {
            "Time": pub.time,
            "SystemStatus": pub.system_status,
            "Assets": pub.asset_info,
            "AssetPairs": pub.asset_pairs,
            "Ticker": pub.ticker,
            "OHLC": pub.ohlc,
            "Depth": pub.depth,
            "Trades": pub.trades,
            "Spread": pub.spread,
        }
        private: dict[str, tuple[Callable[[Call], Any], int]] = {
            "Balance": (prv.balance, 1),
            "BalanceEx": (prv.balance_ex, 1),
            "AddOrder": (prv.add_order, 0),
            "CancelOrder": (prv.cancel_order, 0),
            "CancelAll": (prv.cancel_all, 1),
            "OpenOrders": (prv.open_orders, 1),
            "ClosedOrders": (prv.closed_orders, 1),
            "QueryOrders": (prv.query_orders, 1),
            "TradesHistory": (prv.trades_history, 2),
            "QueryTrades": (prv.query_trades, 1),
            "CancelAllOrdersAfter": (self.dead_man.cancel_all_orders_after, 1),
        }
        routes = {_PUBLIC + name: _Route(handler, 1, False) for name, handler in public.items()}
        for name, (handler, weight) in private.items():
            routes[_PRIVATE + name] = _Route(handler, weight, True)
        return routes


def _secret_bytes(key: str, secret: str) -> bytes:
    try:
        return base64.b64decode(secret, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(
            f"credentials[{key!r}]: expected a base64 secret, as Kraken issues them"
        ) from None


def _params(request: EmulatorRequest) -> dict[str, Any]:
    params: dict[str, Any] = dict(parse_qsl(request.query, keep_blank_values=True))
    if not request.body:
        return params
    text = request.body.decode("utf-8", "replace")
    if "json" in (request.headers.get("content-type") or ""):
        try:
            loaded = json.loads(text)
        except ValueError:
            raise KrakenError("EGeneral:Invalid arguments") from None
        if not isinstance(loaded, dict):
            raise KrakenError("EGeneral:Invalid arguments")
        params.update({k: v if isinstance(v, (dict, list)) else str(v) for k, v in loaded.items()})
    else:
        params.update(parse_qsl(text, keep_blank_values=True))
    return params


def _answer(errors: list[str], status: int = 200) -> EmulatorResponse:
    return EmulatorResponse(status, {"error": errors})
