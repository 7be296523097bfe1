"""The HTML reports of `tradewind optimize`: the sweep (summary, best trials, parameter
stability heatmap, overfitting figures) and the walk-forward (folds, in- vs out-of-sample
objective, stitched equity). Self-contained pages, inline SVG, no JavaScript.

The results are app records (`app.optimize_results.OptimizeResult`,
`app.walk_forward.WalkForwardResult`); research may not import app, so they are read
by attribute only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise
from pathlib import Path
from typing import Any

from tradewind.research.optimize_space import Choice, ParamDimension, grid_values
from tradewind.research.overfitting import LOGIT_EDGES, BacktestOverfitting, DeflatedSharpe
from tradewind.research.svg import CHART_H as _H
from tradewind.research.svg import CHART_PAD as _PAD
from tradewind.research.svg import CHART_W as _W
from tradewind.research.svg import REPORT_STYLE as _STYLE
from tradewind.research.svg import svg

__all__ = ["OverfittingFigures", "optimize_html", "walk_forward_html", "write_report"]

_BEST_ROWS = 10
_MAX_AXIS_VALUES = 30  # more grid values than this (or a continuous range): binned
_BINS = 10
_GREY = "#ccc"
_EXTRA_STYLE = ".note{color:#555;font-size:0.9em;max-width:60em}"


@dataclass(frozen=True, slots=True)
class OverfittingFigures:
    """The overfitting statistics of a sweep (either may be missing)."""

    deflated: DeflatedSharpe | None
    pbo: BacktestOverfitting | None


def write_report(path: Path, html: str) -> Path:
    """Write `html` to `path` (parents created) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


def optimize_html(result: Any, *, title: str, overfitting: OverfittingFigures | None = None) -> str:
    """The sweep page of `result` (an `OptimizeResult`): summary, the best trials, the
    parameter-stability chart and, when given, the overfitting figures."""
    body = (
        _summary_table(result)
        + _best_table(result)
        + _stability_section(result)
        + ("" if overfitting is None else _overfitting_section(overfitting))
    )
    return _page(title, body)


def walk_forward_html(result: Any, *, title: str) -> str:
    """The walk-forward page of `result` (a `WalkForwardResult`): the folds, in- vs
    out-of-sample objective per fold and the stitched out-of-sample equity."""
    objective = str(result.request.objective)
    rows = [
        ("strategy", result.request.strategy),
        ("objective", objective),
        ("folds", f"{len(result.folds)} ({'anchored' if result.anchored else 'rolling'})"),
        ("mean in-sample objective", _num(result.mean_in_sample)),
        ("mean out-of-sample objective", _num(result.mean_out_of_sample)),
        ("stitched return", _pct(result.stitched_return)),
        ("stitched Sharpe", _num(result.stitched_sharpe)),
        ("stitched max drawdown", _pct(result.stitched_max_drawdown)),
    ]
    folds = list(result.folds)
    chart = _bars_svg(
        f"{objective}: in-sample (blue) vs out-of-sample (orange) per fold",
        [f"fold {i + 1}" for i in range(len(folds))],
        [
            ("is", "#36c", [_objective(f.best) for f in folds]),
            ("oos", "#e80", [_objective(f.out_of_sample) for f in folds]),
        ],
    )
    body = (
        _key_values(rows)
        + "<h2>Folds</h2>"
        + _folds_table(folds)
        + f"<div class='charts'>{chart}{_equity_svg(result)}</div>"
    )
    return _page(title, body)


# -- sweep sections -------------------------------------------------------------------


def _summary_table(result: Any) -> str:
    request, best = result.request, result.best
    rows = [
        ("strategy", request.strategy),
        ("method", request.method),
        ("objective", request.objective),
        ("trials", f"{len(result.trials)} ({len(result.complete)} complete)"),
        ("infeasible", str(result.infeasible)),
        ("best trial", "none" if best is None else f"#{best.number}"),
        ("best objective", "n/a" if best is None else _num(best.objective)),
        ("best params", "n/a" if best is None else _params_text(best.params)),
    ]
    return _key_values(rows)


def _best_table(result: Any) -> str:
    names = [d.name for d in result.request.space]
    head = "".join(f"<th>{escape(n)}</th>" for n in names)
    rows = "".join(
        f"<tr><td>{rank}</td><td>#{t.number}</td>"
        + "".join(f"<td>{escape(str(t.params.get(n, '')))}</td>" for n in names)
        + f"<td>{_num(t.objective)}</td><td>{_pct(t.total_return)}</td><td>{_num(t.sharpe)}"
        f"</td><td>{_pct(t.max_drawdown)}</td><td>{_int(t.trades)}</td></tr>"
        for rank, t in enumerate(result.complete[:_BEST_ROWS], start=1)
    )
    return (
        f"<h2>Best {_BEST_ROWS} trials</h2><table class='best'><tr><th>rank</th><th>trial</th>"
        f"{head}<th>objective</th><th>return</th><th>Sharpe</th><th>max drawdown</th>"
        f"<th>trades</th></tr>{rows}</table>"
    )


