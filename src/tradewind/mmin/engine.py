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

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from tradewind.config import IntelligenceLevel, MMINMode, TradewindConfig
from tradewind.data.catalog import Catalog
from tradewind.domain.errors import TradewindError
from tradewind.domain.market import MarketClass
from tradewind.domain.timeframe import Timeframe
from tradewind.intelligence.analyzer import CrossMarketCorrelationAnalyzer
from tradewind.intelligence.conditions import conditions_for_panel, periods_per_year_for
from tradewind.intelligence.returns import price_like
from tradewind.intelligence.transfer import TransferLearningEngine
from tradewind.mmin import stages
from tradewind.mmin.collector import MultiMarketDataCollector, SynchronizedData, symbols_by_class
from tradewind.mmin.patterns import current_patterns
from tradewind.mmin.results import AnalysisResult, CapitalAllocation, DataQuality
from tradewind.mmin.routing import route_capital
from tradewind.mmin.settings import MMINSource, parse_settings
from tradewind.mmin.signals import cross_market_signals
from tradewind.mmin.status import RunRecord, engine_status
from tradewind.mmin.universe import config_universe, default_universe
from tradewind.research.evaluation.transfer_eval import evaluate_transfer

__all__ = ["MIN_SIGNAL_CONFIDENCE", "MMINEngine", "MMINError"]

MIN_SIGNAL_CONFIDENCE: dict[MMINMode, float] = {
    MMINMode.CONSERVATIVE: 0.6,
    MMINMode.BALANCED: 0.4,
    MMINMode.ADAPTIVE: 0.4,
    MMINMode.AGGRESSIVE: 0.2,
}
MIN_COVERAGE = 0.5
"""Share of the window's rows a symbol must have a close in to be analysed."""


class MMINError(TradewindError):
    """The MMIN cannot analyse what it was asked to (disabled, no data, bad input)."""


