"""Control commands and promotions through the REST API over real HTTP: what is
journaled (user, source, reason), the wait for acknowledgements, and the 409/422
replies."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.web.server_harness import OPERATOR, Served, serve_seed

from tradewind.app.journal_access import open_journal
from tradewind.store import ControlRecord

__all__: list[str] = []


@pytest.fixture
def client(served: Served) -> Iterator[httpx.Client]:
    """The operator's bearer client."""
    headers = {"Authorization": f"Bearer {served.tokens[OPERATOR]}"}
    with httpx.Client(base_url=served.base_url, headers=headers, timeout=15) as opened:
        yield opened


def _commands(served: Served) -> list[ControlRecord]:
    with open_journal(str(served.seed.journal)) as journal:
        return journal.control_commands()


def _promotions(served: Served) -> list[Any]:
    with open_journal(str(served.seed.journal)) as journal:
        return journal.promotions()


def _beat_again(served: Served) -> None:
    """The paper session beats (a sent command waits only for fresh sessions)."""
    with open_journal(str(served.seed.journal)) as journal:
        (beat,) = [b for b in journal.heartbeats() if b.run_id == served.seed.paper_run]
        journal.beat(beat.run_id, beat.mode, beat.detail)


@pytest.mark.parametrize(
    ("action", "market"),
    [
        ("soft", None),
        ("hard", "crypto"),
        ("freeze", None),
        ("resume", None),
        ("disable", "forex"),
        ("enable", "forex"),
    ],
)
def test_each_control_action_is_journaled_with_the_user_source_and_reason(
    client: httpx.Client, served: Served, action: str, market: str | None
) -> None:
    reason = f"api test: {action}"

    reply = client.post("/api/v1/controls", json={"action": action, "market": market,
                                                  "reason": reason})  # fmt: skip

    assert reply.status_code == 202, reply.text
    body = reply.json()
    assert (body["action"], body["market"], body["user"]) == (action, market, OPERATOR)
    assert (body["reason"], body["source"]) == (reason, "api")
    newest = _commands(served)[-1]
    assert newest.id == body["id"]
    command = newest.command
    assert (command.action.value, command.market) == (action, market)
    assert (command.user, command.source, command.reason) == (OPERATOR, "api", reason)
    first = client.get("/api/v1/audit").json()[0]
    assert (first["id"], first["user"], first["reason"]) == (body["id"], OPERATOR, reason)


def test_the_reason_is_journaled_without_surrounding_blanks(
    client: httpx.Client, served: Served
) -> None:
    reply = client.post("/api/v1/controls", json={"action": "soft", "reason": "  padded  "})

    assert reply.status_code == 202
    assert _commands(served)[-1].command.reason == "padded"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "soft"}, "reason"),
        ({"action": "soft", "reason": ""}, "reason"),
        ({"action": "soft", "reason": "   "}, "reason"),
        ({"action": "soft", "reason": "x" * 501}, "reason"),
        ({"action": "halt", "reason": "r"}, "action"),
        ({"reason": "r"}, "action"),
        ({"action": "soft", "market": "bonds", "reason": "r"}, "market"),
        ({"action": "soft", "market": "../crypto", "reason": "r"}, "market"),
        ({"action": "disable", "reason": "r"}, "market"),
        ({"action": "enable", "reason": "r"}, "market"),
        ({"action": "soft", "reason": "r", "user": "mallory"}, "user"),
        ({"action": "soft", "reason": "r", "wait_ms": -1}, "wait_ms"),
        ({"action": "soft", "reason": "r", "wait_ms": 10_001}, "wait_ms"),
        ({"action": "soft", "reason": "r", "wait_ms": "soon"}, "wait_ms"),
    ],
)
def test_an_invalid_control_is_422_naming_the_field_and_not_journaled(
    client: httpx.Client, served: Served, body: dict[str, Any], field: str
) -> None:
    before = len(_commands(served))

    reply = client.post("/api/v1/controls", json=body)

    assert reply.status_code == 422, reply.text
    assert reply.json()["fields"][0]["field"] == field
    assert field in reply.json()["error"]
    assert len(_commands(served)) == before


def test_a_control_that_is_not_json_is_422(client: httpx.Client) -> None:
    reply = client.post(
        "/api/v1/controls", content=b"action=soft", headers={"Content-Type": "text/plain"}
    )

    assert reply.status_code == 422


