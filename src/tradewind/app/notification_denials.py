"""Risk denials become one notice per burst, not one per order.

A burst opens when `threshold` denials fall within `window_s` seconds; it collects every
denial until `window_s` after its first one, then becomes a single RISK_DENIALS notice
with the counts per reason and per market. Fewer denials than the threshold in a window
notify nothing (they are journaled anyway).
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

from tradewind.app.notification_records import Notice
from tradewind.config.operator import NoticeKind

__all__ = ["DenialBursts"]


@dataclass(slots=True)
class DenialBursts:
    """Counts denials on a caller's clock (seconds) and says when a burst is complete.

    Not thread-safe: the notifier calls it under its lock.
    """

    threshold: int = 3
    window_s: float = 60.0
    _recent: deque[tuple[float, str, str]] = field(default_factory=deque)
    _burst_start_s: float | None = None
    _burst: list[tuple[str, str]] = field(default_factory=list)

    def add(self, now_s: float, market: str, reason_code: str) -> None:
        """Count one denial; collect a due burst with `take` first."""
        if self._burst_start_s is not None and now_s < self._burst_start_s + self.window_s:
            self._burst.append((market, reason_code))
            return
        self._recent.append((now_s, market, reason_code))
        while self._recent and self._recent[0][0] <= now_s - self.window_s:
            self._recent.popleft()
        if len(self._recent) >= self.threshold:
            self._burst_start_s = self._recent[0][0]
            self._burst = [(market, reason) for _, market, reason in self._recent]
            self._recent.clear()

    def due_at(self) -> float | None:
        """When the open burst is complete (clock seconds), or None without one."""
        return None if self._burst_start_s is None else self._burst_start_s + self.window_s

    def take(self, now_s: float, *, force: bool = False) -> Notice | None:
        """The notice of the burst complete at `now_s` (any open burst with `force`),
        or None; the burst is cleared."""
        due = self.due_at()
        if due is None or (now_s < due and not force):
            return None
        notice = _burst_notice(self._burst, self.window_s)
        self._burst_start_s = None
        self._burst = []
        return notice


def _burst_notice(burst: list[tuple[str, str]], window_s: float) -> Notice:
    reasons = Counter(reason for _, reason in burst)
    markets = Counter(market for market, _ in burst)
    window = f"{window_s:g} s"
    body = (
        f"{len(burst)} orders denied by risk checks within {window}: "
        f"{_counts(reasons)}. Markets: {_counts(markets)}."
    )
    only_market = next(iter(markets)) if len(markets) == 1 else None
    return Notice(
        NoticeKind.RISK_DENIALS, f"{len(burst)} risk denials in {window}", body, only_market
    )


def _counts(counter: Counter[str]) -> str:
    ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{count} {name}" for name, count in ranked)
