"""Planted truth: lead-lag and correlation-break detection measured on a synthetic market.

The synthetic generator (`tradewind.data.synthetic`) plants lead-lag pairs with known
lags and correlation breaks at known bars, and records them in its truth. Here the
detectors see only the generated closes; their findings are then scored against the
truth.

Method:

* Lags are bars of a calendar's own grid (a pair shares a calendar, so identical bar
  timestamps). The closes are therefore split into grid groups: symbols whose bar
  timestamps are identical, found from the frames themselves (not from the truth),
  and each group is scanned on its own bar grid. Scanning a union grid instead would
  count the NaN rows of closed sessions as bars and misstate every lag outside 24/7
  markets; a careful user scans each calendar on its own grid the same way.
* Lead-lag: `scan_lead_lag` on every group, default analyzer settings (FDR 5 %,
  max lag 5). A reported (leader, follower) is a true positive when it is a planted
  pair in that direction; `lag_exact` counts true positives at exactly the planted lag.
* Breaks: `detect_correlation_breaks` on every group; the family-wise false-alarm rate
  `BREAK_ALPHA` is split evenly over the groups. A detection on a planted symbol within
  `tolerance_bars` of the planted bar is a hit; a detection on any other symbol is a
  false alarm; one on a planted symbol but further away is mislocated. `delay` is
  detected bar - planted bar (negative: the estimate is early).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from tradewind.data.synthetic import SyntheticMarket, SyntheticSpec, generate
from tradewind.intelligence.analyzer import CrossMarketCorrelationAnalyzer

__all__ = [
    "BREAK_ALPHA",
    "DEFAULT_SPEC",
    "BreakFigures",
    "LeadLagFigures",
    "PlantedFigures",
    "PooledFigures",
    "grid_groups",
    "measure_breaks",
    "measure_lead_lag",
    "measure_planted",
    "measure_planted_seeds",
]

DEFAULT_SPEC = SyntheticSpec(n_symbols=120, n_bars=4000, timeframe="1h", seed=7)
"""120 symbols on three calendars (24/7: 4,000 bars, FX: about 2,850, XNYS: about 800)."""

BREAK_ALPHA = 0.01
"""Family-wise false-alarm rate of the break scan over the whole universe."""


@dataclass(frozen=True, slots=True)
class LeadLagFigures:
    """Lead-lag detection against the planted pairs."""

    n_planted: int
    n_detected: int
    true_positives: int
    false_positives: int
    lag_exact: int
    precision: float
    recall: float
    seconds: float


@dataclass(frozen=True, slots=True)
class BreakFigures:
    """Correlation-break detection against the planted breaks (delays in bars)."""

    n_planted: int
    n_detected: int
    hits: int
    mislocated: int
    false_alarms: int
    recall: float
    mean_abs_delay_bars: float
    max_abs_delay_bars: int
    mean_delay_bars: float
    tolerance_bars: int
    seconds: float


@dataclass(frozen=True, slots=True)
class PlantedFigures:
    """Both measurements on one synthetic market."""

    n_symbols: int
    n_bars: int
    timeframe: str
    seed: int
    n_groups: int
    lead_lag: LeadLagFigures
    breaks: BreakFigures


def grid_groups(frames: Mapping[str, pd.DataFrame]) -> list[pd.DataFrame]:
    """Wide closes frames, one per set of symbols with identical bar timestamps.

    Each frame is indexed by those timestamps; groups come in order of first symbol.
    """
    groups: dict[bytes, dict[str, np.ndarray]] = {}
    stamps: dict[bytes, pd.DatetimeIndex] = {}
    for symbol, frame in frames.items():
        index = pd.DatetimeIndex(frame["timestamp"])
        key = index.asi8.tobytes()
        groups.setdefault(key, {})[symbol] = frame["close"].to_numpy(dtype=np.float64)
        stamps.setdefault(key, index)
    return [pd.DataFrame(cols, index=stamps[key]) for key, cols in groups.items()]


def measure_lead_lag(
    market: SyntheticMarket, analyzer: CrossMarketCorrelationAnalyzer | None = None
) -> LeadLagFigures:
    """Scan every grid group for lead-lag and score the findings against the truth."""
    analyzer = analyzer or CrossMarketCorrelationAnalyzer()
    planted = {(p.leader, p.follower): p.lag_bars for p in market.truth.lead_lag}
    started = time.perf_counter()
    found = [analyzer.scan_lead_lag(closes) for closes in grid_groups(market.frames)]
    seconds = time.perf_counter() - started
    rows = [
        (str(leader), str(follower), int(lag))
        for table in found
        for leader, follower, lag in zip(
            table["leader"], table["follower"], table["lag"], strict=True
        )
    ]
    hits = [(pair, lag) for *pair, lag in rows if tuple(pair) in planted]
    exact = sum(planted[(leader, follower)] == lag for (leader, follower), lag in hits)
    return LeadLagFigures(
        n_planted=len(planted),
        n_detected=len(rows),
        true_positives=len(hits),
        false_positives=len(rows) - len(hits),
        lag_exact=exact,
        precision=len(hits) / len(rows) if rows else float("nan"),
        recall=len(hits) / len(planted) if planted else float("nan"),
        seconds=seconds,
    )


def measure_breaks(
    market: SyntheticMarket,
    analyzer: CrossMarketCorrelationAnalyzer | None = None,
    *,
    tolerance_bars: int = 10,
) -> BreakFigures:
    """Scan every grid group for correlation breaks and score them against the truth."""
    analyzer = analyzer or CrossMarketCorrelationAnalyzer()
    planted = {b.symbol: b.bar for b in market.truth.breaks}
    groups = grid_groups(market.frames)
    started = time.perf_counter()
    found = [
        analyzer.detect_correlation_breaks(closes, alpha=BREAK_ALPHA / len(groups))
        for closes in groups
    ]
    seconds = time.perf_counter() - started
    detections = [
        (str(symbol), int(bar))
        for table in found
        for symbol, bar in zip(table["symbol"], table["bar"], strict=True)
    ]
    delays = [bar - planted[symbol] for symbol, bar in detections if symbol in planted]
    hit_delays = [d for d in delays if abs(d) <= tolerance_bars]
    return BreakFigures(
        n_planted=len(planted),
        n_detected=len(detections),
        hits=len(hit_delays),
        mislocated=len(delays) - len(hit_delays),
        false_alarms=len(detections) - len(delays),
        recall=len(hit_delays) / len(planted) if planted else float("nan"),
        mean_abs_delay_bars=float(np.mean(np.abs(hit_delays))) if hit_delays else float("nan"),
        max_abs_delay_bars=int(np.max(np.abs(hit_delays))) if hit_delays else 0,
        mean_delay_bars=float(np.mean(hit_delays)) if hit_delays else float("nan"),
        tolerance_bars=tolerance_bars,
        seconds=seconds,
    )


def measure_planted(
    spec: SyntheticSpec = DEFAULT_SPEC,
    analyzer: CrossMarketCorrelationAnalyzer | None = None,
) -> PlantedFigures:
    """Generate `spec` and measure lead-lag and break detection on it."""
    market = generate(spec)
    return PlantedFigures(
        n_symbols=spec.n_symbols,
        n_bars=spec.n_bars,
        timeframe=str(spec.tf),
        seed=spec.seed,
        n_groups=len(grid_groups(market.frames)),
        lead_lag=measure_lead_lag(market, analyzer),
        breaks=measure_breaks(market, analyzer),
    )


@dataclass(frozen=True, slots=True)
class PooledFigures:
    """Figures pooled over several seeds of one spec (counts summed before dividing)."""

    seeds: tuple[int, ...]
    lead_lag_planted: int
    lead_lag_detected: int
    lead_lag_precision: float
    lead_lag_recall: float
    lead_lag_exact_share: float
    worst_seed_precision: float
    breaks_planted: int
    break_recall: float
    break_mislocated: int
    break_false_alarms: int
    break_mean_abs_delay_bars: float
    break_max_abs_delay_bars: int
    runs: tuple[PlantedFigures, ...]


def measure_planted_seeds(
    seeds: Iterable[int] = range(1, 13),
    base: SyntheticSpec = DEFAULT_SPEC,
    analyzer: CrossMarketCorrelationAnalyzer | None = None,
) -> PooledFigures:
    """`measure_planted` for `base` with each seed, and the pooled figures."""
    runs = tuple(measure_planted(replace(base, seed=seed), analyzer) for seed in seeds)
    lead = [r.lead_lag for r in runs]
    brk = [r.breaks for r in runs]
    planted = sum(f.n_planted for f in lead)
    detected = sum(f.n_detected for f in lead)
    found = sum(f.true_positives for f in lead)
    hits = sum(f.hits for f in brk)
    n_breaks = sum(f.n_planted for f in brk)
    delay_sum = sum(f.mean_abs_delay_bars * f.hits for f in brk if f.hits)
    return PooledFigures(
        seeds=tuple(r.seed for r in runs),
        lead_lag_planted=planted,
        lead_lag_detected=detected,
        lead_lag_precision=found / detected if detected else float("nan"),
        lead_lag_recall=found / planted if planted else float("nan"),
        lead_lag_exact_share=sum(f.lag_exact for f in lead) / found if found else float("nan"),
        worst_seed_precision=min((f.precision for f in lead), default=float("nan")),
        breaks_planted=n_breaks,
        break_recall=hits / n_breaks if n_breaks else float("nan"),
        break_mislocated=sum(f.mislocated for f in brk),
        break_false_alarms=sum(f.false_alarms for f in brk),
        break_mean_abs_delay_bars=delay_sum / hits if hits else float("nan"),
        break_max_abs_delay_bars=max((f.max_abs_delay_bars for f in brk), default=0),
        runs=runs,
    )