def test_wait_ms_waits_for_the_running_session_to_report_the_command_done(
    client: httpx.Client, served: Served
) -> None:
    _beat_again(served)
    last_id = _commands(served)[-1].id

    def acknowledge() -> None:
        deadline = time.monotonic() + 5
        with open_journal(str(served.seed.journal)) as journal:
            while time.monotonic() < deadline:
                new = journal.control_commands(after_id=last_id)
                if new:
                    time.sleep(0.2)  # the server is already waiting
                    journal.acknowledge_control(new[0].id, served.seed.paper_run, "in force")
                    journal.acknowledge_control(new[0].id, served.seed.paper_run, "done: soft")
                    return
                time.sleep(0.02)

    acker = threading.Thread(target=acknowledge)
    acker.start()
    started = time.monotonic()
    command = {"action": "soft", "market": "crypto", "reason": "wait test", "wait_ms": 5_000}
    reply = client.post("/api/v1/controls", json=command)
    elapsed_s = time.monotonic() - started
    acker.join()

    assert reply.status_code == 202
    body = reply.json()
    assert [a["outcome"] for a in body["acks"]] == ["in force", "done: soft"]
    assert body["running_sessions"] == [served.seed.paper_run]
    assert body["not_acknowledged"] == []
    assert 0.2 <= elapsed_s < 4.0  # waited for the ack, not for the whole wait_ms


def test_wait_ms_without_an_ack_names_the_session_that_did_not_answer(
    client: httpx.Client, served: Served
) -> None:
    _beat_again(served)
    started = time.monotonic()

    reply = client.post("/api/v1/controls", json={"action": "soft", "market": "crypto",
                                                  "reason": "no ack", "wait_ms": 300})  # fmt: skip

    assert reply.status_code == 202
    assert time.monotonic() - started >= 0.3
    body = reply.json()
    assert body["acks"] == []
    assert body["not_acknowledged"] == [served.seed.paper_run]


# -- promotions ----------------------------------------------------------------------


def test_a_promotion_to_operator_without_evidence_is_409_with_the_evidence(
    client: httpx.Client, served: Served
) -> None:
    before = len(_promotions(served))

    reply = client.post("/api/v1/promotions", json={"market": "crypto", "to": "operator"})

    assert reply.status_code == 409
    body = reply.json()
    assert body["promoted"] is False
    assert (body["from_stage"], body["to_stage"]) == ("paper", "operator")
    criteria = {c["name"]: c["met"] for c in body["evidence"]["criteria"]}
    assert criteria["paper_days"] is False
    assert criteria["paper_fills"] is False
    assert body["evidence"]["met"] is False
    assert len(_promotions(served)) == before


def test_an_override_with_a_reason_promotes_and_is_journaled_with_the_user(
    client: httpx.Client, served: Served
) -> None:
    to_paper = client.post("/api/v1/promotions", json={"market": "stocks", "to": "paper"})
    assert to_paper.status_code == 201, to_paper.text

    override = {"market": "stocks", "to": "operator", "override": True, "reason": "tested"}
    reply = client.post("/api/v1/promotions", json=override)

    assert reply.status_code == 201, reply.text
    assert reply.json()["promoted"] is True
    newest = _promotions(served)[-1]
    assert (newest.market, newest.to_stage, newest.user) == ("stocks", "operator", OPERATOR)
    assert (newest.override, newest.reason) == (True, "tested")
    assert client.get("/api/v1/markets/stocks").json()["stage"] == "operator"


def test_a_change_made_through_this_server_shows_before_the_change_feed_polls_again(
    tmp_path: Path,
) -> None:
    with serve_seed(tmp_path, poll_ms=600_000) as slow:  # the feed never polls again
        headers = {"Authorization": f"Bearer {slow.tokens[OPERATOR]}"}
        with httpx.Client(base_url=slow.base_url, headers=headers, timeout=15) as opened:
            assert opened.get("/api/v1/markets/stocks").json()["stage"] == "advisory"
            promoted = opened.post("/api/v1/promotions", json={"market": "stocks", "to": "paper"})
            assert promoted.status_code == 201, promoted.text
            assert opened.get("/api/v1/markets/stocks").json()["stage"] == "paper"


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_without_a_reason_is_422_naming_reason(
    client: httpx.Client, served: Served, reason: str
) -> None:
    before = len(_promotions(served))

    body = {"market": "crypto", "to": "operator", "override": True, "reason": reason}
    reply = client.post("/api/v1/promotions", json=body)

    assert reply.status_code == 422
    assert reply.json()["fields"][0]["field"] == "reason"
    assert len(_promotions(served)) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"market": "bonds", "to": "paper"}, "market"),
        ({"market": "crypto", "to": "live"}, "to"),
        ({"market": "crypto"}, "to"),
        ({"market": "crypto", "to": "paper", "by": "me"}, "by"),
    ],
)
def test_an_invalid_promotion_is_422_naming_the_field(
    client: httpx.Client, body: dict[str, Any], field: str
) -> None:
    reply = client.post("/api/v1/promotions", json=body)

    assert reply.status_code == 422
    assert reply.json()["fields"][0]["field"] == field


def test_a_promotion_the_gate_cannot_make_is_refused_without_a_traceback(
    client: httpx.Client, served: Served
) -> None:
    before = len(_promotions(served))

    reply = client.post("/api/v1/promotions", json={"market": "forex", "to": "operator"})

    assert reply.status_code in (400, 409)
    assert "one stage at a time" in reply.json()["error"]
    assert len(_promotions(served)) == before
