"""TWS error codes and ib_async exceptions to domain errors, each retryable or not.

TWS reports failures as error messages with a code (`errorEvent`), and ib_async raises
`RequestError` (with that code) for a failed request, `TimeoutError` for an answer that
never came and `ConnectionError` / `OSError` when the socket is gone. `map_code` and
`map_error` are the one translation; the messages name the action and the venue and
never carry a credential (TWS has none on the API socket).
"""

from __future__ import annotations

from enum import StrEnum

from tradewind.domain.venue_errors import VenueError
from tradewind.execution.error_text import clipped

__all__ = [
    "CONNECTION_LOST",
    "CONNECTION_RESTORED",
    "INFO_CODES",
    "ErrorKind",
    "IbVenueError",
    "map_code",
    "map_error",
]

CONNECTION_LOST = frozenset({1100, 2110})
"""TWS lost its own connection to IB's servers (requests may not be served)."""
CONNECTION_RESTORED = frozenset({1101, 1102})
"""TWS is connected to IB's servers again."""
INFO_CODES = frozenset({202, 2104, 2105, 2106, 2107, 2108, 2119, 2158, 10167, 10197})
"""Notices, not failures: 202 order canceled (the answer to a cancel), farm OK /
inactive notices, delayed data instead of live."""


class ErrorKind(StrEnum):
    """What went wrong, as far as the adapter's decisions go."""

    UNREACHABLE = "unreachable"
    """TWS cannot be reached or lost its link to IB: outcome unknown; retryable."""
    TIMEOUT = "timeout"
    """No answer in time: the request may or may not have been carried out; retryable."""
    RATE_LIMITED = "rate_limited"
    """TWS refused the request for the message rate (100) or a pacing violation."""
    CLIENT_ID_IN_USE = "client_id_in_use"
    """Another connection uses this client id (326): configure another one."""
    UNKNOWN_CONTRACT = "unknown_contract"
    """No security definition for the request (200)."""
    INVALID_ORDER = "invalid_order"
    """The order was rejected (201 with the reason, 110 off the tick grid, ...)."""
    ORDER_NOT_FOUND = "order_not_found"
    """The order to cancel or modify is not known or not working (10147, 161)."""
    DUPLICATE_ORDER = "duplicate_order"
    """The order id was used already (103)."""
    REFUSED = "refused"
    """Any other refusal (no market data permission, bad request, ...)."""


class IbVenueError(VenueError):
    """A venue error with what the adapter needs to decide what to do next.

    Attributes:
        kind: the class of problem (`ErrorKind`).
        code: the TWS error code, when TWS gave one.
    """

    def __init__(
        self, message: str, *, kind: ErrorKind, retryable: bool, code: int | None = None
    ) -> None:
        super().__init__(message, retryable=retryable)
        self.kind = kind
        self.code = code

    @property
    def outcome_unknown(self) -> bool:
        """Whether the request may have been carried out although no answer came."""
        return self.kind in (ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT)


_BY_CODE: dict[int, ErrorKind] = {
    100: ErrorKind.RATE_LIMITED,
    103: ErrorKind.DUPLICATE_ORDER,
    110: ErrorKind.INVALID_ORDER,
    161: ErrorKind.ORDER_NOT_FOUND,
    200: ErrorKind.UNKNOWN_CONTRACT,
    201: ErrorKind.INVALID_ORDER,
    203: ErrorKind.INVALID_ORDER,
    326: ErrorKind.CLIENT_ID_IN_USE,
    502: ErrorKind.UNREACHABLE,
    504: ErrorKind.UNREACHABLE,
    1100: ErrorKind.UNREACHABLE,
    2110: ErrorKind.UNREACHABLE,
    10147: ErrorKind.ORDER_NOT_FOUND,
    10148: ErrorKind.ORDER_NOT_FOUND,
}
_RETRYABLE = frozenset({ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT, ErrorKind.RATE_LIMITED})


def map_code(code: int, text: str, *, venue: str, action: str) -> IbVenueError:
    """The domain error for TWS error `code` (with its `text`) met while doing `action`.

    Retryable: the socket or TWS's link to IB lost (502, 504, 1100), the message rate
    (100) and historical-data pacing violations (162 "pacing violation"). Not retryable:
    the client id in use (326: choose another), no security definition (200), order
    rejections (201, 110, 203), unknown order (10147, 161), duplicate order id (103) and
    anything else.
    """
    kind = _BY_CODE.get(code, ErrorKind.REFUSED)
    if code == 162 and "pacing" in text.lower():
        kind = ErrorKind.RATE_LIMITED
    if kind is ErrorKind.CLIENT_ID_IN_USE:
        message = (
            f"{action} failed: {venue} says client id is already in use (326); another "
            "connection holds it: set a different client_id (TRADEWIND_IB_CLIENT_ID)"
        )
    else:
        message = f"{action} failed at {venue} ({kind.value}, code {code}): {_detail(text)}"
    return IbVenueError(message, kind=kind, retryable=kind in _RETRYABLE, code=code)


def map_error(error: BaseException, *, venue: str, action: str) -> IbVenueError:
    """The domain error for an exception raised by ib_async while doing `action`.

    `RequestError` goes through `map_code`; a timeout is TIMEOUT (outcome unknown);
    a refused, reset or closed socket is UNREACHABLE; both retryable.
    """
    if isinstance(error, IbVenueError):
        return error
    code = getattr(error, "code", None)
    if isinstance(code, int) and not isinstance(error, OSError):
        text = getattr(error, "message", None) or str(error)
        return map_code(code, str(text), venue=venue, action=action)
    if isinstance(error, TimeoutError):
        kind = ErrorKind.TIMEOUT
        detail = "no answer in time"
    elif isinstance(error, (ConnectionError, OSError, EOFError)):
        kind = ErrorKind.UNREACHABLE
        detail = _detail(str(error)) or type(error).__name__
    else:
        kind = ErrorKind.REFUSED
        detail = _detail(str(error)) or type(error).__name__
    message = f"{action} failed at {venue} ({kind.value}): {detail}"
    return IbVenueError(message, kind=kind, retryable=kind in _RETRYABLE)


def _detail(text: str) -> str:
    text = " ".join(text.split())
    return clipped(text)
