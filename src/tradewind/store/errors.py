"""Errors raised by the journal."""

from __future__ import annotations

from tradewind.domain.errors import TradewindError

__all__ = ["DuplicateOrderError", "JournalError", "UnknownRunError", "WriterBusyError"]


class JournalError(TradewindError):
    """The journal cannot be opened, or was given a value it cannot store."""


class UnknownRunError(JournalError):
    """A run id that is not in the journal."""


class DuplicateOrderError(JournalError):
    """An order with this client order id (run id and sequence number) is already stored."""


class WriterBusyError(JournalError):
    """Another process holds the writer lease of this run (one writer per run)."""
