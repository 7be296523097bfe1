"""The Monte-Carlo HTML report: per method a table, one histogram per metric (observed
value and confidence interval marked) and a fan chart of the equity paths; inline SVG
drawn here, no JavaScript."""

from __future__ import annotations

from html import escape
from pathlib import Path

from tradewind.research.montecarlo import (
    FAN_PERCENTILES,
    MethodResult,
    MetricSummary,
    MonteCarloResult,
)
from tradewind.research.svg import CHART_H, CHART_PAD, CHART_W, REPORT_STYLE, svg

__all__ = ["fan_svg", "histogram_svg", "montecarlo_html", "write_montecarlo_report"]

_W, _H, _PAD = CHART_W, CHART_H, CHART_PAD
_STYLE = REPORT_STYLE


def write_montecarlo_report(path: Path, result: MonteCarloResult, *, title: str) -> Path:
    """Write the report to `path` (parents created) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(montecarlo_html(result, title=title), encoding="utf-8")
    return path


def montecarlo_html(result: MonteCarloResult, *, title: str) -> str:
    """The whole self-contained page."""
    level = f"{result.confidence * 100:g}%"
    head = (
        f"<p>{result.paths:,} paths per method, seed {result.seed}, {level} percentile "
        f"intervals; initial equity {result.initial_equity:,.2f}; span {result.years:.2f} "
        f"years" + (f"; mean block {result.block_bars} bars" if result.block_bars else "") + ".</p>"
    )
    sections = [_section(m, level) for m in result.methods]
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{head}"
        + "".join(sections)
        + "</body></html>\n"
    )


def _section(method: MethodResult, level: str) -> str:
    rows = "".join(
        f"<tr><td>{escape(s.name)} ({escape(s.unit)})</td><td>{s.observed:,.2f}</td>"
        f"<td>{s.mean:,.2f}</td><td>{s.median:,.2f}</td><td>{s.ci_low:,.2f} .. {s.ci_high:,.2f}"
        f"</td><td>{s.observed_percentile:.1f}</td><td>"
        f"{'' if s.p_loss is None else f'{s.p_loss * 100:.1f}%'}</td></tr>"
        for s in method.metrics
    )
    table = (
        f"<table><tr><th>metric</th><th>observed</th><th>mean</th><th>median</th>"
        f"<th>{level} interval</th><th>observed percentile</th><th>P(loss)</th></tr>{rows}</table>"
    )
    charts = "".join(histogram_svg(s) for s in method.metrics)
    return (
        f"<section><h2>{escape(method.method)} ({method.steps} {escape(method.step_unit)})</h2>"
        f"{table}<div class='charts'>{charts}{fan_svg(method)}</div></section>"
    )


def histogram_svg(summary: MetricSummary) -> str:
    """Bars of the path counts, the observed value (red) and the interval (blue band)."""
    edges, counts = summary.bin_edges, summary.bin_counts
    low, high = edges[0], edges[-1]
    low, high = min(low, summary.observed), max(high, summary.observed)
    span = (high - low) or 1.0
    top = max(counts) or 1

    def x(value: float) -> float:
        return _PAD + (value - low) / span * (_W - 2 * _PAD)

    base = _H - _PAD
    bars = "".join(
        f"<rect x='{x(a):.1f}' y='{base - c / top * (_H - 2 * _PAD):.1f}' "
        f"width='{max(x(b) - x(a) - 1, 0.5):.1f}' height='{c / top * (_H - 2 * _PAD):.1f}' "
        "fill='#8aa'/>"
        for a, b, c in zip(edges[:-1], edges[1:], counts, strict=True)
    )
    band = (
        f"<rect x='{x(summary.ci_low):.1f}' y='{_PAD}' width='"
        f"{max(x(summary.ci_high) - x(summary.ci_low), 1):.1f}' height='{_H - 2 * _PAD}' "
        "fill='#36c' opacity='0.15'/>"
    )
    mark = (
        f"<line x1='{x(summary.observed):.1f}' x2='{x(summary.observed):.1f}' y1='{_PAD}' "
        f"y2='{base}' stroke='#c00' stroke-width='2'/>"
    )
    labels = (
        f"<text x='{_PAD}' y='20' font-size='13'>{escape(summary.name)} ({escape(summary.unit)})"
        f": observed {summary.observed:,.2f}</text>"
        f"<text x='{_PAD}' y='{_H - 10}' font-size='11'>{low:,.2f}</text>"
        f"<text x='{_W - _PAD}' y='{_H - 10}' font-size='11' text-anchor='end'>{high:,.2f}</text>"
    )
    return svg(f"histogram {summary.name}", band + bars + mark + labels)


def fan_svg(method: MethodResult) -> str:
    """Equity percentile bands over the steps (5-95 light, 25-75 dark, median line) and
    the run's own path (red)."""
    steps = method.fan_steps
    series = [*method.fan, method.observed_path]
    low = min(min(s) for s in series)
    high = max(max(s) for s in series)
    span, last = (high - low) or 1.0, steps[-1] or 1

    def point(step: int, value: float) -> str:
        px = _PAD + step / last * (_W - 2 * _PAD)
        return f"{px:.1f},{_H - _PAD - (value - low) / span * (_H - 2 * _PAD):.1f}"

    def band(lower: tuple[float, ...], upper: tuple[float, ...], fill: str) -> str:
        forth = [point(s, v) for s, v in zip(steps, upper, strict=True)]
        back = [point(s, v) for s, v in zip(reversed(steps), reversed(lower), strict=True)]
        return f"<polygon points='{' '.join(forth + back)}' fill='{fill}'/>"

    def line(values: tuple[float, ...], colour: str) -> str:
        joined = " ".join(point(s, v) for s, v in zip(steps, values, strict=True))
        return f"<polyline points='{joined}' fill='none' stroke='{colour}' stroke-width='1.5'/>"

    p = dict(zip(FAN_PERCENTILES, method.fan, strict=True))
    body = (
        band(p[5], p[95], "#cde")
        + band(p[25], p[75], "#9bd")
        + line(p[50], "#246")
        + line(method.observed_path, "#c00")
        + f"<text x='{_PAD}' y='20' font-size='13'>equity paths: percentiles 5/25/50/75/95 over"
        f" {method.steps} {escape(method.step_unit)}; run in red</text>"
        f"<text x='{_PAD}' y='{_H - 10}' font-size='11'>{low:,.0f} .. {high:,.0f}</text>"
    )
    return svg("fan chart", body)
