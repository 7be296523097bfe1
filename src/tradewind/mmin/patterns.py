"""God-mode patterns: learn every market's history, match each symbol's current state.

Each symbol's scale-free features are extracted once; patterns (features -> the log
return over the next `horizon_bars`) are learned at a stride that keeps the library
within `max_patterns`; the symbol's latest features are then matched across every
market. A match from another market counts with its route's measured confidence,
which stays 0 until that route has shown a significant out-of-sample lift.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from tradewind.domain.market import MarketClass
from tradewind.intelligence.transfer import TransferLearningEngine
from tradewind.intelligence.transfer.features import MATCH_FEATURES, WARMUP_BARS
from tradewind.mmin.results import PatternMatch

__all__ = ["PATTERN_TYPE", "current_patterns"]

PATTERN_TYPE = "forward_return"


def current_patterns(
    engine: TransferLearningEngine,
    closes: pd.DataFrame,
    classes: Mapping[str, MarketClass],
    *,
    horizon_bars: int = 5,
    max_patterns: int = 20_000,
) -> list[PatternMatch]:
    """Learn patterns from `closes` into `engine`, then the best match per symbol."""
    features = {}
    for symbol in closes.columns:
        series = closes[symbol].dropna()
        if len(series) > WARMUP_BARS + horizon_bars:
            features[str(symbol)] = (engine.extract_features(series, classes[symbol]), series)
    if not features:
        return []
    usable_rows = sum(len(f) - WARMUP_BARS - horizon_bars for f, _ in features.values())
    stride = max(horizon_bars, int(np.ceil(usable_rows / max_patterns)))
    for symbol, (table, series) in features.items():
        logs = np.log(series)
        forward = (logs.shift(-horizon_bars) - logs).iloc[:-horizon_bars]
        sample = table.iloc[WARMUP_BARS : len(table) - horizon_bars : stride]
        engine.learn_patterns(sample, forward, classes[symbol], PATTERN_TYPE)
    out = []
    for symbol, (table, _) in features.items():
        vector = table.iloc[-1][list(MATCH_FEATURES)].to_numpy(dtype=np.float64)
        if not np.isfinite(vector).all():
            continue
        matches = engine.find_similar_to_features(vector, classes[symbol], [PATTERN_TYPE])
        out.append(_summary(symbol, classes[symbol], matches))
    return sorted(out, key=lambda row: -row.confidence)


def _summary(symbol: str, market: MarketClass, matches: list[Any]) -> PatternMatch:
    weights = np.array([m.confidence for m in matches])
    directions = np.array([m.pattern.direction for m in matches])
    score = float(weights @ directions / weights.sum()) if weights.sum() > 0 else 0.0
    foreign = [m for m in matches if m.pattern.origin != market]
    return PatternMatch(
        symbol=symbol,
        market=market.value,
        matches=len(matches),
        from_other_markets=len(foreign),
        other_markets_weight=round(float(sum(m.confidence for m in foreign)), 4),
        expected_direction="up" if score > 0 else "down" if score < 0 else "none",
        confidence=round(abs(score), 4),
        nearest_similarity=round(float(matches[0].similarity), 4) if matches else 0.0,
    )