def _stability_section(result: Any) -> str:
    space: Sequence[ParamDimension] = result.request.space
    if not space:
        return ""
    trials = [t for t in result.trials if all(d.name in t.params for d in space)]
    best = result.best
    if len(space) == 1:
        chart = _one_param_svg(_Axis.of(space[0], trials), trials, best, result.request)
        note = "Best objective per value of the searched parameter; grey: nothing ranked."
    else:
        chart = _heatmap_svg(_Axis.of(space[0], trials), _Axis.of(space[1], trials), trials, best)
        note = (
            "Objective over the first two searched parameters; grey cells: not tried, "
            "infeasible or no ranked trial; the best trial's cell is outlined."
        )
        if len(space) > 2:
            note += " With more parameters, each cell shows the best over the others."
    return f"<h2>Parameter stability</h2><p class='note'>{note}</p>{chart}"


def _overfitting_section(figures: OverfittingFigures) -> str:
    parts = ["<h2>Overfitting</h2>"]
    dsr = figures.deflated
    if dsr is None:
        parts.append("<p>Deflated Sharpe ratio: not available (too few ranked trials).</p>")
    else:
        parts.append(
            f"<p class='dsr'>Deflated Sharpe ratio: <b>{dsr.probability:.3f}</b> (best "
            f"per-period Sharpe {dsr.observed_sharpe:.4f}, expected best of {dsr.trials} "
            f"unskilled trials {dsr.expected_max_sharpe:.4f}).</p><p class='note'>Read it "
            "as the probability that the best trial's true Sharpe ratio is above zero once "
            "the number of trials tried is accounted for; below 0.95 its edge is hard to "
            "tell from the luck of picking the best of many.</p>"
        )
    pbo = figures.pbo
    if pbo is None:
        parts.append("<p>Probability of backtest overfitting: not available.</p>")
    else:
        parts.append(
            f"<p class='pbo'>Probability of backtest overfitting: <b>{pbo.probability:.3f}"
            f"</b> ({pbo.splits:,} splits of {pbo.blocks} blocks, {pbo.trials} trials, mean "
            f"out-of-sample rank of the in-sample best {pbo.mean_oos_rank:.2f}).</p><p "
            "class='note'>Read it as the share of splits of the data in which the trial "
            "best in-sample ranked at or below the median out-of-sample; near 0 the choice "
            "carries over, near or above 0.5 the search mostly picked noise.</p>" + _logit_svg(pbo)
        )
    return "".join(parts)


def _logit_svg(pbo: BacktestOverfitting) -> str:
    labels = [f"{a:g}..{b:g}" for a, b in pairwise(LOGIT_EDGES)]
    counts = [float(c) for c in pbo.logit_histogram()]
    return _bars_svg(
        "logits of the in-sample best's out-of-sample rank (<= 0: overfit)",
        labels,
        [("logit", "#8aa", counts)],
    )


# -- the parameter axes and charts ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Axis:
    """One searched parameter's cells: their labels and which cell a value falls in."""

    name: str
    labels: tuple[str, ...]
    index: Callable[[Choice], int | None]

    @classmethod
    def of(cls, dim: ParamDimension, trials: Sequence[Any]) -> _Axis:
        values = _axis_values(dim, [t.params[dim.name] for t in trials])
        if values is not None:
            where = {_key(v): i for i, v in enumerate(values)}
            return cls(dim.name, tuple(str(v) for v in values), lambda v: where.get(_key(v)))
        return cls._binned(dim)

    @classmethod
    def _binned(cls, dim: ParamDimension) -> _Axis:
        low, high = float(dim.low), float(dim.high)
        width = (high - low) / _BINS or 1.0
        edges = [low + i * width for i in range(_BINS + 1)]
        labels = tuple(f"{a:.4g}..{b:.4g}" for a, b in pairwise(edges))

        def index(value: Choice) -> int | None:
            if isinstance(value, str):
                return None
            return min(max(int((float(value) - low) / width), 0), _BINS - 1)

        return cls(dim.name, labels, index)


def _axis_values(dim: ParamDimension, seen: Sequence[Choice]) -> list[Choice] | None:
    """The grid values of `dim` plus any other value tried, or None to bin instead."""
    if dim.kind != "choice" and dim.step is None:
        return None
    values = list(grid_values(dim))
    if dim.kind != "choice" and len(values) > _MAX_AXIS_VALUES:
        return None
    known = {_key(v) for v in values}
    extra = sorted({_key(v): v for v in seen if _key(v) not in known}.values(), key=str)
    return values + extra


