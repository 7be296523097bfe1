"""Time-of-day rules: when new entries are allowed, as a per-bar boolean mask."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time

import numpy as np

from tradewind.risk.daily import DAY_NS, local_wall_ns, zone
from tradewind.risk.errors import RiskConfigError

__all__ = ["WEEKDAYS", "TradingHoursRule", "trading_allowed", "trading_hours_mask"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday names in `datetime.weekday()` order (Monday = 0)."""

# 1970-01-01 (day 0 of the epoch) was a Thursday.
_EPOCH_WEEKDAY = 3


def _ns_of_day(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000_000 + t.microsecond * 1000


def _weekday(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return value
    text = str(getattr(value, "value", value)).strip().lower()[:3]
    if text in WEEKDAYS:
        return WEEKDAYS.index(text)
    raise RiskConfigError(
        f"invalid weekday {value!r} in a trading-hours rule: expected one of "
        f"{', '.join(WEEKDAYS)} or 0-6 (Monday = 0)"
    )


@dataclass(frozen=True, slots=True)
class TradingHoursRule:
    """New entries are allowed from `start` (inclusive) to `end` (exclusive), local to
    `timezone`, on `weekdays`.

    `start` later than `end` is a window across midnight that belongs to the weekday
    it starts on (Mon 22:00 - Tue 02:00 for `weekdays` containing Monday). `markets`
    None applies the rule to every market. Several rules for one market are a union of
    windows; a market no rule names is always allowed. Reductions and exits ignore
    these rules.

    Attributes:
        weekdays: 0-6 (Monday = 0); names such as `"mon"` are accepted and stored as
            a sorted tuple of ints.

    Raises:
        RiskConfigError: an empty window, an unknown weekday or time zone.
    """

    start: time
    end: time
    weekdays: tuple[int | str, ...] = (0, 1, 2, 3, 4)
    timezone: str = "UTC"
    markets: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            if not isinstance(getattr(self, name), time):
                raise RiskConfigError(
                    f"invalid trading-hours {name} {getattr(self, name)!r}: expected a time"
                )
        if self.start == self.end:
            raise RiskConfigError(
                f"invalid trading-hours window {self.start:%H:%M}-{self.end:%H:%M}: "
                "expected start != end"
            )
        days = tuple(sorted({_weekday(d) for d in self.weekdays}))
        if not days:
            raise RiskConfigError("invalid trading-hours rule: expected at least one weekday")
        object.__setattr__(self, "weekdays", days)
        if self.markets is not None:
            object.__setattr__(self, "markets", tuple(self.markets))
        zone(self.timezone, field="trading-hours timezone")

    def applies_to(self, market: str) -> bool:
        """Whether this rule governs `market`."""
        return self.markets is None or market in self.markets

    def mask(self, timestamps_ns: np.ndarray) -> np.ndarray:
        """Whether each UTC instant (int64 ns) lies inside this rule's windows."""
        wall = local_wall_ns(timestamps_ns, self.timezone)
        day = np.floor_divide(wall, DAY_NS)
        ns_of_day = wall - day * DAY_NS
        weekday = (day + _EPOCH_WEEKDAY) % 7
        on_day = np.isin(weekday, self.weekdays)
        start, end = _ns_of_day(self.start), _ns_of_day(self.end)
        inside: np.ndarray
        if start < end:
            inside = on_day & (ns_of_day >= start) & (ns_of_day < end)
        else:
            after_start = on_day & (ns_of_day >= start)
            before_end = np.isin((weekday - 1) % 7, self.weekdays) & (ns_of_day < end)
            inside = after_start | before_end
        return inside


def trading_hours_mask(
    timestamps_ns: np.ndarray, market: str, rules: Sequence[TradingHoursRule]
) -> np.ndarray:
    """Whether new entries in `market` are allowed at each UTC instant (int64 ns).

    Vectorized over the instants; the engine precomputes this once per market and
    the kernel only reads it. All True when no rule applies to `market`.
    """
    instants = np.asarray(timestamps_ns, dtype=np.int64)
    applicable = [rule for rule in rules if rule.applies_to(market)]
    if not applicable:
        return np.ones(instants.shape, dtype=np.bool_)
    allowed = np.zeros(instants.shape, dtype=np.bool_)
    for rule in applicable:
        allowed |= rule.mask(instants)
    return allowed


def trading_allowed(ts: datetime, market: str, rules: Iterable[TradingHoursRule]) -> bool:
    """Whether new entries in `market` are allowed at instant `ts` (naive = UTC)."""
    aware = ts if ts.tzinfo is not None else ts.replace(tzinfo=UTC)
    delta = aware - datetime(1970, 1, 1, tzinfo=UTC)
    ns = (delta.days * 86_400 + delta.seconds) * 1_000_000_000 + delta.microseconds * 1000
    return bool(trading_hours_mask(np.array([ns], dtype=np.int64), market, list(rules))[0])
