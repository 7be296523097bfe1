"""Transfer features are scale-free, past-only and mean what their names say."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewind.data.catalog import Catalog
from tradewind.intelligence.returns import IntelligenceInputError
from tradewind.intelligence.transfer import (
    FEATURE_NAMES,
    MATCH_FEATURES,
    WARMUP_BARS,
    extract_features,
)


@pytest.fixture(scope="module")
def spx() -> pd.DataFrame:
    return Catalog().load_bars("SPX", timeframe="1d")


def test_multiplying_prices_and_volume_by_1000_leaves_features_unchanged(
    spx: pd.DataFrame,
) -> None:
    scaled = spx.copy()
    for column in ("open", "high", "low", "close", "volume"):
        scaled[column] = scaled[column] * 1000.0
    a, b = extract_features(spx), extract_features(scaled)
    pd.testing.assert_frame_equal(a, b, rtol=1e-7, atol=1e-9)
    assert a[list(FEATURE_NAMES)].iloc[WARMUP_BARS:].notna().all().all()


def test_features_at_a_bar_do_not_change_when_later_bars_are_removed(spx: pd.DataFrame) -> None:
    full = extract_features(spx)
    for cut in (300, 2000, 4000):
        early = extract_features(spx.iloc[: cut + 1])
        pd.testing.assert_frame_equal(early, full.iloc[: cut + 1], rtol=1e-9, atol=1e-12)


def test_close_series_gives_the_same_match_features_as_the_bar_frame(spx: pd.DataFrame) -> None:
    from_frame = extract_features(spx)
    from_series = extract_features(spx.set_index("timestamp")["close"])
    pd.testing.assert_frame_equal(
        from_frame[list(MATCH_FEATURES)], from_series[list(MATCH_FEATURES)]
    )
    assert from_series["volume_ratio_20"].isna().all()


def test_match_features_are_defined_after_the_warm_up(spx: pd.DataFrame) -> None:
    features = extract_features(spx)[list(MATCH_FEATURES)]
    assert features.iloc[: WARMUP_BARS - 1].isna().any(axis=1).all()
    assert features.iloc[WARMUP_BARS:].notna().all().all()


def test_steady_rise_reads_as_top_of_range_with_no_drawdown() -> None:
    rng = np.random.default_rng(0)
    close = pd.Series(100 * np.exp(np.cumsum(0.004 + 0.002 * rng.standard_normal(200))))
    last = extract_features(close).iloc[-1]
    assert last["ret_z_20"] > 3
    assert last["range_position_20"] > 0.9
    assert last["drawdown_z_60"] > -0.5
    assert last["trend_tstat_20"] > 5


def test_volatility_burst_raises_the_short_to_long_ratio() -> None:
    rng = np.random.default_rng(1)
    returns = np.concatenate([0.01 * rng.standard_normal(150), 0.05 * rng.standard_normal(5)])
    last = extract_features(pd.Series(100 * np.exp(np.cumsum(returns)))).iloc[-1]
    assert last["vol_ratio_5_60"] > np.log(2)


def test_non_positive_close_is_rejected_with_its_row() -> None:
    close = pd.Series([100.0, 101.0, -1.0, 102.0])
    with pytest.raises(IntelligenceInputError, match="row 2"):
        extract_features(close)


def test_frame_without_close_is_rejected() -> None:
    with pytest.raises(IntelligenceInputError, match="'close'"):
        extract_features(pd.DataFrame({"price": [1.0, 2.0]}))
