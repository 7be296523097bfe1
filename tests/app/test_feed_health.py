"""A failing feed pauses its market and is retried with backoff; a failure that is not
retryable (refused credentials) stops the market for the run."""

from __future__ import annotations

from tradewind.app.feed_health import PAUSE_PREFIX, STOP_PREFIX, FeedHealth
from tradewind.domain.venue_errors import VenueError


def test_a_retryable_failure_is_retried_with_doubling_waits() -> None:
    health = FeedHealth()
    reason = health.failed("crypto", 0, VenueError("unreachable", retryable=True))
    assert reason.startswith(PAUSE_PREFIX)
    due_rows = []
    for t in range(1, 16):
        if health.due("crypto", t):
            due_rows.append(t)
            health.failed("crypto", t, VenueError("still unreachable", retryable=True))
    assert due_rows == [1, 3, 7, 15]
    health.recovered("crypto", 16)
    assert not health.is_down("crypto")
    assert [e["event"] for e in health.drain_events()][-1] == "resumed"


def test_a_failure_that_is_not_retryable_stops_the_market_without_retries() -> None:
    health = FeedHealth()
    reason = health.failed("crypto", 4, VenueError("credentials refused", retryable=False))
    assert reason.startswith(STOP_PREFIX)
    assert "credentials refused" in reason
    assert not any(health.due("crypto", t) for t in range(5, 10_000))
    (event,) = health.drain_events()
    assert (event["event"], event["row"]) == ("stopped", 4)
    assert health.due("forex", 5)  # other markets are unaffected
