"""`CrossMarketCorrelationAnalyzer`: the public face of the correlation analyses.

Every method takes a wide closes frame (index: ascending unique instants, columns:
symbols, float closes, NaN where a symbol has no bar), validates it, and delegates to
`correlation`, `leadlag`, `breaks` and `clustering`. Windows and lags count rows of
the frame passed in: give it one calendar's bar grid when lags must mean bars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from tradewind.intelligence import breaks as _breaks
from tradewind.intelligence import correlation as _corr
from tradewind.intelligence import leadlag as _leadlag
from tradewind.intelligence.analyzer_inputs import (
    check_unit,
    check_window,
    closes_frame,
    known,
    need_rows,
    square,
)
from tradewind.intelligence.clustering import cluster_correlations
from tradewind.intelligence.leadlag_pair import pair_lead_lag
from tradewind.intelligence.returns import (
    IntelligenceInputError,
    log_returns,
    standardized_returns,
)

__all__ = ["BREAK_COLUMNS", "CrossMarketCorrelationAnalyzer"]

BREAK_COLUMNS = [
    "symbol",
    "reference",
    "bar",
    "time",
    "corr_before",
    "corr_after",
    "statistic",
    "p_value",
]


class CrossMarketCorrelationAnalyzer:
    """Rolling correlations, lead-lag, correlation regime and breaks, clustering.

    Args:
        windows: correlation windows in rows (returns), e.g. bars.
        threshold: |correlation| that counts as strong (pairs, breakdown alerts).
        max_lag: default largest lag (rows) for lead-lag.
        fdr_alpha: false-discovery rate for lead-lag (Benjamini-Hochberg).
        vol_window: trailing rows of the volatility that standardises returns before
            lead-lag tests (the retrospective break scan uses a centred 21-row one).

    Raises:
        IntelligenceInputError: a parameter is out of range.
    """

    def __init__(
        self,
        windows: Sequence[int] = (20, 50, 100, 200),
        threshold: float = 0.7,
        max_lag: int = 5,
        fdr_alpha: float = 0.05,
        vol_window: int = 50,
    ) -> None:
        chosen = tuple(sorted({int(w) for w in windows}))
        if not chosen or chosen[0] < 3:
            raise IntelligenceInputError(f"windows {tuple(windows)}: expected windows of >= 3 rows")
        check_unit("threshold", threshold, low_open=True)
        check_unit("fdr_alpha", fdr_alpha, low_open=True, high_open=True)
        if max_lag < 1:
            raise IntelligenceInputError(f"max_lag {max_lag}: expected at least 1 row")
        if vol_window < 2:
            raise IntelligenceInputError(f"vol_window {vol_window}: expected at least 2 rows")
        self.windows = chosen
        self.threshold = float(threshold)
        self.max_lag = int(max_lag)
        self.fdr_alpha = float(fdr_alpha)
        self.vol_window = int(vol_window)

    # -- correlation matrices -------------------------------------------------------------

    def calculate_correlations(self, data: pd.DataFrame) -> dict[int, pd.DataFrame]:
        """Latest correlation matrix of log returns per window (window -> symbols x symbols).

        Uses the last `window` returns, pairwise-complete; NaN where a pair has fewer
        than about window / 2 overlapping returns. Windows longer than the data (more
        than rows - 1 returns) are left out of the result.

        Raises:
            IntelligenceInputError: invalid frame, or too few rows for the smallest window.
        """
        closes = closes_frame(data, "calculate_correlations")
        need_rows(closes, self.windows[0] + 1, "calculate_correlations", "smallest window + 1")
        returns = log_returns(closes).to_numpy(dtype=np.float64)
        names = list(closes.columns)
        return {
            w: pd.DataFrame(
                _corr.pairwise_correlation(returns[-w:], _corr.min_overlap(w)),
                index=names,
                columns=names,
            )
            for w in self.windows
            if w <= len(closes) - 1
        }

    def rolling_correlation(
        self, data: pd.DataFrame, sym1: str, sym2: str, window: int
    ) -> pd.Series:
        """Trailing `window`-return correlation of two symbols at every row (NaN early on)."""
        closes = closes_frame(data, "rolling_correlation")
        known(closes, [sym1, sym2], "rolling_correlation")
        check_window(window, "window")
        need_rows(closes, window + 1, "rolling_correlation", "window + 1")
        returns = log_returns(closes[[sym1, sym2]])
        rolled = returns[sym1].rolling(window, min_periods=_corr.min_overlap(window))
        return rolled.corr(returns[sym2]).rename(f"{sym1}~{sym2}")

    def average_correlation_series(self, data: pd.DataFrame, window: int) -> pd.Series:
        """Mean off-diagonal `window`-return correlation at every row (regime timeline)."""
        closes = closes_frame(data, "average_correlation_series")
        check_window(window, "window")
        need_rows(closes, window + 1, "average_correlation_series", "window + 1")
        return _corr.average_correlation_series(log_returns(closes), window)

    def find_correlated_pairs(
        self, corr_matrix: pd.DataFrame, threshold: float | None = None
    ) -> list[dict[str, Any]]:
        """Pairs with |correlation| >= threshold (default: the analyzer's), strongest first.

        Each item: `symbol1`, `symbol2`, `correlation`.
        """
        level = self.threshold if threshold is None else threshold
        check_unit("threshold", level)
        return _corr.correlated_pairs(square(corr_matrix), level)

    def get_diversification_score(
        self, portfolio: Mapping[str, float] | Sequence[str], corr_matrix: pd.DataFrame
    ) -> float:
        """Diversification in [0, 1]: 1 = uncorrelated holdings, 0 = one bet.

        `1 - max(0, weighted mean pairwise correlation)` with weights `|w_i| |w_j|`
        (a list of symbols is equal-weighted). See `correlation.diversification_score`.

        Raises:
            IntelligenceInputError: unknown symbol, bad weights or an empty portfolio.
        """
        if isinstance(portfolio, Mapping):
            weights = {str(k): float(v) for k, v in portfolio.items()}
        else:
            weights = dict.fromkeys((str(s) for s in portfolio), 1.0)
        if not weights:
            raise IntelligenceInputError("portfolio: expected at least one symbol, found none")
        return _corr.diversification_score(weights, square(corr_matrix))

    # -- regime and breakdowns ------------------------------------------------------------

    def correlation_regime(
        self,
        data: pd.DataFrame,
        short_window: int = 20,
        long_window: int = 100,
        tolerance: float = 0.05,
    ) -> dict[str, Any]:
        """Is average correlation rising? Compares the short- and long-window mean correlations.

        `state` is "increasing" when `short_avg - long_avg > tolerance`, "decreasing" when
        below `-tolerance`, else "stable". Averages are over off-diagonal pairs.
        """
        short, long_ = self._short_long(data, short_window, long_window, "correlation_regime")
        short_avg, long_avg = _corr.mean_off_diagonal(short), _corr.mean_off_diagonal(long_)
        change = short_avg - long_avg
        state = "stable"
        if change > tolerance:
            state = "increasing"
        elif change < -tolerance:
            state = "decreasing"
        return {"state": state, "short_avg": short_avg, "long_avg": long_avg, "change": change}

    def breakdown_alerts(
        self,
        data: pd.DataFrame,
        short_window: int = 20,
        long_window: int = 100,
        min_drop: float = 0.3,
    ) -> list[dict[str, Any]]:
        """Pairs with |long-window corr| >= threshold whose short-window corr fell by >= min_drop.

        The drop is measured towards zero (`sign(long) * (long - short)`); items carry
        `symbol1`, `symbol2`, `long_corr`, `short_corr`, `drop`, `at` (last index value).
        """
        closes = closes_frame(data, "breakdown_alerts")
        short, long_ = self._short_long(closes, short_window, long_window, "breakdown_alerts")
        return _corr.breakdown_pairs(
            long_,
            short,
            [str(c) for c in closes.columns],
            threshold=self.threshold,
            min_drop=min_drop,
            at=closes.index[-1],
        )

    def _short_long(
        self, data: pd.DataFrame, short_window: int, long_window: int, where: str
    ) -> tuple[np.ndarray, np.ndarray]:
        closes = closes_frame(data, where)
        check_window(short_window, "short_window")
        check_window(long_window, "long_window")
        if short_window >= long_window:
            raise IntelligenceInputError(
                f"{where}: expected short_window < long_window, found {short_window} >= "
                f"{long_window}"
            )
        need_rows(closes, long_window + 1, where, "long_window + 1")
        returns = log_returns(closes).to_numpy(dtype=np.float64)
        return (
            _corr.pairwise_correlation(returns[-short_window:], _corr.min_overlap(short_window)),
            _corr.pairwise_correlation(returns[-long_window:], _corr.min_overlap(long_window)),
        )

    def detect_correlation_breaks(
        self,
        data: pd.DataFrame,
        symbols: Sequence[str] | None = None,
        window: int = 50,
        alpha: float = 0.01,
    ) -> pd.DataFrame:
        """Change points in each symbol's correlation with its closest peer (see `breaks`).

        Peers come from all columns of `data`; `symbols` (default: all) are scanned.
        `window` is the fewest returns on each side of a break; `alpha` the family-wise
        false-alarm rate over the scanned symbols. Columns `BREAK_COLUMNS`: `bar` is the
        first bar after the break counted among the symbol's own bars (its non-NaN
        closes, from 0), `time` that bar's index value.

        Raises:
            IntelligenceInputError: invalid frame, unknown symbol, fewer than two symbols
                or too few rows (2 * window + 2).
        """
        closes = closes_frame(data, "detect_correlation_breaks")
        scanned = [str(c) for c in closes.columns] if symbols is None else list(symbols)
        known(closes, scanned, "detect_correlation_breaks")
        if closes.shape[1] < 2:
            raise IntelligenceInputError(
                f"detect_correlation_breaks: expected at least 2 symbols, found {closes.shape[1]}"
            )
        check_window(window, "window")
        check_unit("alpha", alpha, low_open=True, high_open=True)
        need_rows(closes, 2 * window + 2, "detect_correlation_breaks", "2 * window + 2")
        z = _breaks.centred_standardized(log_returns(closes))
        position = {str(c): i for i, c in enumerate(closes.columns)}
        findings = _breaks.find_breaks(
            z, [position[s] for s in scanned], min_segment=window, alpha=alpha
        )
        own_bar = np.cumsum(np.isfinite(closes.to_numpy(dtype=np.float64)), axis=0) - 1
        names = [str(c) for c in closes.columns]
        rows = [
            {
                "symbol": names[f.symbol],
                "reference": names[f.reference],
                "bar": int(own_bar[f.row, f.symbol]),
                "time": closes.index[f.row],
                "corr_before": f.corr_before,
                "corr_after": f.corr_after,
                "statistic": f.statistic,
                "p_value": f.p_value,
            }
            for f in findings
        ]
        frame = pd.DataFrame(rows, columns=BREAK_COLUMNS)
        return frame.astype({"bar": np.int64}) if rows else frame

    # -- lead-lag -------------------------------------------------------------------------

    def detect_lead_lag(
        self, data: pd.DataFrame, sym1: str, sym2: str, max_lag: int | None = None
    ) -> dict[str, Any]:
        """Lead-lag of one pair (see `leadlag_pair.pair_lead_lag`).

        Keys: `lag` (rows; > 0: sym1 leads sym2, < 0: sym2 leads sym1, 0: none
        significant), `best_lag`, `correlation`, `p_value`, `q_value`, `significant`,
        `granger_p_value`, `n_obs`.

        Raises:
            IntelligenceInputError: invalid frame, unknown or identical symbols, too few rows.
        """
        lags = self._max_lag(max_lag)
        closes = closes_frame(data, "detect_lead_lag")
        known(closes, [sym1, sym2], "detect_lead_lag")
        if sym1 == sym2:
            raise IntelligenceInputError(
                f"detect_lead_lag: expected two symbols, found {sym1!r} twice"
            )
        self._need_lead_lag_rows(closes, lags, "detect_lead_lag")
        z = standardized_returns(log_returns(closes[[sym1, sym2]]), self.vol_window)
        values = z.to_numpy(dtype=np.float64)
        return pair_lead_lag(values[:, 0], values[:, 1], lags, self.fdr_alpha)

    def scan_lead_lag(
        self,
        data: pd.DataFrame,
        max_lag: int | None = None,
        symbols: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Significant lead-lag pairs among all ordered pairs (see `leadlag.scan_all_pairs`).

        One row per (leader, follower) with its best lag; columns `leadlag.LAG_COLUMNS`.

        Raises:
            IntelligenceInputError: invalid frame, unknown symbol, too few rows.
        """
        lags = self._max_lag(max_lag)
        closes = closes_frame(data, "scan_lead_lag")
        if symbols is not None:
            known(closes, list(symbols), "scan_lead_lag")
            closes = closes[list(symbols)]
        self._need_lead_lag_rows(closes, lags, "scan_lead_lag")
        z = standardized_returns(log_returns(closes), self.vol_window).to_numpy(dtype=np.float64)
        return _leadlag.scan_all_pairs(z, [str(c) for c in closes.columns], lags, self.fdr_alpha)

    def _max_lag(self, max_lag: int | None) -> int:
        lags = self.max_lag if max_lag is None else int(max_lag)
        if lags < 1:
            raise IntelligenceInputError(f"max_lag {lags}: expected at least 1 row")
        return lags

    def _need_lead_lag_rows(self, closes: pd.DataFrame, max_lag: int, where: str) -> None:
        need_rows(
            closes,
            self.vol_window + max_lag + _leadlag.MIN_OVERLAP,
            where,
            f"vol_window {self.vol_window} + max_lag {max_lag} + {_leadlag.MIN_OVERLAP}",
        )

    # -- clustering -----------------------------------------------------------------------

    def cluster_markets(
        self,
        corr_matrix: pd.DataFrame,
        max_clusters: int | None = None,
        distance_threshold: float | None = None,
    ) -> dict[str, Any]:
        """Hierarchical clusters on correlation distance (see `clustering`).

        Returns `labels` (symbol -> cluster id), `linkage` (scipy matrix), `order`
        (dendrogram leaf order of the symbols).
        """
        found = cluster_correlations(
            square(corr_matrix), max_clusters=max_clusters, distance_threshold=distance_threshold
        )
        return {"labels": found.labels, "linkage": found.linkage, "order": found.order}
