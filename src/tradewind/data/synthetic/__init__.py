"""Seeded synthetic markets with planted, recorded truth.

`generate(SyntheticSpec(n_symbols=100, n_bars=10_000, seed=7))` returns normalized bar
frames for symbols spread across market classes (each on its class's calendar) and a
`SyntheticTruth` describing what was planted: market regimes with known bars, lead-lag
pairs with known lags, correlation breaks at known bars, and GARCH(1,1) volatility
clustering. `write_to_catalog` streams large universes (1,000 x 100,000 bars) into a
catalog batch by batch and stores the truth as `_synthetic/<name>/truth.json`.
Definitions used by the truth (returns, lags, break bars) are in `truth`'s docstring.
"""

from tradewind.data.synthetic.generator import (
    SyntheticMarket,
    default_batch_size,
    generate,
    iter_batches,
    synthetic_returns,
    truth_path,
    write_to_catalog,
)
from tradewind.data.synthetic.spec import (
    CLASS_PROFILES,
    DEFAULT_CLASSES,
    REGIME_LABELS,
    REGIME_PARAMS,
    ClassProfile,
    RegimeParams,
    SyntheticSpec,
    SyntheticSpecError,
)
from tradewind.data.synthetic.truth import (
    CalendarGroupTruth,
    CorrelationBreak,
    LeadLagPair,
    RegimeSpan,
    SymbolTruth,
    SyntheticTruth,
    VolatilityModel,
    load_truth,
    save_truth,
)

__all__ = [
    "CLASS_PROFILES",
    "DEFAULT_CLASSES",
    "REGIME_LABELS",
    "REGIME_PARAMS",
    "CalendarGroupTruth",
    "ClassProfile",
    "CorrelationBreak",
    "LeadLagPair",
    "RegimeParams",
    "RegimeSpan",
    "SymbolTruth",
    "SyntheticMarket",
    "SyntheticSpec",
    "SyntheticSpecError",
    "SyntheticTruth",
    "VolatilityModel",
    "default_batch_size",
    "generate",
    "iter_batches",
    "load_truth",
    "save_truth",
    "synthetic_returns",
    "truth_path",
    "write_to_catalog",
]