def _key(value: Choice) -> Choice:
    return round(value, 9) if isinstance(value, float) else value


def _best_cells(
    trials: Sequence[Any], cell: Callable[[Any], tuple[int, ...] | None]
) -> tuple[dict[tuple[int, ...], float], set[tuple[int, ...]]]:
    """The highest finite objective per cell, and every cell a trial fell in."""
    best: dict[tuple[int, ...], float] = {}
    tried: set[tuple[int, ...]] = set()
    for t in trials:
        where = cell(t)
        if where is None:
            continue
        tried.add(where)
        value = _objective(t) if t.state == "complete" else None
        if value is not None and value > best.get(where, -math.inf):
            best[where] = value
    return best, tried


def _heatmap_svg(x: _Axis, y: _Axis, trials: Sequence[Any], best: Any) -> str:
    def cell(t: Any) -> tuple[int, ...] | None:
        i, j = x.index(t.params[x.name]), y.index(t.params[y.name])
        return None if i is None or j is None else (i, j)

    values, tried = _best_cells(trials, cell)
    marked = None if best is None else cell(best)
    nx, ny = len(x.labels), len(y.labels)
    size = max(14.0, min(48.0, 480.0 / max(nx, ny)))
    left, top = 110.0, 30.0
    low, high = min(values.values(), default=0.0), max(values.values(), default=0.0)
    rects = []
    for i in range(nx):
        for j in range(ny):
            value = values.get((i, j))
            fill = _GREY if value is None else _colour(value, low, high)
            state = "no ranked trial" if (i, j) in tried else "not tried"
            text = state if value is None else f"{value:.4g}"
            kind = "cell best" if (i, j) == marked else "cell"
            stroke = "stroke='#000' stroke-width='3'" if kind == "cell best" else "stroke='#fff'"
            rects.append(
                f"<rect class='{kind}' x='{left + i * size:.1f}' "
                f"y='{top + (ny - 1 - j) * size:.1f}' width='{size:.1f}' height='{size:.1f}' "
                f"fill='{fill}' {stroke}><title>{escape(x.name)}={escape(x.labels[i])}, "
                f"{escape(y.name)}={escape(y.labels[j])}: {text}</title></rect>"
            )
    width, height = max(left + nx * size + 20, 460.0), top + ny * size + 90
    labels = _heatmap_labels(x, y, left, top, size) + (
        f"<text x='{left}' y='18' font-size='12'>objective {low:.4g} (red) .. {high:.4g} "
        "(green); grey: nothing ranked</text>"
    )
    return svg("parameter heatmap", "".join(rects) + labels, width, height)


def _heatmap_labels(x: _Axis, y: _Axis, left: float, top: float, size: float) -> str:
    ny = len(y.labels)
    bottom = top + ny * size
    xs = "".join(
        f"<text x='{left + (i + 0.5) * size:.1f}' y='{bottom + 12:.1f}' font-size='10' "
        f"text-anchor='end' transform='rotate(-45 {left + (i + 0.5) * size:.1f} "
        f"{bottom + 12:.1f})'>{escape(label)}</text>"
        for i, label in enumerate(x.labels)
    )
    ys = "".join(
        f"<text x='{left - 4:.1f}' y='{top + (ny - 1 - j + 0.6) * size:.1f}' font-size='10' "
        f"text-anchor='end'>{escape(label)}</text>"
        for j, label in enumerate(y.labels)
    )
    names = (
        f"<text class='x-name' x='{left:.1f}' y='{bottom + 80:.1f}' font-size='12'>x: "
        f"{escape(x.name)}</text><text class='y-name' x='4' y='{top - 4:.1f}' "
        f"font-size='12'>y: {escape(y.name)}</text>"
    )
    return xs + ys + names


def _one_param_svg(axis: _Axis, trials: Sequence[Any], best: Any, request: Any) -> str:
    def cell(t: Any) -> tuple[int, ...] | None:
        i = axis.index(t.params[axis.name])
        return None if i is None else (i,)

    values, _ = _best_cells(trials, cell)
    marked = None if best is None else cell(best)
    return _bars_svg(
        f"best {request.objective} by {axis.name}",
        list(axis.labels),
        [("bar", "#8aa", [values.get((i,)) for i in range(len(axis.labels))])],
        marked=None if marked is None else marked[0],
    )


