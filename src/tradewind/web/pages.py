"""Dashboard pages: log in and out, and the market tabs with their live panels."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from tradewind.api.auth import Principal, page_change, page_viewer, server_state
from tradewind.api.login import end_session, log_in, set_session_cookie
from tradewind.web.panels import ALL, PANELS, panel_context
from tradewind.web.rendering import render, safe_next

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(page_viewer)]
LOGIN_CSRF_COOKIE = "tw_login_csrf"


# -- login ---------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"next": safe_next(next), "login_csrf": token})
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.post("/login")
def login_submit(
    request: Request,
    user: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    login_csrf: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=512)] = "/",
) -> Response:
    state = server_state(request)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(expected, login_csrf):
        return _login_again(request, next, "the login form expired: try again", 403)
    try:
        session = log_in(state, request, user, password)
    except HTTPException as exc:
        return _login_again(request, next, str(exc.detail), exc.status_code, exc.headers)
    response = RedirectResponse(safe_next(next), 303)
    set_session_cookie(state, response, session)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def _login_again(
    request: Request, next_path: str, message: str, code: int, headers: Any = None
) -> Response:
    token = secrets.token_urlsafe(24)
    context = {"next": safe_next(next_path), "login_csrf": token, "error": message}
    response = render(request, "login.html", context, status_code=code, headers=headers)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.post("/logout")
def logout(request: Request, principal: Annotated[Principal, Depends(page_change)]) -> Response:
    response = RedirectResponse("/login", 303)
    end_session(server_state(request), request, response)
    return response


# -- tabs and panels -------------------------------------------------------------------


@router.get("/")
def home(principal: Viewer) -> Response:
    return RedirectResponse(f"/markets/{ALL}", 303)


@router.get("/markets/{tab}")
def market_tab(request: Request, principal: Viewer, tab: str) -> Response:
    context = _tab_context(request, tab)
    return render(request, "market.html", {**context, "principal": principal, "active": tab})


@router.get("/fragments/{tab}/{panel}")
def fragment(request: Request, principal: Viewer, tab: str, panel: str) -> Response:
    if panel not in PANELS:
        raise HTTPException(404, f"no panel {panel!r}")
    context = _tab_context(request, tab)
    return render(request, f"panels/{panel}.html", {**context, "principal": principal})


def _tab_context(request: Request, tab: str) -> dict[str, Any]:
    try:
        return panel_context(server_state(request), tab)
    except KeyError:
        raise HTTPException(404, f"no tab {tab!r}") from None
