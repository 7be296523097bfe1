"""The MMIN tab: macro regime, correlation heatmap and lead-lag table from one
analysis run (seconds: call it off the request path and cache the result)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewind.app.monitor.views import LeadLagView, MminView

if TYPE_CHECKING:
    from tradewind.mmin.results import AnalysisResult

__all__ = ["mmin_view", "mmin_view_of"]


def mmin_view(config_path: Path | None, *, timeframe: str = "1d", limit: int = 500) -> MminView:
    """Run `app.analysis.analyze_markets` over the config's markets (every bundled one
    without a config) on the latest `limit` bars of `timeframe`, and shape it.

    Raises:
        ConfigError: an invalid config file.
        TradewindError: the analysis cannot run (e.g. no data).
    """
    from tradewind.app.analysis import analyze_markets

    return mmin_view_of(analyze_markets(config_path, timeframe=timeframe, limit=limit))


def mmin_view_of(result: AnalysisResult) -> MminView:
    """The view of an analysis result: the correlation matrix of the signal window
    (non-finite entries 0.0, the diagonal 1.0), regime probabilities normalized to sum
    to 1, and the lead-lag rows as found."""
    window = result.correlations.signal_window
    matrix = result.correlations.matrices[window]
    symbols = tuple(str(s) for s in matrix.columns)
    values = matrix.to_numpy(dtype=float)
    correlation = tuple(
        tuple(1.0 if i == j else _finite(values[i][j]) for j in range(len(symbols)))
        for i in range(len(symbols))
    )
    regime, probabilities = _regime(result.macro_regime)
    return MminView(
        as_of=result.as_of.to_pydatetime(),
        regime=regime,
        regime_probabilities=probabilities,
        symbols=symbols,
        correlation=correlation,
        lead_lag=tuple(
            LeadLagView(
                leader=row.leader,
                follower=row.follower,
                lag_bars=int(row.lag),
                correlation=float(row.correlation),
                q_value=float(row.q_value),
                cross_market=bool(row.cross_market),
            )
            for row in result.lead_lag
        ),
        correlation_window_bars=int(window),
    )


def _finite(value: float) -> float:
    return float(value) if math.isfinite(value) else 0.0


def _name(value: Any) -> str:
    return str(getattr(value, "value", value))


def _regime(macro: dict[str, Any] | None) -> tuple[str | None, dict[str, float]]:
    if not macro:
        return None, {}
    raw = macro.get("probabilities") or {}
    total = sum(float(p) for p in raw.values() if math.isfinite(float(p)))
    probabilities = (
        {_name(k): float(p) / total for k, p in raw.items() if math.isfinite(float(p))}
        if total > 0
        else {}
    )
    regime = macro.get("regime")
    return (None if regime is None else _name(regime)), probabilities
