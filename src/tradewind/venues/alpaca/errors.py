"""alpaca-py's exceptions to domain errors, each marked retryable or not.

alpaca-py raises `APIError` (the HTTP status, Alpaca's `{"code", "message"}` body) for
every answer that is not 2xx, and lets `requests`' exceptions through for network
trouble. `map_error` is the one translation; messages never carry credentials (a
refused key is described, never shown) and are cut to a readable size.

| status / exception | kind | retryable |
|---|---|---|
| 401, 403 "not authorized" (code 40110000) | credentials | no |
| 403 otherwise (buying power, shares not available) | insufficient_funds | no |
| 404 | order_not_found | no |
| 422 ("client_order_id must be unique": duplicate_order) | invalid_order | no |
| 429 | rate_limited (with Retry-After) | yes |
| 5xx, connection errors | unreachable | yes |
| timeouts, 504 | timeout | yes |
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Any

import requests
from alpaca.common.exceptions import APIError

from tradewind.domain.venue_errors import VenueError
from tradewind.execution.error_text import clipped, retry_after_seconds

__all__ = ["AlpacaVenueError", "ErrorKind", "map_error", "retry_after_seconds", "scrub"]

_SECRET_TEXT = re.compile(
    r"(?P<name>apca-api-key-id|apca-api-secret-key|api_key|secret_key|secret|token)"
    r"(?P<sep>[\"']?\s*[:=]\s*[\"']?)[^&\s\"',}]*",
    re.IGNORECASE,
)
_UNAUTHORIZED_CODE = 40110000


class ErrorKind(StrEnum):
    """What went wrong, as far as the adapter's decisions go."""

    UNREACHABLE = "unreachable"
    """No usable answer (connection refused or reset, 5xx): outcome unknown; retryable."""
    TIMEOUT = "timeout"
    """No answer in time (or a 504): the request may have been carried out; retryable."""
    RATE_LIMITED = "rate_limited"
    """Refused for its rate (429), not carried out; retryable after Retry-After."""
    CREDENTIALS = "credentials"
    """The API key was refused (401, or 403 "request is not authorized")."""
    INSUFFICIENT_FUNDS = "insufficient_funds"
    """Not enough buying power or shares (403 on an order)."""
    INVALID_ORDER = "invalid_order"
    """The venue refused the order's terms (422)."""
    ORDER_NOT_FOUND = "order_not_found"
    """The venue does not know the order (404): confirm before believing it."""
    DUPLICATE_ORDER = "duplicate_order"
    """The client order id is already used at the venue (422)."""
    REFUSED = "refused"
    """Any other refusal."""


_RETRYABLE = frozenset({ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT, ErrorKind.RATE_LIMITED})
ORDER_REFUSALS = frozenset(
    {ErrorKind.INSUFFICIENT_FUNDS, ErrorKind.INVALID_ORDER, ErrorKind.REFUSED}
)
"""Kinds that mean the venue refused an order (it becomes `OrderRejected`)."""


class AlpacaVenueError(VenueError):
    """A venue error with what the adapter needs to decide what to do next.

    Attributes:
        kind: the class of problem (`ErrorKind`).
        status_code: the HTTP status, when an answer came.
        retry_after_s: seconds Alpaca asked us to wait (Retry-After), if it said.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: ErrorKind,
        status_code: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message, retryable=kind in _RETRYABLE)
        self.kind = kind
        self.status_code = status_code
        self.retry_after_s = retry_after_s

    @property
    def outcome_unknown(self) -> bool:
        """Whether the request may have been carried out although no answer came."""
        return self.kind in (ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT)


def map_error(error: Exception, *, venue: str, action: str, url: str = "") -> AlpacaVenueError:
    """The domain error for an exception alpaca-py raised while doing `action`.

    `url` (scheme and host, never a credential) is named in network failures.
    """
    if isinstance(error, AlpacaVenueError):
        return error
    if isinstance(error, APIError):
        return _api_error(error, venue, action)
    where = f" ({url})" if url else ""
    if isinstance(error, requests.Timeout):
        kind = ErrorKind.TIMEOUT
    elif isinstance(error, (requests.ConnectionError, ConnectionError, OSError)):
        kind = ErrorKind.UNREACHABLE
    elif isinstance(error, (requests.RequestException, ValueError)):
        # A body that is not JSON, a redirect refused: no usable answer.
        kind = ErrorKind.UNREACHABLE
    else:
        kind = ErrorKind.REFUSED
    detail = scrub(str(error)) or type(error).__name__
    return AlpacaVenueError(
        f"{action} failed at {venue}{where} ({kind.value}): {detail}", kind=kind
    )


def _api_error(error: APIError, venue: str, action: str) -> AlpacaVenueError:
    status = _status_of(error)
    code, text = _body_of(error)
    kind = _kind_of(status, code, text)
    if kind is ErrorKind.CREDENTIALS:
        message = (
            f"{action} failed: {venue} refused the credentials (HTTP {status}: API key or "
            "secret wrong, or not allowed for this account); check TRADEWIND_ALPACA_API_KEY "
            "and TRADEWIND_ALPACA_SECRET_KEY"
        )
    else:
        message = f"{action} failed at {venue} ({kind.value}, HTTP {status}): {scrub(text)}"
    wait = retry_after_seconds(_headers_of(error)) if kind is ErrorKind.RATE_LIMITED else None
    return AlpacaVenueError(message, kind=kind, status_code=status, retry_after_s=wait)


def _kind_of(status: int | None, code: int | None, text: str) -> ErrorKind:
    lowered = text.lower()
    if status == 401 or code == _UNAUTHORIZED_CODE:
        return ErrorKind.CREDENTIALS
    if status == 403:
        refused_key = "not authorized" in lowered or "forbidden" in lowered
        return ErrorKind.CREDENTIALS if refused_key else ErrorKind.INSUFFICIENT_FUNDS
    if status == 404:
        return ErrorKind.ORDER_NOT_FOUND
    if status == 422:
        duplicate = "client_order_id" in lowered and "unique" in lowered
        return ErrorKind.DUPLICATE_ORDER if duplicate else ErrorKind.INVALID_ORDER
    if status == 429:
        return ErrorKind.RATE_LIMITED
    if status == 504:
        return ErrorKind.TIMEOUT
    if status is None or status >= 500:
        return ErrorKind.UNREACHABLE
    return ErrorKind.REFUSED


def _status_of(error: APIError) -> int | None:
    try:
        status = error.status_code
    except Exception:  # a malformed http_error: treat as no answer
        return None
    return status if isinstance(status, int) else None


def _body_of(error: APIError) -> tuple[int | None, str]:
    raw = str(error)
    try:
        body: Any = json.loads(raw)
    except ValueError:
        return None, raw
    if not isinstance(body, dict):
        return None, raw
    code = body.get("code")
    message = body.get("message")
    return (code if isinstance(code, int) else None), str(message if message else raw)


def _headers_of(error: APIError) -> object:
    response = getattr(getattr(error, "_http_error", None), "response", None)
    return getattr(response, "headers", None)


def scrub(text: str) -> str:
    """`text` with key / secret / token values masked, cut to a readable size."""
    masked = _SECRET_TEXT.sub(lambda m: f"{m.group('name')}{m.group('sep')}***", text.strip())
    return clipped(masked)
