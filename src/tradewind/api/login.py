"""Logging in and out, shared by the API (`/api/v1/auth/...`) and the login form:
rate-limited per client address and per user name, a fresh session on success."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import HTTPException, Request, Response, status

from tradewind.api.auth import SESSION_COOKIE

if TYPE_CHECKING:
    from tradewind.api.sessions import WebSession
    from tradewind.api.state import ServerState

__all__ = ["end_session", "log_in", "set_session_cookie"]


def _keys(request: Request, user: str) -> tuple[str, ...]:
    address = request.client.host if request.client else "unknown"
    return (f"ip:{address}", f"user:{user.lower()}")


def log_in(state: ServerState, request: Request, user: str, password: str) -> WebSession:
    """Check `user`'s password and open a session.

    Raises:
        HTTPException: 429 (with Retry-After) while the address or the name has too many
            recent failures; 401 for a wrong name or password (one message for both).
    """
    from tradewind.app.users import authenticate

    keys = _keys(request, user)
    wait_s = state.limiter.retry_after_s(keys)
    if wait_s is not None:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many failed logins: try again in {wait_s} s",
            headers={"Retry-After": str(wait_s)},
        )
    record = authenticate(state.journal, user, password)
    if record is None:
        state.limiter.failed(keys)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong user name or password")
    state.limiter.succeeded(keys)
    return state.sessions.create(record.name, record.role)


def set_session_cookie(state: ServerState, response: Response, session: WebSession) -> None:
    """The session cookie: HttpOnly, SameSite=Strict, Secure behind HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        session.session_id,
        httponly=True,
        samesite="strict",
        secure=state.settings.secure_cookies,
        path="/",
    )


def end_session(state: ServerState, request: Request, response: Response) -> None:
    """Forget the caller's session and clear its cookie."""
    state.sessions.drop(request.cookies.get(SESSION_COOKIE))
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
