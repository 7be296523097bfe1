"""ccxt exceptions map onto domain venue errors, retryable or not, without credentials."""

from __future__ import annotations

import ccxt
import pytest

from tradewind.domain.venue_errors import VenueError
from tradewind.venues.ccxt.errors import ErrorKind, map_error, retry_after_seconds, scrub


@pytest.mark.parametrize(
    ("raised", "kind", "retryable"),
    [
        (ccxt.NetworkError, ErrorKind.UNREACHABLE, True),
        (ccxt.RequestTimeout, ErrorKind.TIMEOUT, True),
        (ccxt.ExchangeNotAvailable, ErrorKind.UNREACHABLE, True),
        (ccxt.OnMaintenance, ErrorKind.UNREACHABLE, True),
        (ccxt.DDoSProtection, ErrorKind.RATE_LIMITED, True),
        (ccxt.RateLimitExceeded, ErrorKind.RATE_LIMITED, True),
        (ccxt.AuthenticationError, ErrorKind.CREDENTIALS, False),
        (ccxt.PermissionDenied, ErrorKind.CREDENTIALS, False),
        (ccxt.AccountSuspended, ErrorKind.CREDENTIALS, False),
        (ccxt.InsufficientFunds, ErrorKind.INSUFFICIENT_FUNDS, False),
        (ccxt.InvalidOrder, ErrorKind.INVALID_ORDER, False),
        (ccxt.OrderNotFound, ErrorKind.ORDER_NOT_FOUND, False),
        (ccxt.DuplicateOrderId, ErrorKind.DUPLICATE_ORDER, False),
        (ccxt.InvalidNonce, ErrorKind.CLOCK, False),
        (ccxt.BadSymbol, ErrorKind.REFUSED, False),
    ],
)
def test_each_ccxt_error_maps_to_a_kind_and_retryability(
    raised: type[Exception], kind: ErrorKind, retryable: bool
) -> None:
    error = map_error(raised("binance boom"), venue="BINANCE", action="submit of order x")
    assert isinstance(error, VenueError)
    assert (error.kind, error.retryable) == (kind, retryable)
    assert "submit of order x" in str(error)


def test_a_rate_limit_carries_the_retry_after_seconds() -> None:
    error = map_error(ccxt.DDoSProtection("429"), venue="B", action="a", retry_after_s=7.0)
    assert error.retry_after_s == 7.0
    assert retry_after_seconds({"Retry-After": "12"}) == 12.0
    assert retry_after_seconds({}) is None


def test_refused_credentials_are_described_never_shown() -> None:
    error = map_error(
        ccxt.AuthenticationError("binance GET https://x/api/v3/account?apiKey=KEY9&signature=abc"),
        venue="BINANCE",
        action="check the credentials",
    )
    assert "refused the credentials" in str(error)
    assert "KEY9" not in str(error)
    assert "abc" not in str(error)


def test_a_refused_clock_says_to_sync_it() -> None:
    error = map_error(ccxt.InvalidNonce("-1021"), venue="BINANCE", action="submit")
    assert "clock is off; sync it (NTP)" in str(error)
    assert not error.retryable


def test_signatures_in_messages_are_masked() -> None:
    text = scrub("binance GET http://h/api/v3/order?symbol=BTCUSDT&timestamp=1&signature=deadbeef")
    assert "deadbeef" not in text
    assert "signature=***" in text


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ('kraken {"error":["EAPI:Invalid signature"]}', ErrorKind.CREDENTIALS),
        ('kraken {"error":["EOrder:Duplicate order"]}', ErrorKind.DUPLICATE_ORDER),
        ('kraken {"error":["EOrder:Cost minimum not met"]}', ErrorKind.REFUSED),
    ],
)
def test_venue_codes_ccxt_leaves_as_a_plain_exchange_error_map_by_their_text(
    message: str, kind: ErrorKind
) -> None:
    error = map_error(ccxt.ExchangeError(message), venue="KRAKEN", action="check the credentials")
    assert (error.kind, error.retryable) == (kind, False)


def test_a_kraken_signature_refusal_is_described_as_refused_credentials() -> None:
    error = map_error(
        ccxt.ExchangeError('kraken {"error":["EAPI:Invalid signature"]}'),
        venue="KRAKEN",
        action="check the credentials",
    )
    assert "KRAKEN refused the credentials" in str(error)
