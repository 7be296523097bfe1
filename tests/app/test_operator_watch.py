"""The operator watch's dead man's switch: venue countdowns armed on every tick and
disarmed when a session ends on its own (the Kraken countdown itself is tested against
the emulator with ccxt.kraken in tests/venues)."""

from __future__ import annotations

from types import SimpleNamespace

from tradewind.app.operator_watch import OperatorWatch
from tradewind.config import TradewindConfig
from tradewind.ports.capabilities import VenueCapability


class _CountdownVenue:
    """A venue declaring a countdown; records what it was asked."""

    def __init__(self, capabilities: frozenset[str]) -> None:
        self.capabilities = capabilities
        self.calls: list[tuple[str, float]] = []

    def arm_dead_man(self, timeout_s: float) -> None:
        self.calls.append(("arm", timeout_s))

    def disarm_dead_man(self) -> None:
        self.calls.append(("disarm", 0.0))


def _watch(*venues: _CountdownVenue) -> tuple[OperatorWatch, list[tuple[str, str]]]:
    config = TradewindConfig.model_validate(
        {
            "markets": {
                "crypto": {"provider": "sim", "symbols": ["BTC-USD"], "risk_allocation_pct": 40}
            },
            "operator": {"dead_man": {"venue_cancel_after_s": 45}},
        }
    )
    routes = [SimpleNamespace(venue=v, market=f"m{n}") for n, v in enumerate(venues)]
    session = SimpleNamespace(market_names=(), feed_health=None)
    loop = SimpleNamespace(bridge=SimpleNamespace(routes=routes), session=session)
    notices: list[tuple[str, str]] = []
    watch = OperatorWatch(
        loop,
        config,
        journal=None,
        run_id="r",  # type: ignore[arg-type]
        notice=lambda kind, title, body, market: notices.append((kind, title)),
    )
    return watch, notices


def test_each_tick_arms_the_countdown_of_venues_that_have_one_and_only_those() -> None:
    countdown = _CountdownVenue(frozenset({VenueCapability.CANCEL_ON_DISCONNECT.value}))
    plain = _CountdownVenue(frozenset())
    watch, _ = _watch(countdown, plain)
    watch._arm_venues()
    watch._arm_venues()
    assert countdown.calls == [("arm", 45.0), ("arm", 45.0)]
    assert plain.calls == []


def test_a_session_that_ends_on_its_own_disarms_the_countdown() -> None:
    countdown = _CountdownVenue(frozenset({VenueCapability.CANCEL_ON_DISCONNECT.value}))
    watch, _ = _watch(countdown)
    watch.disarm_venues()
    assert countdown.calls == [("disarm", 0.0)]


def test_a_countdown_that_cannot_be_armed_is_reported_not_raised() -> None:
    class Failing(_CountdownVenue):
        def arm_dead_man(self, timeout_s: float) -> None:
            raise RuntimeError("venue busy")

    watch, notices = _watch(Failing(frozenset({VenueCapability.CANCEL_ON_DISCONNECT.value})))
    watch._arm_venues()
    assert notices == [("dead_man", "venue countdown not armed")]
