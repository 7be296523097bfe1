"""The transfer learning engine on real bundled bars: learn, find, transfer, measure."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewind.data.catalog import Catalog
from tradewind.domain.market import MarketClass
from tradewind.intelligence.returns import IntelligenceInputError
from tradewind.intelligence.transfer import Pattern, TransferLearningEngine

C, E = MarketClass.CRYPTO, MarketClass.EQUITIES


@pytest.fixture(scope="module")
def btc() -> pd.DataFrame:
    return Catalog().load_bars("BTC-USD", timeframe="1d")


@pytest.fixture(scope="module")
def spx() -> pd.DataFrame:
    return Catalog().load_bars("SPX", timeframe="1d")


def _engine_with_btc_patterns(btc: pd.DataFrame, ends: range) -> TransferLearningEngine:
    engine = TransferLearningEngine(k_neighbors=5, n_boot=500)
    close = btc["close"].to_numpy()
    for end in ends:
        forward = float(np.log(close[end + 5] / close[end]))
        engine.learn_pattern(btc.iloc[: end + 1], "crypto", "swing", forward)
    return engine


def test_learned_pattern_is_the_feature_vector_of_the_last_bar(btc: pd.DataFrame) -> None:
    engine = TransferLearningEngine()
    data = btc.iloc[:400]
    pattern = engine.learn_pattern(data, MarketClass.CRYPTO, "breakout", True)
    features = engine.extract_features(data, "crypto")
    assert pattern.market is C
    assert pattern.outcome == 1.0
    assert pattern.direction == 1
    assert pattern.learned_at == data["timestamp"].iloc[-1].to_pydatetime()
    assert pattern.features == pytest.approx(
        tuple(features.iloc[-1][list(engine.extract_features(data, C).columns[:7])])
    )


def test_same_market_match_of_an_identical_bar_has_full_confidence(btc: pd.DataFrame) -> None:
    engine = _engine_with_btc_patterns(btc, range(300, 1200, 7))
    matches = engine.find_similar_patterns(btc.iloc[: 300 + 7 * 20 + 1], "crypto")
    best = matches[0]
    assert best.distance == pytest.approx(0.0, abs=1e-9)
    assert best.similarity == pytest.approx(1.0)
    assert best.confidence == pytest.approx(1.0)
    assert len(matches) == 5


def test_cross_market_matches_carry_no_confidence_until_the_route_is_proven(
    btc: pd.DataFrame, spx: pd.DataFrame
) -> None:
    engine = _engine_with_btc_patterns(btc, range(300, 1200, 5))
    before = engine.find_similar_patterns(spx.iloc[:3000], MarketClass.EQUITIES)
    assert before
    assert all(m.pattern.market is C for m in before)
    assert all(m.confidence == 0.0 for m in before)
    rng = np.random.default_rng(0)
    hits, own = rng.random(2000) < 0.62, rng.random(2000) < 0.50
    route = engine.record_transfer_outcome("crypto->equities", hits, own)
    assert route.significant
    after = engine.find_similar_patterns(spx.iloc[:3000], MarketClass.EQUITIES)
    for match in after:
        assert match.confidence == pytest.approx(match.similarity * route.hit_rate)


def test_transfer_discount_comes_from_the_measured_route(btc: pd.DataFrame) -> None:
    engine = TransferLearningEngine(n_boot=500)
    pattern = engine.learn_pattern(btc.iloc[:500], C, "swing", -0.02)
    unproven = engine.transfer_pattern(pattern, E)
    assert unproven.market is E
    assert unproven.source_market is C
    assert unproven.confidence == 0.0
    rng = np.random.default_rng(1)
    engine.record_transfer_outcome((C, E), rng.random(500) < 0.52, rng.random(500) < 0.52)
    assert engine.transfer_pattern(pattern, E).confidence == 0.0  # measured, no lift
    engine.record_transfer_outcome((C, E), np.ones(3000, bool), rng.random(3000) < 0.5)
    route = engine.routes()[0]
    assert route.significant
    assert engine.transfer_pattern(pattern, E).confidence == pytest.approx(route.hit_rate)
    assert engine.transfer_pattern(pattern, C) is pattern


def test_pattern_type_and_confidence_filters(btc: pd.DataFrame, spx: pd.DataFrame) -> None:
    engine = TransferLearningEngine(k_neighbors=50)
    for end in range(300, 900, 10):
        engine.learn_pattern(btc.iloc[: end + 1], C, "swing" if end % 20 else "breakout", 0.01)
        engine.learn_pattern(spx.iloc[: end + 1], E, "swing", -0.01)
    only_breakouts = engine.find_similar_patterns(btc.iloc[:1000], C, ["breakout"])
    assert only_breakouts
    assert {m.pattern.pattern_type for m in only_breakouts} == {"breakout"}
    confident = engine.find_similar_patterns(btc.iloc[:1000], C, min_confidence=0.01)
    assert confident
    assert all(m.pattern.market is C for m in confident)  # equities route unproven


def test_learning_stats_count_patterns_and_routes(btc: pd.DataFrame, spx: pd.DataFrame) -> None:
    engine = TransferLearningEngine(n_boot=200)
    engine.learn_pattern(btc.iloc[:400], C, "swing", 0.01)
    engine.learn_pattern(btc.iloc[:450], C, "breakout", -0.01)
    engine.learn_pattern(spx.iloc[:400], E, "swing", 0.01)
    engine.record_transfer_outcome((E, C), [True, False, True], [False, False, True])
    stats = engine.learning_stats()
    assert stats["patterns"] == 3
    assert stats["patterns_by_market"] == {"crypto": 2, "equities": 1}
    assert stats["patterns_by_type"] == {"swing": 2, "breakout": 1}
    assert stats["routes"][0]["route"] == "equities->crypto"
    assert stats["routes"][0]["trials"] == 3
    assert stats["active_routes"] == 0


def test_too_little_history_is_a_clear_error(btc: pd.DataFrame) -> None:
    engine = TransferLearningEngine()
    with pytest.raises(IntelligenceInputError, match="at least 62 bars"):
        engine.learn_pattern(btc.iloc[:30], C, "swing", 1.0)
    with pytest.raises(IntelligenceInputError, match="source->target"):
        engine.record_transfer_outcome("crypto", True, False)


def test_patterns_validate_their_values() -> None:
    with pytest.raises(IntelligenceInputError, match="confidence"):
        Pattern("p1", C, "swing", (0.1, 0.2), 1.0, confidence=1.5)
    with pytest.raises(IntelligenceInputError, match="finite features"):
        Pattern("p2", C, "swing", (float("nan"),), 1.0)