class MMINEngine:
    """The multi-market intelligence orchestrator (see module docstring).

    Args:
        broker_manager: live venue access (used by later live feeds; None = catalog).
        config: a plain dict of MMIN settings as the source document passes them
            (`{"mode": "balanced", "intelligence_level": "advanced", ...}`), a whole
            config as a dict, a `TradewindConfig`, an `MMINConfig`, a config file path,
            or None (defaults; universe = every catalog series covering the best window).
        catalog: where bars come from (default: user catalog + bundled real data).
        macro: monthly FRED frame for the macro regime (default: the bundled set).
        measure_transfer_routes: at god_mode, measure each transfer route once out of
            sample on the bundled history (`evaluate_transfer`, ~15 s) before patterns
            from other markets may count; False leaves every route at confidence 0.

    Raises:
        MMINConfigError: a settings dict with an unknown key or a bad value (named).
    """

    def __init__(
        self,
        broker_manager: Any = None,
        config: MMINSource = None,
        *,
        catalog: Catalog | None = None,
        macro: pd.DataFrame | None = None,
        measure_transfer_routes: bool = True,
    ) -> None:
        self.broker_manager = broker_manager
        self.config: TradewindConfig | None
        self.config, self.settings = parse_settings(config)
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
        self._runs: list[RunRecord] = []
        self._last: AnalysisResult | None = None
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

    @property
    def mode(self) -> MMINMode:
        return self.settings.mode

    @property
    def last_result(self) -> AnalysisResult | None:
        """The latest `analyze_markets`/`analyze` result (None before the first)."""
        return self._last

    # -- analysis -------------------------------------------------------------------------

    def analyze_markets(
        self,
        timeframe: str = "1d",
        limit: int = 500,
        *,
        universe: Mapping[MarketClass | str, Sequence[str]] | None = None,
        end: Any = None,
    ) -> AnalysisResult:
        """Run every stage of the intelligence level over the last `limit` bars.

        Returns the typed result; `timings_s` holds seconds per stage and in total.

        Raises:
            MMINError: the engine is disabled, or no symbol has enough data.
            TradewindError: unknown symbols or unusable data (the message names them).
        """
        if not self._enabled:
            raise MMINError("MMIN is disabled: call enable() (or set mmin.enabled: true)")
        timings: dict[str, float] = {}
        with stages.Timed(timings, "collect"):
            data = self._collect(timeframe, limit, universe, end)
        # Calendar checks (coverage, gaps) are on request: get_status() runs them.
        return self.analyze(data, timeframe=timeframe, timings=timings, calendar_checks=False)

    def analyze(
        self,
        data: SynchronizedData,
        *,
        timeframe: str = "1d",
        timings: dict[str, float] | None = None,
        calendar_checks: bool = False,
    ) -> AnalysisResult:
        """The analysis stages on already collected data (what `analyze_markets` runs)."""
        timings = {} if timings is None else timings
        level = self.settings.intelligence_level
        closes = price_like(data.closes, data.yield_columns)
        classes = dict(data.classes)
        with stages.Timed(timings, "correlations"):
            correlations = stages.correlations_view(self.analyzer, closes)
            clusters = stages.cluster_view(self.analyzer, correlations)
        with stages.Timed(timings, "market_conditions"):
            per_year = self._periods_per_year(timeframe, closes)
            conditions = conditions_for_panel(closes, data.volumes, per_year)
        lead_lag, macro, macro_path = None, None, None
        if level is not IntelligenceLevel.BASIC:
            lead_lag, macro, macro_path = self._lead_lag_and_macro(closes, data, timings)
        patterns = (
            self._patterns(closes, classes, timings) if level is IntelligenceLevel.GOD_MODE else []
        )
        with stages.Timed(timings, "signals"):
            signals = cross_market_signals(
                closes, classes, conditions, correlations.signal_matrix, lead_lag,
                required=self.settings.cross_market_signals_required,
                threshold=self.settings.correlation_threshold,
                min_confidence=MIN_SIGNAL_CONFIDENCE[self.settings.mode],
            )  # fmt: skip
        with stages.Timed(timings, "capital_allocation"):
            allocation = self._allocate(closes, classes, signals, per_year, macro)
        result = AnalysisResult(
            as_of=closes.index[-1],
            rows=len(closes),
            intelligence_level=level.value,
            mode=self.settings.mode.value,
            universe={
                m.value: s for m, s in symbols_by_class(classes, list(closes.columns)).items()
            },
            correlations=correlations,
            clusters=clusters,
            market_conditions=conditions,
            lead_lag=stages.lead_lag_rows(lead_lag, classes),
            macro_regime=macro,
            macro_timeline=macro_path,
            patterns=patterns,
            transfer_routes=stages.route_rows(self.transfer),
            signals=signals,
            capital_allocation=allocation,
            timings_s=_rounded(timings),
            data_quality=self._quality_summary(calendar_checks=calendar_checks),
            cross_market_signals_required=self.settings.cross_market_signals_required,
        )
        self._record(result, closes.shape[1])
        return result

    def _lead_lag_and_macro(
        self, closes: pd.DataFrame, data: SynchronizedData, timings: dict[str, float]
    ) -> tuple[pd.DataFrame, dict[str, Any], pd.DataFrame]:
        """The standard level's stages: lead-lag pairs, the macro forecast and its path."""
        with stages.Timed(timings, "lead_lag"):
            lead_lag = self.analyzer.scan_lead_lag(closes)
        with stages.Timed(timings, "macro_regime"):
            macro, macro_path = stages.macro_regime(
                data.closes, dict(data.classes), data.yield_columns, self._macro
            )
        return lead_lag, macro, macro_path

    # -- status ---------------------------------------------------------------------------

    def get_status(self) -> dict[str, Any]:
        """The source document's status keys (`enabled`, `intelligence_level`, `mode`,
        `analysis_count`, `last_analysis`, `current_regime`, `capital_allocation`,
        `active_signals`, `markets`, `learning_stats`, `performance`) and ours
        (`data_quality` with the calendar checks, `cross_market_signals_required`);
        enum values in lower case as the document prints them."""
        return engine_status(
            self.settings,
            enabled=self._enabled,
            runs=self._runs,
            last=self._last,
            quality=self._quality_summary(),
            learning_stats=self.transfer.learning_stats(),
        )

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

    def _patterns(
        self, closes: pd.DataFrame, classes: Mapping[str, MarketClass], timings: dict[str, float]
    ) -> list[Any]:
        if self.measure_transfer_routes and not self._routes_measured:
            with stages.Timed(timings, "transfer_routes"):
                evaluate_transfer(catalog=self.collector.catalog, engine=self.transfer)
                self._routes_measured = True
        with stages.Timed(timings, "patterns"):
            return current_patterns(self.transfer, closes, classes)

    def _allocate(
        self,
        closes: pd.DataFrame,
        classes: Mapping[str, MarketClass],
        signals: Sequence[Any],
        per_year: float,
        macro: Mapping[str, Any] | None,
    ) -> CapitalAllocation:
        regime = macro.get("regime") if macro else None
        return route_capital(
            closes,
            classes,
            signals,
            mode=self.settings.mode,
            periods_per_year=per_year,
            config=self.config,
            macro_regime=str(getattr(regime, "value", regime)) if regime is not None else None,
        )

    def _periods_per_year(self, timeframe: str, closes: pd.DataFrame) -> float:
        calendar = "24/7" if stages.has_weekends(closes) else "XNYS"
        return periods_per_year_for(Timeframe.parse(timeframe).seconds, calendar)

    def _record(self, result: AnalysisResult, symbols: int) -> None:
        self._last = result
        self._runs.append(
            RunRecord(
                as_of=result.as_of,
                finished_at=datetime.now(UTC),
                symbols=symbols,
                timings_s=dict(result.timings_s),
            )
        )

    def _quality_summary(self, *, calendar_checks: bool = True) -> DataQuality:
        metrics = (
            self.collector.get_quality_metrics()
            if calendar_checks
            else self.collector.collected_metrics()
        )
        coverage = [m["coverage_pct"] for m in metrics.values() if m.get("coverage_pct")]
        return DataQuality(
            symbols=len(metrics),
            mean_coverage_pct=round(float(np.mean(coverage)), 2) if coverage else None,
            dropped=dict(self._dropped),
            per_symbol=metrics,
        )


def _rounded(timings: Mapping[str, float]) -> dict[str, float]:
    out = {k: round(v, 4) for k, v in timings.items()}
    out["total"] = round(sum(timings.values()), 4)
    return out
