"""`MMINEngine`: collect -> correlate -> regime -> patterns -> allocate -> signals.

Intelligence levels decide what runs (each stage is timed):

- basic: correlations (all windows), correlated pairs, correlation regime, breakdown
  alerts, clusters, diversification, market conditions, trend signals, allocation;
- advanced: + lead-lag scan (Benjamini-Hochberg controlled), macro regime forecast,
  lead-lag signals;
- god_mode: + transfer learning (patterns per market, similar patterns across markets,
  transferred with the measured confidence of their route).

Modes set how demanding signals are: the minimum adjusted confidence a signal needs
(conservative 0.6, balanced 0.4, adaptive 0.4, aggressive 0.2).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tradewind.config import IntelligenceLevel, MMINConfig, MMINMode, TradewindConfig, load_config
from tradewind.data.catalog import Catalog
from tradewind.data.macro import load_fred_monthly, recession_months
from tradewind.domain.errors import TradewindError
from tradewind.domain.market import MarketClass, QuoteType
from tradewind.domain.timeframe import Timeframe
from tradewind.intelligence.analyzer import CrossMarketCorrelationAnalyzer
from tradewind.intelligence.conditions import conditions_for_panel, periods_per_year_for
from tradewind.intelligence.macro import MacroRegimeForecaster
from tradewind.intelligence.returns import price_like
from tradewind.intelligence.transfer import TransferLearningEngine
from tradewind.mmin.allocation import equal_weight_allocation
from tradewind.mmin.collector import (
    MultiMarketDataCollector,
    SynchronizedData,
    symbols_by_class,
)
from tradewind.mmin.evaluation.transfer_eval import evaluate_transfer
from tradewind.mmin.patterns import current_patterns
from tradewind.mmin.signals import cross_market_signals
from tradewind.mmin.universe import config_universe, default_universe

__all__ = ["MIN_SIGNAL_CONFIDENCE", "MMINEngine", "MMINError"]

MIN_SIGNAL_CONFIDENCE: dict[MMINMode, float] = {
    MMINMode.CONSERVATIVE: 0.6,
    MMINMode.BALANCED: 0.4,
    MMINMode.ADAPTIVE: 0.4,
    MMINMode.AGGRESSIVE: 0.2,
}
MIN_COVERAGE = 0.5
"""Share of the window's rows a symbol must have a close in to be analysed."""
MAX_LEAD_LAG_ROWS = 50
"""Lead-lag pairs kept in the result (strongest first); the scan covers all pairs."""
MAX_TIMELINE_SYMBOLS = 200
"""The average-correlation timeline uses at most this many symbols, evenly spread over
the columns (an estimate for larger universes; the matrices use every symbol)."""
MACRO_TIMELINE_MONTHS = 36
"""Months of walk-forward regime probabilities in the result's timeline."""


class MMINError(TradewindError):
    """The MMIN cannot analyse what it was asked to (disabled, no data, bad input)."""


