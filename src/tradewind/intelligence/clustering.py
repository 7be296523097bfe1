"""Hierarchical clustering of markets on correlation distance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, leaves_list, linkage
from scipy.spatial.distance import squareform

from tradewind.intelligence.returns import IntelligenceInputError

__all__ = ["DEFAULT_DISTANCE_THRESHOLD", "MarketClusters", "cluster_correlations"]

DEFAULT_DISTANCE_THRESHOLD = 1.0
"""Average-linkage cut: distance 1.0 is a correlation of 0.5 (`sqrt(2 (1 - 0.5))`)."""


@dataclass(frozen=True, slots=True)
class MarketClusters:
    """Cluster id per symbol (0-based, numbered in dendrogram order), the scipy linkage
    matrix and the dendrogram leaf order (symbols, for heatmap rows and columns)."""

    labels: dict[str, int]
    linkage: np.ndarray
    order: list[str]


def cluster_correlations(
    corr: pd.DataFrame,
    *,
    max_clusters: int | None = None,
    distance_threshold: float | None = None,
) -> MarketClusters:
    """Average-linkage clustering on the distance `sqrt(2 (1 - rho))` (0 .. 2).

    `max_clusters` cuts the tree into at most that many clusters; otherwise the tree is
    cut at `distance_threshold` (default `DEFAULT_DISTANCE_THRESHOLD`). Unknown (NaN)
    correlations count as 0 (distance sqrt(2)).

    Raises:
        IntelligenceInputError: the matrix is not square with matching labels, or the
            cut parameters are out of range.
    """
    symbols = [str(c) for c in corr.columns]
    if corr.shape[0] != corr.shape[1] or [str(i) for i in corr.index] != symbols:
        raise IntelligenceInputError(
            f"corr_matrix: expected a square matrix with the same symbols on both axes, "
            f"found shape {corr.shape}"
        )
    if max_clusters is not None and max_clusters < 1:
        raise IntelligenceInputError(f"max_clusters {max_clusters}: expected at least 1")
    if distance_threshold is not None and not 0 <= distance_threshold <= 2:
        raise IntelligenceInputError(
            f"distance_threshold {distance_threshold}: expected 0..2 (correlation distance)"
        )
    if len(symbols) == 1:
        return MarketClusters({symbols[0]: 0}, np.empty((0, 4)), symbols)
    rho = np.nan_to_num(corr.to_numpy(dtype=np.float64, na_value=np.nan), nan=0.0)
    rho = np.clip((rho + rho.T) / 2.0, -1.0, 1.0)
    distance = np.sqrt(2.0 * (1.0 - rho))
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    if max_clusters is not None:
        raw = fcluster(tree, t=max_clusters, criterion="maxclust")
    else:
        cut = DEFAULT_DISTANCE_THRESHOLD if distance_threshold is None else distance_threshold
        raw = fcluster(tree, t=cut, criterion="distance")
    leaves = leaves_list(tree)
    # Renumber clusters 0.. in order of first appearance along the dendrogram.
    renumber: dict[int, int] = {}
    for leaf in leaves:
        renumber.setdefault(int(raw[leaf]), len(renumber))
    labels = {symbols[i]: renumber[int(raw[i])] for i in range(len(symbols))}
    return MarketClusters(labels, tree, [symbols[i] for i in leaves])
