"""The session's status follows the venue's answers; a 429 pauses for its Retry-After."""

from __future__ import annotations

import time

import httpx
import pytest

from tradewind.domain.secret import Secret
from tradewind.domain.venue_errors import VenueDisconnectedError
from tradewind.domain.venue_reports import ConnectionStatus
from tradewind.venues.oanda import OandaVenueConfig
from tradewind.venues.oanda.errors import ErrorKind, OandaVenueError
from tradewind.venues.oanda.session import OandaSession

from .payloads import ACCOUNT, INSTRUMENTS, PRICING, SUMMARY


class FakeV20:
    """Answers the connect requests; `script` holds canned answers for summary reads."""

    def __init__(self) -> None:
        self.script: list[httpx.Response] = []
        self.summary_times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/summary"):
            self.summary_times.append(time.monotonic())
            if self.script:
                return self.script.pop(0)
            return httpx.Response(200, json=SUMMARY)
        if path.endswith("/instruments"):
            return httpx.Response(200, json=INSTRUMENTS)
        if path.endswith("/pricing"):
            return httpx.Response(200, json=PRICING)
        return httpx.Response(404, json={"errorMessage": f"no {path}"})


def _connection(session: OandaSession) -> ConnectionStatus:
    return session.status.connection


def _session(fake: FakeV20) -> OandaSession:
    config = OandaVenueConfig(symbols=("EUR_USD",), token=Secret("t"), account_id=ACCOUNT)
    return OandaSession(config, transport=httpx.MockTransport(fake))


def test_connect_loads_the_instruments_and_the_home_currency() -> None:
    session = _session(FakeV20())
    with pytest.raises(VenueDisconnectedError, match="connect"):
        session.call("x", lambda c: c.summary())
    session.connect()
    assert _connection(session) is ConnectionStatus.CONNECTED
    assert session.home_currency == "USD"
    assert session.connected_at_txn == 6
    assert session.instruments is not None
    assert session.instruments.by_symbol("EUR_USD") is not None


def test_a_rate_limited_read_waits_out_the_retry_after_then_succeeds() -> None:
    fake = FakeV20()
    session = _session(fake)
    session.connect()
    fake.script = [
        httpx.Response(429, json={"errorMessage": "slow"}, headers={"Retry-After": "0.3"})
    ]
    fake.summary_times.clear()
    summary = session.call("read", lambda c: c.summary(), retries=1)
    assert summary.currency == "USD"
    first, second = fake.summary_times
    assert second - first >= 0.3


def test_network_trouble_degrades_and_the_next_answer_reconnects() -> None:
    fake = FakeV20()
    session = _session(fake)
    session.connect()
    fake.script = [httpx.Response(503, json={"errorMessage": "down"})]
    with pytest.raises(OandaVenueError) as failed:
        session.call("read", lambda c: c.summary())
    assert failed.value.kind is ErrorKind.UNREACHABLE
    assert _connection(session) is ConnectionStatus.DEGRADED
    session.call("read", lambda c: c.summary())
    assert _connection(session) is ConnectionStatus.CONNECTED


def test_a_refused_token_disconnects_with_the_reason() -> None:
    fake = FakeV20()
    session = _session(fake)
    session.connect()
    fake.script = [httpx.Response(401, json={"errorMessage": "Insufficient authorization"})]
    with pytest.raises(OandaVenueError):
        session.call("read", lambda c: c.summary(), retries=3)
    assert _connection(session) is ConnectionStatus.DISCONNECTED
    assert "access token" in session.status.reason
