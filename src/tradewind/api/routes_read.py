"""`/api/v1` read endpoints: the overview and its parts, equity, runs, the control
audit, the MMIN view and the live change stream. Any authenticated user may read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from tradewind.api.auth import Principal, server_state, viewer
from tradewind.api.errors import ERROR_RESPONSES
from tradewind.api.events import sse_stream
from tradewind.app.monitor import (
    AuditEntry,
    EquityPoint,
    MarketView,
    Overview,
    RiskView,
    RunComparison,
    RunSummary,
    SessionView,
    SignalView,
    VenueStatusView,
    audit,
    compare_runs,
    list_runs,
)

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["read"], responses=ERROR_RESPONSES)
Viewer = Annotated[Principal, Depends(viewer)]


@router.get("/openapi.json", include_in_schema=False)
def openapi_document(request: Request, principal: Viewer) -> Any:
    """The OpenAPI document of this API (authenticated like every other read)."""
    return request.app.openapi()


@router.get("/me")
def me(principal: Viewer) -> dict[str, str]:
    """Who you are: user name, role and how you authenticated."""
    return {"user": principal.user, "role": principal.role, "via": principal.via}


@router.get("/overview", response_model=Overview)
def get_overview(request: Request, principal: Viewer) -> Any:
    """Every market, the risk monitor, the capital allocation and the sessions."""
    return server_state(request).overview()


@router.get("/markets", response_model=list[MarketView])
def get_markets(
    request: Request,
    principal: Viewer,
    market_class: Annotated[str | None, Query(max_length=32)] = None,
) -> Any:
    """The markets (of one market class: crypto, forex, equities, ...)."""
    view = server_state(request).overview()
    if market_class is not None and market_class not in view.market_classes:
        raise HTTPException(
            404,
            f"no market class {market_class!r}: expected one of {', '.join(view.market_classes)}",
        )
    return list(view.for_class(market_class))


@router.get("/markets/{name}", response_model=MarketView)
def get_market(request: Request, principal: Viewer, name: str) -> Any:
    """One market: strategies, positions, signals, connection status, exposure."""
    for market in server_state(request).overview().markets:
        if market.name == name:
            return market
    raise HTTPException(404, f"no market {name!r}")


@router.get("/signals", response_model=list[SignalView])
def get_signals(request: Request, principal: Viewer) -> Any:
    """The latest signals of every market, newest first."""
    markets = server_state(request).overview().markets
    return sorted((s for m in markets for s in m.signals), key=lambda s: s.ts, reverse=True)


@router.get("/venues", response_model=list[VenueStatusView])
def get_venues(request: Request, principal: Viewer) -> Any:
    """Each market's venue: connected, degraded, down, stopped or unknown."""
    return [m.venue for m in server_state(request).overview().markets]


@router.get("/risk", response_model=RiskView | None)
def get_risk(request: Request, principal: Viewer) -> Any:
    """The risk monitor of the shown run (null before any session or backtest)."""
    return server_state(request).overview().risk


@router.get("/sessions", response_model=list[SessionView])
def get_sessions(request: Request, principal: Viewer) -> Any:
    """The sessions that ever beat on this journal, running ones first."""
    return list(server_state(request).overview().sessions)


@router.get("/equity", response_model=list[EquityPoint])
def get_equity(
    request: Request,
    principal: Viewer,
    run_id: Annotated[str | None, Query(max_length=64)] = None,
) -> Any:
    """The equity curve of `run_id` (default: the shown run), at most 2,000 points."""
    state = server_state(request)
    chosen = run_id or (run.run_id if (run := state.overview().run) else None)
    if chosen is None:
        return []
    _known_run(state, chosen)
    return list(state.equity(chosen))


@router.get("/runs", response_model=list[RunSummary])
def get_runs(
    request: Request, principal: Viewer, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> Any:
    """Backtests and sessions, newest first."""
    return list(list_runs(server_state(request).journal, limit=limit))


@router.get("/runs/compare", response_model=RunComparison)
def get_comparison(
    request: Request,
    principal: Viewer,
    run: Annotated[list[str], Query(min_length=2, max_length=8)],
) -> Any:
    """Two to eight runs side by side (`?run=A&run=B`)."""
    return compare_runs(server_state(request).journal, run)


@router.get("/audit", response_model=list[AuditEntry])
def get_audit(
    request: Request, principal: Viewer, limit: Annotated[int, Query(ge=1, le=1000)] = 50
) -> Any:
    """Control commands, newest first: who, when, why, and each session's acknowledgement."""
    return list(audit(server_state(request).journal, limit=limit))


@router.get("/mmin")
def get_mmin(request: Request, principal: Viewer) -> Any:
    """The MMIN view (regime probabilities, correlations, lead-lag); `status: pending`
    while it is being computed after the server started."""
    view, error = server_state(request).mmin()
    if error is not None:
        return {"status": "failed", "error": error}
    return {"status": "pending"} if view is None else {"status": "ready", "view": view}


@router.get("/events")
async def events(request: Request, principal: Viewer) -> StreamingResponse:
    """Server-Sent Events: `change` with the topics that changed in the journal
    (controls, sessions, fills, signals, runs, risk, promotions, and liveness: a session
    started or stopped beating), within `poll_ms`."""
    stream = sse_stream(server_state(request).feed, request.is_disconnected)
    return StreamingResponse(
        stream, media_type="text/event-stream", headers={"X-Accel-Buffering": "no"}
    )


def _known_run(state: Any, run_id: str) -> None:
    from tradewind.store.errors import UnknownRunError

    try:
        state.journal.run(run_id)
    except UnknownRunError:
        raise HTTPException(404, f"no run {run_id!r} in this journal") from None
