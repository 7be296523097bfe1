"""Learned patterns (a feature vector and what followed it) and nearest-neighbour search.

Distances are Euclidean on features standardized by the library's own mean and standard
deviation (so no single feature dominates); `similarity = 1 / (1 + d / sqrt(F))` with F
the number of features, 1 for an identical vector and 0.5 one standard deviation away
on every feature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sklearn.neighbors import NearestNeighbors

from tradewind.domain.market import MarketClass
from tradewind.intelligence.returns import IntelligenceInputError

__all__ = ["Pattern", "PatternLibrary", "PatternMatch", "knn_direction"]


@dataclass(frozen=True, slots=True)
class Pattern:
    """A feature vector seen in `market` and the outcome that followed.

    `outcome` is signed (e.g. the forward return, or +1 win / -1 loss); its sign is the
    pattern's `direction`. `confidence` in [0, 1]: 1 for a pattern learned in its own
    market, discounted when transferred (`source_market` is then where it was learned).
    """

    pattern_id: str
    market: MarketClass
    pattern_type: str
    features: tuple[float, ...]
    outcome: float
    confidence: float = 1.0
    source_market: MarketClass | None = None
    learned_at: datetime | None = None

    def __post_init__(self) -> None:
        if not all(math.isfinite(v) for v in self.features) or not self.features:
            raise IntelligenceInputError(
                f"pattern {self.pattern_id}: expected finite features, found {self.features}"
            )
        if not math.isfinite(self.outcome):
            raise IntelligenceInputError(
                f"pattern {self.pattern_id}: expected a finite outcome, found {self.outcome}"
            )
        if not 0.0 <= self.confidence <= 1.0:
            raise IntelligenceInputError(
                f"pattern {self.pattern_id}: confidence {self.confidence} not in [0, 1]"
            )

    @property
    def direction(self) -> int:
        """+1 when the outcome was positive, -1 when negative, 0 when flat."""
        return int(np.sign(self.outcome))

    @property
    def origin(self) -> MarketClass:
        """Where the pattern was learned (its source market, or its market if native)."""
        return self.source_market or self.market


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """A stored pattern near the query: distance (standardized units), similarity in
    (0, 1], and confidence = similarity x pattern confidence x route confidence."""

    pattern: Pattern
    distance: float
    similarity: float
    confidence: float


class PatternLibrary:
    """Stored patterns with a lazily rebuilt nearest-neighbour index."""

    def __init__(self) -> None:
        self._patterns: list[Pattern] = []
        self._index: dict[tuple[str, ...] | None, _Index] = {}

    def __len__(self) -> int:
        return len(self._patterns)

    @property
    def patterns(self) -> tuple[Pattern, ...]:
        return tuple(self._patterns)

    def add(self, pattern: Pattern) -> None:
        """Store a pattern.

        Raises:
            IntelligenceInputError: its feature count differs from the stored patterns'.
        """
        if self._patterns and len(pattern.features) != len(self._patterns[0].features):
            raise IntelligenceInputError(
                f"pattern {pattern.pattern_id}: expected {len(self._patterns[0].features)} "
                f"features like the stored patterns, found {len(pattern.features)}"
            )
        self._patterns.append(pattern)
        self._index.clear()

    def nearest(
        self, vector: np.ndarray, k: int, pattern_types: tuple[str, ...] | None = None
    ) -> list[tuple[Pattern, float, float]]:
        """Up to `k` stored patterns nearest `vector`: (pattern, distance, similarity)."""
        key = None if pattern_types is None else tuple(sorted(pattern_types))
        index = self._index.get(key)
        if index is None:
            chosen = [
                p
                for p in self._patterns
                if pattern_types is None or p.pattern_type in pattern_types
            ]
            index = _Index(chosen)
            self._index[key] = index
        return index.query(vector, k)


class _Index:
    def __init__(self, patterns: list[Pattern]) -> None:
        self.patterns = patterns
        self.model: Any = None
        if patterns:
            matrix = np.array([p.features for p in patterns], dtype=np.float64)
            self.mean, self.scale = _standardizer(matrix)
            self.model = NearestNeighbors().fit((matrix - self.mean) / self.scale)

    def query(self, vector: np.ndarray, k: int) -> list[tuple[Pattern, float, float]]:
        if self.model is None or k < 1:
            return []
        point = (np.asarray(vector, dtype=np.float64) - self.mean) / self.scale
        n = min(k, len(self.patterns))
        distances, rows = self.model.kneighbors(point[None, :], n_neighbors=n)
        dims = math.sqrt(point.shape[0])
        return [
            (self.patterns[int(r)], float(d), 1.0 / (1.0 + float(d) / dims))
            for d, r in zip(distances[0], rows[0], strict=True)
        ]


def knn_direction(
    library: np.ndarray, outcomes: np.ndarray, queries: np.ndarray, k: int
) -> np.ndarray:
    """Majority direction (+1 / -1) of the `k` nearest library rows for each query row.

    The vectorized form of a pattern vote, for evaluations: `library` (L x F) and
    `queries` (Q x F) are standardized by the library's mean and deviation; outcomes are
    signs (flat counts as down). An odd `k` avoids ties; a tie votes down.

    Raises:
        IntelligenceInputError: empty library, shape mismatch or k < 1.
    """
    if k < 1 or len(library) == 0 or library.shape[1] != queries.shape[1]:
        raise IntelligenceInputError(
            f"knn_direction: expected k >= 1 and a non-empty library with the queries' "
            f"{queries.shape[1]} features, found k={k}, library {library.shape}"
        )
    if len(queries) == 0:
        return np.zeros(0, dtype=np.int8)
    mean, scale = _standardizer(library)
    model = NearestNeighbors(n_neighbors=min(k, len(library))).fit((library - mean) / scale)
    rows = model.kneighbors((queries - mean) / scale, return_distance=False)
    votes = np.where(np.asarray(outcomes)[rows] > 0, 1, -1).sum(axis=1)
    return np.where(votes > 0, 1, -1).astype(np.int8)


def _standardizer(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    return mean, np.where(scale > 0, scale, 1.0)
