"""The router's input error: a `ValueError` the CLI reports as one clean line."""

from __future__ import annotations

from tradewind.domain.errors import DomainError

__all__ = ["RouterInputError"]


class RouterInputError(DomainError):
    """Router configuration or input is unusable (the message names market and key)."""
