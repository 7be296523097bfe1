"""The report's capital section: allocation over time, sizing factor breakdown, and the
capital curve with milestones and halts."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tradewind.engine.capital import CapitalRecord
from tradewind.research.report_format import chart_series

__all__ = ["FACTOR_COLUMNS", "capital_context"]

FACTOR_COLUMNS = (
    ("vol_leverage", "Volatility leverage"),
    ("regime_multiplier", "Regime multiplier"),
    ("sharpe_factor", "Sharpe factor"),
    ("protection_multiplier", "Drawdown protection"),
)
_MARKED_EVENTS = {"milestone": ("#2ca02c", "arrowUp"), "halt": ("#b3261e", "arrowDown"),
                  "halt_reset": ("#1f77b4", "circle")}  # fmt: skip
_MAX_EVENT_ROWS = 200
_SECOND_NS = 1_000_000_000


def capital_context(
    record: CapitalRecord, timestamps: np.ndarray, max_points: int = 5_000
) -> dict[str, Any]:
    """Template context (`capital`) and chart data (`allocation`, `markers`)."""
    decisions = record.decisions
    return {
        "summary": record.summary,
        "decision_count": len(decisions),
        "binding_rows": _binding_rows(decisions),
        "factor_rows": _factor_rows(decisions),
        "market_rows": _market_rows(decisions),
        "events": _event_rows(record.events),
        "event_count": len(record.events),
        "allocation": _allocation_series(record.allocations, timestamps, max_points),
        "markers": _markers(record.events),
    }


def _binding_rows(decisions: pd.DataFrame) -> list[tuple[str, str, str]]:
    if decisions.empty:
        return []
    counts = decisions["binding"].value_counts()
    total = counts.sum()
    return [(str(name), f"{n:,}", f"{n / total:.1%}") for name, n in counts.items()]


def _factor_rows(decisions: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    rows = []
    for column, label in FACTOR_COLUMNS:
        if decisions.empty:
            break
        values = pd.to_numeric(decisions[column], errors="coerce").dropna()
        if values.empty:
            continue
        rows.append((label, f"{values.mean():.3f}", f"{values.min():.3f}", f"{values.max():.3f}"))
    return rows


def _market_rows(decisions: pd.DataFrame) -> list[tuple[str, ...]]:
    if decisions.empty:
        return []
    grouped = decisions.groupby("market", sort=True)
    return [
        (
            str(market),
            f"{len(group):,}",
            f"{group['available_balance'].mean():,.0f}",
            f"{group['base_position'].mean():,.0f}",
            f"{group['final_position'].mean():,.0f}",
            str(group["binding"].mode().iat[0]),
        )
        for market, group in grouped
    ]


def _event_rows(events: pd.DataFrame) -> list[tuple[str, str, str]]:
    shown = events if len(events) <= _MAX_EVENT_ROWS else events.tail(_MAX_EVENT_ROWS)
    return [
        (pd.Timestamp(e["ts"]).strftime("%Y-%m-%d %H:%M"), str(e["kind"]), str(e["detail"]))
        for e in shown.to_dict("records")
    ]


def _allocation_series(
    allocations: pd.DataFrame, timestamps: np.ndarray, max_points: int
) -> dict[str, Any]:
    """Each market's share (percent) as a step line from each rebalance to the end."""
    if allocations.empty:
        return {}
    end = int(timestamps[-1])
    out = {}
    for market, group in allocations.groupby("market", sort=False):
        rows = group["row"].to_numpy(dtype=np.int64)
        stamps = timestamps[rows].astype(np.int64)
        shares = group["share"].to_numpy(dtype=np.float64)
        # A step line: each share holds until a second before the next decision.
        ends = np.append(stamps[1:] - _SECOND_NS, end)
        ts = np.column_stack([stamps, np.maximum(ends, stamps)]).ravel()
        values = np.repeat(shares, 2)
        keep = np.concatenate([[True], np.diff(ts) > 0])
        out[str(market)] = chart_series(ts[keep], values[keep], max_points, scale=100.0)
    return out


def _markers(events: pd.DataFrame) -> list[dict[str, Any]]:
    markers = []
    for e in events.to_dict("records"):
        style = _MARKED_EVENTS.get(str(e["kind"]))
        if style is None:
            continue
        color, shape = style
        markers.append(
            {
                "time": int(pd.Timestamp(e["ts"]).timestamp()),
                "position": "aboveBar" if shape != "arrowDown" else "belowBar",
                "color": color,
                "shape": shape,
                "text": str(e["detail"]),
            }
        )
    markers.sort(key=lambda m: m["time"])
    return markers
