"""Error responses of the API: 422 naming each invalid field, 400 for a refused
request (the domain's message), JSON everywhere, never a traceback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from tradewind.domain.errors import TradewindError

__all__ = ["ERROR_RESPONSES", "ErrorReply", "FieldReply", "field_errors", "install_error_handlers"]


class FieldReply(BaseModel):
    field: str
    message: str


class ErrorReply(BaseModel):
    """Every error's body: what went wrong, and for 422 each invalid field."""

    error: str
    fields: list[FieldReply] | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorReply, "description": text}
    for code, text in (
        (401, "no or invalid credentials"),
        (403, "not allowed (role, CSRF token or origin)"),
        (404, "no such run, market or market class"),
        (422, "an invalid field, named in `fields`"),
    )
}


def field_errors(errors: Sequence[Any]) -> list[dict[str, str]]:
    """Pydantic's errors as `{"field": "reason", "message": "..."}` (the location
    without `body`/`query`, dotted)."""
    named = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("body",)]
        field = ".".join(location[1:] if location[:1] in (["query"], ["path"]) else location)
        named.append({"field": field or "(request)", "message": str(error.get("msg", ""))})
    return named


def install_error_handlers(app: FastAPI) -> None:
    """422 for invalid requests, 400 for what the domain refuses."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = field_errors(exc.errors())
        text = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return JSONResponse(
            status_code=422, content={"error": f"invalid request: {text}", "fields": fields}
        )

    @app.exception_handler(TradewindError)
    async def refused(request: Request, exc: TradewindError) -> JSONResponse:
        return JSONResponse(status_code=400, content={"error": str(exc)})
