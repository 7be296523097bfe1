"""The OANDA v20 REST dialect: routing, bearer-token auth, rate limits and faults.

Every request needs `Authorization: Bearer <token>` (else 401); an account in the path
must be one of the token's (a malformed id: 400, another token's: 403, unknown: 404).
Before each request the replay feed (if any) is synced and the account's ledger books
what the market did. Answers carry `RequestID`; times follow `Accept-Datetime-Format`.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from tradewind.venues.emulation import (
    Bar,
    EmulatorRequest,
    EmulatorResponse,
    FaultKind,
    RateLimiter,
    ReplayFeed,
)
from tradewind.venues.oanda.emulator.accounts import account_json, summary_json
from tradewind.venues.oanda.emulator.books import Books
from tradewind.venues.oanda.emulator.candles import CandleQuery, candles_json, select_candles
from tradewind.venues.oanda.emulator.instruments import instrument_json
from tradewind.venues.oanda.emulator.orders import Answer, OrderEndpoints
from tradewind.venues.oanda.emulator.positions import PositionEndpoints
from tradewind.venues.oanda.emulator.pricing import PricingEndpoints
from tradewind.venues.oanda.emulator.transactions import TransactionEndpoints
from tradewind.venues.oanda.emulator.wire import Call, OandaError, render

__all__ = ["OandaDialect", "PerSecondLimiter"]

_ACCOUNT_ID = re.compile(r"^\d{3}-\d{3}-\d+-\d{3}$")
_A = r"/v3/accounts/([^/]+)"
_UNAUTHORIZED = "Insufficient authorization to perform request."
_Handler = Callable[[Call], Any]
_DAY_MS = 86_400_000


@dataclass(frozen=True, slots=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: _Handler | None
    streaming: str | None = None


class PerSecondLimiter:
    """At most `limit` requests per key in any rolling second (v20: 120 per connection)."""

    def __init__(self, limit: int = 120, clock_s: Callable[[], float] = time.monotonic) -> None:
        if limit < 1:
            raise ValueError(f"limit: expected >= 1, got {limit}")
        self.limit = limit
        self._clock_s = clock_s
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self._clock_s()
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= now - 1.0:
                seen.popleft()
            if len(seen) >= self.limit:
                return False
            seen.append(now)
            return True


class OandaDialect:
    """OANDA v20 REST over `Books`; see the module docstring.

    rate_limiter: the toolkit's weight limiter (1 per request, keyed by token) instead of
    the default 120 requests per second. heartbeat_s: the streams' heartbeat interval.
    """

    name = "oanda"

    def __init__(
        self,
        books: Books,
        *,
        feed: ReplayFeed | None = None,
        rate_limiter: RateLimiter | None = None,
        per_second: PerSecondLimiter | None = None,
        heartbeat_s: float = 5.0,
    ) -> None:
        self.books = books
        self.market = books.market
        self.feed = feed
        self.rate_limiter = rate_limiter
        self.per_second = per_second or PerSecondLimiter()
        self.heartbeat_s = heartbeat_s
        self.closing = threading.Event()
        self.orders = OrderEndpoints(books)
        self.positions = PositionEndpoints(books)
        self.transactions = TransactionEndpoints(books)
        self.pricing = PricingEndpoints(books)
        self._routes = self._route_table()
        self._request_id = 0
        self._id_lock = threading.Lock()

    def sync(self) -> int:
        """Feed the bars closed by now (replay) and return the market time in ms."""
        return self.feed.sync() if self.feed is not None else self.market.now_ms

    def close(self) -> None:
        """End the open streams."""
        self.closing.set()

    def handle(self, request: EmulatorRequest) -> EmulatorResponse:
        """Answer one request (never raises for a client error)."""
        unix = request.headers.get("accept-datetime-format", "").upper() == "UNIX"
        try:
            route, args = self._route(request)
            token = self._authenticate(request)
            self._charge(token)
            now_ms = self.sync()
            account = self._account(token, args) if route.pattern.pattern.startswith(_A) else None
            call = Call(request, _params(request), args, token, account, now_ms, _base_url(request))
            if account is not None:
                self.books.sync(account, now_ms)
            if route.streaming is not None:
                return self._stream(route.streaming, call, unix)
            if route.handler is None:
                raise OandaError(500, f"emulator: no handler for {request.path}")
            with self.market.atomic():  # the ledgers change under the market's lock
                body = route.handler(call)
        except OandaError as exc:
            return self._answer(exc.status, exc.body(), unix)
        status = body.status if isinstance(body, Answer) else 200
        return self._answer(status, dict(body), unix)

    def fault_response(self, kind: FaultKind, request: EmulatorRequest) -> EmulatorResponse:
        """The answer to an injected HTTP fault (not processed)."""
        if kind is FaultKind.HTTP429:
            return self._answer(
                429, {"errorMessage": "Too many requests: rate limit exceeded"}, False, "1"
            )
        return self._answer(503, {"errorMessage": "Service unavailable, please retry"}, False)

    # -- steps ----------------------------------------------------------------------------
    def _route(self, request: EmulatorRequest) -> tuple[_Route, tuple[str, ...]]:
        allowed = False
        for route in self._routes:
            match = route.pattern.fullmatch(request.path)
            if match is None:
                continue
            if route.method == request.method:
                return route, match.groups()
            allowed = True
        if allowed:
            raise OandaError(405, f"The method {request.method} is not allowed for {request.path}")
        raise OandaError(404, f"The requested URL {request.path} was not found")

    def _authenticate(self, request: EmulatorRequest) -> str:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or token.strip() not in self.books.tokens:
            raise OandaError(401, _UNAUTHORIZED)
        return token.strip()

    def _charge(self, token: str) -> None:
        if self.rate_limiter is not None:
            decision = self.rate_limiter.charge(token, 1)
            if not decision.allowed:
                raise OandaError(429, "Too many requests: rate limit exceeded")
        elif not self.per_second.allow(token):
            raise OandaError(
                429, f"Too many requests: at most {self.per_second.limit} requests per second"
            )

    def _account(self, token: str, args: tuple[str, ...]) -> str:
        account = args[0]
        if not _ACCOUNT_ID.match(account):
            raise OandaError(400, "Invalid value specified for 'accountID'")
        if account in self.books.accounts_of(token):
            return account
        if self.books.owner_known(account):
            raise OandaError(403, "The provided request was forbidden.")
        raise OandaError(404, f"The Account {account} does not exist")

    def _stream(self, kind: str, call: Call, unix: bool) -> EmulatorResponse:
        source = self.pricing if kind == "pricing" else self.transactions
        chunks = source.stream(call, self.sync, self.heartbeat_s, self.closing, unix)
        return EmulatorResponse(
            200, None, {"Content-Type": "application/octet-stream", **self._ids()}, stream=chunks
        )

    def _answer(
        self, status: int, body: dict[str, Any], unix: bool, retry_after: str | None = None
    ) -> EmulatorResponse:
        headers = self._ids()
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        return EmulatorResponse(status, render(body, unix), headers)

    def _ids(self) -> dict[str, str]:
        with self._id_lock:
            self._request_id += 1
            return {"RequestID": str(60_000_000_000_000_000 + self._request_id)}

    # -- endpoints without a module of their own -----------------------------------------
    def _accounts(self, call: Call) -> dict[str, Any]:
        return {"accounts": [{"id": a, "tags": []} for a in self.books.accounts_of(call.token)]}

    def _account_details(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        return {
            "account": account_json(ledger, self.market),
            "lastTransactionID": str(ledger.last_id),
        }

    def _summary(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        return {
            "account": summary_json(ledger, self.market),
            "lastTransactionID": str(ledger.last_id),
        }

    def _instruments(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        names = [n for n in call.params.get("instruments", "").split(",") if n]
        infos = [self.books.info(n, "instruments") for n in names] or list(
            self.books.instruments.values()
        )
        return {
            "instruments": [instrument_json(i) for i in infos],
            "lastTransactionID": str(ledger.last_id),
        }

    def _candles(self, call: Call) -> dict[str, Any]:
        info = self.books.info(call.args[-1])
        query = CandleQuery.parse(call.params, call.now_ms)
        base_ms = _base_interval_ms(
            self.market.bars(info.name, since_open_ms=call.now_ms - 14 * _DAY_MS)
        )
        if base_ms is not None and query.granularity_ms < base_ms:
            raise OandaError(
                400,
                f"Invalid value specified for 'granularity': the emulator's {info.name} data "
                f"has {base_ms // 1000} s bars",
            )
        since = query.since_ms(call.now_ms)
        bars = self.market.bars(info.name, since_open_ms=since)
        return candles_json(info, query, select_candles(query, bars, call.now_ms))

    def _route_table(self) -> list[_Route]:
        o, p, t, pr = self.orders, self.positions, self.transactions, self.pricing
        table: list[tuple[str, str, _Handler | None, str | None]] = [
            ("GET", "/v3/accounts", self._accounts, None),
            ("GET", _A, self._account_details, None),
            ("GET", _A + "/summary", self._summary, None),
            ("GET", _A + "/instruments", self._instruments, None),
            ("GET", r"/v3/instruments/([^/]+)/candles", self._candles, None),
            ("GET", _A + r"/instruments/([^/]+)/candles", self._candles, None),
            ("GET", _A + "/pricing", pr.pricing, None),
            ("GET", _A + "/pricing/stream", None, "pricing"),
            ("POST", _A + "/orders", o.create, None),
            ("GET", _A + "/orders", o.list, None),
            ("GET", _A + "/pendingOrders", o.pending, None),
            ("GET", _A + r"/orders/([^/]+)", o.get, None),
            ("PUT", _A + r"/orders/([^/]+)", o.replace, None),
            ("PUT", _A + r"/orders/([^/]+)/cancel", o.cancel, None),
            ("PUT", _A + r"/orders/([^/]+)/clientExtensions", o.client_extensions, None),
            ("GET", _A + "/trades", p.trades, None),
            ("GET", _A + "/openTrades", p.open_trades, None),
            ("GET", _A + r"/trades/([^/]+)", p.trade, None),
            ("PUT", _A + r"/trades/([^/]+)/close", p.close_trade, None),
            ("GET", _A + "/positions", p.positions, None),
            ("GET", _A + "/openPositions", p.open_positions, None),
            ("GET", _A + r"/positions/([^/]+)", p.position, None),
            ("PUT", _A + r"/positions/([^/]+)/close", p.close_position, None),
            ("GET", _A + "/transactions", t.pages, None),
            ("GET", _A + "/transactions/idrange", t.id_range, None),
            ("GET", _A + "/transactions/sinceid", t.since_id, None),
            ("GET", _A + "/transactions/stream", None, "transactions"),
            ("GET", _A + r"/transactions/(\d+)", t.one, None),
        ]
        return [_Route(m, re.compile(p), h, s) for m, p, h, s in table]


def _params(request: EmulatorRequest) -> dict[str, str]:
    return dict(parse_qsl(request.query, keep_blank_values=True))


def _base_url(request: EmulatorRequest) -> str:
    host = request.headers.get("host", "127.0.0.1")
    return f"http://{host}"


def _base_interval_ms(bars: list[Bar]) -> int | None:
    if not bars:
        return None
    return min(b.close_time_ms - b.open_time_ms for b in bars[-50:])
