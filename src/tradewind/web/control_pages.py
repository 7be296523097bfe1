"""The dashboard's controls: a form with a reason, a confirmation page saying what will
happen, then the command (journaled with the web user through `api.commands`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from tradewind.api.auth import Principal, page_operator, server_state
from tradewind.api.commands import (
    CONTROL_ACTIONS,
    ControlRequestData,
    FieldError,
    check_market,
    promote_market,
    send_operator_control,
)
from tradewind.domain.errors import TradewindError
from tradewind.web.rendering import page, safe_next

__all__ = ["CONTROL_TEXT", "router"]

router = APIRouter(include_in_schema=False)
Operator = Annotated[Principal, Depends(page_operator)]
CONTROL_TEXT = {
    "soft": "SOFT stop: no new entries; open positions run to their exits",
    "hard": "HARD stop: cancel working orders, close every position at market, halt",
    "freeze": "FREEZE: cancel working orders, then no orders at all; positions stay",
    "resume": "RESUME: lift the stop; trading continues",
    "enable": "ENABLE the market: it may trade again",
    "disable": "DISABLE the market: it stops trading (stops stay as they are)",
}
RESULT_WAIT_MS = 3000
"""How long the result page waits for the running sessions' acknowledgements."""


class ControlForm(BaseModel):
    action: str = Field(max_length=16)
    reason: str = Field(default="", max_length=500)
    market: str = Field(default="", max_length=32)
    back: str = Field(default="/", max_length=200)

    def data(self, *, wait_ms: int = 0) -> ControlRequestData:
        return ControlRequestData(self.action, self.market or None, self.reason, wait_ms)


class PromoteForm(BaseModel):
    market: str = Field(max_length=32)
    to: str = Field(max_length=16)
    reason: str = Field(default="", max_length=500)
    override: bool = False


@router.post("/ui/controls/confirm")
def control_confirm(
    request: Request, principal: Operator, form: Annotated[ControlForm, Form()]
) -> Response:
    data = form.data()
    problem = _control_problem(request, data)
    context = {"data": data, "text": CONTROL_TEXT.get(data.action, data.action),
               "problem": problem, "back": safe_next(form.back)}  # fmt: skip
    code = 422 if problem else 200
    return page(request, principal, "confirm_control.html", context, status_code=code)


def _control_problem(request: Request, data: ControlRequestData) -> str | None:
    if data.action not in CONTROL_ACTIONS:
        return f"action: expected one of {', '.join(CONTROL_ACTIONS)}"
    if not data.reason.strip():
        return "reason: say why (it is journaled with the command)"
    try:
        required = data.action in ("enable", "disable")
        check_market(server_state(request), data.market, required=required)
    except FieldError as exc:
        return str(exc)
    return None


@router.post("/ui/controls")
def control_submit(
    request: Request, principal: Operator, form: Annotated[ControlForm, Form()]
) -> Response:
    try:
        outcome = send_operator_control(
            server_state(request), principal, form.data(wait_ms=RESULT_WAIT_MS)
        )
    except FieldError as exc:
        raise HTTPException(422, str(exc)) from None
    context = {"outcome": outcome, "lines": outcome.result_lines(), "back": safe_next(form.back)}
    return page(request, principal, "control_done.html", context)


@router.post("/ui/promote/confirm")
def promote_confirm(
    request: Request, principal: Operator, form: Annotated[PromoteForm, Form()]
) -> Response:
    from tradewind.app.promotion import promotion_evidence, stage_of

    state = server_state(request)
    if state.config is None or form.market not in state.config.markets:
        raise HTTPException(422, "market: unknown market, or serve was started without --config")
    context = {
        "form": form,
        "stage": stage_of(state.journal, form.market),
        "evidence": promotion_evidence(state.journal, state.config, form.market),
    }
    return page(request, principal, "confirm_promote.html", context)


@router.post("/ui/promote")
def promote_submit(
    request: Request, principal: Operator, form: Annotated[PromoteForm, Form()]
) -> Response:
    try:
        outcome = promote_market(server_state(request), principal, market=form.market,
                                 to_stage=form.to, override=form.override,
                                 reason=form.reason)  # fmt: skip
        decision, ok = outcome.decision, outcome.promoted
    except TradewindError as exc:  # a field, no config, or the gate's refusal
        decision, ok = str(exc), False
    context = {"decision": decision, "ok": ok}
    return page(request, principal, "promote_done.html", context, status_code=200 if ok else 409)
