"""Look-ahead check: a strategy's signals up to bar t must not change when bars after t
are appended.

The strategy runs once on the whole window and once on each prefix ending at a cut
point; every field of the prefix's signals must equal the full run's on the same bars.
Cut points: around the end of the warm-up, at and just before the first signals, the
middle, the second-to-last bar, and random bars from a fixed seed (reproducible).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from tradewind.strategies.api import BarWindow, SignalArrays, StrategySpec
from tradewind.strategies.errors import LookAheadError, StrategyError

__all__ = [
    "CausalityReport",
    "Violation",
    "check_causality",
    "default_cut_points",
    "require_causal",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Violation:
    """The first bar whose signal changed once later bars were appended.

    Attributes:
        bar: index of the changed bar; `timestamp` its int64 ns UTC time.
        field: the `SignalArrays` field that differs.
        cut: last bar of the prefix that gave `before`.
        before: the value computed from bars 0..cut (`LONG`, `no signal`, `strength 0.5`).
        after: the value computed from all bars.
    """

    bar: int
    timestamp: int
    field: str
    cut: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class CausalityReport:
    """Outcome of `check_causality`.

    Attributes:
        strategy: strategy name; `bars` the window length.
        cut_points: the prefix ends checked (bar indices), ascending.
        signals: number of signals on the whole window.
        violation: the first change found, None when the strategy is causal on them.
    """

    strategy: str
    bars: int
    cut_points: tuple[int, ...]
    signals: int
    violation: Violation | None

    @property
    def ok(self) -> bool:
        """True when no past signal changed at any cut point."""
        return self.violation is None

    @property
    def message(self) -> str:
        """One line for people: OK with counts, or what changed where."""
        if self.violation is None:
            return (
                f"strategy {self.strategy} is causal: {self.signals} signals on {self.bars} "
                f"bars unchanged at {len(self.cut_points)} cut points"
            )
        v = self.violation
        what = "signal" if v.field in ("active", "direction") else f"signal {v.field}"
        return (
            f"strategy {self.strategy} peeks ahead: {what} at bar {v.bar} "
            f"({_when(v.timestamp)}) changed from {v.before} to {v.after} when later bars "
            f"were appended (prefix ending at bar {v.cut} vs all {self.bars} bars)"
        )


def default_cut_points(
    n_bars: int,
    warmup_bars: int,
    signal_bars: np.ndarray,
    *,
    random_cuts: int = 8,
    seed: int = 7,
) -> tuple[int, ...]:
    """Prefix ends to check for a window of `n_bars` (each in 0..n_bars-2), ascending."""
    last = n_bars - 2
    if last < 0:
        return ()
    picks = [warmup_bars - 1, warmup_bars, warmup_bars + 1, warmup_bars + 2, n_bars // 2, last]
    for bar in signal_bars[:3].tolist():
        picks += [bar - 1, bar]
    rng = np.random.default_rng(seed)
    low = min(max(warmup_bars, 0), last)
    picks += rng.integers(low, last + 1, size=random_cuts).tolist()
    return tuple(sorted({p for p in picks if 0 <= p <= last}))


def check_causality(
    spec: StrategySpec[Any],
    bars: BarWindow,
    config: Any = None,
    cut_points: tuple[int, ...] | None = None,
    *,
    random_cuts: int = 8,
    seed: int = 7,
) -> CausalityReport:
    """Run `spec` on `bars` and on prefixes of it; report the first past signal that changed.

    Args:
        config: the strategy's parameters (None = defaults).
        cut_points: prefix ends to check (bar indices); None = `default_cut_points`.

    Raises:
        StrategyError: the strategy gives different signals on two runs over the same
            bars (it is not deterministic), or a cut point is outside the window.
    """
    chosen = config if config is not None else spec.default_config()
    full = spec.run(bars, chosen)
    again = spec.run(bars, chosen)
    differs = full.first_difference(again, len(bars))
    if differs is not None:
        raise StrategyError(
            f"strategy {spec.name} is not deterministic: two runs on the same {len(bars)} "
            f"bars differ at bar {differs[0]} ({differs[1]})"
        )
    if cut_points is None:
        cuts = default_cut_points(
            len(bars),
            spec.warmup_bars(chosen),
            full.indices(),
            random_cuts=random_cuts,
            seed=seed,
        )
    else:
        cuts = tuple(sorted(set(cut_points)))
        outside = [c for c in cuts if not 0 <= c < len(bars)]
        if outside:
            raise StrategyError(
                f"cut point {outside[0]} is outside the window: expected 0..{len(bars) - 1}"
            )
    violation = None
    for cut in cuts:
        violation = _compare(spec.run(bars.head(cut + 1), chosen), full, cut, bars)
        if violation is not None:
            break
    return CausalityReport(spec.name, len(bars), cuts, full.count, violation)


def require_causal(
    spec: StrategySpec[Any],
    bars: BarWindow,
    config: Any = None,
    cut_points: tuple[int, ...] | None = None,
    **options: Any,
) -> CausalityReport:
    """`check_causality`, raising when the strategy peeks ahead.

    Raises:
        LookAheadError: a past signal changed; the message names the bar, its date,
            the field and both values.
    """
    report = check_causality(spec, bars, config, cut_points, **options)
    if not report.ok:
        raise LookAheadError(report.message)
    return report


def _compare(
    prefix: SignalArrays, full: SignalArrays, cut: int, bars: BarWindow
) -> Violation | None:
    found = prefix.first_difference(full, cut + 1)
    if found is None:
        return None
    bar, field = found
    return Violation(
        bar=bar,
        timestamp=int(bars.timestamp[bar]),
        field=field,
        cut=cut,
        before=prefix.describe(bar, field),
        after=full.describe(bar, field),
    )


def _when(timestamp_ns: int) -> str:
    moment = _EPOCH + timedelta(microseconds=timestamp_ns // 1000)
    if moment.hour == moment.minute == moment.second == moment.microsecond == 0:
        return moment.date().isoformat()
    return moment.strftime("%Y-%m-%dT%H:%MZ")
