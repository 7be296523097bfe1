"""The analyzer's parameters and input checks, and an end-to-end run on bundled data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradewind.data.catalog import Catalog
from tradewind.domain.errors import TradewindError
from tradewind.intelligence.analyzer import CrossMarketCorrelationAnalyzer
from tradewind.intelligence.returns import IntelligenceInputError


def _closes(rows: int = 300, columns: int = 3) -> pd.DataFrame:
    steps = np.random.default_rng(0).normal(0, 0.01, (rows, columns))
    return pd.DataFrame(
        100 * np.exp(np.cumsum(steps, axis=0)),
        index=pd.date_range("2024-01-01", periods=rows, freq="D", tz="UTC"),
        columns=[f"S{i}" for i in range(columns)],
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"windows": ()}, "windows"),
        ({"windows": (2, 20)}, "windows"),
        ({"threshold": 1.5}, "threshold 1.5"),
        ({"fdr_alpha": 0.0}, "fdr_alpha 0.0"),
        ({"max_lag": 0}, "max_lag 0"),
        ({"vol_window": 1}, "vol_window 1"),
    ],
)
def test_out_of_range_parameters_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(IntelligenceInputError, match=message):
        CrossMarketCorrelationAnalyzer(**kwargs)


def test_windows_are_sorted_and_deduplicated() -> None:
    assert CrossMarketCorrelationAnalyzer(windows=(100, 20, 100)).windows == (20, 100)


def test_input_errors_are_tradewind_errors_naming_the_method() -> None:
    analyzer = CrossMarketCorrelationAnalyzer()
    unsorted = _closes().iloc[::-1]
    doubled = pd.concat([_closes()["S0"], _closes()["S0"]], axis=1)

    with pytest.raises(TradewindError, match="calculate_correlations: expected an ascending"):
        analyzer.calculate_correlations(unsorted)
    with pytest.raises(IntelligenceInputError, match="symbol 'S0' appears twice"):
        analyzer.calculate_correlations(doubled)
    with pytest.raises(IntelligenceInputError, match="expected a wide closes DataFrame"):
        analyzer.scan_lead_lag(np.ones((10, 2)))  # type: ignore[arg-type]
    with pytest.raises(IntelligenceInputError, match="short_window < long_window"):
        analyzer.correlation_regime(_closes(), short_window=50, long_window=20)


def test_non_positive_prices_are_named() -> None:
    closes = _closes()
    closes.iloc[5, 1] = 0.0

    with pytest.raises(IntelligenceInputError, match="closes\\['S1'\\]"):
        CrossMarketCorrelationAnalyzer().calculate_correlations(closes)


def test_one_pass_over_bundled_cross_asset_data() -> None:
    catalog = Catalog()
    symbols = ["SPY", "XLE", "EEM", "TLT", "LQD"]
    closes = pd.DataFrame(
        {s: catalog.load_bars(s, timeframe="1d").set_index("timestamp")["close"] for s in symbols}
    )
    analyzer = CrossMarketCorrelationAnalyzer()

    matrices = analyzer.calculate_correlations(closes)
    clusters = analyzer.cluster_markets(matrices[200])
    regime = analyzer.correlation_regime(closes)
    timeline = analyzer.average_correlation_series(closes, 50)

    assert set(clusters["labels"]) == set(symbols)
    assert clusters["labels"]["TLT"] == clusters["labels"]["LQD"] != clusters["labels"]["SPY"]
    assert regime["state"] in {"increasing", "decreasing", "stable"}
    assert timeline.index.equals(closes.index)
    # 2008: the crisis pushed cross-asset correlation up against the calm of 2014.
    assert timeline.loc["2008-10"].mean() > timeline.loc["2014"].mean()
