"""Errors a venue adapter raises, in the `DomainError` family (the CLI prints them).

An adapter's `errors.py` maps its venue's error codes onto these; `retryable` says
whether sending the same request again later may succeed.
"""

from __future__ import annotations

from tradewind.domain.errors import DomainError

__all__ = ["DuplicateOrderError", "VenueDisconnectedError", "VenueError"]


class VenueError(DomainError):
    """A venue refused or could not serve a request.

    Attributes:
        retryable: whether the same request may succeed later (e.g. after reconnecting).
    """

    retryable: bool = False

    def __init__(self, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable


class VenueDisconnectedError(VenueError):
    """The adapter is disconnected; connect() first (retryable)."""

    retryable = True


class DuplicateOrderError(VenueError):
    """A client order id was submitted twice; the second submission changed nothing."""
