"""Multi-market intelligence (MMIN) with the source documents' API shapes.

    >>> from tradewind.mmin import MMINEngine
    >>> engine = MMINEngine(config={"mode": "balanced", "intelligence_level": "advanced"})
    >>> result = engine.analyze_markets(timeframe="1d", limit=500)   # doctest: +SKIP
    >>> engine.get_status()["analysis_count"]                         # doctest: +SKIP
    1

A façade over `intelligence`, `capital` (the global capital router) and `data` (the one
data preparation); it sits below `app` and imports nothing above `research`. Enum
values print in lower case in the status (`document_value`), as the documents print them.
"""

from tradewind.config import IntelligenceLevel, MMINConfig, MMINMode
from tradewind.domain.regimes import MacroRegime, MarketRegime, VolatilityState
from tradewind.mmin.collector import MultiMarketDataCollector, SynchronizedData
from tradewind.mmin.engine import MIN_SIGNAL_CONFIDENCE, MMINEngine, MMINError
from tradewind.mmin.results import (
    AnalysisResult,
    CapitalAllocation,
    Clusters,
    Correlations,
    DataQuality,
    LeadLagRow,
    MarketSignal,
    PatternMatch,
    RouteRow,
)
from tradewind.mmin.settings import MMINConfigError
from tradewind.mmin.status import document_value
from tradewind.version import get_full_version_info, get_version_string

__all__ = [
    "GIT_COMMIT_SHORT",
    "MIN_SIGNAL_CONFIDENCE",
    "AnalysisResult",
    "CapitalAllocation",
    "Clusters",
    "Correlations",
    "DataQuality",
    "IntelligenceLevel",
    "LeadLagRow",
    "MMINConfig",
    "MMINConfigError",
    "MMINEngine",
    "MMINError",
    "MMINMode",
    "MacroRegime",
    "MarketRegime",
    "MarketSignal",
    "MultiMarketDataCollector",
    "PatternMatch",
    "RouteRow",
    "SynchronizedData",
    "VolatilityState",
    "document_value",
    "get_full_version_info",
    "get_version_string",
]


_BUILD_CONSTANTS = ("VERSION", "GIT_BRANCH", "GIT_COMMIT", "GIT_COMMIT_SHORT", "BUILD_TIMESTAMP")


def __getattr__(name: str) -> str:
    # GIT_COMMIT_SHORT and the other build constants are read on first use.
    if name in _BUILD_CONSTANTS:
        from tradewind import version

        return str(getattr(version, name))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
