"""Dashboard pages: log in and out, the market tabs and their live panels, runs, the
audit, and the confirmation steps of every control."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from tradewind.api.auth import (
    CSRF_FIELD,
    Principal,
    page_change,
    page_operator,
    page_viewer,
    server_state,
)
from tradewind.api.commands import (
    CONTROL_ACTIONS,
    ControlRequestData,
    FieldError,
    ServerRefusalError,
    promote_market,
    send_operator_control,
)
from tradewind.api.login import end_session, log_in, set_session_cookie
from tradewind.web.panels import ALL, PANELS, panel_context, tabs_of
from tradewind.web.rendering import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(page_viewer)]
Operator = Annotated[Principal, Depends(page_operator)]
LOGIN_CSRF_COOKIE = "tw_login_csrf"
REPORT_CSP = (
    "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src data:; font-src data:"
)
CONTROL_TEXT = {
    "soft": "SOFT stop: no new entries; open positions run to their exits",
    "hard": "HARD stop: cancel working orders, close every position at market, halt",
    "freeze": "FREEZE: cancel working orders, then no orders at all; positions stay",
    "resume": "RESUME: lift the stop; trading continues",
    "enable": "ENABLE the market: it may trade again",
    "disable": "DISABLE the market: it stops trading (stops stay as they are)",
}


# -- login ---------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"next": _safe_next(next), "login_csrf": token})
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
    response = RedirectResponse(_safe_next(next), 303)
    set_session_cookie(state, response, session)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def _login_again(
    request: Request, next_path: str, message: str, code: int, headers: Any = None
) -> Response:
    token = secrets.token_urlsafe(24)
    context = {"next": _safe_next(next_path), "login_csrf": token, "error": message}
    response = render(request, "login.html", context, status_code=code, headers=headers)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


def _safe_next(path: str) -> str:
    return path if path.startswith("/") and not path.startswith("//") else "/"


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


@router.get("/runs")
def runs_page(request: Request, principal: Viewer) -> Response:
    from tradewind.app.monitor import list_runs

    state = server_state(request)
    context = {
        "runs": list_runs(state.journal),
        "reports": _reports(state.settings.reports_dir),
        "tabs": tabs_of(state.overview()),
        "principal": principal,
        "active": "runs",
    }
    return render(request, "runs.html", context)


@router.get("/runs/compare")
def compare_page(
    request: Request, principal: Viewer, run: Annotated[list[str] | None, Query()] = None
) -> Response:
    from tradewind.app.monitor import compare_runs

    state = server_state(request)
    chosen = list(dict.fromkeys(run or []))
    if not 2 <= len(chosen) <= 8:
        raise HTTPException(422, "choose two to eight runs to compare")
    comparison = compare_runs(state.journal, chosen)
    context = {"comparison": comparison, "tabs": tabs_of(state.overview()),
               "principal": principal, "active": "runs"}  # fmt: skip
    return render(request, "compare.html", context)


@router.get("/runs/{run_id}")
def run_page(request: Request, principal: Viewer, run_id: str) -> Response:
    from tradewind.app.monitor import list_runs

    state = server_state(request)
    found = [r for r in list_runs(state.journal, limit=1000) if r.run_id == run_id]
    if not found:
        raise HTTPException(404, f"no run {run_id!r} in this journal")
    context = {"run": found[0], "tabs": tabs_of(state.overview()), "principal": principal,
               "active": "runs"}  # fmt: skip
    return render(request, "run.html", context)


@router.get("/reports/{name}")
def report_file(request: Request, principal: Viewer, name: str) -> Response:
    folder = server_state(request).settings.reports_dir.resolve()
    path = (folder / name).resolve()
    if path.parent != folder or path.suffix != ".html" or not path.is_file():
        raise HTTPException(404, f"no report {name!r} in {folder}")
    # A report carries its own inline scripts and styles: it runs sandboxed (an opaque
    # origin: no cookies, no API calls) with nothing loaded from anywhere.
    headers = {"content-security-policy": REPORT_CSP}
    return FileResponse(path, media_type="text/html", headers=headers)


def _reports(folder: Path) -> list[dict[str, Any]]:
    from datetime import UTC, datetime

    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.html"), key=lambda p: p.stat().st_mtime, reverse=True)
    return [{"name": p.name, "modified": datetime.fromtimestamp(p.stat().st_mtime, UTC)}
            for p in files]  # fmt: skip


@router.get("/api/docs")
def api_docs(request: Request, principal: Viewer) -> Response:
    schema = request.app.openapi()
    context = {"schema": schema, "tabs": tabs_of(server_state(request).overview()),
               "principal": principal, "active": ""}  # fmt: skip
    return render(request, "api_docs.html", context)


@router.get("/audit")
def audit_page(request: Request, principal: Viewer) -> Response:
    from tradewind.app.monitor import audit

    state = server_state(request)
    context = {"entries": audit(state.journal, limit=200), "tabs": tabs_of(state.overview()),
               "principal": principal, "active": "audit",
               "promotions": state.journal.promotions()[-50:][::-1]}  # fmt: skip
    return render(request, "audit.html", context)


# -- controls: a form, a confirmation page, then the command ----------------------------


@router.post("/ui/controls/confirm")
def control_confirm(
    request: Request,
    principal: Operator,
    action: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=500)] = "",
    market: Annotated[str, Form(max_length=32)] = "",
    back: Annotated[str, Form(max_length=200)] = "/",
) -> Response:
    data = ControlRequestData(action, market or None, reason)
    problem = _control_problem(request, data)
    context = {"data": data, "text": CONTROL_TEXT.get(action, action), "problem": problem,
               "back": _safe_next(back), "principal": principal, "csrf_field": CSRF_FIELD,
               "tabs": tabs_of(server_state(request).overview()), "active": ""}  # fmt: skip
    return render(request, "confirm_control.html", context, status_code=422 if problem else 200)


def _control_problem(request: Request, data: ControlRequestData) -> str | None:
    from tradewind.api.commands import check_market

    if data.action not in CONTROL_ACTIONS:
        return f"action: expected one of {', '.join(CONTROL_ACTIONS)}"
    if not data.reason.strip():
        return "reason: say why (it is journaled with the command)"
    try:
        check_market(server_state(request), data.market,
                     required=data.action in ("enable", "disable"))  # fmt: skip
    except FieldError as exc:
        return str(exc)
    return None


@router.post("/ui/controls")
def control_submit(
    request: Request,
    principal: Operator,
    action: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=500)],
    market: Annotated[str, Form(max_length=32)] = "",
    back: Annotated[str, Form(max_length=200)] = "/",
) -> Response:
    data = ControlRequestData(action, market or None, reason, wait_ms=3000)
    try:
        outcome = send_operator_control(server_state(request), principal, data)
    except FieldError as exc:
        raise HTTPException(422, str(exc)) from None
    context = {"outcome": outcome, "lines": outcome.result_lines(), "back": _safe_next(back),
               "principal": principal, "tabs": tabs_of(server_state(request).overview()),
               "active": ""}  # fmt: skip
    return render(request, "control_done.html", context)


@router.post("/ui/promote/confirm")
def promote_confirm(
    request: Request,
    principal: Operator,
    market: Annotated[str, Form(max_length=32)],
    to: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=500)] = "",
    override: Annotated[bool, Form()] = False,
) -> Response:
    from tradewind.app.promotion import promotion_evidence, stage_of

    state = server_state(request)
    if state.config is None or market not in state.config.markets:
        raise HTTPException(422, "market: unknown market, or serve was started without --config")
    evidence = promotion_evidence(state.journal, state.config, market)
    context = {"market": market, "to": to, "reason": reason, "override": override,
               "stage": stage_of(state.journal, market), "evidence": evidence,
               "principal": principal, "tabs": tabs_of(state.overview()), "active": ""}  # fmt: skip
    return render(request, "confirm_promote.html", context)


@router.post("/ui/promote")
def promote_submit(
    request: Request,
    principal: Operator,
    market: Annotated[str, Form(max_length=32)],
    to: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=500)] = "",
    override: Annotated[bool, Form()] = False,
) -> Response:
    from tradewind.domain.errors import TradewindError

    state = server_state(request)
    try:
        outcome = promote_market(state, principal, market=market, to_stage=to,
                                 override=override, reason=reason)  # fmt: skip
        decision, ok = outcome.decision, outcome.promoted
    except (FieldError, ServerRefusalError, TradewindError) as exc:
        decision, ok = str(exc), False
    context = {"decision": decision, "ok": ok, "principal": principal,
               "tabs": tabs_of(state.overview()), "active": ""}  # fmt: skip
    return render(request, "promote_done.html", context, status_code=200 if ok else 409)
