"""TWS error codes and ib_async exceptions map to domain errors, retryable where a
later attempt may succeed."""

from __future__ import annotations

import pytest
from ib_async import RequestError

from tradewind.domain.venue_errors import VenueError
from tradewind.venues.ib.errors import ErrorKind, map_code, map_error


@pytest.mark.parametrize(
    ("code", "kind", "retryable"),
    [
        (1100, ErrorKind.UNREACHABLE, True),
        (504, ErrorKind.UNREACHABLE, True),
        (100, ErrorKind.RATE_LIMITED, True),
        (200, ErrorKind.UNKNOWN_CONTRACT, False),
        (201, ErrorKind.INVALID_ORDER, False),
        (10147, ErrorKind.ORDER_NOT_FOUND, False),
        (326, ErrorKind.CLIENT_ID_IN_USE, False),
        (103, ErrorKind.DUPLICATE_ORDER, False),
        (999, ErrorKind.REFUSED, False),
    ],
)
def test_codes_map_to_kinds(code: int, kind: ErrorKind, retryable: bool) -> None:
    error = map_code(code, "text", venue="IB", action="submit")
    assert isinstance(error, VenueError)
    assert (error.kind, error.retryable, error.code) == (kind, retryable, code)


def test_a_rejection_keeps_twss_reason() -> None:
    error = map_code(201, "Order rejected - reason: margin", venue="IB", action="submit of order a")
    assert "submit of order a" in str(error)
    assert "margin" in str(error)


def test_the_client_id_in_use_says_what_to_change() -> None:
    assert "client_id" in str(map_code(326, "in use", venue="IB", action="connect"))


def test_a_historical_pacing_violation_is_a_rate_limit() -> None:
    error = map_code(162, "Historical Market Data Service error message:pacing violation",
                     venue="IB", action="bars")  # fmt: skip
    assert error.kind is ErrorKind.RATE_LIMITED
    assert error.retryable


def test_exceptions_map_by_what_they_mean() -> None:
    assert map_error(RequestError(7, 200, "No security definition"), venue="IB",
                     action="load").kind is ErrorKind.UNKNOWN_CONTRACT  # fmt: skip
    timeout = map_error(TimeoutError(), venue="IB", action="submit")
    assert timeout.kind is ErrorKind.TIMEOUT
    assert timeout.outcome_unknown
    assert timeout.retryable
    refused = map_error(ConnectionRefusedError(111, "refused"), venue="IB", action="connect")
    assert refused.kind is ErrorKind.UNREACHABLE
    assert refused.retryable
    assert map_error(ValueError("odd"), venue="IB", action="x").kind is ErrorKind.REFUSED
