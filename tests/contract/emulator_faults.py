"""The network hooks (`harness.NetworkFaults`) of a harness whose venue is an emulator.

`InjectorFaults` drives the emulator's own fault injection (`FaultInjector.arm`) and reads
the venue's order book directly, so a test can tell what really reached the venue
whatever the adapter believes; `EmulatorFaults` adds the emulator's rate limiter
(`RateLimiter`). Each harness says which paths its venue's order requests use and which
keys its limiter charges.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping, Sequence

from tradewind.domain.identifiers import ClientOrderId
from tradewind.venues.emulation import (
    EmulatedMarket,
    EmulatorServer,
    FaultDecision,
    FaultInjector,
    FaultKind,
    RateDecision,
    RateLimiter,
)

from .network import WireRequest

__all__ = ["CountingFaults", "CountingLimiter", "EmulatorFaults", "InjectorFaults", "OrderPath"]

OrderPath = tuple[str, str]
"""(method, path prefix) of one kind of order request at the venue, as the emulator's
fault injector matches it."""

_WINDOW_S = 60.0  # the emulator's rolling rate-limit window
_CROWD_EXPIRES_IN_S = 0.5
_HEADROOM_WEIGHT = 8
_NEVER_ENDING = 10**9


class CountingFaults(FaultInjector):
    """The emulator's fault injector, counting the faults it actually delivered."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered: Counter[str] = Counter()

    def decide(self, method: str, path: str) -> FaultDecision:
        decision = super().decide(method, path)
        if decision.kind is not None:
            self.delivered[decision.kind.value] += 1
        return decision


class CountingLimiter(RateLimiter):
    """The emulator's rate limiter, counting its answers (200, 429, 418) by status.

    Its clock is the monotonic clock, which `crowd` shifts back for a moment to book
    weight as if spent earlier.
    """

    def __init__(self, limit_per_minute: int) -> None:
        self._offset_s = 0.0
        super().__init__(limit_per_minute, clock_s=self._clock_s_now)
        self.answers: Counter[int] = Counter()

    def _clock_s_now(self) -> float:
        return time.monotonic() + self._offset_s

    def charge(self, key: str, weight: int) -> RateDecision:
        decision = super().charge(key, weight)
        self.answers[decision.status] += 1
        return decision

    def crowd(self, keys: Sequence[str], headroom: int, expires_in_s: float) -> None:
        """Leave each key `headroom` weight, the rest booked so it expires in `expires_in_s`."""
        self.reset()  # the booked weight must be the oldest of each key's window
        self._offset_s = expires_in_s - _WINDOW_S
        try:
            for key in keys:
                RateLimiter.charge(self, key, self.limit_per_minute - headroom)
        finally:
            self._offset_s = 0.0


class InjectorFaults:
    """The network hooks every emulator offers through its fault injector: arming faults
    on the order requests, severing the link, and the venue's own order book.

    Args:
        injector: the running emulator's fault injector.
        market: the emulated market (the venue's own records).
        account: the adapter's account at the venue.
        order_paths: the venue request of each `WireRequest`.
    """

    def __init__(
        self,
        injector: CountingFaults,
        market: EmulatedMarket,
        account: str,
        order_paths: Mapping[WireRequest, OrderPath],
    ) -> None:
        self._injector = injector
        self._market = market
        self._account = account
        self._paths = dict(order_paths)

    def arm_timeout(self, request: WireRequest) -> None:
        self._arm(FaultKind.TIMEOUT, request)

    def arm_drop(self, request: WireRequest) -> None:
        self._arm(FaultKind.DROP, request)

    def arm_rate_limit(self, request: WireRequest) -> None:
        self._arm(FaultKind.HTTP429, request)

    def sever(self) -> None:
        self._injector.arm(FaultKind.DROP, count=_NEVER_ENDING)

    def restore(self) -> None:
        self._injector.disarm()

    def delivered(self) -> Mapping[str, int]:
        return dict(self._injector.delivered)

    def orders_at_venue(self, client_order_id: ClientOrderId) -> int:
        wanted = str(client_order_id)
        return sum(o.client_order_id == wanted for o in self._market.orders(self._account))

    def _arm(self, kind: FaultKind, request: WireRequest) -> None:
        method, path = self._paths[request]
        self._injector.arm(kind, path_prefix=path, method=method)


class EmulatorFaults(InjectorFaults):
    """`NetworkFaults` over an `EmulatorServer`, its market and its rate limiter.

    Args:
        server: the running emulator (its `faults` must be a `CountingFaults`).
        limiter: the limiter its dialect charges.
        market: the emulated market (the venue's own records).
        account: the adapter's account (its API key) at the venue.
        order_paths: the venue request of each `WireRequest`.
        rate_keys: what the limiter charges the adapter's requests to (key, address).
    """

    def __init__(
        self,
        server: EmulatorServer,
        limiter: CountingLimiter,
        market: EmulatedMarket,
        account: str,
        order_paths: Mapping[WireRequest, OrderPath],
        rate_keys: Sequence[str],
    ) -> None:
        if not isinstance(server.faults, CountingFaults):
            raise TypeError("EmulatorFaults: the server's faults must be a CountingFaults")
        super().__init__(server.faults, market, account, order_paths)
        self._limiter = limiter
        self._rate_keys = tuple(rate_keys)

    def crowd_rate_limit(self) -> None:
        self._limiter.crowd(self._rate_keys, _HEADROOM_WEIGHT, _CROWD_EXPIRES_IN_S)

    def rate_answers(self) -> Mapping[int, int]:
        return dict(self._limiter.answers)
