"""The ccxt adapter drives Kraken's dead man's switch: `CcxtVenue.arm_dead_man` through
the real ccxt `kraken` class against the Kraken emulator, declared as
`cancel_on_disconnect` only where it is driven."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from tests.contract.ccxt_harness import BINANCE
from tests.contract.kraken_harness import KRAKEN

from tradewind.domain.errors import DomainError
from tradewind.domain.order_enums import OrderType
from tradewind.domain.order_events import OrderCanceled
from tradewind.domain.venue_errors import VenueDisconnectedError
from tradewind.ports.capabilities import VenueCapability
from tradewind.venues.ccxt import CcxtVenue
from tradewind.venues.ccxt.dead_man import DeadManSwitch, dead_man_capabilities

from .rig import Rig, start_rig
from .rig import drain as _drain
from .rig import instrument as _instrument
from .rig import of as _of

_CANCEL_ON_DISCONNECT = VenueCapability.CANCEL_ON_DISCONNECT.value
_ARM_PATH = "/0/private/CancelAllOrdersAfter"


@pytest.fixture
def rig() -> Iterator[Rig]:
    built = start_rig(KRAKEN, order_prefix="dm-")
    yield built
    built.server.stop()


@pytest.fixture
def venue(rig: Rig) -> CcxtVenue:
    built = rig.venue()
    built.connect()
    return built


def _rest_a_limit(rig: Rig, venue: CcxtVenue, name: str) -> None:
    order = rig.order(_instrument(venue), name, kind=OrderType.LIMIT, price=Decimal(90))
    venue.submit(order)
    venue.drain_events()


def _open_at_venue(rig: Rig) -> int:
    return sum(1 for o in rig.orders_at_venue() if o.status.is_open)


def _wait_until(done: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if done():
            return True
        time.sleep(0.05)
    return done()


def test_kraken_declares_cancel_on_disconnect(venue: CcxtVenue) -> None:
    assert _CANCEL_ON_DISCONNECT in venue.capabilities


def test_an_armed_switch_left_alone_has_the_venue_cancel_the_order(
    rig: Rig, venue: CcxtVenue
) -> None:
    venue.arm_dead_man(2.0)
    armed_at = time.monotonic()
    _rest_a_limit(rig, venue, "left")
    assert _open_at_venue(rig) == 1
    assert _wait_until(lambda: _open_at_venue(rig) == 0, timeout_s=4.0)
    assert time.monotonic() - armed_at >= 1.9
    (canceled,) = _of(_drain(venue), OrderCanceled)
    assert str(canceled.client_order_id) == "dm-left"


def test_re_arming_on_every_heartbeat_keeps_the_order_and_zero_disarms(
    rig: Rig, venue: CcxtVenue
) -> None:
    venue.arm_dead_man(2.0)
    _rest_a_limit(rig, venue, "kept")
    heartbeats_until = time.monotonic() + 3.0
    while time.monotonic() < heartbeats_until:
        venue.arm_dead_man(2.0)
        time.sleep(0.1)
    assert _open_at_venue(rig) == 1
    sent = rig.server.requests[_ARM_PATH]
    assert 3 <= sent <= 10  # about every half second, not on each of ~30 heartbeats
    venue.arm_dead_man(0)
    time.sleep(2.5)
    assert _open_at_venue(rig) == 1
    assert not rig.server.dialect.dead_man.armed(KRAKEN.key)


def test_disarm_dead_man_stops_the_countdown(rig: Rig, venue: CcxtVenue) -> None:
    venue.arm_dead_man(60)
    assert rig.server.dialect.dead_man.armed(KRAKEN.key)
    venue.disarm_dead_man()
    assert not rig.server.dialect.dead_man.armed(KRAKEN.key)


@pytest.mark.parametrize("timeout_s", [-1.0, float("nan"), float("inf"), 86_400.0])
def test_a_bad_timeout_is_refused_before_anything_is_sent(
    rig: Rig, venue: CcxtVenue, timeout_s: float
) -> None:
    with pytest.raises(DomainError, match="timeout_s"):
        venue.arm_dead_man(timeout_s)
    assert rig.server.requests[_ARM_PATH] == 0


def test_a_disconnected_venue_sends_nothing(rig: Rig, venue: CcxtVenue) -> None:
    venue.disconnect()
    with pytest.raises(VenueDisconnectedError):
        venue.arm_dead_man(60)
    assert rig.server.requests[_ARM_PATH] == 0


def test_binance_does_not_declare_it_and_refuses_to_arm() -> None:
    rig = start_rig(BINANCE, order_prefix="dm-")
    try:
        venue = rig.venue()
        venue.connect()
        assert _CANCEL_ON_DISCONNECT not in venue.capabilities
        with pytest.raises(DomainError, match="cancel_on_disconnect"):
            venue.arm_dead_man(60)
    finally:
        rig.server.stop()


def test_declared_only_where_ccxt_has_it_and_the_adapter_drives_it() -> None:
    assert dead_man_capabilities({"cancelAllOrdersAfter": True}, "kraken") == {
        _CANCEL_ON_DISCONNECT
    }
    assert dead_man_capabilities({"cancelAllOrdersAfter": True}, "binance") == frozenset()
    assert dead_man_capabilities({}, "kraken") == frozenset()


class _CountingSession:
    """Records the countdowns sent (whole seconds), as ccxt would send them."""

    def __init__(self) -> None:
        self.sent_s: list[int] = []
        self.fail_next = False

    def require_connected(self, request: str) -> None:
        return None

    def call(self, action: str, request: Callable[[Any], Any], *, retries: int = 0) -> Any:
        if self.fail_next:
            self.fail_next = False
            raise DomainError("venue did not answer")
        return request(self)

    def cancel_all_orders_after(self, timeout_ms: int) -> None:
        self.sent_s.append(timeout_ms // 1000)


def _switch() -> tuple[DeadManSwitch, _CountingSession, list[float]]:
    session, now = _CountingSession(), [100.0]
    return DeadManSwitch(session, clock=lambda: now[0]), session, now  # type: ignore[arg-type]


def test_a_countdown_is_sent_when_new_changed_or_a_quarter_of_it_has_passed() -> None:
    switch, session, now = _switch()
    switch.arm(60)
    now[0] += 14.9
    switch.arm(60)
    assert session.sent_s == [60]
    now[0] += 0.1
    switch.arm(60)
    switch.arm(30)
    assert session.sent_s == [60, 60, 30]
    assert switch.armed_s == 30


def test_a_fraction_of_a_second_rounds_up_so_the_venue_never_cancels_early() -> None:
    switch, session, _ = _switch()
    switch.arm(1.2)
    switch.arm(0.3)
    assert session.sent_s == [2, 1]


def test_a_failed_arm_is_sent_again_on_the_next_heartbeat() -> None:
    switch, session, _ = _switch()
    session.fail_next = True
    with pytest.raises(DomainError):
        switch.arm(60)
    switch.arm(60)
    assert session.sent_s == [60]


def test_disarm_is_always_sent() -> None:
    switch, session, _ = _switch()
    switch.disarm()
    switch.arm(0)
    assert session.sent_s == [0, 0]
    assert switch.armed_s is None
