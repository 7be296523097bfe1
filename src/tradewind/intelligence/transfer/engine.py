"""The transfer learning engine: learn patterns in one market, find and reuse them in others.

Patterns are feature vectors (`features.MATCH_FEATURES`, scale-free) with the outcome that
followed. Cross-market use is discounted by the measured out-of-sample value of the route
(`routes`): until a route has shown a significant lift over the target market's own
patterns, its transferred patterns carry confidence 0.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from tradewind.domain.market import MarketClass
from tradewind.intelligence.returns import IntelligenceInputError
from tradewind.intelligence.transfer.features import (
    MATCH_FEATURES,
    WARMUP_BARS,
    extract_features,
)
from tradewind.intelligence.transfer.patterns import Pattern, PatternLibrary, PatternMatch
from tradewind.intelligence.transfer.routes import (
    DEFAULT_BLOCK_SIZE,
    DEFAULT_BOOTSTRAPS,
    DEFAULT_MIN_TRIALS,
    RouteTracker,
    TransferRoute,
)

__all__ = ["TransferLearningEngine"]

RouteKey = tuple[MarketClass | str, MarketClass | str]


class TransferLearningEngine:
    """Pattern memory across markets with measured, route-by-route transfer confidence.

    Args:
        k_neighbors: how many stored patterns `find_similar_patterns` considers.
        min_trials, block_size, n_boot, seed: route statistics (see `routes`).
    """

    def __init__(
        self,
        *,
        k_neighbors: int = 10,
        min_trials: int = DEFAULT_MIN_TRIALS,
        block_size: int = DEFAULT_BLOCK_SIZE,
        n_boot: int = DEFAULT_BOOTSTRAPS,
        seed: int = 0,
    ) -> None:
        if k_neighbors < 1:
            raise IntelligenceInputError(f"k_neighbors {k_neighbors}: expected at least 1")
        self.k_neighbors = k_neighbors
        self._library = PatternLibrary()
        self._tracker = RouteTracker(
            min_trials=min_trials, block_size=block_size, n_boot=n_boot, seed=seed
        )

    def extract_features(
        self, df: pd.DataFrame | pd.Series, market_type: MarketClass | str
    ) -> pd.DataFrame:
        """Scale-free features at every bar (`features.FEATURE_NAMES`; past-only windows).

        `df` is a normalized bar frame or a close Series; the market type is validated
        (the features themselves are the same for every market, which is what makes
        them comparable).

        Raises:
            IntelligenceInputError: unusable closes. DomainError: unknown market type.
        """
        _market(market_type)
        return extract_features(df)

    def learn_pattern(
        self,
        data: pd.DataFrame | pd.Series,
        market_type: MarketClass | str,
        pattern_type: str,
        outcome: float | bool,
    ) -> Pattern:
        """Store the feature vector at the LAST bar of `data` with the outcome that
        followed it (a signed number such as the forward return, or True/False for a
        win/loss, stored as +1/-1). Returns the stored pattern.

        Raises:
            IntelligenceInputError: fewer than `WARMUP_BARS + 1` usable bars, empty
                pattern_type or a non-finite outcome.
        """
        market = _market(market_type)
        if not pattern_type.strip():
            raise IntelligenceInputError("pattern_type: expected a non-empty name")
        value = (1.0 if outcome else -1.0) if isinstance(outcome, bool | np.bool_) else outcome
        vector, at = self._last_vector(data, market)
        pattern = Pattern(
            pattern_id=f"{market}-{pattern_type}-{len(self._library) + 1:06d}",
            market=market,
            pattern_type=pattern_type,
            features=tuple(float(v) for v in vector),
            outcome=float(value),
            learned_at=at,
        )
        self._library.add(pattern)
        return pattern

    def learn_patterns(
        self,
        features: pd.DataFrame,
        outcomes: pd.Series,
        market_type: MarketClass | str,
        pattern_type: str,
    ) -> int:
        """Store one pattern per row of `features` (from `extract_features`) whose
        features and outcome (aligned by index) are all finite; returns how many.

        The bulk form of `learn_pattern` for a caller that already has the features.
        """
        market = _market(market_type)
        if not pattern_type.strip():
            raise IntelligenceInputError("pattern_type: expected a non-empty name")
        matrix = features[list(MATCH_FEATURES)].to_numpy(dtype=np.float64)
        values = outcomes.reindex(features.index).to_numpy(dtype=np.float64)
        usable = np.flatnonzero(np.isfinite(matrix).all(axis=1) & np.isfinite(values))
        for row in usable.tolist():
            stamp = features.index[row]
            self._library.add(
                Pattern(
                    pattern_id=f"{market}-{pattern_type}-{len(self._library) + 1:06d}",
                    market=market,
                    pattern_type=pattern_type,
                    features=tuple(matrix[row].tolist()),
                    outcome=float(values[row]),
                    learned_at=stamp.to_pydatetime() if isinstance(stamp, pd.Timestamp) else None,
                )
            )
        return len(usable)

    def find_similar_patterns(
        self,
        data: pd.DataFrame | pd.Series,
        market_type: MarketClass | str,
        pattern_types: list[str] | tuple[str, ...] | None = None,
        min_confidence: float = 0.0,
    ) -> list[PatternMatch]:
        """Stored patterns (any market) nearest the last bar of `data`, best first.

        Confidence = similarity x pattern confidence x route confidence, where the
        route confidence is 1 for patterns learned in `market_type` and the measured
        confidence of route (pattern's market -> market_type) otherwise (0 until that
        route shows significant lift). Matches below `min_confidence` are dropped.

        Raises:
            IntelligenceInputError: too few bars for the features.
        """
        market = _market(market_type)
        vector, _ = self._last_vector(data, market)
        return self.find_similar_to_features(vector, market, pattern_types, min_confidence)

    def find_similar_to_features(
        self,
        vector: np.ndarray,
        market_type: MarketClass | str,
        pattern_types: list[str] | tuple[str, ...] | None = None,
        min_confidence: float = 0.0,
    ) -> list[PatternMatch]:
        """`find_similar_patterns` for a feature vector already computed (`MATCH_FEATURES`
        order), so that a caller holding many series extracts features once."""
        market = _market(market_type)
        types = None if pattern_types is None else tuple(pattern_types)
        matches: list[PatternMatch] = []
        for pattern, distance, similarity in self._library.nearest(vector, self.k_neighbors, types):
            factor = 1.0 if pattern.origin == market else self._route(pattern.origin, market)
            confidence = similarity * pattern.confidence * factor
            if confidence >= min_confidence:
                matches.append(PatternMatch(pattern, distance, similarity, confidence))
        matches.sort(key=lambda m: (-m.confidence, m.distance))
        return matches

    def transfer_pattern(self, pattern: Pattern, target_market: MarketClass | str) -> Pattern:
        """The pattern re-labelled for `target_market` with its confidence multiplied by
        the route's measured confidence (0 for an unproven route). Not stored; a pattern
        already in `target_market` is returned unchanged."""
        target = _market(target_market)
        if pattern.market == target:
            return pattern
        source = pattern.origin
        factor = 1.0 if source == target else self._route(source, target)
        return Pattern(
            pattern_id=f"{pattern.pattern_id}->{target}",
            market=target,
            pattern_type=pattern.pattern_type,
            features=pattern.features,
            outcome=pattern.outcome,
            confidence=pattern.confidence * factor,
            source_market=None if source == target else source,
            learned_at=pattern.learned_at,
        )

    def record_transfer_outcome(
        self,
        route: TransferRoute | RouteKey | str,
        hit: Any,
        baseline_hit: Any,
        at: Any = None,
    ) -> TransferRoute:
        """Record out-of-sample trials of a route and return its updated summary.

        `route` is a `TransferRoute`, a (source, target) pair or "source->target";
        `hit` whether the transferred patterns predicted correctly, `baseline_hit`
        whether the target's own patterns did on the same bar (bools or equal-length
        arrays); `at` their timestamps (trials at one timestamp are resampled together
        when the lift's interval is bootstrapped).

        Raises:
            IntelligenceInputError: malformed route or lengths. DomainError: unknown market.
        """
        source, target = _route_key(route)
        self._tracker.record(source, target, hit, baseline_hit, at)
        return self._tracker.route(source, target)

    def routes(self) -> list[TransferRoute]:
        """Every measured route with trials, hit rates, lift, its 95% CI and confidence."""
        return self._tracker.routes()

    def learning_stats(self) -> dict[str, Any]:
        """Pattern counts (total, per market, per type) and the measured routes."""
        patterns = self._library.patterns
        routes = self.routes()
        return {
            "patterns": len(patterns),
            "patterns_by_market": dict(Counter(str(p.market) for p in patterns)),
            "patterns_by_type": dict(Counter(p.pattern_type for p in patterns)),
            "routes": [r.to_dict() for r in routes],
            "active_routes": sum(1 for r in routes if r.confidence > 0),
        }

    # -- internals ---------------------------------------------------------------------

    def _route(self, source: MarketClass, target: MarketClass) -> float:
        return self._tracker.route(source, target).confidence

    def _last_vector(
        self, data: pd.DataFrame | pd.Series, market: MarketClass
    ) -> tuple[np.ndarray, datetime | None]:
        features = extract_features(data)
        if features.empty:
            raise IntelligenceInputError(f"{market}: expected bars, found none")
        row = features.iloc[-1][list(MATCH_FEATURES)].to_numpy(dtype=np.float64)
        if not np.isfinite(row).all():
            raise IntelligenceInputError(
                f"{market}: the last bar's features are undefined; expected at least "
                f"{WARMUP_BARS + 1} bars of moving prices, found {len(features)}"
            )
        stamp = features.index[-1]
        at = stamp.to_pydatetime() if isinstance(stamp, pd.Timestamp) else None
        return row, at


def _market(value: MarketClass | str) -> MarketClass:
    return value if isinstance(value, MarketClass) else MarketClass.parse(str(value))


def _route_key(route: TransferRoute | RouteKey | str) -> tuple[MarketClass, MarketClass]:
    if isinstance(route, TransferRoute):
        return route.source, route.target
    if isinstance(route, str):
        parts = route.split("->")
        if len(parts) != 2:
            raise IntelligenceInputError(
                f"route {route!r}: expected 'source->target', e.g. 'crypto->equities'"
            )
        return _market(parts[0]), _market(parts[1])
    if len(route) != 2:
        raise IntelligenceInputError(f"route {route!r}: expected a (source, target) pair")
    return _market(route[0]), _market(route[1])
