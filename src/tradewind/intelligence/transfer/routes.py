"""Transfer routes (source market -> target market) and their measured out-of-sample value.

A trial is one out-of-sample prediction in the target market made with patterns learned
in the source market (`hit`), paired with the prediction the target's own patterns made
for the same bar (`baseline_hit`, the no-transfer baseline). The route's lift is
`hit_rate - baseline_hit_rate`; its 95% interval comes from a circular block bootstrap
over time (trials sharing a timestamp move together, blocks of `block_size` consecutive
timestamps keep autocorrelation and cross-sectional dependence inside each resample).

Route confidence (the discount applied to transferred patterns) is the route's measured
hit rate when the lift's interval lies above zero with at least `min_trials` trials, and
0 otherwise: a route that has not shown that it beats the target's own patterns does not
contribute.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from tradewind.domain.market import MarketClass
from tradewind.intelligence.returns import IntelligenceInputError

__all__ = [
    "DEFAULT_BLOCK_SIZE",
    "DEFAULT_MIN_TRIALS",
    "RouteTracker",
    "TransferRoute",
    "block_bootstrap_ci",
]

DEFAULT_MIN_TRIALS: Final = 30
DEFAULT_BLOCK_SIZE: Final = 20
DEFAULT_BOOTSTRAPS: Final = 2000


@dataclass(frozen=True, slots=True)
class TransferRoute:
    """Measured performance of transferring patterns from `source` to `target`."""

    source: MarketClass
    target: MarketClass
    trials: int
    hits: int
    baseline_hits: int
    lift_ci_low: float
    lift_ci_high: float
    min_trials: int = DEFAULT_MIN_TRIALS

    @property
    def hit_rate(self) -> float:
        return self.hits / self.trials if self.trials else float("nan")

    @property
    def baseline_hit_rate(self) -> float:
        return self.baseline_hits / self.trials if self.trials else float("nan")

    @property
    def lift(self) -> float:
        """Transferred hit rate minus the no-transfer baseline's, on the same trials."""
        return self.hit_rate - self.baseline_hit_rate

    @property
    def significant(self) -> bool:
        """Enough trials and a 95% lift interval entirely above zero."""
        return self.trials >= self.min_trials and self.lift_ci_low > 0.0

    @property
    def confidence(self) -> float:
        """The discount for transferred patterns: the hit rate if significant, else 0."""
        return self.hit_rate if self.significant else 0.0

    @property
    def name(self) -> str:
        return f"{self.source}->{self.target}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "route": self.name,
            "trials": self.trials,
            "hit_rate": self.hit_rate,
            "baseline_hit_rate": self.baseline_hit_rate,
            "lift": self.lift,
            "lift_ci": [self.lift_ci_low, self.lift_ci_high],
            "significant": self.significant,
            "confidence": self.confidence,
        }


