"""Correlation matrices, pairs, regime, breakdowns and diversification."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewind.data.catalog import Catalog
from tradewind.intelligence.analyzer import CrossMarketCorrelationAnalyzer
from tradewind.intelligence.correlation import pairwise_correlation
from tradewind.intelligence.returns import IntelligenceInputError

ETFS = ["SPY", "DIA", "XLK", "XLF", "EEM", "TLT", "IEF", "LQD"]


@pytest.fixture(scope="module")
def etf_closes() -> pd.DataFrame:
    catalog = Catalog()
    return pd.DataFrame(
        {s: catalog.load_bars(s, timeframe="1d").set_index("timestamp")["close"] for s in ETFS}
    )


def _at(matrix: pd.DataFrame, row: str, column: str) -> float:
    return float(matrix[column].to_numpy()[list(matrix.index).index(row)])


def _log_returns(closes: pd.DataFrame) -> pd.DataFrame:
    return closes.apply(np.log).diff()


def _closes_from_returns(returns: np.ndarray, columns: list[str]) -> pd.DataFrame:
    index = pd.date_range("2020-01-01", periods=returns.shape[0] + 1, freq="D", tz="UTC")
    levels = 100 * np.exp(np.vstack([np.zeros(returns.shape[1]), np.cumsum(returns, axis=0)]))
    return pd.DataFrame(levels, index=index, columns=columns)


def test_bundled_equities_move_together_and_against_treasuries(etf_closes: pd.DataFrame) -> None:
    matrices = CrossMarketCorrelationAnalyzer().calculate_correlations(etf_closes)

    assert sorted(matrices) == [20, 50, 100, 200]
    for corr in matrices.values():
        assert _at(corr, "SPY", "DIA") > 0.8
        assert _at(corr, "SPY", "XLK") > 0.6
        for stock in ("SPY", "DIA", "XLK"):
            assert _at(corr, stock, "TLT") < -0.2
        assert _at(corr, "TLT", "IEF") > 0.8
        assert np.allclose(corr.to_numpy(), corr.to_numpy().T, equal_nan=True)


def test_window_matrix_equals_pandas_on_the_last_window(etf_closes: pd.DataFrame) -> None:
    matrices = CrossMarketCorrelationAnalyzer(windows=(50,)).calculate_correlations(etf_closes)

    expected = _log_returns(etf_closes).iloc[-50:].corr()
    assert np.allclose(matrices[50].to_numpy(), expected.to_numpy(), atol=1e-10)


def test_pairwise_complete_correlation_matches_pandas_with_gaps() -> None:
    rng = np.random.default_rng(3)
    values = rng.standard_normal((120, 6))
    values[:, 1] += values[:, 0]
    values[rng.random(values.shape) < 0.2] = np.nan
    values[:100, 5] = np.nan  # only 20 rows left: below min_periods with column 0

    got = pairwise_correlation(values, min_periods=30)

    expected = pd.DataFrame(values).corr(min_periods=30).to_numpy()
    assert np.allclose(got, expected, atol=1e-10, equal_nan=True)
    assert np.isnan(got[0, 5])


def test_windows_longer_than_the_data_are_left_out() -> None:
    closes = _closes_from_returns(
        np.random.default_rng(1).normal(0, 0.01, (80, 3)), ["A", "B", "C"]
    )

    matrices = CrossMarketCorrelationAnalyzer().calculate_correlations(closes)

    assert sorted(matrices) == [20, 50]


def test_too_few_rows_says_how_many_are_needed() -> None:
    closes = _closes_from_returns(np.random.default_rng(1).normal(0, 0.01, (10, 2)), ["A", "B"])

    with pytest.raises(IntelligenceInputError, match=r"at least 21 rows.*found 11"):
        CrossMarketCorrelationAnalyzer().calculate_correlations(closes)


def test_correlated_pairs_are_strongest_first_and_respect_the_threshold(
    etf_closes: pd.DataFrame,
) -> None:
    analyzer = CrossMarketCorrelationAnalyzer(threshold=0.7)
    corr = analyzer.calculate_correlations(etf_closes)[200]

    pairs = analyzer.find_correlated_pairs(corr)

    strengths = [abs(p["correlation"]) for p in pairs]
    assert strengths == sorted(strengths, reverse=True)
    assert all(s >= 0.7 for s in strengths)
    assert {"symbol1", "symbol2", "correlation"} == set(pairs[0])
    assert {frozenset((p["symbol1"], p["symbol2"])) for p in pairs} >= {
        frozenset(("SPY", "DIA")),
        frozenset(("TLT", "IEF")),
    }
    assert len(analyzer.find_correlated_pairs(corr, threshold=0.99)) < len(pairs)


def test_rolling_correlation_matches_pandas(etf_closes: pd.DataFrame) -> None:
    analyzer = CrossMarketCorrelationAnalyzer()

    got = analyzer.rolling_correlation(etf_closes, "SPY", "TLT", 60)

    returns = _log_returns(etf_closes)
    expected = returns["SPY"].rolling(60, min_periods=30).corr(returns["TLT"])
    assert np.allclose(got.to_numpy(), expected.to_numpy(), equal_nan=True)


def test_unknown_symbol_is_named(etf_closes: pd.DataFrame) -> None:
    with pytest.raises(IntelligenceInputError, match="unknown symbol 'GLD'"):
        CrossMarketCorrelationAnalyzer().rolling_correlation(etf_closes, "SPY", "GLD", 20)


def test_average_correlation_series_equals_mean_of_window_matrices(
    etf_closes: pd.DataFrame,
) -> None:
    window = 40
    got = CrossMarketCorrelationAnalyzer().average_correlation_series(etf_closes, window)

    returns = _log_returns(etf_closes)
    off = ~np.eye(len(ETFS), dtype=bool)
    for end in (window, 300, 1000, len(returns) - 1):
        block = returns.iloc[end - window + 1 : end + 1].corr().to_numpy()
        assert got.iloc[end] == pytest.approx(block[off].mean(), abs=1e-9)
    assert got.iloc[:10].isna().all()


def test_average_correlation_with_missing_days_stays_close_to_pairwise(
    etf_closes: pd.DataFrame,
) -> None:
    gappy = etf_closes.copy()
    gappy.iloc[500:510, 0] = np.nan

    got = CrossMarketCorrelationAnalyzer().average_correlation_series(gappy, 60)

    returns = _log_returns(gappy).iloc[505 - 59 : 506]
    exact = returns.corr(min_periods=30).to_numpy()[~np.eye(len(ETFS), dtype=bool)].mean()
    assert got.iloc[505] == pytest.approx(exact, abs=0.03)


def test_correlation_regime_sees_correlation_rising() -> None:
    rng = np.random.default_rng(5)
    common = rng.standard_normal(300)
    loading = np.where(np.arange(300) >= 270, 0.95, 0.1)[:, None]
    returns = 0.01 * (
        loading * common[:, None] + np.sqrt(1 - loading**2) * rng.standard_normal((300, 4))
    )

    regime = CrossMarketCorrelationAnalyzer().correlation_regime(
        _closes_from_returns(returns, list("ABCD")), short_window=20, long_window=200
    )

    assert regime["state"] == "increasing"
    assert regime["short_avg"] > 0.7
    assert regime["long_avg"] < 0.4
    assert regime["change"] == pytest.approx(regime["short_avg"] - regime["long_avg"])


def test_correlation_regime_of_independent_markets_is_stable() -> None:
    returns = np.random.default_rng(6).normal(0, 0.01, (400, 10))

    regime = CrossMarketCorrelationAnalyzer().correlation_regime(
        _closes_from_returns(returns, [f"S{i}" for i in range(10)]),
        short_window=100,
        long_window=300,
    )

    assert regime["state"] == "stable"


def test_breakdown_alert_names_the_pair_that_decoupled() -> None:
    rng = np.random.default_rng(7)
    a = rng.standard_normal(300)
    b = 0.9 * a + np.sqrt(1 - 0.81) * rng.standard_normal(300)
    b[-20:] = rng.standard_normal(20)  # B stops following A in the last 20 bars
    c = 0.9 * a + np.sqrt(1 - 0.81) * rng.standard_normal(300)
    closes = _closes_from_returns(0.01 * np.column_stack([a, b, c]), ["A", "B", "C"])

    alerts = CrossMarketCorrelationAnalyzer(threshold=0.7).breakdown_alerts(closes)

    pairs = {frozenset((x["symbol1"], x["symbol2"])) for x in alerts}
    assert frozenset(("A", "B")) in pairs
    assert frozenset(("A", "C")) not in pairs
    alert = next(x for x in alerts if {x["symbol1"], x["symbol2"]} == {"A", "B"})
    assert alert["drop"] >= 0.3
    assert alert["long_corr"] >= 0.7
    assert alert["at"] == closes.index[-1]


def test_diversification_of_identical_series_is_zero() -> None:
    series = np.random.default_rng(8).normal(0, 0.01, (100, 1))
    closes = _closes_from_returns(np.hstack([series, series, series]), ["A", "B", "C"])
    analyzer = CrossMarketCorrelationAnalyzer(windows=(50,))
    corr = analyzer.calculate_correlations(closes)[50]

    assert analyzer.get_diversification_score(["A", "B", "C"], corr) == pytest.approx(0.0)


def test_diversification_of_uncorrelated_markets_is_near_one_and_weights_matter() -> None:
    corr = pd.DataFrame(
        [[1.0, 0.0, 0.9], [0.0, 1.0, 0.0], [0.9, 0.0, 1.0]],
        index=list("ABC"),
        columns=list("ABC"),
    )
    analyzer = CrossMarketCorrelationAnalyzer()

    assert analyzer.get_diversification_score(["A", "B"], corr) == pytest.approx(1.0)
    assert analyzer.get_diversification_score({"A": 0.5, "C": 0.5}, corr) == pytest.approx(0.1)
    mixed = analyzer.get_diversification_score({"A": 0.45, "B": 0.1, "C": 0.45}, corr)
    assert 0.1 < mixed < analyzer.get_diversification_score(["A", "B", "C"], corr)
    assert analyzer.get_diversification_score(["A"], corr) == 0.0


def test_bonds_diversify_an_equity_portfolio(etf_closes: pd.DataFrame) -> None:
    analyzer = CrossMarketCorrelationAnalyzer()
    corr = analyzer.calculate_correlations(etf_closes)[200]

    stocks_only = analyzer.get_diversification_score(["SPY", "DIA", "XLK"], corr)
    with_bonds = analyzer.get_diversification_score(["SPY", "DIA", "TLT", "IEF"], corr)

    assert stocks_only < 0.2
    assert with_bonds > stocks_only + 0.3


def test_diversification_rejects_a_symbol_outside_the_matrix(etf_closes: pd.DataFrame) -> None:
    analyzer = CrossMarketCorrelationAnalyzer()
    corr = analyzer.calculate_correlations(etf_closes)[20]

    with pytest.raises(IntelligenceInputError, match="'BTC-USD'"):
        analyzer.get_diversification_score({"SPY": 1.0, "BTC-USD": 1.0}, corr)
