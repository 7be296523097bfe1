"""Capital milestones: labels ("$2.5K", "$1M"), the next target, progress, and when each
was reached.

A milestone is reached the first time capital is at or above it. Milestones already at
or below the capital when tracking starts count as reached, with no timestamp (they
were not achieved under this engine). Falling back below a reached milestone does not
un-reach it: the next milestone is always the smallest one not yet reached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = ["MilestoneReached", "MilestoneTracker", "milestone_label"]

_UNITS = ((1e9, "B"), (1e6, "M"), (1e3, "K"))


def milestone_label(amount: float) -> str:
    """Short label of an amount: 2500 -> "$2.5K", 25000 -> "$25K", 1e6 -> "$1M", 500 -> "$500"."""
    for scale, suffix in _UNITS:
        if amount >= scale:
            return f"${amount / scale:.6g}{suffix}"
    return f"${amount:.6g}"


@dataclass(frozen=True, slots=True)
class MilestoneReached:
    """A milestone reached: its `target` (account currency), `label`, the `capital` that
    reached it and the `timestamp` (None when it was already reached at the start)."""

    target: float
    label: str
    capital: float
    timestamp: datetime | None


class MilestoneTracker:
    """Which of an increasing list of targets capital has reached, and when."""

    def __init__(self, targets: Sequence[float], initial_capital: float) -> None:
        self._targets = tuple(float(t) for t in targets)
        self._reached: list[MilestoneReached] = []
        self._next_index = 0
        self.update(initial_capital, None)

    @property
    def reached(self) -> tuple[MilestoneReached, ...]:
        """Milestones reached so far, in order."""
        return tuple(self._reached)

    @property
    def next_target(self) -> float | None:
        """The smallest milestone not yet reached, or None when all are."""
        if self._next_index >= len(self._targets):
            return None
        return self._targets[self._next_index]

    @property
    def next_label(self) -> str | None:
        """Label of `next_target`, or None."""
        target = self.next_target
        return None if target is None else milestone_label(target)

    def progress_pct(self, capital: float) -> float | None:
        """`capital / next_target * 100` (10145 toward 25K -> 40.58), or None."""
        target = self.next_target
        return None if target is None else capital / target * 100.0

    def update(self, capital: float, timestamp: datetime | None) -> list[MilestoneReached]:
        """Mark capital at `timestamp`; returns the milestones this update reached."""
        new: list[MilestoneReached] = []
        while self._next_index < len(self._targets):
            target = self._targets[self._next_index]
            if capital < target:
                break
            new.append(MilestoneReached(target, milestone_label(target), capital, timestamp))
            self._next_index += 1
        self._reached.extend(new)
        return new
