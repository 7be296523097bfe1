"""v20 HTTP answers and transport failures to domain errors, retryable or not.

`error_of_response` and `error_of_transport` are the one translation; the client raises
what they return. Messages name the endpoint (method and path, never the token) and
what the venue said, cut to a readable size.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from tradewind.domain.venue_errors import VenueError
from tradewind.execution.error_text import clipped, retry_after_seconds

__all__ = [
    "ErrorKind",
    "OandaVenueError",
    "error_of_response",
    "error_of_transport",
    "payload_error",
    "retry_after_seconds",
]

_ORDER_MISSING = frozenset({"ORDER_DOESNT_EXIST", "NO_SUCH_ORDER"})


class ErrorKind(StrEnum):
    """What went wrong, as far as the adapter's decisions go."""

    UNREACHABLE = "unreachable"
    """No usable answer (connection refused or dropped, 5xx): outcome unknown; retryable."""
    TIMEOUT = "timeout"
    """The request timed out: it may have been carried out; retryable."""
    RATE_LIMITED = "rate_limited"
    """429: refused for the request rate, not carried out; retryable after Retry-After."""
    CREDENTIALS = "credentials"
    """401/403: the token was refused or lacks access to the account."""
    ORDER_NOT_FOUND = "order_not_found"
    """404 ORDER_DOESNT_EXIST: the venue does not know the order."""
    INVALID_REQUEST = "invalid_request"
    """400 (an `errorCode` such as INVALID_UNITS, MARKET_HALTED): the request was refused."""
    NOT_FOUND = "not_found"
    """Another 404 (unknown account, instrument or path)."""
    BAD_PAYLOAD = "bad_payload"
    """The answer is not what the v20 reference documents (a missing or odd field)."""
    REFUSED = "refused"
    """Any other refusal (405, other 4xx)."""


_RETRYABLE = frozenset({ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT, ErrorKind.RATE_LIMITED})


class OandaVenueError(VenueError):
    """A v20 failure with what the adapter needs to decide what to do next.

    Attributes:
        kind: the class of problem.
        endpoint: `METHOD /v3/...` of the request (never a credential).
        status: the HTTP status, 0 when no answer came.
        error_code: v20's `errorCode`, when it gave one.
        retry_after_s: seconds the venue asked us to wait (429), if it said.
        payload: the answer's JSON object (a refused order carries its
            `orderRejectTransaction` here), empty when none.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: ErrorKind,
        endpoint: str = "",
        status: int = 0,
        error_code: str = "",
        retry_after_s: float | None = None,
        payload: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, retryable=kind in _RETRYABLE)
        self.kind = kind
        self.endpoint = endpoint
        self.status = status
        self.error_code = error_code
        self.retry_after_s = retry_after_s
        self.payload: Mapping[str, Any] = dict(payload or {})

    @property
    def outcome_unknown(self) -> bool:
        """Whether the request may have been carried out although no answer came."""
        return self.kind in (ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT)


def error_of_response(
    venue: str,
    endpoint: str,
    status: int,
    body: Any,
    headers: Mapping[str, str] | None = None,
) -> OandaVenueError:
    """The error for an HTTP answer with status >= 400 to `endpoint`.

    401/403 refused credentials (not retryable; the message never shows the token),
    404 with ORDER_DOESNT_EXIST an unknown order, other 404 not found, 400 the
    `errorCode` it gave, 429 rate limited with its Retry-After, 5xx unreachable.
    """
    payload = body if isinstance(body, Mapping) else {}
    code = str(payload.get("errorCode") or "")
    said = clipped(str(payload.get("errorMessage") or body or "").strip())
    kind = _kind_of(status, code)
    if kind is ErrorKind.CREDENTIALS:
        message = (
            f"{endpoint} failed: {venue} refused the access token (HTTP {status}: wrong, "
            "revoked, or without access to this account); check the token and account id"
        )
    else:
        detail = f"{code}: {said}" if code and said else code or said or "no detail"
        message = f"{endpoint} failed at {venue} (HTTP {status}, {kind.value}): {detail}"
    wait = retry_after_seconds(headers) if kind is ErrorKind.RATE_LIMITED else None
    return OandaVenueError(
        message,
        kind=kind,
        endpoint=endpoint,
        status=status,
        error_code=code,
        retry_after_s=wait,
        payload=payload,
    )


def _kind_of(status: int, code: str) -> ErrorKind:
    if status in (401, 403):
        return ErrorKind.CREDENTIALS
    if status == 429:
        return ErrorKind.RATE_LIMITED
    if status >= 500:
        return ErrorKind.UNREACHABLE
    if status == 404:
        return ErrorKind.ORDER_NOT_FOUND if code in _ORDER_MISSING else ErrorKind.NOT_FOUND
    if status == 400:
        return ErrorKind.INVALID_REQUEST
    return ErrorKind.REFUSED


def error_of_transport(
    venue: str, endpoint: str, error: Exception, *, timed_out: bool
) -> OandaVenueError:
    """The error for a request that got no answer (timeout or connection trouble)."""
    kind = ErrorKind.TIMEOUT if timed_out else ErrorKind.UNREACHABLE
    detail = clipped(str(error)) or type(error).__name__
    return OandaVenueError(
        f"{endpoint} failed at {venue} ({kind.value}, outcome unknown): {detail}",
        kind=kind,
        endpoint=endpoint,
    )


def payload_error(
    venue: str, endpoint: str, field: str, expected: str, found: Any
) -> OandaVenueError:
    """The error for an answer whose `field` is missing or not what v20 documents."""
    shown = clipped(repr(found))
    return OandaVenueError(
        f"invalid answer to {endpoint} from {venue}: field {field!r} expected {expected}, "
        f"found {shown}",
        kind=ErrorKind.BAD_PAYLOAD,
        endpoint=endpoint,
    )
