"""The venue-side dead man's switch through ccxt (`cancel_all_orders_after`).

Where an exchange offers it (Kraken's `CancelAllOrdersAfter`), the exchange itself
cancels every open order of the key when a countdown runs out; each arm restarts it.
So a session that dies, hangs or loses its network has its orders canceled by the venue.

A live session calls `arm` on every heartbeat (about 1 s), but a request is sent only
when the timeout changed or a quarter of it has passed since the last arm that reached
the venue: Kraken counts the call against the key's rate limit and ccxt spaces it 3 s
from the previous request, so re-arming every second would starve order entry. Kraken
counts whole seconds: a timeout is rounded up to the next second, so the venue never
cancels sooner than asked.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from tradewind.domain.errors import DomainError
from tradewind.ports.execution import VenueCapability
from tradewind.venues.ccxt.session import CcxtSession

__all__ = ["MAX_TIMEOUT_S", "DeadManSwitch", "dead_man_capabilities"]

MAX_TIMEOUT_S = 86_399
"""The longest countdown Kraken takes (below a day), seconds."""

_DRIVEN_AT = frozenset({"kraken"})  # run against an emulator that counts down
_REFRESH_SHARE = 0.25  # re-send after this share of the timeout has passed


def dead_man_capabilities(has: Mapping[str, Any], exchange_id: str) -> frozenset[str]:
    """`cancel_on_disconnect` where ccxt has `cancelAllOrdersAfter` and the adapter drives
    it (kraken); empty elsewhere."""
    if has.get("cancelAllOrdersAfter") and exchange_id in _DRIVEN_AT:
        return frozenset({VenueCapability.CANCEL_ON_DISCONNECT.value})
    return frozenset()


class DeadManSwitch:
    """The countdown of one session's key at the venue.

    Args:
        session: the connected exchange session (requests go through its budget).
        clock: monotonic seconds (tests pass a fake).
    """

    def __init__(self, session: CcxtSession, clock: Callable[[], float] = time.monotonic):
        self._session = session
        self._clock = clock
        self._armed_s: int | None = None  # the countdown last sent, whole seconds
        self._sent_at = 0.0

    @property
    def armed_s(self) -> int | None:
        """The countdown the venue was last told, seconds; None when disarmed or never armed."""
        return self._armed_s

    def arm(self, timeout_s: float) -> None:
        """Make the venue cancel every open order of the key unless re-armed within
        `timeout_s` (rounded up to whole seconds); 0 disarms. Cheap to call often: see
        the module docstring for when a request is sent.

        Raises:
            DomainError: `timeout_s` not finite, negative or above `MAX_TIMEOUT_S`.
            VenueDisconnectedError: not connected.
            VenueError: the venue did not take it (then the next call sends again).
        """
        whole_s = _whole_seconds(timeout_s)
        if whole_s == 0:
            self.disarm()
            return
        now = self._clock()
        due = self._armed_s != whole_s or now - self._sent_at >= whole_s * _REFRESH_SHARE
        if due:
            self._send(whole_s)
            self._armed_s, self._sent_at = whole_s, now

    def disarm(self) -> None:
        """Stop the venue's countdown (always sent: an earlier process may have armed it).

        Raises:
            VenueDisconnectedError: not connected.
            VenueError: the venue did not take it.
        """
        self._send(0)
        self._armed_s = None

    def _send(self, whole_s: int) -> None:
        action = "arm the dead man's switch" if whole_s else "disarm the dead man's switch"
        self._session.require_connected(action)
        # idempotent (it sets the countdown), so one retry after a retryable failure
        self._session.call(action, lambda ex: ex.cancel_all_orders_after(whole_s * 1000), retries=1)


def _whole_seconds(timeout_s: float) -> int:
    if not math.isfinite(timeout_s) or timeout_s < 0 or timeout_s > MAX_TIMEOUT_S:
        raise DomainError(
            f"timeout_s: expected 0 (disarm) or a countdown up to {MAX_TIMEOUT_S} seconds, "
            f"got {timeout_s!r}"
        )
    return math.ceil(timeout_s)
