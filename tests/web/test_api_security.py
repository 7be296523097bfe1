"""Security of `tradewind serve` over real HTTP: CSRF on cookie sessions, roles,
security headers and path traversal on the reports folder."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from tests.web.server_harness import OPERATOR, PASSWORDS, VIEWER, Served

from tradewind.app.journal_access import open_journal

__all__: list[str] = []

STOP = {"action": "soft", "market": "crypto", "reason": "csrf test"}


@pytest.fixture
def operator_session(served: Served) -> Iterator[tuple[httpx.Client, str]]:
    """A client holding the operator's session cookie, and the session's CSRF token."""
    with httpx.Client(base_url=served.base_url, timeout=10) as client:
        reply = client.post(
            "/api/v1/auth/login", json={"user": OPERATOR, "password": PASSWORDS[OPERATOR]}
        )
        reply.raise_for_status()
        yield client, reply.json()["csrf_token"]


def _bearer(served: Served, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.tokens[user]}"}


def _journal_counts(served: Served) -> tuple[int, int]:
    with open_journal(str(served.seed.journal)) as journal:
        return len(journal.control_commands()), len(journal.promotions())


def _raw_get(served: Served, path: str, headers: dict[str, str]) -> int:
    """GET `path` byte for byte (httpx would normalize dot segments away)."""
    address = urlsplit(served.base_url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


# -- CSRF ----------------------------------------------------------------------------


def test_a_cookie_post_without_the_csrf_token_is_403_and_not_journaled(
    served: Served, operator_session: tuple[httpx.Client, str]
) -> None:
    client, _ = operator_session
    before = _journal_counts(served)

    reply = client.post("/api/v1/controls", json=STOP)

    assert reply.status_code == 403
    assert "CSRF" in reply.json()["error"]
    assert _journal_counts(served) == before


def test_a_cookie_post_with_a_wrong_csrf_token_is_403(
    served: Served, operator_session: tuple[httpx.Client, str]
) -> None:
    client, token = operator_session
    before = _journal_counts(served)

    reply = client.post("/api/v1/controls", json=STOP, headers={"X-CSRF-Token": token[::-1]})

    assert reply.status_code == 403
    assert _journal_counts(served) == before


def test_the_csrf_token_of_another_session_is_refused(
    served: Served, operator_session: tuple[httpx.Client, str]
) -> None:
    client, _ = operator_session
    with httpx.Client(base_url=served.base_url, timeout=10) as other:
        login = {"user": OPERATOR, "password": PASSWORDS[OPERATOR]}
        other_token = other.post("/api/v1/auth/login", json=login).json()["csrf_token"]

    reply = client.post("/api/v1/controls", json=STOP, headers={"X-CSRF-Token": other_token})

    assert reply.status_code == 403


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://127.0.0.1:1"])
def test_a_cookie_post_from_a_foreign_origin_is_403_even_with_the_right_token(
    served: Served, operator_session: tuple[httpx.Client, str], origin: str
) -> None:
    client, token = operator_session
    before = _journal_counts(served)

    reply = client.post(
        "/api/v1/controls", json=STOP, headers={"X-CSRF-Token": token, "Origin": origin}
    )

    assert reply.status_code == 403
    assert _journal_counts(served) == before


def test_a_cookie_post_with_the_right_token_and_origin_is_accepted(
    served: Served, operator_session: tuple[httpx.Client, str]
) -> None:
    client, token = operator_session

    reply = client.post(
        "/api/v1/controls", json=STOP, headers={"X-CSRF-Token": token, "Origin": served.base_url}
    )

    assert reply.status_code == 202
    assert reply.json()["user"] == OPERATOR


def test_a_bearer_post_needs_no_csrf_token(served: Served) -> None:
    reply = httpx.post(
        served.base_url + "/api/v1/controls", json=STOP, headers=_bearer(served, OPERATOR)
    )

    assert reply.status_code == 202


# -- roles ---------------------------------------------------------------------------


def test_the_viewer_gets_403_on_controls_and_nothing_is_journaled(served: Served) -> None:
    before = _journal_counts(served)

    reply = httpx.post(
        served.base_url + "/api/v1/controls", json=STOP, headers=_bearer(served, VIEWER)
    )

    assert reply.status_code == 403
    assert "operator" in reply.json()["error"]
    assert _journal_counts(served) == before


def test_the_viewer_gets_403_on_promotions_and_nothing_is_journaled(served: Served) -> None:
    before = _journal_counts(served)
    body = {"market": "forex", "to": "paper"}

    reply = httpx.post(
        served.base_url + "/api/v1/promotions", json=body, headers=_bearer(served, VIEWER)
    )

    assert reply.status_code == 403
    assert _journal_counts(served) == before


def test_a_viewer_session_gets_403_on_controls_even_with_its_csrf_token(served: Served) -> None:
    with httpx.Client(base_url=served.base_url, timeout=10) as client:
        login = {"user": VIEWER, "password": PASSWORDS[VIEWER]}
        token = client.post("/api/v1/auth/login", json=login).json()["csrf_token"]
        before = _journal_counts(served)

        reply = client.post("/api/v1/controls", json=STOP, headers={"X-CSRF-Token": token})

    assert reply.status_code == 403
    assert _journal_counts(served) == before


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/me",
        "/api/v1/overview",
        "/api/v1/markets?market_class=crypto",
        "/api/v1/markets/stocks",
        "/api/v1/signals",
        "/api/v1/venues",
        "/api/v1/risk",
        "/api/v1/sessions",
        "/api/v1/equity",
        "/api/v1/runs",
        "/api/v1/runs/compare?run=bt-seed-0001&run=pp-seed-0001",
        "/api/v1/audit",
        "/api/v1/mmin",
        "/api/v1/openapi.json",
        "/markets/all",
        "/markets/crypto",
        "/runs",
        "/audit",
    ],
)
def test_the_viewer_can_read_everything(served: Served, path: str) -> None:
    reply = httpx.get(served.base_url + path, headers=_bearer(served, VIEWER), timeout=10)

    assert reply.status_code == 200, reply.text[:300]


# -- security headers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "authenticated", "status"),
    [
        ("/health", False, 200),
        ("/api/v1/overview", True, 200),
        ("/api/v1/overview", False, 401),
        ("/markets/all", True, 200),
        ("/markets/all", False, 303),
        ("/login", False, 200),
        ("/api/v1/no-such-thing", True, 404),
        ("/no-such-page", True, 404),
    ],
)
def test_every_reply_carries_the_security_headers(
    served: Served, path: str, authenticated: bool, status: int
) -> None:
    headers = _bearer(served, VIEWER) if authenticated else {}

    reply = httpx.get(served.base_url + path, headers=headers, timeout=10)

    assert reply.status_code == status
    csp = reply.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert reply.headers["x-frame-options"] == "DENY"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.headers["referrer-policy"] == "same-origin"
    assert reply.headers["cache-control"] == "no-store"


def test_static_assets_may_be_cached_but_carry_the_other_headers(served: Served) -> None:
    reply = httpx.get(served.base_url + "/static/app.js", timeout=10)

    assert reply.status_code == 200
    assert "no-store" not in reply.headers.get("cache-control", "")
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert "'unsafe-inline'" not in reply.headers["content-security-policy"]


# -- reports folder ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/reports/..%2Fjournal.sqlite",
        "/reports/..%2Fjournal.yaml",
        "/reports/../x.html",
        "/reports/%2e%2e%2Fjournal.sqlite",
        "/reports/..%5Cjournal.sqlite",
        "/reports/%2Fetc%2Fpasswd",
        "/reports/missing.html",
        "/reports/notes.txt",
    ],
)
def test_a_path_outside_the_reports_folder_or_not_a_report_is_404(
    served: Served, path: str
) -> None:
    reports = served.seed.journal.parent / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "notes.txt").write_text("not a report", encoding="utf-8")
    (served.seed.journal.parent / "x.html").write_text("outside", encoding="utf-8")

    assert _raw_get(served, path, _bearer(served, VIEWER)) == 404


def test_a_report_in_the_reports_folder_is_served(served: Served) -> None:
    reports = served.seed.journal.parent / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "bt-report.html").write_text("<h1>a backtest report</h1>", encoding="utf-8")

    reply = httpx.get(
        served.base_url + "/reports/bt-report.html", headers=_bearer(served, VIEWER), timeout=10
    )

    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/html")
    assert reply.text == "<h1>a backtest report</h1>"
    policy = reply.headers["content-security-policy"]
    assert policy.startswith("sandbox allow-scripts;")  # its inline charts run, sandboxed
    assert "allow-same-origin" not in policy  # an opaque origin: no cookies, no API
    assert "default-src 'none'" in policy


def test_the_api_reference_page_lists_the_endpoints_for_a_logged_in_user(served: Served) -> None:
    anonymous = httpx.get(served.base_url + "/api/docs", timeout=10)
    page = httpx.get(served.base_url + "/api/docs", headers=_bearer(served, VIEWER), timeout=10)

    assert anonymous.status_code == 303
    assert page.status_code == 200
    for path in ("/api/v1/controls", "/api/v1/promotions", "/api/v1/overview", "/api/v1/events"):
        assert f"<code>{path}</code>" in page.text


def test_a_report_needs_a_login(served: Served) -> None:
    reports = served.seed.journal.parent / "reports"
    reports.mkdir(exist_ok=True)
    (reports / "private.html").write_text("<p>private</p>", encoding="utf-8")

    reply = httpx.get(served.base_url + "/reports/private.html", timeout=10)

    assert reply.status_code == 303
    assert reply.headers["location"].startswith("/login?next=/reports/private.html")