def block_bootstrap_ci(
    hits: np.ndarray,
    baseline_hits: np.ndarray,
    groups: np.ndarray | None = None,
    *,
    block_size: int = DEFAULT_BLOCK_SIZE,
    n_boot: int = DEFAULT_BOOTSTRAPS,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile interval of `mean(hits) - mean(baseline_hits)` by circular block bootstrap.

    `groups` (e.g. timestamps; default: each trial alone, in order) are sorted and
    resampled in blocks of `block_size` consecutive groups. Returns (nan, nan) without
    trials.

    Raises:
        IntelligenceInputError: lengths differ or bad block/bootstrap sizes.
    """
    a = np.asarray(hits, dtype=np.float64)
    b = np.asarray(baseline_hits, dtype=np.float64)
    keys = np.arange(len(a)) if groups is None else np.asarray(groups)
    if not len(a) == len(b) == len(keys):
        raise IntelligenceInputError(
            f"block_bootstrap_ci: expected equal lengths, found {len(a)}, {len(b)}, {len(keys)}"
        )
    if block_size < 1 or n_boot < 10 or not 0 < level < 1:
        raise IntelligenceInputError(
            f"block_bootstrap_ci: block_size {block_size} (>= 1), n_boot {n_boot} (>= 10), "
            f"level {level} (0..1)"
        )
    if len(a) == 0:
        return float("nan"), float("nan")
    _, inverse = np.unique(keys, return_inverse=True)
    n_groups = int(inverse.max()) + 1
    diff = np.bincount(inverse, weights=a - b, minlength=n_groups)
    count = np.bincount(inverse, minlength=n_groups).astype(np.float64)
    block = min(block_size, n_groups)
    n_blocks = -(-n_groups // block)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n_groups, size=(n_boot, n_blocks))
    picks = ((starts[:, :, None] + np.arange(block)) % n_groups).reshape(n_boot, -1)[:, :n_groups]
    lifts = diff[picks].sum(axis=1) / count[picks].sum(axis=1)
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(lifts, [tail, 100.0 - tail])
    return float(low), float(high)


@dataclass(slots=True)
class _Trials:
    hits: list[np.ndarray] = field(default_factory=list)
    baseline: list[np.ndarray] = field(default_factory=list)
    groups: list[np.ndarray] = field(default_factory=list)
    count: int = 0
    cached: TransferRoute | None = None


class RouteTracker:
    """Accumulates trials per route and summarises them as `TransferRoute` values."""

    def __init__(
        self,
        *,
        min_trials: int = DEFAULT_MIN_TRIALS,
        block_size: int = DEFAULT_BLOCK_SIZE,
        n_boot: int = DEFAULT_BOOTSTRAPS,
        seed: int = 0,
    ) -> None:
        self.min_trials = min_trials
        self.block_size = block_size
        self.n_boot = n_boot
        self.seed = seed
        self._trials: dict[tuple[MarketClass, MarketClass], _Trials] = {}

    def record(
        self,
        source: MarketClass,
        target: MarketClass,
        hit: Any,
        baseline_hit: Any,
        at: Any = None,
    ) -> None:
        """Add one trial (bools) or many (equal-length arrays); `at` are their timestamps
        (datetime-likes or numbers, used to group trials for the bootstrap) or None
        (each trial its own group, in recording order).

        Raises:
            IntelligenceInputError: lengths differ or source equals target.
        """
        if source == target:
            raise IntelligenceInputError(f"route {source}->{target}: expected two markets")
        hits = np.atleast_1d(np.asarray(hit, dtype=bool))
        baseline = np.atleast_1d(np.asarray(baseline_hit, dtype=bool))
        trials = self._trials.setdefault((source, target), _Trials())
        groups = _group_keys(at, len(hits), trials.count)
        if not len(hits) == len(baseline) == len(groups):
            raise IntelligenceInputError(
                f"route {source}->{target}: expected as many baseline hits and timestamps as "
                f"hits ({len(hits)}), found {len(baseline)} and {len(groups)}"
            )
        trials.hits.append(hits)
        trials.baseline.append(baseline)
        trials.groups.append(groups)
        trials.count += len(hits)
        trials.cached = None

    def route(self, source: MarketClass, target: MarketClass) -> TransferRoute:
        """The route's summary (zero trials and confidence 0 when never measured)."""
        trials = self._trials.get((source, target))
        if trials is None or trials.count == 0:
            nan = float("nan")
            return TransferRoute(source, target, 0, 0, 0, nan, nan, self.min_trials)
        if trials.cached is None:
            hits = np.concatenate(trials.hits)
            baseline = np.concatenate(trials.baseline)
            low, high = block_bootstrap_ci(
                hits,
                baseline,
                np.concatenate(trials.groups),
                block_size=self.block_size,
                n_boot=self.n_boot,
                seed=self.seed,
            )
            trials.cached = TransferRoute(
                source,
                target,
                trials.count,
                int(hits.sum()),
                int(baseline.sum()),
                low,
                high,
                self.min_trials,
            )
        return trials.cached

    def routes(self) -> list[TransferRoute]:
        """Every measured route, by name."""
        found = [self.route(s, t) for s, t in self._trials]
        return sorted(found, key=lambda r: r.name)


def _group_keys(at: Any, n: int, offset: int) -> np.ndarray:
    if at is None:
        # Sequence numbers sort before any real timestamp (ns since 1970 are > -2**62).
        return np.arange(offset, offset + n, dtype=np.int64) - 2**62
    values = np.atleast_1d(np.asarray(at))
    if np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[ns]").astype(np.int64)
    if values.dtype == object:
        return pd.DatetimeIndex(pd.to_datetime(values, utc=True)).as_unit("ns").asi8
    return values.astype(np.int64)
