"""Transfer learning across markets: scale-free features, patterns, routes, the engine."""

from tradewind.intelligence.transfer.engine import TransferLearningEngine
from tradewind.intelligence.transfer.features import (
    FEATURE_NAMES,
    MATCH_FEATURES,
    WARMUP_BARS,
    extract_features,
)
from tradewind.intelligence.transfer.patterns import (
    Pattern,
    PatternLibrary,
    PatternMatch,
    knn_direction,
)
from tradewind.intelligence.transfer.routes import (
    RouteTracker,
    TransferRoute,
    block_bootstrap_ci,
)

__all__ = [
    "FEATURE_NAMES",
    "MATCH_FEATURES",
    "WARMUP_BARS",
    "Pattern",
    "PatternLibrary",
    "PatternMatch",
    "RouteTracker",
    "TransferLearningEngine",
    "TransferRoute",
    "block_bootstrap_ci",
    "extract_features",
    "knn_direction",
]
