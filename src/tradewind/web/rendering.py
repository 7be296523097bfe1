"""Templates and the number/time formats the dashboard shows."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

__all__ = ["TAB_LABELS", "page", "render", "render_error", "safe_next", "tab_label", "templates"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TAB_LABELS = {"equities": "STOCKS", "all": "ALL MARKETS"}

templates = Jinja2Templates(directory=TEMPLATE_DIR)


def tab_label(key: str) -> str:
    """A tab's label: the market class in capitals (equities: STOCKS, as traders say)."""
    return TAB_LABELS.get(key, key.upper())


def _money(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _signed(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:+,.{digits}f}"


def _pct(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}%"


def _qty(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{abs(value):,.8f}".rstrip("0").rstrip(".")
    return text or "0"


def _price(value: float | None) -> str:
    if value is None:
        return "–"
    digits = 2 if abs(value) >= 100 else 5 if abs(value) < 10 else 4
    return f"{value:,.{digits}f}"


def _when(value: datetime | None) -> str:
    if value is None:
        return "–"
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _tone(value: float | None) -> str:
    if value is None or value == 0:
        return "flat"
    return "up" if value > 0 else "down"


def _heat(value: float) -> str:
    bucket = max(-5, min(5, round(value * 5)))
    return "heat0" if bucket == 0 else f"heat{'p' if bucket > 0 else 'n'}{abs(bucket)}"


templates.env.filters.update(
    money=_money, signed=_signed, pct=_pct, qty=_qty, price=_price, when=_when,
    tone=_tone, heat=_heat, tab_label=tab_label,
)  # fmt: skip


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """Render template `name` with `context` plus the request's user and settings."""
    state = request.app.state.tw
    full = {"request": request, "settings": state.settings, **context}
    return templates.TemplateResponse(
        request, name, full, status_code=status_code, headers=dict(headers or {})
    )


def page(
    request: Request,
    principal: Any,
    name: str,
    context: Mapping[str, Any],
    *,
    active: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    """A full dashboard page: `context` plus the user, the tabs and the active tab."""
    from tradewind.web.panels import tabs_of

    tabs = tabs_of(request.app.state.tw.overview())
    full = {"principal": principal, "tabs": tabs, "active": active, **context}
    return render(request, name, full, status_code=status_code)


def safe_next(path: str) -> str:
    """`path` if it stays on this server, else `/` (no open redirects)."""
    return path if path.startswith("/") and not path.startswith("//") else "/"


def render_error(
    request: Request, status_code: int, message: str, *, headers: Mapping[str, str] | None = None
) -> HTMLResponse:
    """An error page (never a traceback)."""
    return render(request, "error.html", {"status_code": status_code, "message": message},
                  status_code=status_code, headers=headers)  # fmt: skip
