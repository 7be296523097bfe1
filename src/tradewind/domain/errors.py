"""Exception hierarchy shared by every layer.

`TradewindError` is what the CLI turns into a clean one-line message with a
non-zero exit; anything else escaping to the CLI is a bug.
"""

from __future__ import annotations


class TradewindError(Exception):
    """Base of every error caused by user input, data or configuration."""


class DomainError(TradewindError, ValueError):
    """A value object or entity was asked to hold or do something invalid."""


class InvalidTransitionError(DomainError):
    """An order (or other state machine) was asked to make an illegal transition."""
