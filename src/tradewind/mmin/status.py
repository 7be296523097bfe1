"""`MMINEngine.get_status()`: the source document's keys besides our own."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

from tradewind.config import MMINConfig
from tradewind.mmin.results import AnalysisResult, DataQuality

__all__ = ["RunRecord", "document_value", "engine_status"]


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One analysis: the bar it ran up to, when it finished, symbols, seconds per stage."""

    as_of: pd.Timestamp
    finished_at: datetime
    symbols: int
    timings_s: Mapping[str, float]


def document_value(value: Any) -> Any:
    """An enum's value in lower case, as the documents print them (`risk_on`)."""
    if isinstance(value, Enum):
        return str(value.value).lower()
    return value.lower() if isinstance(value, str) else value


def engine_status(
    settings: MMINConfig,
    *,
    enabled: bool,
    runs: Sequence[RunRecord],
    last: AnalysisResult | None,
    quality: DataQuality,
    learning_stats: Mapping[str, Any],
) -> dict[str, Any]:
    """The status dict (see `MMINEngine.get_status`)."""
    finished = runs[-1].finished_at.isoformat() if runs else None
    return {
        "enabled": enabled,
        "intelligence_level": document_value(settings.intelligence_level),
        "mode": document_value(settings.mode),
        "cross_market_signals_required": settings.cross_market_signals_required,
        "analysis_count": len(runs),
        "last_analysis": finished,
        "last_analysis_time": finished,
        "last_analysis_as_of": runs[-1].as_of.isoformat() if runs else None,
        "current_regime": _regime(last),
        "correlation_regime": _correlation_regime(last),
        "capital_allocation": dict(last.capital_allocation.weights_pct) if last else {},
        "active_signals": [_signal_row(s) for s in last.signals] if last else [],
        "markets": _markets(last, quality),
        "learning_stats": dict(learning_stats),
        "performance": _performance(runs),
        "data_quality": dataclasses.asdict(quality),
    }


def _regime(last: AnalysisResult | None) -> str | None:
    if last is None or not last.macro_regime:
        return None
    return str(document_value(last.macro_regime.get("regime")))


def _correlation_regime(last: AnalysisResult | None) -> str | None:
    regime = last.correlations.regime if last is not None else None
    return str(document_value(regime.get("state"))) if regime else None


def _signal_row(signal: Any) -> dict[str, Any]:
    return {
        "symbol": signal.symbol,
        "market": signal.market,
        "direction": signal.direction,
        "source": signal.source,
        "confidence": signal.adjusted_confidence,
        "confirmed": signal.confirmed,
    }


def _markets(last: AnalysisResult | None, quality: DataQuality) -> dict[str, dict[str, Any]]:
    """Per market class: symbols analysed, its allocation and signals, data coverage."""
    if last is None:
        return {}
    out = {}
    for market, symbols in last.universe.items():
        coverage = [
            quality.per_symbol[s]["coverage_pct"]
            for s in symbols
            if quality.per_symbol.get(s, {}).get("coverage_pct") is not None
        ]
        out[market] = {
            "status": "active",
            "symbols": list(symbols),
            "allocation_pct": last.capital_allocation.weights_pct.get(market, 0.0),
            "signals": sum(1 for s in last.signals if s.market == market),
            "mean_coverage_pct": round(float(np.mean(coverage)), 2) if coverage else None,
        }
    for symbol in quality.dropped:
        label = quality.per_symbol.get(symbol, {}).get("market")
        if label is not None and label not in out:
            out[str(label)] = {"status": "no data", "symbols": [], "allocation_pct": 0.0,
                           "signals": 0, "mean_coverage_pct": None}  # fmt: skip
    return out


def _performance(runs: Sequence[RunRecord]) -> dict[str, Any]:
    last = runs[-1] if runs else None
    return {
        "analyses": len(runs),
        "last_run": (
            {"as_of": last.as_of, "symbols": last.symbols, **last.timings_s} if last else None
        ),
        "mean_total_s": (
            round(float(np.mean([r.timings_s["total"] for r in runs])), 4) if runs else None
        ),
    }
