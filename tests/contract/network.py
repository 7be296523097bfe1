"""The optional network hooks of a harness: faults on the wire between adapter and venue.

A harness whose adapter talks to its venue over a network (an emulator on 127.0.0.1)
offers them as `harness.faults`; the simulated venue has no network, so its `faults`
is None and the network tests skip it, saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Protocol

from tradewind.domain.identifiers import ClientOrderId

__all__ = ["NetworkFaults", "WireRequest"]


class WireRequest(StrEnum):
    """The order requests a fault can be armed on (each harness knows their paths)."""

    SUBMIT = "submit"
    CANCEL = "cancel"


class NetworkFaults(Protocol):
    """Faults between the adapter and its venue, and what really reached the venue."""

    def arm_timeout(self, request: WireRequest) -> None:
        """The next such request is carried out by the venue, but its answer never
        comes: the adapter's request times out."""
        ...

    def arm_drop(self, request: WireRequest) -> None:
        """The next such request's connection is closed before the venue carries it out."""
        ...

    def arm_rate_limit(self, request: WireRequest) -> None:
        """The next such request is refused, not carried out, with the venue's
        rate-limit answer (429 and a Retry-After of 1 s where the venue gives one)."""
        ...

    def sever(self) -> None:
        """Every request from now on is dropped unanswered (the venue is unreachable)
        until `restore()`; the venue itself keeps trading."""
        ...

    def restore(self) -> None:
        """Undo `sever()` and any armed fault not delivered yet."""
        ...

    def crowd_rate_limit(self) -> None:
        """Leave the adapter only a few requests' weight of the venue's rate limit, the
        rest spent by earlier traffic that ages out about half a second from now.

        Past the headroom the venue refuses with its rate-limit answer (429 and a
        Retry-After where the venue gives one); a request sent while that refusal
        stands gets the venue's ban (418 / lockout)."""
        ...

    def delivered(self) -> Mapping[str, int]:
        """How many faults of each kind (`timeout`, `drop`, ...) requests have received."""
        ...

    def rate_answers(self) -> Mapping[int, int]:
        """The venue's rate-limit decisions so far by status: 200 served, 429 refused
        for the rate, 418 banned."""
        ...

    def orders_at_venue(self, client_order_id: ClientOrderId) -> int:
        """How many orders with this client order id the venue holds (any status)."""
        ...
