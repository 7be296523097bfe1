"""Hierarchical clustering of markets on correlation distance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tradewind.data.catalog import Catalog
from tradewind.intelligence.analyzer import CrossMarketCorrelationAnalyzer
from tradewind.intelligence.returns import IntelligenceInputError

STOCKS = ["SPY", "DIA", "XLK", "XLF", "EEM", "EFA"]
BONDS = ["TLT", "IEF"]


@pytest.fixture(scope="module")
def etf_corr() -> pd.DataFrame:
    catalog = Catalog()
    closes = pd.DataFrame(
        {
            s: catalog.load_bars(s, timeframe="1d").set_index("timestamp")["close"]
            for s in STOCKS + BONDS
        }
    )
    return CrossMarketCorrelationAnalyzer().calculate_correlations(closes)[200]


def test_bundled_stocks_and_treasuries_form_two_clusters(etf_corr: pd.DataFrame) -> None:
    clusters = CrossMarketCorrelationAnalyzer().cluster_markets(etf_corr)

    labels = clusters["labels"]
    assert len({labels[s] for s in STOCKS}) == 1
    assert len({labels[s] for s in BONDS}) == 1
    assert labels["SPY"] != labels["TLT"]
    assert sorted(set(labels.values())) == [0, 1]


def test_dendrogram_order_keeps_each_cluster_contiguous(etf_corr: pd.DataFrame) -> None:
    clusters = CrossMarketCorrelationAnalyzer().cluster_markets(etf_corr)

    order = clusters["order"]
    assert sorted(order) == sorted(STOCKS + BONDS)
    bond_positions = sorted(order.index(s) for s in BONDS)
    assert bond_positions[-1] - bond_positions[0] == len(BONDS) - 1
    assert clusters["linkage"].shape == (len(order) - 1, 4)


def test_max_clusters_and_distance_threshold_cut_the_tree(etf_corr: pd.DataFrame) -> None:
    analyzer = CrossMarketCorrelationAnalyzer()

    one = analyzer.cluster_markets(etf_corr, max_clusters=1)
    fine = analyzer.cluster_markets(etf_corr, distance_threshold=0.05)

    assert set(one["labels"].values()) == {0}
    assert len(set(fine["labels"].values())) == len(etf_corr)


def test_independent_markets_stay_apart() -> None:
    corr = pd.DataFrame(np.eye(4), index=list("ABCD"), columns=list("ABCD"))

    labels = CrossMarketCorrelationAnalyzer().cluster_markets(corr)["labels"]

    assert sorted(labels.values()) == [0, 1, 2, 3]


def test_clustering_rejects_a_matrix_that_is_not_square() -> None:
    corr = pd.DataFrame(np.eye(3)[:2], columns=list("ABC"))

    with pytest.raises(IntelligenceInputError, match="square"):
        CrossMarketCorrelationAnalyzer().cluster_markets(corr)