class MMINEngine:
    """The multi-market intelligence orchestrator (see module docstring).

    Args:
        broker_manager: live venue access (used by later live feeds; None = catalog).
        config: a `TradewindConfig`, a path to a config file, an `MMINConfig`, or None
            (defaults; universe = every catalog series covering the best window).
        catalog: where bars come from (default: user catalog + bundled real data).
        macro: monthly FRED frame for the macro regime (default: the bundled set).
        measure_transfer_routes: at god_mode, measure each transfer route once out of
            sample on the bundled history (`evaluate_transfer`, ~15 s) before patterns
            from other markets may count; False leaves every route at confidence 0.
    """

    def __init__(
        self,
        broker_manager: Any = None,
        config: TradewindConfig | MMINConfig | str | Path | None = None,
        *,
        catalog: Catalog | None = None,
        macro: pd.DataFrame | None = None,
        measure_transfer_routes: bool = True,
    ) -> None:
        self.broker_manager = broker_manager
        self.config: TradewindConfig | None = None
        if isinstance(config, str | Path):
            config = load_config(config)
        if isinstance(config, TradewindConfig):
            self.config, self.settings = config, config.mmin
        else:
            self.settings = config if config is not None else MMINConfig()
        self.collector = MultiMarketDataCollector(catalog)
        self.analyzer = CrossMarketCorrelationAnalyzer(
            windows=self.settings.correlation_windows,
            threshold=self.settings.correlation_threshold,
        )
        self.transfer = TransferLearningEngine()
        self._macro = macro
        self.measure_transfer_routes = measure_transfer_routes
        self._routes_measured = False
        self._enabled = self.settings.enabled
        self._runs: list[dict[str, Any]] = []
        self._dropped: dict[str, str] = {}

    # -- switches -------------------------------------------------------------------------

    def enable(self) -> None:
        """Turn the intelligence on (analyses run, signals are produced)."""
        self._enabled = True

    def disable(self) -> None:
        """Turn it off: `analyze_markets` raises until `enable()`; status still works."""
        self._enabled = False

    @property
    def enabled(self) -> bool:
        return self._enabled

    @property
    def intelligence_level(self) -> IntelligenceLevel:
        return self.settings.intelligence_level

    # -- analysis -------------------------------------------------------------------------

    def analyze_markets(
        self,
        timeframe: str = "1d",
        limit: int = 500,
        *,
        universe: Mapping[MarketClass | str, Sequence[str]] | None = None,
        end: Any = None,
    ) -> dict[str, Any]:
        """Run every stage of the intelligence level over the last `limit` bars.

        Returns a dict with `as_of`, `universe`, `macro_regime`, `correlations`,
        `lead_lag`, `clusters`, `market_conditions`, `patterns`, `signals`,
        `capital_allocation`, `data_quality` and `timings_s` (seconds per stage).

        Raises:
            MMINError: the engine is disabled, or no symbol has enough data.
            TradewindError: unknown symbols or unusable data (the message names them).
        """
        if not self._enabled:
            raise MMINError("MMIN is disabled: call enable() (or set mmin.enabled: true)")
        timings: dict[str, float] = {}
        clock = time.perf_counter()
        data = self._collect(timeframe, limit, universe, end)
        timings["collect"] = time.perf_counter() - clock
        result = self.analyze(data, timeframe=timeframe, timings=timings)
        # Calendar checks (coverage, gaps) are on request: get_status() runs them.
        result["data_quality"] = self._quality_summary(calendar_checks=False)
        return result

    def analyze(
        self,
        data: SynchronizedData,
        *,
        timeframe: str = "1d",
        timings: dict[str, float] | None = None,
    ) -> dict[str, Any]:
        """The analysis stages on already collected data (what `analyze_markets` runs)."""
        timings = {} if timings is None else timings
        level = self.settings.intelligence_level
        advanced = level is not IntelligenceLevel.BASIC
        closes = price_like(data.closes, data.yield_columns)
        classes = dict(data.classes)
        result: dict[str, Any] = {
            "as_of": closes.index[-1],
            "rows": len(closes),
            "intelligence_level": level.value,
            "mode": self.settings.mode.value,
            "universe": {
                m.value: s for m, s in symbols_by_class(classes, list(closes.columns)).items()
            },
        }
        with _Timed(timings, "correlations"):
            result["correlations"] = self._correlations(closes)
            result["clusters"] = self._clusters(result["correlations"])
        with _Timed(timings, "market_conditions"):
            tf = Timeframe.parse(timeframe)
            per_year = periods_per_year_for(tf.seconds, "24/7" if _has_weekends(closes) else "XNYS")
            conditions = conditions_for_panel(closes, data.volumes, per_year)
            result["market_conditions"] = conditions
        lead_lag = None
        if advanced:
            with _Timed(timings, "lead_lag"):
                lead_lag = self.analyzer.scan_lead_lag(closes)
                result["lead_lag"] = _lead_lag_rows(lead_lag, classes)
            with _Timed(timings, "macro_regime"):
                result["macro_regime"], result["macro_timeline"] = self._macro_regime(
                    data.closes, classes, data.yield_columns
                )
        else:
            result["lead_lag"], result["macro_regime"], result["macro_timeline"] = [], None, None
        if level is IntelligenceLevel.GOD_MODE:
            if self.measure_transfer_routes and not self._routes_measured:
                with _Timed(timings, "transfer_routes"):
                    evaluate_transfer(catalog=self.collector.catalog, engine=self.transfer)
                    self._routes_measured = True
            with _Timed(timings, "patterns"):
                result["patterns"] = current_patterns(self.transfer, closes, classes)
        else:
            result["patterns"] = []
        result["transfer_routes"] = [_route_row(r.to_dict()) for r in self.transfer.routes()]
        with _Timed(timings, "signals"):
            result["signals"] = cross_market_signals(
                closes,
                classes,
                conditions,
                result["correlations"]["matrices"][result["correlations"]["signal_window"]],
                lead_lag,
                required=self.settings.cross_market_signals_required,
                threshold=self.settings.correlation_threshold,
                min_confidence=MIN_SIGNAL_CONFIDENCE[self.settings.mode],
            )
        with _Timed(timings, "capital_allocation"):
            result["capital_allocation"] = equal_weight_allocation(
                sorted({m.value for m in classes.values()}), self._capital_bounds()
            )
        result["timings_s"] = {k: round(v, 4) for k, v in timings.items()}
        result["timings_s"]["total"] = round(sum(timings.values()), 4)
        self._runs.append(
            {"as_of": result["as_of"], "symbols": closes.shape[1], **result["timings_s"]}
        )
        return result

    # -- status ---------------------------------------------------------------------------

    def get_status(self) -> dict[str, Any]:
        """Whether it is on, its level and mode, timings of the runs so far, data
        quality of what it collected and what the transfer engine has learned."""
        last = self._runs[-1] if self._runs else None
        return {
            "enabled": self._enabled,
            "intelligence_level": self.settings.intelligence_level.value,
            "mode": self.settings.mode.value,
            "cross_market_signals_required": self.settings.cross_market_signals_required,
            "performance": {
                "analyses": len(self._runs),
                "last_run": last,
                "mean_total_s": (
                    round(float(np.mean([r["total"] for r in self._runs])), 4)
                    if self._runs
                    else None
                ),
            },
            "data_quality": self._quality_summary(),
            "learning_stats": self.transfer.learning_stats(),
        }

    # -- stages ---------------------------------------------------------------------------

    def _collect(
        self,
        timeframe: str,
        limit: int,
        universe: Mapping[MarketClass | str, Sequence[str]] | None,
        end: Any,
    ) -> SynchronizedData:
        if limit < 30:
            raise MMINError(f"limit {limit}: expected at least 30 bars to analyse")
        chosen, end = self._universe(timeframe, limit, universe, end)
        if not chosen:
            raise MMINError(f"no {timeframe} series in the catalog to analyse")
        data = self.collector.synchronize(chosen, None, timeframe, end=end).trading_rows()
        data = data.select(rows=slice(-limit, None))
        coverage = data.closes.notna().mean()
        self._dropped = {
            str(s): f"closes in {coverage[s]:.0%} of the rows (< {MIN_COVERAGE:.0%})"
            for s in coverage.index[coverage < MIN_COVERAGE]
        }
        keep = [s for s in data.closes.columns if s not in self._dropped]
        if len(keep) < 2:
            raise MMINError(
                f"fewer than 2 symbols have data in {MIN_COVERAGE:.0%} of the last {limit} "
                f"rows ending {data.closes.index[-1]:%Y-%m-%d}; dropped: {self._dropped}"
            )
        return data.select(columns=keep)

    def _universe(
        self,
        timeframe: str,
        limit: int,
        universe: Mapping[MarketClass | str, Sequence[str]] | None,
        end: Any,
    ) -> tuple[dict[MarketClass | str, list[str]], Any]:
        if universe is not None:
            parsed: dict[MarketClass | str, list[str]] = {
                (MarketClass.parse(k) if isinstance(k, str) else k): list(v)
                for k, v in universe.items()
            }
            return parsed, end
        if self.config is not None:
            configured: dict[MarketClass | str, list[str]] = dict(
                config_universe(self.config).items()
            )
            return configured, end if end is not None else self.config.data.end
        found, best_end = default_universe(self.collector.catalog, timeframe, limit)
        chosen: dict[MarketClass | str, list[str]] = dict(found.items())
        return chosen, end if end is not None else best_end

    def _correlations(self, closes: pd.DataFrame) -> dict[str, Any]:
        rows = len(closes) - 1
        windows = [w for w in self.analyzer.windows if w <= rows] or [rows]
        matrices = self.analyzer.calculate_correlations(closes)
        matrices = {w: m for w, m in matrices.items() if w in windows}
        longest = max(matrices)
        signal_window = min(matrices, key=lambda w: abs(w - 50))
        short, long = min(windows), longest
        return {
            "windows": sorted(matrices),
            "matrices": matrices,
            "signal_window": signal_window,
            "pairs": self.analyzer.find_correlated_pairs(matrices[longest]),
            "regime": (
                self.analyzer.correlation_regime(closes, short_window=short, long_window=long)
                if long > short
                else None
            ),
            "breakdowns": (
                self.analyzer.breakdown_alerts(closes, short_window=short, long_window=long)
                if long > short
                else []
            ),
            "diversification": self.analyzer.get_diversification_score(
                list(closes.columns), matrices[longest]
            ),
            "average_correlation": self.analyzer.average_correlation_series(
                _spread_columns(closes, MAX_TIMELINE_SYMBOLS), short
            ),
        }

    def _clusters(self, correlations: dict[str, Any]) -> dict[str, Any]:
        matrix = correlations["matrices"][correlations["signal_window"]]
        usable = matrix.index[matrix.notna().sum() > 1]
        if len(usable) < 2:
            return {"labels": {}, "order": [], "linkage": None}
        return self.analyzer.cluster_markets(matrix.loc[usable, usable])

    def _macro_regime(
        self, closes: pd.DataFrame, classes: Mapping[str, MarketClass], yields: Sequence[str]
    ) -> tuple[dict[str, Any], pd.DataFrame]:
        """The forecast at the last row and the walk-forward path over the window."""
        if self._macro is None:
            self._macro = load_fred_monthly()
        first = max(
            pd.Timestamp(closes.index[0]),
            pd.Timestamp(closes.index[-1]) - pd.DateOffset(months=MACRO_TIMELINE_MONTHS),
        )
        labels = recession_months("1850-01", pd.Timestamp(closes.index[-1]))
        forecaster = MacroRegimeForecaster(
            macro=self._macro,
            classes=classes,
            recession_labels=labels,
            quote_types=dict.fromkeys(yields, QuoteType.YIELD),
            yield_unit="fraction",
        )
        path = forecaster.forecast_path(closes, start=first)
        return forecaster.forecast_regime(closes), path

    def _capital_bounds(self) -> tuple[float, float]:
        capital = self.config.capital if self.config is not None else None
        if capital is None:
            return 5.0, 50.0
        return capital.min_allocation_pct, capital.max_allocation_pct

    def _quality_summary(self, *, calendar_checks: bool = True) -> dict[str, Any]:
        metrics = (
            self.collector.get_quality_metrics()
            if calendar_checks
            else self.collector.collected_metrics()
        )
        coverage = [m["coverage_pct"] for m in metrics.values() if m.get("coverage_pct")]
        return {
            "symbols": len(metrics),
            "mean_coverage_pct": round(float(np.mean(coverage)), 2) if coverage else None,
            "dropped": dict(self._dropped),
            "per_symbol": metrics,
        }


