"""What the research HTML reports share: the chart size, the page style and the SVG
element around a chart's body."""

from __future__ import annotations

from html import escape

__all__ = ["CHART_H", "CHART_PAD", "CHART_W", "REPORT_STYLE", "svg"]

CHART_W, CHART_H, CHART_PAD = 520, 220, 36
REPORT_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:24px;color:#222}"
    "table{border-collapse:collapse;margin:8px 0}"
    "td,th{padding:3px 10px;border-bottom:1px solid #ddd;"
    "text-align:right}td:first-child,th:first-child{text-align:left}"
    ".charts{display:flex;flex-wrap:wrap;gap:12px}svg{background:#fafafa;border:1px solid #eee}"
)


def svg(label: str, body: str, width: float = CHART_W, height: float = CHART_H) -> str:
    """An inline SVG chart of `width` x `height` pixels, labelled for screen readers."""
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:g}' height='{height:g}' "
        f"role='img' aria-label='{escape(label)}'>{body}</svg>"
    )
