"""`/api/v1` state changes: log in and out, control commands and promotions. Control
commands and promotions need role `operator`; over a session cookie they also need the
CSRF token."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from tradewind.api.auth import Principal, check_csrf, operator, principal_of, server_state
from tradewind.api.commands import (
    ControlRequestData,
    FieldError,
    ServerRefusalError,
    promote_market,
    send_operator_control,
)
from tradewind.api.errors import ERROR_RESPONSES, ErrorReply
from tradewind.api.login import end_session, log_in, set_session_cookie

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["write"], responses=ERROR_RESPONSES)
Operator = Annotated[Principal, Depends(operator)]
_Market = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")]


class LoginRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class LoginReply(BaseModel):
    user: str
    role: str
    csrf_token: str


class ControlRequest(BaseModel):
    """A control command: `soft`/`hard`/`freeze` stop, `resume`, `enable`/`disable` a
    market (these need `market`). `wait_ms`: wait that long for the sessions' `done`."""

    model_config = ConfigDict(extra="forbid")
    action: Literal["soft", "hard", "freeze", "resume", "enable", "disable"]
    market: _Market | None = None
    reason: str = Field(min_length=1, max_length=500)
    wait_ms: int = Field(default=0, ge=0, le=10_000)


class AckReply(BaseModel):
    run_id: str
    outcome: str
    applied_at: datetime


class ControlReply(BaseModel):
    id: int
    issued_at: datetime
    action: str
    market: str | None
    user: str
    reason: str
    source: str
    acks: list[AckReply]
    running_sessions: list[str]
    not_acknowledged: list[str]


class PromotionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    market: _Market
    to: Literal["advisory", "paper", "operator"]
    strategy: str = Field(default="*", min_length=1, max_length=64)
    override: bool = False
    reason: str = Field(default="", max_length=500)


@router.post("/auth/login", response_model=LoginReply, tags=["auth"])
def login(body: LoginRequest, request: Request, response: Response) -> Any:
    """Open a browser session: sets the HttpOnly session cookie and returns the CSRF
    token to send as `X-CSRF-Token` with every state change. 429 after repeated failures."""
    state = server_state(request)
    session = log_in(state, request, body.user, body.password)
    set_session_cookie(state, response, session)
    return LoginReply(user=session.user, role=session.role, csrf_token=session.csrf_token)


@router.post("/auth/logout", status_code=204, tags=["auth"])
async def logout(request: Request, response: Response) -> None:
    """End the browser session (no-op without one; with one, its CSRF token is needed)."""
    principal = principal_of(request)
    if principal is not None:
        await check_csrf(request, principal)
    end_session(server_state(request), request, response)


@router.post("/controls", response_model=ControlReply, status_code=202, tags=["control"])
def post_control(body: ControlRequest, request: Request, principal: Operator) -> Any:
    """Journal a control command for the running sessions (the audit keeps user, time,
    reason and each session's acknowledgement)."""
    data = ControlRequestData(body.action, body.market, body.reason, body.wait_ms)
    try:
        outcome = send_operator_control(server_state(request), principal, data)
    except FieldError as exc:
        return _field_error(exc)
    record = outcome.record
    return ControlReply(
        id=record.id,
        issued_at=record.issued_at,
        action=record.command.action.value,
        market=record.command.market,
        user=record.command.user,
        reason=record.command.reason,
        source=record.command.source,
        acks=[
            AckReply(run_id=a.run_id, outcome=a.outcome, applied_at=a.applied_at)
            for a in record.acks
        ],
        running_sessions=[beat.run_id for beat in outcome.sessions],
        not_acknowledged=[beat.run_id for beat in outcome.missing],
    )


class PromotionReply(BaseModel):
    decision: str
    promoted: bool
    market: str
    strategy: str
    from_stage: str
    to_stage: str
    evidence: dict[str, Any]


@router.post(
    "/promotions",
    tags=["control"],
    status_code=201,
    response_model=PromotionReply,
    responses={
        409: {
            "model": PromotionReply | ErrorReply,
            "description": "refused by the gate (with the evidence), or no config",
        }
    },
)
def post_promotion(body: PromotionRequest, request: Request, principal: Operator) -> Any:
    """Promote or demote a market (or one of its strategies) between advisory, paper and
    operator; 409 with the evidence when the gate refuses."""
    try:
        outcome = promote_market(
            server_state(request),
            principal,
            market=body.market,
            to_stage=body.to,
            strategy=body.strategy,
            override=body.override,
            reason=body.reason,
        )
    except FieldError as exc:
        return _field_error(exc)
    except ServerRefusalError as exc:
        return JSONResponse(status_code=409, content={"error": str(exc)})
    reply = {
        "decision": outcome.decision,
        "promoted": outcome.promoted,
        "market": outcome.market,
        "strategy": outcome.strategy,
        "from_stage": outcome.from_stage,
        "to_stage": outcome.to_stage,
        "evidence": outcome.evidence.to_dict(),
    }
    return JSONResponse(status_code=201 if outcome.promoted else 409, content=reply)


def _field_error(exc: FieldError) -> JSONResponse:
    return JSONResponse(
        status_code=422,
        content={
            "error": f"invalid request: {exc}",
            "fields": [{"field": exc.field, "message": exc.message}],
        },
    )
