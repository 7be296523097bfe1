"""Dashboard pages beside the tabs: runs (list, comparison, one run, the HTML reports),
the control audit and the API reference."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response

from tradewind.api.auth import Principal, page_viewer, server_state
from tradewind.web.rendering import page

__all__ = ["REPORT_CSP", "router"]

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Depends(page_viewer)]
REPORT_CSP = (
    "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src data:; font-src data:"
)


@router.get("/runs")
def runs_page(request: Request, principal: Viewer) -> Response:
    from tradewind.app.monitor import list_runs

    state = server_state(request)
    context = {"runs": list_runs(state.journal), "reports": _reports(state.settings.reports_dir)}
    return page(request, principal, "runs.html", context, active="runs")


@router.get("/runs/compare")
def compare_page(
    request: Request, principal: Viewer, run: Annotated[list[str] | None, Query()] = None
) -> Response:
    from tradewind.app.monitor import compare_runs

    chosen = list(dict.fromkeys(run or []))
    if not 2 <= len(chosen) <= 8:
        raise HTTPException(422, "choose two to eight runs to compare")
    comparison = compare_runs(server_state(request).journal, chosen)
    return page(request, principal, "compare.html", {"comparison": comparison}, active="runs")


@router.get("/runs/{run_id}")
def run_page(request: Request, principal: Viewer, run_id: str) -> Response:
    from tradewind.app.monitor import list_runs

    runs = list_runs(server_state(request).journal, limit=1000)
    found = [r for r in runs if r.run_id == run_id]
    if not found:
        raise HTTPException(404, f"no run {run_id!r} in this journal")
    return page(request, principal, "run.html", {"run": found[0]}, active="runs")


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
    if not folder.is_dir():
        return []
    files = sorted(folder.glob("*.html"), key=lambda p: p.stat().st_mtime, reverse=True)
    return [
        {"name": p.name, "modified": datetime.fromtimestamp(p.stat().st_mtime, UTC)} for p in files
    ]


@router.get("/audit")
def audit_page(request: Request, principal: Viewer) -> Response:
    from tradewind.app.monitor import audit

    journal = server_state(request).journal
    context = {
        "entries": audit(journal, limit=200),
        "promotions": journal.promotions()[-50:][::-1],
    }
    return page(request, principal, "audit.html", context, active="audit")


@router.get("/api/docs")
def api_docs(request: Request, principal: Viewer) -> Response:
    return page(request, principal, "api_docs.html", {"schema": request.app.openapi()})
