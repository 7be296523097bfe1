"""The self-contained HTML backtest report (Jinja2 + vendored lightweight-charts).

One file, no network: the chart library and the data are inlined, so the report opens
from a laptop on a plane or from a CI artifact.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import numpy.typing as npt

from tradewind.__about__ import __version__
from tradewind.research.metrics import NS_PER_DAY
from tradewind.research.report_format import (
    GROUP_COLUMNS,
    OVERALL_ROWS,
    chart_series,
    format_value,
    open_position_rows,
    stat_cells,
    trade_rows,
)
from tradewind.research.stats import PerformanceStats
from tradewind.research.trades import TradeArrays

__all__ = [
    "CHART_LIBRARY",
    "Series",
    "chart_library_js",
    "template_environment",
    "write_html_report",
]

Series = tuple[npt.ArrayLike, npt.ArrayLike]
"""(int64 ns UTC timestamps, float values) of one chart line."""

CHART_LIBRARY = "lightweight-charts.standalone.production.js"
_TEMPLATE = "backtest.html.j2"


@cache
def template_environment(package: str) -> jinja2.Environment:
    """The Jinja environment for the `templates` folder of `package` (autoescaped,
    strict, JSON without NaN); one per package."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["json.dumps_kwargs"] = {"allow_nan": False, "separators": (",", ":")}
    return env


def _environment() -> jinja2.Environment:
    return template_environment("tradewind.research")


@cache
def chart_library_js() -> str:
    """The vendored lightweight-charts bundle (see research/static/README.md)."""
    text = (
        resources.files("tradewind.research").joinpath("static", CHART_LIBRARY).read_text("utf-8")
    )
    if "</script" in text.lower():
        raise RuntimeError(f"{CHART_LIBRARY} contains '</script' and cannot be inlined")
    return text


def write_html_report(
    path: Path | str,
    *,
    title: str,
    equity: Series,
    stats: PerformanceStats,
    drawdown: Series | None = None,
    per_market_pnl: Mapping[str, Series] | None = None,
    per_strategy_pnl: Mapping[str, Series] | None = None,
    stats_by_market: Mapping[str, PerformanceStats] | None = None,
    stats_by_strategy: Mapping[str, PerformanceStats] | None = None,
    trades: TradeArrays | None = None,
    symbol_names: Sequence[str] | None = None,
    market_names: Sequence[str] | None = None,
    strategy_names: Sequence[str] | None = None,
    config_summary: Mapping[str, Any] | None = None,
    notes: Sequence[str] = (),
    capital: Mapping[str, Any] | None = None,
    open_positions: Sequence[Mapping[str, Any]] = (),
    max_trade_rows: int = 500,
    max_chart_points: int = 5_000,
) -> Path:
    """Write the backtest report to `path` (parents created) and return the path.

    Longer than a screen only because of its keyword arguments and their description;
    the body fills the template's context, with the charts built by `_chart_data`.

    Args:
        title: page and heading title.
        equity: (timestamps ns, equity) of the run.
        stats: overall statistics (`compute_stats`).
        drawdown: (timestamps ns, drawdown fractions <= 0); None -> from `equity`.
        per_market_pnl, per_strategy_pnl: name -> (timestamps ns, cumulative P&L).
        stats_by_market, stats_by_strategy: name -> statistics (`stats_by_group`).
        trades: shown in a table capped at `max_trade_rows` rows, with the total count;
            `*_names` translate the indices and strategy bits into names.
        config_summary: name -> value shown as a table (nested values as JSON).
        notes: alignment and data notes, one paragraph each.
        capital: the capital section (`research.capital_report.capital_context`):
            allocation over time, sizing factor breakdown, milestones and halts.
        open_positions: positions open at the end (`RunResults.open_positions`).
        max_chart_points: each chart line is reduced to about this many points
            (bucket lows and highs kept); tables always use the full data.

    Raises:
        ValueError: a series whose timestamps and values differ in shape.
        OSError: the file cannot be written.
    """
    chart_data = _chart_data(
        equity,
        drawdown,
        {"markets": per_market_pnl or {}, "strategies": per_strategy_pnl or {}},
        capital or {},
        max_chart_points,
    )
    shown = trades if trades is not None else TradeArrays.empty()
    context = {
        "title": title,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
        "headline": _headline(stats),
        "periods_per_year": format_value(stats.periods_per_year, "number"),
        "overall": [
            (label, cell)
            for (_, label, _), cell in zip(
                OVERALL_ROWS, stat_cells(stats, OVERALL_ROWS), strict=True
            )
        ],
        "group_columns": [label for _, label, _ in GROUP_COLUMNS],
        "market_rows": _group_rows(stats_by_market),
        "strategy_rows": _group_rows(stats_by_strategy),
        "trades": trade_rows(
            shown,
            max_trade_rows,
            symbol_names=symbol_names,
            market_names=market_names,
            strategy_names=strategy_names,
        ),
        "trade_count": len(shown),
        "open_positions": open_position_rows(open_positions),
        "config": _config_rows(config_summary or {}),
        "notes": list(notes),
        "capital": capital,
        "chart_data": chart_data,
        "chart_library": chart_library_js(),
    }
    html = _environment().get_template(_TEMPLATE).render(context)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


def _chart_data(
    equity: Series,
    drawdown: Series | None,
    pnl_lines: Mapping[str, Mapping[str, Series]],
    capital: Mapping[str, Any],
    max_chart_points: int,
) -> dict[str, Any]:
    """The charts' data: equity, drawdown (in %), P&L lines by market and strategy, capital."""
    ts, values = (np.asarray(part) for part in equity)
    if drawdown is None:
        values_f = values.astype(np.float64)
        drawdown = (ts, values_f / np.maximum.accumulate(values_f) - 1.0)
    return {
        "intraday": bool(ts.size > 1 and np.median(np.diff(ts.astype(np.int64))) < NS_PER_DAY),
        "equity": chart_series(ts, values, max_chart_points),
        "drawdown": chart_series(drawdown[0], drawdown[1], max_chart_points, scale=100.0),
        **{
            group: {name: chart_series(*s, max_chart_points) for name, s in lines.items()}
            for group, lines in pnl_lines.items()
        },
        "allocation": dict(capital.get("allocation", {})),
        "markers": list(capital.get("markers", [])),
    }


def _headline(stats: PerformanceStats) -> list[tuple[str, str]]:
    picks = (
        ("Total return", format_value(stats.total_return, "pct")),
        ("CAGR", format_value(stats.cagr, "pct")),
        ("Sharpe", format_value(stats.sharpe, "ratio")),
        ("Max drawdown", format_value(stats.max_drawdown, "pct")),
        ("Final equity", format_value(stats.final_equity, "money")),
        ("Closed trades", format_value(stats.trades, "count")),
        ("Open at the end", format_value(stats.open_trades, "count")),
    )
    return list(picks)


def _group_rows(groups: Mapping[str, PerformanceStats] | None) -> list[tuple[str, list[str]]]:
    return [(name, stat_cells(s, GROUP_COLUMNS)) for name, s in (groups or {}).items()]


def _config_rows(config: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    """(key, text, is_block) per entry; nested values are pretty JSON blocks."""
    rows = []
    for key, value in config.items():
        if isinstance(value, Mapping | list | tuple):
            rows.append((str(key), json.dumps(value, indent=2, default=str), True))
        else:
            rows.append((str(key), str(value), False))
    return rows
