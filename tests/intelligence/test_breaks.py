"""Correlation breaks: change points in a symbol's correlation with its closest peer."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradewind.data.catalog import Catalog
from tradewind.intelligence.analyzer import BREAK_COLUMNS, CrossMarketCorrelationAnalyzer
from tradewind.intelligence.breaks import sup_wald_p_value
from tradewind.intelligence.returns import IntelligenceInputError

ETFS = ["SPY", "DIA", "XLK", "XLF", "XLE", "EEM", "EFA", "TLT", "IEF", "LQD"]


@pytest.fixture(scope="module")
def etf_closes() -> pd.DataFrame:
    catalog = Catalog()
    return pd.DataFrame(
        {s: catalog.load_bars(s, timeframe="1d").set_index("timestamp")["close"] for s in ETFS}
    )


def _switching(reference: pd.Series, bar: int, before: float, after: float, seed: int) -> pd.Series:
    """Closes correlated `before` with `reference`'s returns until `bar`, `after` from it."""
    returns = np.log(reference).diff().fillna(0.0).to_numpy()
    rng = np.random.default_rng(seed)
    rho = np.where(np.arange(len(returns)) < bar, before, after)
    own = rng.standard_normal(len(returns)) * np.abs(returns).mean() * np.sqrt(np.pi / 2)
    mixed = rho * returns + np.sqrt(1 - rho**2) * own
    mixed[0] = 0.0
    return pd.Series(30 * np.exp(np.cumsum(mixed)), index=reference.index)


def _factor_panel(loadings: dict[str, float], rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factor = rng.standard_normal(rows)
    columns = {}
    for name, loading in loadings.items():
        shock = loading * factor + np.sqrt(1 - loading**2) * rng.standard_normal(rows)
        columns[name] = 100 * np.exp(np.cumsum(0.01 * shock))
    columns["F"] = 100 * np.exp(np.cumsum(0.01 * factor))
    index = pd.date_range("2023-01-01", periods=rows, freq="h", tz="UTC")
    return pd.DataFrame(columns, index=index)


def test_planted_breaks_in_real_data_are_found_near_their_bar(etf_closes: pd.DataFrame) -> None:
    data = etf_closes.assign(
        FLIP=_switching(etf_closes["SPY"], 1200, 0.75, -0.5, seed=1),
        CUT=_switching(etf_closes["TLT"], 800, 0.8, 0.0, seed=2),
    )

    found = CrossMarketCorrelationAnalyzer().detect_correlation_breaks(
        data, symbols=["FLIP", "CUT"]
    )

    assert list(found.columns) == BREAK_COLUMNS
    rows: dict[str, Any] = {r["symbol"]: r for r in found.to_dict("records")}
    assert set(rows) == {"FLIP", "CUT"}
    flip, cut = rows["FLIP"], rows["CUT"]
    assert abs(flip["bar"] - 1200) <= 10
    assert abs(cut["bar"] - 800) <= 10
    assert flip["reference"] in {"SPY", "DIA", "XLK", "XLF", "EFA"}
    assert cut["reference"] in {"TLT", "IEF"}
    assert flip["corr_before"] > 0.5
    assert flip["corr_after"] < -0.3
    assert flip["time"] == data.index[flip["bar"]]


def test_stable_correlations_raise_no_alarm() -> None:
    loadings = {f"S{i}": 0.3 + 0.05 * i for i in range(10)}

    found = CrossMarketCorrelationAnalyzer().detect_correlation_breaks(
        _factor_panel(loadings, 1500, seed=3)
    )

    assert found.empty
    assert list(found.columns) == BREAK_COLUMNS


def test_the_peer_of_a_breaking_symbol_is_not_blamed() -> None:
    panel = _factor_panel({f"S{i}": 0.55 for i in range(6)}, 1500, seed=4)
    panel["B"] = _switching(panel["F"], 700, 0.9, -0.6, seed=5)  # F's closest peer

    found = CrossMarketCorrelationAnalyzer().detect_correlation_breaks(panel)

    assert found["symbol"].tolist() == ["B"]
    assert abs(int(found["bar"].iloc[0]) - 700) <= 10


def test_bar_counts_the_symbols_own_bars_on_a_union_grid() -> None:
    panel = _factor_panel({f"S{i}": 0.6 for i in range(5)}, 1500, seed=6)
    panel["B"] = _switching(panel["F"], 900, 0.8, -0.6, seed=7)
    panel.loc[panel.index[:100], "B"] = np.nan  # B starts 100 rows later

    found = CrossMarketCorrelationAnalyzer().detect_correlation_breaks(panel, symbols=["B"])

    assert abs(int(found["bar"].iloc[0]) - 800) <= 10
    assert found["time"].iloc[0] == panel.index[int(found["bar"].iloc[0]) + 100]


def test_sup_wald_p_value_reproduces_andrews_critical_values() -> None:
    assert sup_wald_p_value(8.85, 0.15) == pytest.approx(0.05, abs=0.003)
    assert sup_wald_p_value(12.35, 0.15) == pytest.approx(0.01, abs=0.001)
    assert sup_wald_p_value(0.5, 0.15) == 1.0


def test_breaks_need_two_windows_of_rows_and_known_symbols() -> None:
    panel = _factor_panel({"A": 0.5}, 80, seed=1)
    analyzer = CrossMarketCorrelationAnalyzer()

    with pytest.raises(IntelligenceInputError, match=r"at least 102 rows .*found 80"):
        analyzer.detect_correlation_breaks(panel)
    with pytest.raises(IntelligenceInputError, match="unknown symbol 'Z'"):
        analyzer.detect_correlation_breaks(panel, symbols=["Z"], window=20)
    with pytest.raises(IntelligenceInputError, match="at least 2 symbols"):
        analyzer.detect_correlation_breaks(panel[["A"]], window=20)
