"""Fault specs, the seeded injector, and the rolling-minute rate limiter."""

from __future__ import annotations

import pytest

from tradewind.venues.emulation import FaultInjector, FaultKind, FaultSpec, RateLimiter


def test_a_fault_spec_parses_probabilities_and_durations() -> None:
    spec = FaultSpec.parse("latency=200ms,timeout=0.05,http429=0.02,skew=3s,duplicate_ack=0.5")
    assert (spec.latency_ms, spec.skew_ms, spec.timeout, spec.http429) == (200, 3000, 0.05, 0.02)
    assert spec.duplicate_ack == 0.5
    assert FaultSpec.parse("").is_quiet


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lag=1", "unknown key 'lag'; expected one of latency, skew, timeout"),
        ("timeout=2", "timeout: expected a probability in \\[0, 1\\], got 2"),
        ("latency=fast", "latency='fast': expected a duration"),
        ("drop", "expected key=value"),
    ],
)
def test_a_bad_fault_spec_names_the_key_and_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultSpec.parse(text)


def test_the_injector_is_reproducible_for_a_seed() -> None:
    spec = FaultSpec.parse("drop=0.3,http5xx=0.3")
    first, second = FaultInjector(spec, seed=7), FaultInjector(spec, seed=7)
    assert [first.decide("GET", "/x").kind for _ in range(50)] == [
        second.decide("GET", "/x").kind for _ in range(50)
    ]
    kinds = {first.decide("GET", "/x").kind for _ in range(200)}
    assert kinds == {None, FaultKind.DROP, FaultKind.HTTP5XX}


def test_armed_faults_hit_only_matching_requests_and_only_count_times() -> None:
    injector = FaultInjector()
    injector.arm("timeout", count=2, path_prefix="/api/v3/order", method="POST")
    assert injector.decide("GET", "/api/v3/order").kind is None
    assert injector.decide("POST", "/api/v3/order").kind is FaultKind.TIMEOUT
    assert injector.decide("POST", "/api/v3/order").kind is FaultKind.TIMEOUT
    assert injector.decide("POST", "/api/v3/order").kind is None


def test_an_armed_skew_shifts_the_auth_clock_of_that_request() -> None:
    injector = FaultInjector(FaultSpec(latency_ms=5))
    injector.arm("skew")
    decision = injector.decide("GET", "/api/v3/account")
    assert (decision.skew_ms, decision.latency_ms) == (3000, 5)
    assert injector.decide("GET", "/api/v3/account").skew_ms == 0


class FakeClock:
    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s


def test_the_limiter_refuses_over_the_minute_with_retry_after_then_bans() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limit_per_minute=10, ban_s=120, clock_s=clock)
    assert limiter.charge("k", 6).status == 200
    clock.now_s += 30
    assert limiter.charge("k", 4).used_weight == 10
    refused = limiter.charge("k", 1)
    assert (refused.status, refused.retry_after_s, refused.used_weight) == (429, 30, 10)
    banned = limiter.charge("k", 1)
    assert (banned.status, banned.retry_after_s) == (418, 120)
    assert limiter.charge("other", 1).allowed


def test_weight_expires_after_a_rolling_minute() -> None:
    clock = FakeClock()
    limiter = RateLimiter(limit_per_minute=10, clock_s=clock)
    limiter.charge("k", 10)
    clock.now_s += 60
    assert limiter.used("k") == 0
    assert limiter.charge("k", 10).allowed
