"""Lead-lag for one pair and for all pairs (real ETF data with planted followers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewind.data.catalog import Catalog
from tradewind.intelligence import leadlag
from tradewind.intelligence.analyzer import CrossMarketCorrelationAnalyzer
from tradewind.intelligence.returns import IntelligenceInputError

ETFS = ["SPY", "DIA", "XLK", "XLF", "XLE", "EEM", "EFA", "TLT", "IEF", "LQD"]


@pytest.fixture(scope="module")
def etf_closes() -> pd.DataFrame:
    catalog = Catalog()
    return pd.DataFrame(
        {s: catalog.load_bars(s, timeframe="1d").set_index("timestamp")["close"] for s in ETFS}
    )


def _follower(closes: pd.Series, lag: int, corr: float, seed: int) -> pd.Series:
    """Closes whose log return is `corr`-correlated with `closes`' return `lag` bars earlier."""
    returns = np.log(closes).diff().to_numpy()
    scale = np.nanstd(returns)
    noise = np.random.default_rng(seed).normal(0.0, scale, len(returns))
    lagged = np.concatenate([np.zeros(lag + 1), returns[1:-lag]])
    follow = corr * lagged + np.sqrt(1 - corr**2) * noise
    follow[0] = 0.0
    return pd.Series(50 * np.exp(np.cumsum(follow)), index=closes.index)


def _random_walks(rows: int, columns: int, seed: int) -> pd.DataFrame:
    steps = np.random.default_rng(seed).normal(0, 0.01, (rows, columns))
    index = pd.date_range("2021-01-01", periods=rows, freq="h", tz="UTC")
    return pd.DataFrame(
        100 * np.exp(np.cumsum(steps, axis=0)),
        index=index,
        columns=[f"S{i:03d}" for i in range(columns)],
    )


def test_planted_three_bar_lag_in_real_data_is_found_both_ways(etf_closes: pd.DataFrame) -> None:
    data = etf_closes[["SPY"]].assign(FOL=_follower(etf_closes["SPY"], 3, 0.3, seed=1))
    analyzer = CrossMarketCorrelationAnalyzer()

    forward = analyzer.detect_lead_lag(data, "SPY", "FOL", max_lag=5)
    backward = analyzer.detect_lead_lag(data, "FOL", "SPY", max_lag=5)

    assert forward["lag"] == 3
    assert forward["significant"] is True
    assert forward["correlation"] == pytest.approx(0.3, abs=0.07)
    assert forward["p_value"] < 1e-6
    assert forward["granger_p_value"] < 1e-6
    assert backward["lag"] == -3
    assert backward["correlation"] == pytest.approx(forward["correlation"])


def test_independent_noise_has_no_significant_lead_lag() -> None:
    data = _random_walks(600, 2, seed=11)

    result = CrossMarketCorrelationAnalyzer().detect_lead_lag(data, "S000", "S001")

    assert result["significant"] is False
    assert result["lag"] == 0
    assert result["q_value"] > 0.05
    assert result["granger_p_value"] > 0.01


def test_scan_finds_the_planted_follower_once_with_its_lag(etf_closes: pd.DataFrame) -> None:
    data = etf_closes.assign(FOL=_follower(etf_closes["XLK"], 2, 0.35, seed=2))

    table = CrossMarketCorrelationAnalyzer().scan_lead_lag(data)

    assert list(table.columns) == leadlag.LAG_COLUMNS
    into_fol = table[(table["follower"] == "FOL") | (table["leader"] == "FOL")]
    # SPY, DIA, XLF... also predict FOL through XLK, but only echo it: one leader remains.
    assert into_fol[["leader", "follower", "lag"]].values.tolist() == [["XLK", "FOL", 2]]
    assert into_fol["q_value"].iloc[0] <= 0.05
    assert table["significant"].all()


def test_scan_of_independent_markets_reports_nothing() -> None:
    table = CrossMarketCorrelationAnalyzer().scan_lead_lag(_random_walks(800, 60, seed=4))

    assert table.empty
    assert list(table.columns) == leadlag.LAG_COLUMNS


def test_common_factor_autocorrelation_is_not_pair_lead_lag() -> None:
    rng = np.random.default_rng(9)
    rows = 1500
    factor = rng.standard_normal(rows)
    for t in range(2, rows):
        factor[t] += 0.3 * factor[t - 2]  # the whole market trends at lag 2
    shocks = 0.8 * factor[:, None] + 0.6 * rng.standard_normal((rows, 12))
    shocks[3:, 11] = 0.5 * shocks[:-3, 0] + 0.87 * rng.standard_normal(rows - 3)
    closes = pd.DataFrame(
        100 * np.exp(np.cumsum(0.01 * shocks, axis=0)),
        index=pd.date_range("2022-01-01", periods=rows, freq="h", tz="UTC"),
        columns=[f"M{i:02d}" for i in range(12)],
    )

    table = CrossMarketCorrelationAnalyzer().scan_lead_lag(closes)

    assert table[["leader", "follower", "lag"]].values.tolist() == [["M00", "M11", 3]]


def test_scan_gives_the_same_answer_on_every_overlap_path(
    etf_closes: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = etf_closes.assign(FOL=_follower(etf_closes["XLE"], 1, 0.3, seed=3))
    data.loc[data.index[:300], "EEM"] = np.nan  # a later listing
    analyzer = CrossMarketCorrelationAnalyzer()

    by_runs = analyzer.scan_lead_lag(data)
    monkeypatch.setattr(leadlag, "_contiguous_runs", lambda valid: None)
    by_mask = analyzer.scan_lead_lag(data)

    pd.testing.assert_frame_equal(by_runs, by_mask, rtol=1e-4)
    assert ["XLE", "FOL", 1] in by_runs[["leader", "follower", "lag"]].values.tolist()


def test_scan_can_be_limited_to_some_symbols(etf_closes: pd.DataFrame) -> None:
    data = etf_closes.assign(FOL=_follower(etf_closes["XLK"], 2, 0.35, seed=2))

    table = CrossMarketCorrelationAnalyzer().scan_lead_lag(data, symbols=["SPY", "TLT"])

    assert set(table["leader"]) | set(table["follower"]) <= {"SPY", "TLT"}
    with pytest.raises(IntelligenceInputError, match="unknown symbol 'QQQ'"):
        CrossMarketCorrelationAnalyzer().scan_lead_lag(data, symbols=["SPY", "QQQ"])


def test_too_few_rows_for_lead_lag_says_how_many_are_needed() -> None:
    data = _random_walks(60, 2, seed=1)

    with pytest.raises(IntelligenceInputError, match=r"at least 85 rows .*found 60"):
        CrossMarketCorrelationAnalyzer().detect_lead_lag(data, "S000", "S001")


def test_lead_lag_rejects_one_symbol_twice_and_a_zero_lag() -> None:
    data = _random_walks(200, 2, seed=1)
    analyzer = CrossMarketCorrelationAnalyzer()

    with pytest.raises(IntelligenceInputError, match="'S000' twice"):
        analyzer.detect_lead_lag(data, "S000", "S000")
    with pytest.raises(IntelligenceInputError, match="max_lag 0"):
        analyzer.scan_lead_lag(data, max_lag=0)