def _bars_svg(
    title: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    *,
    marked: int | None = None,
) -> str:
    """Grouped bars from a zero baseline: per group one bar of each (class, colour,
    values) series; a None value draws no bar; the `marked` group's bars outlined."""
    finite = [v for _, _, vs in series for v in vs if v is not None]
    low, high = min([0.0, *finite]), max([0.0, *finite])
    span = (high - low) or 1.0
    inner_h = _H - 2 * _PAD

    def y(value: float) -> float:
        return _PAD + (high - value) / span * inner_h

    slot = (_W - 2 * _PAD) / max(len(groups), 1)
    bar = max(slot * 0.8 / max(len(series), 1), 1.0)
    parts = []
    for g in range(len(groups)):
        for s, (kind, colour, values) in enumerate(series):
            value = values[g]
            if value is None:
                continue
            top, bottom = sorted((y(value), y(0.0)))
            outline = " stroke='#000' stroke-width='2'" if g == marked else ""
            parts.append(
                f"<rect class='{kind}' x='{_PAD + g * slot + slot * 0.1 + s * bar:.1f}' "
                f"y='{top:.1f}' width='{bar:.1f}' height='{max(bottom - top, 0.5):.1f}' "
                f"fill='{colour}'{outline}><title>{escape(groups[g])}: {value:.4g}</title></rect>"
            )
    axis = (
        f"<line x1='{_PAD}' x2='{_W - _PAD}' y1='{y(0.0):.1f}' y2='{y(0.0):.1f}' stroke='#999'/>"
        f"<text x='{_PAD}' y='20' font-size='13'>{escape(title)}</text>"
        f"<text x='4' y='{_PAD + 4}' font-size='10'>{high:.4g}</text>"
        f"<text x='4' y='{_H - _PAD}' font-size='10'>{low:.4g}</text>"
    )
    ticks = "".join(
        f"<text x='{_PAD + (g + 0.5) * slot:.1f}' y='{_H - 12}' font-size='10' "
        f"text-anchor='middle'>{escape(label)}</text>"
        for g, label in enumerate(groups)
        if len(groups) <= 12 or g % math.ceil(len(groups) / 12) == 0
    )
    return svg(title, "".join(parts) + axis + ticks)


def _equity_svg(result: Any) -> str:
    equity = [float(result.initial_equity), *(float(v) for v in result.stitched_equity)]
    low, high = min(equity), max(equity)
    span, last = (high - low) or 1.0, max(len(equity) - 1, 1)
    points = " ".join(
        f"{_PAD + i / last * (_W - 2 * _PAD):.1f},"
        f"{_H - _PAD - (v - low) / span * (_H - 2 * _PAD):.1f}"
        for i, v in enumerate(equity)
    )
    body = (
        f"<polyline class='equity' points='{points}' fill='none' stroke='#246' "
        "stroke-width='1.5'/>"
        f"<text x='{_PAD}' y='20' font-size='13'>stitched out-of-sample equity "
        f"({len(equity) - 1} rows)</text>"
        f"<text x='{_PAD}' y='{_H - 10}' font-size='11'>{low:,.0f} .. {high:,.0f}</text>"
    )
    return svg("stitched equity", body)


# -- walk-forward table and shared pieces ---------------------------------------------


def _folds_table(folds: Sequence[Any]) -> str:
    rows = "".join(
        f"<tr><td>{i}</td><td>{f.fold.train_start}..{f.fold.train_stop - 1}</td>"
        f"<td>{f.fold.test_start}..{f.fold.test_stop - 1}</td>"
        f"<td>{escape(_params_text(f.params)) or 'none'}</td>"
        f"<td>{_num(_objective(f.best))}</td><td>{_num(_objective(f.out_of_sample))}</td>"
        f"<td>{_pct(None if f.out_of_sample is None else f.out_of_sample.total_return)}</td>"
        "</tr>"
        for i, f in enumerate(folds, start=1)
    )
    return (
        "<table class='folds'><tr><th>fold</th><th>train rows</th><th>test rows</th>"
        "<th>best params</th><th>in-sample objective</th><th>out-of-sample objective</th>"
        f"<th>out-of-sample return</th></tr>{rows}</table>"
    )


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_STYLE}{_EXTRA_STYLE}</style></head><body><h1>{escape(title)}</h1>"
        f"{body}</body></html>\n"
    )


def _key_values(rows: Sequence[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return f"<table class='summary'>{cells}</table>"


def _colour(value: float, low: float, high: float) -> str:
    """Red (low) through yellow to green (high)."""
    t = 0.5 if high <= low else (value - low) / (high - low)
    stops = ((215, 48, 39), (254, 224, 139), (26, 152, 80))
    a, b = (stops[0], stops[1]) if t < 0.5 else (stops[1], stops[2])
    f = t * 2 if t < 0.5 else t * 2 - 1
    r, g, bl = (round(p + (q - p) * f) for p, q in zip(a, b, strict=True))
    return f"#{r:02x}{g:02x}{bl:02x}"


def _objective(record: Any) -> float | None:
    value = None if record is None else record.objective
    return value if value is not None and math.isfinite(value) else None


def _params_text(params: dict[str, Choice]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items())


def _num(value: float | None) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:,.4g}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value * 100:,.2f}%"


def _int(value: int | None) -> str:
    return "n/a" if value is None else str(value)
