"""The analysis stages of `MMINEngine` that read closes and return typed results."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tradewind.data.macro import load_fred_monthly, recession_months
from tradewind.domain.market import MarketClass, QuoteType
from tradewind.intelligence.analyzer import CrossMarketCorrelationAnalyzer
from tradewind.intelligence.macro import MacroRegimeForecaster
from tradewind.intelligence.transfer import TransferLearningEngine
from tradewind.mmin.results import Clusters, Correlations, LeadLagRow, RouteRow

__all__ = [
    "MACRO_TIMELINE_MONTHS",
    "MAX_LEAD_LAG_ROWS",
    "MAX_TIMELINE_SYMBOLS",
    "Timed",
    "cluster_view",
    "correlations_view",
    "has_weekends",
    "lead_lag_rows",
    "macro_regime",
    "route_rows",
]

MAX_LEAD_LAG_ROWS = 50
"""Lead-lag pairs kept in the result (strongest first); the scan covers all pairs."""
MAX_TIMELINE_SYMBOLS = 200
"""The average-correlation timeline uses at most this many symbols, evenly spread over
the columns (an estimate for larger universes; the matrices use every symbol)."""
MACRO_TIMELINE_MONTHS = 36
"""Months of walk-forward regime probabilities in the result's timeline."""


class Timed:
    """Adds the seconds its `with` block took to `timings[name]`."""

    def __init__(self, timings: dict[str, float], name: str) -> None:
        self.timings, self.name = timings, name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timings[self.name] = time.perf_counter() - self.start


def correlations_view(
    analyzer: CrossMarketCorrelationAnalyzer, closes: pd.DataFrame
) -> Correlations:
    """Matrices at every window the rows allow, pairs, regime, breakdowns, diversification."""
    rows = len(closes) - 1
    windows = [w for w in analyzer.windows if w <= rows] or [rows]
    matrices = {w: m for w, m in analyzer.calculate_correlations(closes).items() if w in windows}
    longest = max(matrices)
    short, long = min(windows), longest
    compare = long > short
    return Correlations(
        windows=sorted(matrices),
        matrices=matrices,
        signal_window=min(matrices, key=lambda w: abs(w - 50)),
        pairs=analyzer.find_correlated_pairs(matrices[longest]),
        regime=(
            analyzer.correlation_regime(closes, short_window=short, long_window=long)
            if compare
            else None
        ),
        breakdowns=(
            analyzer.breakdown_alerts(closes, short_window=short, long_window=long)
            if compare
            else []
        ),
        diversification=analyzer.get_diversification_score(list(closes.columns), matrices[longest]),
        average_correlation=analyzer.average_correlation_series(
            _spread_columns(closes, MAX_TIMELINE_SYMBOLS), short
        ),
    )


def cluster_view(analyzer: CrossMarketCorrelationAnalyzer, correlations: Correlations) -> Clusters:
    """Clusters of the symbols with at least one correlation in the signal-window matrix."""
    matrix = correlations.signal_matrix
    usable = matrix.index[matrix.notna().sum() > 1]
    if len(usable) < 2:
        return Clusters(labels={}, order=[], linkage=None)
    found = analyzer.cluster_markets(matrix.loc[usable, usable])
    return Clusters(labels=found["labels"], order=list(found["order"]), linkage=found["linkage"])


def macro_regime(
    closes: pd.DataFrame,
    classes: Mapping[str, MarketClass],
    yields: Sequence[str],
    macro: pd.DataFrame | None,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The forecast at the last row and the walk-forward path over the window's last
    `MACRO_TIMELINE_MONTHS` months (`macro` None: the bundled FRED set)."""
    macro = load_fred_monthly() if macro is None else macro
    first = max(
        pd.Timestamp(closes.index[0]),
        pd.Timestamp(closes.index[-1]) - pd.DateOffset(months=MACRO_TIMELINE_MONTHS),
    )
    forecaster = MacroRegimeForecaster(
        macro=macro,
        classes=classes,
        recession_labels=recession_months("1850-01", pd.Timestamp(closes.index[-1])),
        quote_types=dict.fromkeys(yields, QuoteType.YIELD),
        yield_unit="fraction",
    )
    path = forecaster.forecast_path(closes, start=first)
    return forecaster.forecast_regime(closes), path


def lead_lag_rows(
    table: pd.DataFrame | None, classes: Mapping[str, MarketClass]
) -> list[LeadLagRow]:
    """The `MAX_LEAD_LAG_ROWS` strongest significant pairs."""
    if table is None or not len(table):
        return []
    rows = table.assign(strength=table["correlation"].abs()).sort_values(
        "strength", ascending=False
    )
    top = rows.head(MAX_LEAD_LAG_ROWS)
    return [
        LeadLagRow(leader, follower, lag, round(corr, 4), q, classes[leader] != classes[follower])
        for leader, follower, lag, corr, q in zip(
            top["leader"].astype(str).tolist(),
            top["follower"].astype(str).tolist(),
            top["lag"].astype(int).tolist(),
            top["correlation"].astype(float).tolist(),
            top["q_value"].astype(float).tolist(),
            strict=True,
        )
    ]


def route_rows(transfer: TransferLearningEngine) -> list[RouteRow]:
    """Every transfer route measured so far."""
    out = []
    for route in (r.to_dict() for r in transfer.routes()):
        low, high = route["lift_ci"]
        out.append(
            RouteRow(
                route=route["route"],
                trials=route["trials"],
                hit_rate=route["hit_rate"],
                baseline_hit_rate=route["baseline_hit_rate"],
                lift=route["lift"],
                ci_low=low,
                ci_high=high,
                significant=route["significant"],
                confidence=route["confidence"],
            )
        )
    return out


def has_weekends(closes: pd.DataFrame) -> bool:
    """Whether any row falls on a Saturday or Sunday (a 24/7 market is in the panel)."""
    index = pd.DatetimeIndex(closes.index)
    return bool((index.day_of_week >= 5).any())


def _spread_columns(closes: pd.DataFrame, most: int) -> pd.DataFrame:
    if closes.shape[1] <= most:
        return closes
    picks = np.linspace(0, closes.shape[1] - 1, most).round().astype(int)
    return closes.iloc[:, np.unique(picks)]
