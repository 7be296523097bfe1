"""What the notifier carries and reports: `Notice` and `NotifierStats`."""

from __future__ import annotations

from dataclasses import dataclass

from tradewind.config.operator import NoticeKind

__all__ = ["Notice", "NotifierStats"]


@dataclass(frozen=True, slots=True)
class Notice:
    """One message for the operator: its kind (filtered by
    `operator.notifications.events`), a one-line title, a body, and the market it is
    about (shown before the title), if any."""

    kind: NoticeKind
    title: str
    body: str
    market: str | None = None

    @property
    def shown_title(self) -> str:
        """The title as sent: `market: title` when the notice is about a market."""
        return f"{self.market}: {self.title}" if self.market else self.title


@dataclass(frozen=True, slots=True)
class NotifierStats:
    """What a notifier did so far.

    `sent` and `failed` count deliveries (a notice to two URLs counts twice; a
    coalesced summary counts as one notice); `coalesced` counts notices folded into a
    summary by the rate limit; `dropped` counts notices lost to a full queue or sent
    after `close`.
    """

    sent: int = 0
    failed: int = 0
    coalesced: int = 0
    dropped: int = 0
