"""The `tradewind analyze` HTML report: heatmap, clusters, lead-lag, regime, conditions,
transfer routes, signals and allocation, in one self-contained file."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd

from tradewind.__about__ import __version__
from tradewind.mmin.results import AnalysisResult, Correlations, PatternMatch
from tradewind.research.evaluation.report import number_label
from tradewind.research.report import chart_library_js
from tradewind.research.report import template_environment as research_environment

__all__ = ["heat_color", "template_environment", "write_analysis_report"]

MAX_HEATMAP_SYMBOLS = 60


def template_environment() -> jinja2.Environment:
    """The report templates of this package, with the `num` filter."""
    env = research_environment("tradewind.mmin")
    env.filters["num"] = number_label
    return env


def write_analysis_report(path: Path | str, result: AnalysisResult) -> Path:
    """Write the report of one `MMINEngine.analyze_markets` result (the regime chart
    uses its walk-forward `macro_timeline` when present)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    correlations = result.correlations
    matrix = correlations.signal_matrix
    order = [s for s in result.clusters.order if s in matrix.index]
    order = (order or list(matrix.index))[:MAX_HEATMAP_SYMBOLS]
    html = (
        template_environment()
        .get_template("analyze.html.j2")
        .render(
            title="Tradewind multi-market intelligence",
            version=__version__,
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            result=result,
            heatmap=_heatmap(matrix.loc[order, order]),
            heatmap_window=correlations.signal_window,
            heatmap_cut=len(matrix.index) > len(order),
            clusters=_clusters(result.clusters.labels),
            conditions=_conditions(result.market_conditions),
            pattern_columns=[f.name for f in dataclasses.fields(PatternMatch)],
            pattern_rows=[dataclasses.astuple(p) for p in result.patterns],
            chart_data=_chart_data(correlations, _probabilities(result.macro_timeline)),
            chart_library=chart_library_js(),
        )
    )
    target.write_text(html, encoding="utf-8")
    return target


def heat_color(value: float) -> str:
    """Blue for negative, red for positive correlation, white at 0 (CSS rgb)."""
    if not math.isfinite(value):
        return "rgb(240,240,240)"
    v = max(-1.0, min(1.0, value))
    fade = round(255 * (1 - abs(v)))
    return f"rgb(255,{fade},{fade})" if v >= 0 else f"rgb({fade},{fade},255)"


def _heatmap(matrix: pd.DataFrame) -> dict[str, Any]:
    values = matrix.to_numpy(dtype=np.float64)
    return {
        "symbols": [str(s) for s in matrix.index],
        "rows": [
            [(number_label(v, 2), heat_color(v)) for v in row]  # (label, colour)
            for row in values
        ],
    }


def _clusters(labels: Mapping[str, int]) -> list[tuple[int, list[str]]]:
    grouped: dict[int, list[str]] = {}
    for symbol, label in labels.items():
        grouped.setdefault(int(label), []).append(str(symbol))
    return sorted(grouped.items())


def _conditions(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for symbol, row in frame.iterrows():
        rows.append({"symbol": str(symbol), **{k: row[k] for k in frame.columns}})
    return rows


def _chart_data(correlations: Correlations, timeline: pd.DataFrame | None) -> dict[str, Any]:
    series = correlations.average_correlation.dropna()
    data: dict[str, Any] = {
        "avg_corr": {
            "t": (pd.DatetimeIndex(series.index).as_unit("s").asi8).tolist(),
            "v": [round(float(v), 4) for v in series.to_numpy()],
        },
        "regimes": {},
    }
    if timeline is not None and len(timeline):
        seconds = pd.DatetimeIndex(timeline.index).as_unit("s").asi8.tolist()
        for column in timeline.columns:
            values = timeline[column].to_numpy(dtype=np.float64)
            data["regimes"][str(column)] = {
                "t": seconds,
                "v": [round(float(v), 4) if math.isfinite(v) else 0.0 for v in values],
            }
    return data


def _probabilities(path: pd.DataFrame | None) -> pd.DataFrame | None:
    """`p_<REGIME>` columns of a forecast path, indexed by decision instant."""
    if path is None or not len(path):
        return None
    columns = [c for c in path.columns if str(c).startswith("p_")]
    table = path[columns].rename(columns=lambda c: str(c)[2:])
    return table.set_axis(pd.DatetimeIndex(path["as_of"]), axis=0)
