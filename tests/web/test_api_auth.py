"""Authentication of `tradewind serve` over real HTTP: what answers without credentials,
bearer tokens, JSON login and logout, and the failed-login limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.web.server_harness import OPERATOR, PASSWORDS, VIEWER, Served, serve_seed

from tradewind.app.journal_access import open_journal
from tradewind.app.users import issue_token, revoke_tokens

__all__: list[str] = []

API_READS = [
    "/api/v1/me",
    "/api/v1/overview",
    "/api/v1/markets",
    "/api/v1/markets/crypto",
    "/api/v1/signals",
    "/api/v1/venues",
    "/api/v1/risk",
    "/api/v1/sessions",
    "/api/v1/equity",
    "/api/v1/runs",
    "/api/v1/runs/compare?run=a&run=b",
    "/api/v1/audit",
    "/api/v1/mmin",
    "/api/v1/events",
    "/api/v1/openapi.json",
]


@pytest.fixture
def client(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.base_url, timeout=10) as opened:
        yield opened


def _login(client: httpx.Client, user: str, password: str) -> httpx.Response:
    return client.post("/api/v1/auth/login", json={"user": user, "password": password})


def test_health_answers_without_credentials(client: httpx.Client) -> None:
    reply = client.get("/health")

    assert reply.status_code == 200
    assert reply.json()["status"] == "ok"


@pytest.mark.parametrize("path", API_READS)
def test_every_api_read_without_credentials_is_401_with_a_bearer_challenge(
    client: httpx.Client, path: str
) -> None:
    reply = client.get(path)

    assert reply.status_code == 401, reply.text[:200]
    assert reply.headers["www-authenticate"] == "Bearer"
    assert "authentication required" in reply.json()["error"]


@pytest.mark.parametrize("path", ["/", "/markets/crypto", "/runs", "/audit", "/runs/compare"])
def test_a_dashboard_page_without_a_session_redirects_to_the_login_page(
    client: httpx.Client, path: str
) -> None:
    reply = client.get(path, params={"run": "x"} if path == "/runs/compare" else None)

    assert reply.status_code == 303
    location = reply.headers["location"]
    assert location.startswith("/login?next=" + path)


@pytest.mark.parametrize(
    "authorization",
    ["Bearer garbage", "Bearer twk_" + "A" * 43, "Bearer", "Basic b2xpdmlhOnB3", "twk_abc"],
)
def test_a_wrong_or_garbage_bearer_token_is_401(client: httpx.Client, authorization: str) -> None:
    reply = client.get("/api/v1/me", headers={"Authorization": authorization})

    assert reply.status_code == 401
    assert reply.headers["www-authenticate"] == "Bearer"


def test_a_bad_authorization_header_is_not_rescued_by_a_valid_session_cookie(
    client: httpx.Client,
) -> None:
    assert _login(client, VIEWER, PASSWORDS[VIEWER]).status_code == 200

    reply = client.get("/api/v1/me", headers={"Authorization": "Bearer garbage"})

    assert reply.status_code == 401


def test_a_revoked_token_is_401(client: httpx.Client, served: Served) -> None:
    with open_journal(str(served.seed.journal)) as journal:
        token = issue_token(journal, VIEWER, "revoked-in-test")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).json()["user"] == VIEWER

    with open_journal(str(served.seed.journal)) as journal:
        assert revoke_tokens(journal, VIEWER, "revoked-in-test") == 1

    assert client.get("/api/v1/me", headers=headers).status_code == 401
    fixture_token = {"Authorization": f"Bearer {served.tokens[VIEWER]}"}
    assert client.get("/api/v1/me", headers=fixture_token).status_code == 200


def test_a_bearer_token_names_its_user_role_and_method(
    client: httpx.Client, served: Served
) -> None:
    headers = {"Authorization": f"Bearer {served.tokens[OPERATOR]}"}

    reply = client.get("/api/v1/me", headers=headers)

    assert reply.json() == {"user": OPERATOR, "role": "operator", "via": "token"}


def test_a_wrong_password_and_an_unknown_user_get_the_same_401(client: httpx.Client) -> None:
    wrong_password = _login(client, OPERATOR, "not the password")
    unknown_user = _login(client, "mallory", "not the password")

    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json() == unknown_user.json()
    assert "tw_session" not in wrong_password.headers.get("set-cookie", "")
    assert _login(client, OPERATOR, PASSWORDS[OPERATOR]).status_code == 200  # clears failures


def test_a_login_sets_an_httponly_samesite_strict_cookie_and_returns_a_csrf_token(
    client: httpx.Client,
) -> None:
    reply = _login(client, OPERATOR, PASSWORDS[OPERATOR])

    assert reply.status_code == 200
    body = reply.json()
    assert (body["user"], body["role"]) == (OPERATOR, "operator")
    assert len(body["csrf_token"]) >= 32
    (cookie,) = [c for c in reply.headers.get_list("set-cookie") if c.startswith("tw_session=")]
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert "httponly" in attributes
    assert "samesite=strict" in attributes
    assert "path=/" in attributes
    assert body["csrf_token"] not in cookie


def test_a_session_cookie_authenticates_api_reads(client: httpx.Client) -> None:
    _login(client, VIEWER, PASSWORDS[VIEWER])

    reply = client.get("/api/v1/me")

    assert reply.json() == {"user": VIEWER, "role": "viewer", "via": "session"}


def test_each_login_opens_a_new_session(client: httpx.Client) -> None:
    _login(client, VIEWER, PASSWORDS[VIEWER])
    first = client.cookies["tw_session"]
    _login(client, VIEWER, PASSWORDS[VIEWER])

    assert client.cookies["tw_session"] != first


def test_logout_ends_the_session_so_the_cookie_no_longer_works(
    client: httpx.Client, served: Served
) -> None:
    csrf_token = _login(client, VIEWER, PASSWORDS[VIEWER]).json()["csrf_token"]
    session_id = client.cookies["tw_session"]

    reply = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf_token})

    assert reply.status_code == 204
    replayed = httpx.get(
        served.base_url + "/api/v1/me", cookies={"tw_session": session_id}, timeout=10
    )
    assert replayed.status_code == 401


def test_logout_over_a_cookie_without_the_csrf_token_is_refused(
    client: httpx.Client, served: Served
) -> None:
    _login(client, VIEWER, PASSWORDS[VIEWER])
    session_id = client.cookies["tw_session"]

    reply = client.post("/api/v1/auth/logout")

    assert reply.status_code == 403
    still = httpx.get(served.base_url + "/api/v1/me", cookies={"tw_session": session_id})
    assert still.status_code == 200


def test_an_invalid_login_body_is_422_naming_the_field(client: httpx.Client) -> None:
    reply = client.post("/api/v1/auth/login", json={"user": OPERATOR})

    assert reply.status_code == 422
    assert [f["field"] for f in reply.json()["fields"]] == ["password"]


def test_after_the_allowed_failures_logins_get_429_with_retry_after_even_when_right(
    tmp_path: Path,
) -> None:
    with (
        serve_seed(tmp_path, login_failures_allowed=3) as limited,
        httpx.Client(base_url=limited.base_url, timeout=10) as client,
    ):
        for _ in range(3):
            assert _login(client, OPERATOR, "wrong").status_code == 401

        refused = _login(client, OPERATOR, PASSWORDS[OPERATOR])
        other_user = _login(client, VIEWER, PASSWORDS[VIEWER])

    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 301
    assert "tw_session" not in refused.headers.get("set-cookie", "")
    assert other_user.status_code == 429  # the same client address is over its limit too


def test_a_disabled_users_browser_session_ends_and_a_new_role_applies_at_once(
    served: Served,
) -> None:
    from tradewind.app.journal_access import open_journal
    from tradewind.app.users import add_user, set_disabled, set_role

    with open_journal(str(served.seed.journal)) as journal:
        add_user(journal, "dora", "viewer", "a long dora password")
    with httpx.Client(base_url=served.base_url, timeout=10) as client:
        csrf = _login(client, "dora", "a long dora password").json()["csrf_token"]
        headers = {"X-CSRF-Token": csrf}
        body = {"action": "soft", "market": "crypto", "reason": "role test"}
        assert client.post("/api/v1/controls", json=body, headers=headers).status_code == 403
        with open_journal(str(served.seed.journal)) as journal:
            set_role(journal, "dora", "operator")
        assert client.get("/api/v1/me").json()["role"] == "operator"
        resumed = {"action": "resume", "market": "crypto", "reason": "role test"}
        assert client.post("/api/v1/controls", json=resumed, headers=headers).status_code == 202
        with open_journal(str(served.seed.journal)) as journal:
            set_disabled(journal, "dora", True)
        assert client.get("/api/v1/me").status_code == 401
