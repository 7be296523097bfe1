"""The clock port: where "now" comes from (wall clock live, simulated in backtests)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, runtime_checkable

__all__ = ["Clock"]


@runtime_checkable
class Clock(Protocol):
    """A source of the current instant.

    Backtests drive a simulated clock from the data; paper and live use the wall
    clock. Code that needs the time asks a `Clock` instead of calling
    `datetime.now()`, so the same code runs in all three.
    """

    def now(self) -> datetime:
        """The current instant, timezone-aware UTC; never goes backwards."""
        ...