class _Timed:
    def __init__(self, timings: dict[str, float], name: str) -> None:
        self.timings, self.name = timings, name

    def __enter__(self) -> None:
        self.start = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timings[self.name] = time.perf_counter() - self.start


def _has_weekends(closes: pd.DataFrame) -> bool:
    index = pd.DatetimeIndex(closes.index)
    return bool((index.day_of_week >= 5).any())


def _lead_lag_rows(table: pd.DataFrame, classes: Mapping[str, MarketClass]) -> list[dict[str, Any]]:
    if table is None or not len(table):
        return []
    rows = table.assign(strength=table["correlation"].abs()).sort_values(
        "strength", ascending=False
    )
    top = rows.head(MAX_LEAD_LAG_ROWS)
    return [
        {
            "leader": leader,
            "follower": follower,
            "lag": lag,
            "correlation": round(corr, 4),
            "q_value": q,
            "cross_market": classes[leader] != classes[follower],
        }
        for leader, follower, lag, corr, q in zip(
            top["leader"].astype(str).tolist(),
            top["follower"].astype(str).tolist(),
            top["lag"].astype(int).tolist(),
            top["correlation"].astype(float).tolist(),
            top["q_value"].astype(float).tolist(),
            strict=True,
        )
    ]


def _route_row(route: Mapping[str, Any]) -> dict[str, Any]:
    low, high = route["lift_ci"]
    return {
        "route": route["route"],
        "trials": route["trials"],
        "hit_rate": route["hit_rate"],
        "baseline_hit_rate": route["baseline_hit_rate"],
        "lift": route["lift"],
        "ci_low": low,
        "ci_high": high,
        "significant": route["significant"],
        "confidence": route["confidence"],
    }


def _spread_columns(closes: pd.DataFrame, most: int) -> pd.DataFrame:
    if closes.shape[1] <= most:
        return closes
    picks = np.linspace(0, closes.shape[1] - 1, most).round().astype(int)
    return closes.iloc[:, np.unique(picks)]
