"""The `tradewind evaluate intelligence` report: every measurement, baseline and method."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd

from tradewind.__about__ import __version__
from tradewind.research.evaluation.sections import Section
from tradewind.research.evaluation.serialize import result_to_json
from tradewind.research.report import chart_library_js
from tradewind.research.report import template_environment as research_environment

__all__ = [
    "number_label",
    "template_environment",
    "write_evaluation_json",
    "write_evaluation_report",
]


def template_environment() -> jinja2.Environment:
    """The report templates of this package, with the `num` filter (`number_label`)."""
    env = research_environment("tradewind.research.evaluation")
    env.filters["num"] = number_label
    return env


def number_label(value: Any, digits: int = 3) -> str:
    """A figure for a report cell: thousands separators, `digits` decimals, "–" for
    None, NaN and infinities; text and booleans as they are."""
    if value is None:
        return "–"
    if isinstance(value, bool | str):
        return str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "–"
    return f"{number:,.{digits}f}"


def write_evaluation_report(path: Path | str, sections: Sequence[Section]) -> Path:
    """Write the self-contained HTML report of the evaluation sections."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    html = (
        template_environment()
        .get_template("evaluation.html.j2")
        .render(
            title="Tradewind intelligence: measured out of sample",
            version=__version__,
            generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            sections=sections,
            chart_data=_chart_data(sections),
            chart_library=chart_library_js(),
        )
    )
    target.write_text(html, encoding="utf-8")
    return target


def write_evaluation_json(path: Path | str, sections: Sequence[Section]) -> Path:
    """The same figures as JSON (one object per section)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "generated": datetime.now(UTC).isoformat(),
        "sections": [s.as_dict() for s in sections],
    }
    target.write_text(json.dumps(result_to_json(payload), indent=2) + "\n")
    return target


def _chart_data(sections: Sequence[Section]) -> dict[str, Any]:
    macro = next((s for s in sections if s.key == "macro"), None)
    if macro is None or "timeline" not in macro.extra:
        return {}
    frame: pd.DataFrame = macro.extra["timeline"]
    seconds = pd.DatetimeIndex(frame.index).as_unit("s").asi8.tolist()
    return {
        "macro": {
            "t": seconds,
            "model": [round(float(v), 4) for v in frame["model_probability"].fillna(0.0)],
            "nber": [float(v) for v in frame["nber_recession"].astype(float)],
            "yield_curve": [0.5 * float(v) for v in frame["yield_curve_fires"].astype(float)],
            "sahm": [0.4 * float(v) for v in frame["sahm_fires"].astype(float)],
        }
    }
