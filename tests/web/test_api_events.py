"""The live change stream (`/api/v1/events`, Server-Sent Events) over real HTTP: a
`hello`, then a `change` naming the topic within a second of a journal write."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any, cast

import httpx
import pytest
from fastapi import FastAPI
from tests.web.server_harness import OPERATOR, VIEWER, Served

from tradewind.app.journal_access import open_journal

__all__: list[str] = []

CHANGE_WITHIN_S = 1.0


def _bearer(served: Served, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.tokens[user]}"}


def _events(reply: httpx.Response) -> Iterator[tuple[str, dict[str, Any]]]:
    """(event name, data) per event of an SSE stream; comments and `retry` skipped."""
    name, data = "", ""
    for line in reply.iter_lines():
        if line.startswith("event:"):
            name = line.removeprefix("event:").strip()
        elif line.startswith("data:"):
            data += line.removeprefix("data:").strip()
        elif line == "" and name:
            yield name, json.loads(data)
            name, data = "", ""


def _next_change(events: Iterator[tuple[str, dict[str, Any]]], topic: str) -> dict[str, Any]:
    for name, data in events:
        if name == "change" and topic in data["topics"]:
            return data
    raise AssertionError(f"the stream ended before a change of {topic!r}")


def _feed(served: Served) -> Any:
    return cast(FastAPI, served.server.config.app).state.tw.feed


@pytest.fixture
def stream(served: Served) -> Iterator[tuple[httpx.Response, Iterator[tuple[str, Any]]]]:
    """The viewer's open event stream, after its `hello`."""
    with (
        httpx.Client(base_url=served.base_url, timeout=httpx.Timeout(10, read=5)) as client,
        client.stream("GET", "/api/v1/events", headers=_bearer(served, VIEWER)) as reply,
    ):
        events = _events(reply)
        name, data = next(events)
        assert name == "hello"
        assert set(data["versions"]) >= {"controls", "sessions", "fills", "risk"}
        yield reply, events


def test_the_stream_is_event_stream_and_opens_with_hello(
    stream: tuple[httpx.Response, Iterator[tuple[str, Any]]],
) -> None:
    reply, _ = stream

    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/event-stream")
    assert reply.headers["cache-control"] == "no-store"


def test_a_control_posted_over_the_api_is_a_controls_change_within_a_second(
    served: Served, stream: tuple[httpx.Response, Iterator[tuple[str, Any]]]
) -> None:
    _, events = stream
    started = time.monotonic()
    posted = httpx.post(served.base_url + "/api/v1/controls", headers=_bearer(served, OPERATOR),
                        json={"action": "soft", "market": "crypto", "reason": "sse"})  # fmt: skip
    assert posted.status_code == 202

    change = _next_change(events, "controls")

    assert time.monotonic() - started < CHANGE_WITHIN_S
    assert "controls" in change["topics"]


def test_a_heartbeat_is_a_sessions_change_within_a_second(
    served: Served, stream: tuple[httpx.Response, Iterator[tuple[str, Any]]]
) -> None:
    _, events = stream
    with open_journal(str(served.seed.journal)) as journal:
        (beat,) = [b for b in journal.heartbeats() if b.run_id == served.seed.paper_run]
        started = time.monotonic()
        journal.beat(beat.run_id, beat.mode, beat.detail)

    change = _next_change(events, "sessions")

    assert time.monotonic() - started < CHANGE_WITHIN_S
    assert change["topics"] == ["sessions"]


def test_an_acknowledgement_is_a_controls_change(
    served: Served, stream: tuple[httpx.Response, Iterator[tuple[str, Any]]]
) -> None:
    _, events = stream
    with open_journal(str(served.seed.journal)) as journal:
        newest = journal.control_commands()[-1]
        journal.acknowledge_control(newest.id, served.seed.paper_run, "in force")

    assert _next_change(events, "controls")["topics"] == ["controls"]


def test_the_stream_needs_credentials(served: Served) -> None:
    reply = httpx.get(served.base_url + "/api/v1/events", timeout=5)

    assert reply.status_code == 401


def test_a_closed_stream_unsubscribes_from_the_feed(served: Served) -> None:
    feed = _feed(served)
    with (
        httpx.Client(base_url=served.base_url, timeout=httpx.Timeout(10, read=5)) as client,
        client.stream("GET", "/api/v1/events", headers=_bearer(served, VIEWER)) as reply,
    ):
        events = _events(reply)  # kept: closing the generator closes the connection
        assert next(events)[0] == "hello"
        assert feed.subscriber_count >= 1
    with open_journal(str(served.seed.journal)) as journal:  # a change makes the server write
        (beat,) = [b for b in journal.heartbeats() if b.run_id == served.seed.paper_run]
        journal.beat(beat.run_id, beat.mode, beat.detail)

    deadline = time.monotonic() + 2.0
    while feed.subscriber_count and time.monotonic() < deadline:
        time.sleep(0.05)

    assert feed.subscriber_count == 0


def test_a_session_that_stops_beating_is_a_liveness_change_and_shows_down(served: Served) -> None:
    # A dead session writes nothing: the feed must still notice its heartbeat going stale.
    from tradewind.app.control_commands import FRESH_HEARTBEAT_S

    with open_journal(str(served.seed.journal)) as journal:
        journal.beat(served.seed.paper_run, "paper", {"row": 1})
    timeout = httpx.Timeout(10, read=FRESH_HEARTBEAT_S + 5)
    with (
        httpx.Client(base_url=served.base_url, timeout=timeout) as client,
        client.stream("GET", "/api/v1/events", headers=_bearer(served, VIEWER)) as reply,
    ):
        events = _events(reply)
        assert next(events)[0] == "hello"
        venues = client.get("/api/v1/venues", headers=_bearer(served, VIEWER)).json()
        assert {v["state"] for v in venues} != {"down"}
        started = time.monotonic()
        _next_change(events, "liveness")
        waited_s = time.monotonic() - started
    assert waited_s <= FRESH_HEARTBEAT_S + 1.0
    venues = httpx.get(served.base_url + "/api/v1/venues", headers=_bearer(served, VIEWER))
    assert [v["state"] for v in venues.json()] == ["down", "down", "down"]
    assert all("no heartbeat" in v["reason"] for v in venues.json())
