"""ccxt exceptions to domain errors, each marked retryable or not.

`map_error` is the one translation: the adapter catches ccxt's exceptions at every
request and raises (or turns into an order event) what this returns. Messages never
carry credentials: ccxt puts the request URL in its messages, so signatures and key
parameters are masked, and a refused key is described, never shown.
"""

from __future__ import annotations

import re
from enum import StrEnum

import ccxt

from tradewind.domain.venue_errors import VenueError
from tradewind.execution.error_text import clipped, retry_after_seconds

__all__ = ["CcxtVenueError", "ErrorKind", "map_error", "retry_after_seconds", "scrub"]

_SECRET_PARAM = re.compile(
    r"(?P<name>signature|apikey|api_key|api-key|secret|password|passphrase|token)=[^&\s\"']*",
    re.IGNORECASE,
)


class ErrorKind(StrEnum):
    """What went wrong, as far as the adapter's decisions go."""

    UNREACHABLE = "unreachable"
    """No usable answer (network error, 5xx, maintenance): outcome unknown; retryable."""
    TIMEOUT = "timeout"
    """The request timed out: it may or may not have been executed; retryable."""
    RATE_LIMITED = "rate_limited"
    """The venue refused the request for its rate (429/418); retryable after a pause."""
    CREDENTIALS = "credentials"
    """The API key was refused (bad, lacking permission, suspended)."""
    CLOCK = "clock"
    """The venue refuses our timestamps (InvalidNonce)."""
    INSUFFICIENT_FUNDS = "insufficient_funds"
    """Not enough balance for the order."""
    INVALID_ORDER = "invalid_order"
    """The venue refused the order's terms."""
    ORDER_NOT_FOUND = "order_not_found"
    """The venue does not know the order (ambiguous: confirm before believing it)."""
    DUPLICATE_ORDER = "duplicate_order"
    """The client order id is already used at the venue."""
    REFUSED = "refused"
    """Any other refusal of the request (bad symbol, not supported, ...)."""


class CcxtVenueError(VenueError):
    """A venue error with what the adapter needs to decide what to do next.

    Attributes:
        kind: the class of problem (`ErrorKind`).
        retry_after_s: seconds the venue asked us to wait (Retry-After), if it said.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: ErrorKind,
        retryable: bool,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message, retryable=retryable)
        self.kind = kind
        self.retry_after_s = retry_after_s

    @property
    def outcome_unknown(self) -> bool:
        """Whether the request may have been executed although no answer came."""
        return self.kind in (ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT)


# Most specific first: ccxt's classes inherit (InvalidNonce is a NetworkError,
# OrderNotFound an InvalidOrder, PermissionDenied an AuthenticationError).
_KINDS: tuple[tuple[type[Exception], ErrorKind], ...] = (
    (ccxt.InvalidNonce, ErrorKind.CLOCK),
    (ccxt.RateLimitExceeded, ErrorKind.RATE_LIMITED),
    (ccxt.DDoSProtection, ErrorKind.RATE_LIMITED),
    (ccxt.RequestTimeout, ErrorKind.TIMEOUT),
    (ccxt.NetworkError, ErrorKind.UNREACHABLE),
    (ccxt.BadResponse, ErrorKind.UNREACHABLE),
    (ccxt.AuthenticationError, ErrorKind.CREDENTIALS),
    (ccxt.AccountNotEnabled, ErrorKind.CREDENTIALS),
    (ccxt.InsufficientFunds, ErrorKind.INSUFFICIENT_FUNDS),
    (ccxt.OrderNotFound, ErrorKind.ORDER_NOT_FOUND),
    (ccxt.DuplicateOrderId, ErrorKind.DUPLICATE_ORDER),
    (ccxt.InvalidOrder, ErrorKind.INVALID_ORDER),
)
# Venue error codes ccxt raises only as a plain ExchangeError, recognized by their text.
_CODES: tuple[tuple[str, ErrorKind], ...] = (
    ("EAPI:Invalid signature", ErrorKind.CREDENTIALS),  # kraken: a wrong secret
    ("EOrder:Duplicate order", ErrorKind.DUPLICATE_ORDER),  # kraken: cl_ord_id already open
)
_RETRYABLE = frozenset({ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT, ErrorKind.RATE_LIMITED})


def map_error(
    error: Exception, *, venue: str, action: str, retry_after_s: float | None = None
) -> CcxtVenueError:
    """The domain error for a ccxt exception raised while doing `action` at `venue`.

    Retryable: network errors, timeouts, unavailable / maintenance, rate limiting
    (with `retry_after_s` when the response said). Not retryable: refused credentials
    (the message says so without showing them), a clock the venue refuses, and the
    order refusals (insufficient funds, invalid order, not found, duplicate id). Venue
    codes ccxt leaves as a plain `ExchangeError` are told by their text (Kraken's
    `EAPI:Invalid signature` is refused credentials, `EOrder:Duplicate order` a
    duplicate id).
    """
    kind = next((k for cls, k in _KINDS if isinstance(error, cls)), ErrorKind.REFUSED)
    if kind is ErrorKind.REFUSED:
        text = str(error)
        kind = next((k for code, k in _CODES if code in text), ErrorKind.REFUSED)
    message = _message(kind, venue, action, error)
    wait = retry_after_s if kind is ErrorKind.RATE_LIMITED else None
    return CcxtVenueError(message, kind=kind, retryable=kind in _RETRYABLE, retry_after_s=wait)


def _message(kind: ErrorKind, venue: str, action: str, error: Exception) -> str:
    if kind is ErrorKind.CREDENTIALS:
        return (
            f"{action} failed: {venue} refused the credentials (API key or secret wrong, "
            "lacking permission, or the account suspended); check the key's settings"
        )
    if kind is ErrorKind.CLOCK:
        return (
            f"{action} failed: the venue refuses our timestamps: this machine's clock is "
            f"off; sync it (NTP) ({venue})"
        )
    detail = scrub(str(error)) or type(error).__name__
    return f"{action} failed at {venue} ({kind.value}): {detail}"


def scrub(text: str) -> str:
    """`text` with signature/key/secret query parameters masked, cut to a readable size."""
    masked = _SECRET_PARAM.sub(lambda m: f"{m.group('name')}=***", text.strip())
    return clipped(masked)
