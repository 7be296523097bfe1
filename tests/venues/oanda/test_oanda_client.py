"""The v20 client parses answers into records at the edge and maps every failure."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from tradewind.domain.secret import Secret
from tradewind.venues.oanda.client import OandaClient
from tradewind.venues.oanda.errors import ErrorKind, OandaVenueError
from tradewind.venues.oanda.wire import format_time, parse_time_ns

from .payloads import ACCOUNT, INSTRUMENTS, PRICING, SUMMARY, cancel, candle, create, fill

Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler, token: str = "tok-123") -> OandaClient:
    return OandaClient(
        "http://127.0.0.1:9",
        Secret(token),
        account_id=ACCOUNT,
        timeout_ms=500,
        transport=httpx.MockTransport(handler),
    )


def _answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body, headers=headers)

    return handler


def test_every_request_carries_the_bearer_token_and_rfc3339_datetimes() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=SUMMARY)

    summary = _client(handler).summary()
    (request,) = seen
    assert request.headers["Authorization"] == "Bearer tok-123"
    assert request.headers["Accept-Datetime-Format"] == "RFC3339"
    assert request.url.path == f"/v3/accounts/{ACCOUNT}/summary"
    assert (summary.currency, summary.balance, summary.nav) == (
        "USD",
        Decimal("100000.0000"),
        Decimal("100012.5000"),
    )
    assert summary.last_transaction_id == 6


def test_instruments_and_pricing_parse_to_records() -> None:
    specs = _client(_answer(INSTRUMENTS)).instruments(["EUR_USD"])
    assert [(s.name, s.display_precision, s.pip_location) for s in specs] == [
        ("EUR_USD", 5, -4),
        ("USD_JPY", 3, -2),
    ]
    now_ns, prices = _client(_answer(PRICING)).pricing(["EUR_USD"])
    assert now_ns == parse_time_ns("2017-01-03T15:00:05Z")
    assert (prices[0].bid, prices[0].ask, prices[0].tradeable) == (
        Decimal("1.04001"),
        Decimal("1.04015"),
        True,
    )


def test_candles_ask_mid_prices_and_keep_the_complete_flag() -> None:
    seen: list[httpx.Request] = []
    body = {
        "instrument": "EUR_USD",
        "granularity": "H1",
        "candles": [
            candle("2017-01-03T14:00:00.000000000Z", "1.04", "1.05"),
            candle("2017-01-03T15:00:00.000000000Z", "1.05", "1.06", complete=False),
        ],
    }

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=body)

    candles = _client(handler).candles("EUR_USD", "H1", from_ns=0, count=10)
    assert [c.complete for c in candles] == [True, False]
    params = seen[0].url.params
    assert (params["price"], params["granularity"], params["count"]) == ("M", "H1", "10")
    assert params["from"] == "1970-01-01T00:00:00.000000000Z"


def test_an_order_answer_gives_its_transactions_oldest_first() -> None:
    body = {
        "orderFillTransaction": fill(8, 7, 7, "3", "1.04015", "c-1"),
        "orderCreateTransaction": create(7, 7, "MARKET_ORDER", "3", "c-1"),
        "relatedTransactionIDs": ["7", "8"],
        "lastTransactionID": "8",
    }
    answer = _client(_answer(body, 201)).create_order({"type": "MARKET"})
    assert [(t.txn_id, t.kind) for t in answer.transactions] == [
        (7, "MARKET_ORDER"),
        (8, "ORDER_FILL"),
    ]
    created, filled = answer.transactions
    assert created.client_order_id == filled.client_order_id == "c-1"
    assert (filled.units, filled.price, filled.commission) == (
        Decimal(3),
        Decimal("1.04015"),
        Decimal("0.05"),
    )


def test_a_missing_field_names_the_endpoint_and_the_field() -> None:
    broken = json.loads(json.dumps(SUMMARY))
    del broken["account"]["balance"]
    with pytest.raises(OandaVenueError, match=r"summary.*'account\.balance'") as raised:
        _client(_answer(broken)).summary()
    assert raised.value.kind is ErrorKind.BAD_PAYLOAD
    assert not raised.value.retryable


def test_an_odd_transaction_field_is_refused() -> None:
    odd = cancel(9, 9, 8, "CLIENT_REQUEST", "c")
    odd["time"] = "yesterday"
    body = {"transactions": [odd], "lastTransactionID": "9"}
    with pytest.raises(OandaVenueError, match=r"transactions\[0\]\.time"):
        _client(_answer(body)).transactions_since(1)


@pytest.mark.parametrize(
    ("status", "body", "kind", "retryable"),
    [
        (401, {"errorMessage": "Insufficient authorization to perform request."},
         ErrorKind.CREDENTIALS, False),
        (403, {"errorMessage": "forbidden"}, ErrorKind.CREDENTIALS, False),
        (404, {"errorCode": "ORDER_DOESNT_EXIST", "errorMessage": "no such order"},
         ErrorKind.ORDER_NOT_FOUND, False),
        (404, {"errorMessage": "Invalid value specified for 'accountID'"},
         ErrorKind.NOT_FOUND, False),
        (400, {"errorCode": "INVALID_UNITS", "errorMessage": "bad units"},
         ErrorKind.INVALID_REQUEST, False),
        (405, {"errorMessage": "method not allowed"}, ErrorKind.REFUSED, False),
        (503, {"errorMessage": "down"}, ErrorKind.UNREACHABLE, True),
    ],
)  # fmt: skip
def test_http_failures_are_mapped(
    status: int, body: dict[str, Any], kind: ErrorKind, retryable: bool
) -> None:
    with pytest.raises(OandaVenueError) as raised:
        _client(_answer(body, status), token="very-secret-token").order("@x")
    assert (raised.value.kind, raised.value.retryable, raised.value.status) == (
        kind,
        retryable,
        status,
    )
    assert "very-secret-token" not in str(raised.value)
    assert f"/v3/accounts/{ACCOUNT}/orders/@x" in str(raised.value)


def test_a_400_error_code_is_kept_with_the_answer() -> None:
    body = {
        "orderRejectTransaction": {"id": "9", "time": "2017-01-03T15:00:09Z", "type": "X"},
        "errorCode": "INSUFFICIENT_MARGIN",
        "errorMessage": "not enough margin",
    }
    with pytest.raises(OandaVenueError, match="INSUFFICIENT_MARGIN: not enough margin") as raised:
        _client(_answer(body, 400)).create_order({})
    assert raised.value.error_code == "INSUFFICIENT_MARGIN"
    assert "orderRejectTransaction" in raised.value.payload


def test_a_429_is_retryable_with_its_retry_after() -> None:
    with pytest.raises(OandaVenueError) as raised:
        _client(_answer({"errorMessage": "slow down"}, 429, {"Retry-After": "2"})).summary()
    assert (raised.value.kind, raised.value.retry_after_s) == (ErrorKind.RATE_LIMITED, 2.0)
    assert raised.value.retryable
    assert not raised.value.outcome_unknown


def test_a_timeout_is_retryable_and_its_outcome_unknown() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    with pytest.raises(OandaVenueError) as raised:
        _client(handler).create_order({})
    assert raised.value.kind is ErrorKind.TIMEOUT
    assert raised.value.retryable
    assert raised.value.outcome_unknown


def test_a_refused_connection_is_unreachable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(OandaVenueError) as raised:
        _client(handler).summary()
    assert raised.value.kind is ErrorKind.UNREACHABLE
    assert raised.value.outcome_unknown


def test_transaction_pages_are_read_as_id_ranges() -> None:
    body = {
        "from": "2017-01-01T00:00:00.000000000Z",
        "pageSize": 1000,
        "count": 3,
        "pages": [f"http://x/v3/accounts/{ACCOUNT}/transactions/idrange?from=1&to=3"],
        "lastTransactionID": "3",
    }
    assert _client(_answer(body)).transaction_pages(0) == [(1, 3)]


def test_rfc3339_times_keep_nanoseconds_both_ways() -> None:
    ns = parse_time_ns("2017-01-03T15:00:00.123456789Z")
    assert format_time(ns) == "2017-01-03T15:00:00.123456789Z"
    assert parse_time_ns("1483455600.5") == 1_483_455_600_500_000_000
    with pytest.raises(ValueError, match="RFC 3339"):
        parse_time_ns("2017-01-03 15:00")
