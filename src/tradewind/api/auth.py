"""Who is asking: a bearer token (API clients) or a session cookie (browsers), the
role checks, and CSRF protection for cookie-authenticated state changes.

Only `/health` is open. A request without valid credentials gets 401 from the API and
a redirect to the login page from the dashboard; a viewer asking for an operator's
action gets 403. A state change over a session cookie must carry the session's CSRF
token (header `X-CSRF-Token` or form field `csrf_token`) and, when the browser says
where it comes from (`Origin`), come from this server.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from fastapi import HTTPException, Request, status

if TYPE_CHECKING:
    from tradewind.api.state import ServerState

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "LoginRequiredError",
    "Principal",
    "check_csrf",
    "operator",
    "page_change",
    "page_operator",
    "page_viewer",
    "principal_of",
    "server_state",
    "viewer",
]

SESSION_COOKIE = "tw_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
OPERATOR = "operator"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller; `csrf_token` is None for bearer tokens (not ambient
    credentials, so no CSRF check is needed)."""

    user: str
    role: str
    via: str  # "session" or "token"
    csrf_token: str | None = None
    session_id: str | None = None

    @property
    def is_operator(self) -> bool:
        return self.role == OPERATOR


class LoginRequiredError(Exception):
    """A dashboard page asked for without a session: redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def server_state(request: Request) -> ServerState:
    """The app's `ServerState`."""
    return request.app.state.tw  # type: ignore[no-any-return]


def principal_of(request: Request) -> Principal | None:
    """The caller's identity from its bearer token or session cookie, or None."""
    state = server_state(request)
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        from tradewind.app.users import user_for_token

        user = user_for_token(state.journal, token.strip())
        return None if user is None else Principal(user.name, user.role, "token")
    session = state.sessions.get(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return None
    # The user list is in the journal, changed by `tradewind user` from other processes:
    # a removed or disabled user's sessions end, and a new role applies at once.
    user = state.journal.user(session.user)
    if user is None or user.disabled:
        state.sessions.drop(session.session_id)
        return None
    return Principal(user.name, user.role, "session", session.csrf_token, session.session_id)


def viewer(request: Request) -> Principal:
    """Any authenticated caller (API: 401 otherwise)."""
    principal = principal_of(request)
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "authentication required: log in, or send Authorization: Bearer <token> "
            "(tradewind user token NAME)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return principal


async def operator(request: Request) -> Principal:
    """An operator, with the CSRF check for cookie sessions (API: 401/403 otherwise)."""
    principal = viewer(request)
    _require_operator(principal)
    await check_csrf(request, principal)
    return principal


def page_viewer(request: Request) -> Principal:
    """Any logged-in user of a dashboard page (a redirect to the login page otherwise)."""
    principal = principal_of(request)
    if principal is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequiredError(path)
    return principal


async def page_change(request: Request) -> Principal:
    """Any logged-in user submitting a dashboard form (CSRF checked): logging out."""
    principal = page_viewer(request)
    await check_csrf(request, principal)
    return principal


async def page_operator(request: Request) -> Principal:
    """An operator submitting a dashboard form (CSRF checked)."""
    principal = page_viewer(request)
    _require_operator(principal)
    await check_csrf(request, principal)
    return principal


def _require_operator(principal: Principal) -> None:
    if not principal.is_operator:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"user {principal.user!r} has role {principal.role!r}: this needs role "
            "'operator' (tradewind user role NAME --role operator)",
        )


async def check_csrf(request: Request, principal: Principal) -> None:
    """Refuse a cookie-authenticated state change without this session's CSRF token or
    from another origin (403)."""
    if request.method in _SAFE_METHODS or principal.via != "session":
        return
    origin = request.headers.get("origin")
    if origin and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"cross-origin request from {origin}")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and "form" in request.headers.get("content-type", ""):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    expected = principal.csrf_token or ""
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"missing or wrong CSRF token: send the session's token in {CSRF_HEADER}",
        )
