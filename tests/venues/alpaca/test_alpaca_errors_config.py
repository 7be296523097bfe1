"""Alpaca's HTTP answers and network failures map to domain errors; config validation."""

from __future__ import annotations

import pytest
import requests

from tradewind.domain.errors import DomainError
from tradewind.venues.alpaca import AlpacaVenueConfig
from tradewind.venues.alpaca.config import DATA_URL, LIVE_TRADING_URL, PAPER_TRADING_URL
from tradewind.venues.alpaca.errors import ErrorKind, map_error

from .fakes import api_error


@pytest.mark.parametrize(
    ("status", "code", "message", "kind", "retryable"),
    [
        (401, 40110000, "request is not authorized", ErrorKind.CREDENTIALS, False),
        (403, 40110000, "request is not authorized", ErrorKind.CREDENTIALS, False),
        (403, 40310000, "insufficient buying power", ErrorKind.INSUFFICIENT_FUNDS, False),
        (404, 40410000, "order not found", ErrorKind.ORDER_NOT_FOUND, False),
        (422, 40010001, "client_order_id must be unique", ErrorKind.DUPLICATE_ORDER, False),
        (422, 40010001, "qty must be > 0", ErrorKind.INVALID_ORDER, False),
        (429, 42910000, "rate limit exceeded", ErrorKind.RATE_LIMITED, True),
        (503, 50010000, "service unavailable", ErrorKind.UNREACHABLE, True),
        (504, 50010000, "gateway timeout", ErrorKind.TIMEOUT, True),
    ],
)
def test_api_errors_map_by_status_and_code(
    status: int, code: int, message: str, kind: ErrorKind, retryable: bool
) -> None:
    error = map_error(api_error(status, code, message), venue="ALPACA", action="submit")
    assert error.kind is kind
    assert error.retryable is retryable
    assert error.status_code == status


def test_a_rate_limit_carries_retry_after() -> None:
    raw = api_error(429, 42910000, "rate limit exceeded", **{"Retry-After": "2"})
    assert map_error(raw, venue="ALPACA", action="x").retry_after_s == 2.0


def test_network_failures_are_retryable_with_unknown_outcome_and_name_the_url() -> None:
    timeout = map_error(requests.ReadTimeout("t"), venue="ALPACA", action="submit", url="http://h")
    refused = map_error(requests.ConnectionError("c"), venue="ALPACA", action="submit")
    assert timeout.kind is ErrorKind.TIMEOUT
    assert timeout.outcome_unknown
    assert "http://h" in str(timeout)
    assert refused.kind is ErrorKind.UNREACHABLE
    assert refused.retryable


def test_config_defaults_to_paper_and_goes_live_only_when_asked() -> None:
    paper = AlpacaVenueConfig(symbols=("aapl",), api_key="k", secret_key="s")
    assert paper.symbols == ("AAPL",)
    assert (paper.trading_url, paper.data_url) == (PAPER_TRADING_URL, DATA_URL)
    assert AlpacaVenueConfig(symbols=("AAPL",), live=True).trading_url == LIVE_TRADING_URL
    local = AlpacaVenueConfig(symbols=("AAPL",), endpoint="http://127.0.0.1:9")
    assert local.data_url == "http://127.0.0.1:9"
    assert "k" not in repr(paper.api_key)


@pytest.mark.parametrize(
    ("field", "value"),
    [("endpoint", "http://h/v2"), ("timeout_ms", 0), ("page_size", 501), ("symbols", ())],
)
def test_config_refuses_bad_values_naming_the_field(field: str, value: object) -> None:
    kwargs: dict[str, object] = {"symbols": ("AAPL",), field: value}
    with pytest.raises(DomainError, match=field):
        AlpacaVenueConfig(**kwargs)  # type: ignore[arg-type]
