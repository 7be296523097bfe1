"""Planning a synthetic market: symbols, roles, planted pairs and breaks, and regimes.

The plan is small (per-symbol scalars plus one regime index per master bar) and is
computed once; paths are then drawn symbol by symbol from it (see `paths`), so any
batch of symbols can be generated without the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tradewind.data.schema import default_calendar
from tradewind.data.synthetic.grids import BarGrid, build_grid
from tradewind.data.synthetic.plan_records import SymbolDraft, SymbolPlan
from tradewind.data.synthetic.plan_truth import market_truth
from tradewind.data.synthetic.spec import (
    CLASS_PROFILES,
    REGIME_LABELS,
    REGIME_PARAMS,
    SyntheticSpec,
    SyntheticSpecError,
)
from tradewind.data.synthetic.truth import SyntheticTruth
from tradewind.domain.calendar_codes import CALENDAR_24_7
from tradewind.domain.market import MarketClass

__all__ = [
    "STREAM_FACTOR",
    "STREAM_SYMBOL",
    "MarketPlan",
    "SymbolPlan",
    "plan_market",
    "rng_for",
]

# Independent random streams under the seed: spawn_key[0] says what a stream is for.
STREAM_PLAN, STREAM_REGIME, STREAM_FACTOR, STREAM_SYMBOL = 0, 1, 2, 3
_REGIME_ATTEMPTS = 100


def rng_for(spec: SyntheticSpec, *key: int) -> np.random.Generator:
    """An independent random stream for `key` under the spec's seed."""
    return np.random.default_rng(np.random.SeedSequence(spec.seed, spawn_key=key))


@dataclass(frozen=True, slots=True)
class MarketPlan:
    """The planned market: per-symbol plans, calendar grids, master regimes and the truth."""

    spec: SyntheticSpec
    symbols: tuple[SymbolPlan, ...]
    grids: dict[str, BarGrid]
    regime_index: np.ndarray
    truth: SyntheticTruth

    def group_index(self, calendar: str) -> int:
        return list(self.grids).index(calendar)


def plan_market(spec: SyntheticSpec) -> MarketPlan:
    """Plan the universe of `spec` (deterministic for the seed).

    Raises:
        SyntheticSpecError: explicit pair/break counts do not fit the universe, or a
            calendar cannot cover the span.
    """
    rng = rng_for(spec, STREAM_PLAN)
    drafts = _draft_symbols(spec, rng)
    calendars = list(dict.fromkeys(d.calendar for d in drafts))
    grids = {cal: build_grid(spec, cal) for cal in dict.fromkeys([CALENDAR_24_7, *calendars])}
    factors = _assign_factors(drafts, calendars)
    pairs, breaks = _assign_roles(spec, drafts, factors, grids, rng)
    regime_spans = _sample_regimes(spec)
    regime_index = np.repeat(
        np.array([REGIME_LABELS.index(label) for label, _, _ in regime_spans], dtype=np.int8),
        [end - start + 1 for _, start, end in regime_spans],
    )
    regime_index.setflags(write=False)
    plans = tuple(_symbol_plan(i, d, drafts, grids[d.calendar]) for i, d in enumerate(drafts))
    truth = market_truth(spec, plans, drafts, grids, factors, pairs, breaks, regime_spans)
    return MarketPlan(spec, plans, {c: grids[c] for c in calendars}, regime_index, truth)


def _class_counts(spec: SyntheticSpec) -> list[int]:
    n, classes = spec.n_symbols, spec.classes
    if n < len(classes):
        return [1 if i < n else 0 for i in range(len(classes))]
    weights = np.array([CLASS_PROFILES[c].weight for c in classes])
    raw = 1 + (n - len(classes)) * weights / weights.sum()
    counts = np.floor(raw).astype(int)
    leftover = n - int(counts.sum())
    order = np.argsort(-(raw - counts), kind="stable")[:leftover]
    counts[order] += 1
    return [int(c) for c in counts]


def _log_uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(np.exp(rng.uniform(np.log(bounds[0]), np.log(bounds[1]))))


def _draft_symbols(spec: SyntheticSpec, rng: np.random.Generator) -> list[SymbolDraft]:
    drafts: list[SymbolDraft] = []
    for market, count in zip(spec.classes, _class_counts(spec), strict=True):
        profile = CLASS_PROFILES[market]
        for number in range(1, count + 1):
            drafts.append(
                SymbolDraft(
                    market=market,
                    symbol=f"{spec.prefix}-{profile.code}-{number:04d}",
                    calendar=default_calendar(market),
                    annual_vol=float(rng.uniform(*profile.annual_vol)),
                    loading=float(rng.uniform(*profile.factor_loading)),
                    start_price=_log_uniform(rng, profile.start_price),
                    volume_level=_log_uniform(rng, profile.volume),
                )
            )
    return drafts


def _assign_factors(drafts: list[SymbolDraft], calendars: list[str]) -> dict[str, int]:
    """The factor symbol of each calendar group: its first equity, else its first symbol."""
    factors: dict[str, int] = {}
    for cal in calendars:
        members = [i for i, d in enumerate(drafts) if d.calendar == cal]
        equities = [i for i in members if drafts[i].market is MarketClass.EQUITIES]
        factor = (equities or members)[0]
        factors[cal] = factor
        drafts[factor].role = "factor"
        drafts[factor].loading = 1.0
        for i in members:
            if i != factor and drafts[i].market is drafts[factor].market:
                drafts[i].loading = abs(drafts[i].loading)
    return factors


def _assign_roles(
    spec: SyntheticSpec,
    drafts: list[SymbolDraft],
    factors: dict[str, int],
    grids: dict[str, BarGrid],
    rng: np.random.Generator,
) -> tuple[list[int], list[int]]:
    """Pick followers (returned) and break symbols (returned) from non-factor symbols."""
    free: dict[str, list[int]] = {cal: [] for cal in factors}
    for i in rng.permutation(len(drafts)):
        if drafts[i].role == "plain":
            free[drafts[i].calendar].append(int(i))
    n = spec.n_symbols
    want_pairs = spec.n_lead_lag_pairs if spec.n_lead_lag_pairs is not None else max(1, n // 10)
    want_breaks = (
        spec.n_correlation_breaks if spec.n_correlation_breaks is not None else max(1, n // 20)
    )
    size = {cal: len(members) for cal, members in free.items()}
    followers: list[int] = []
    for _ in range(want_pairs):
        cal = _next_group(free, size, followers, drafts, need=2)
        if cal is None:
            break
        leader, follower = free[cal].pop(), free[cal].pop()
        lag = int(rng.integers(spec.lag_range_bars[0], spec.lag_range_bars[1] + 1))
        if lag >= len(grids[cal]) // 2:
            raise SyntheticSpecError(
                f"synthetic lag {lag} bars is too long for calendar {cal} "
                f"with {len(grids[cal])} bars"
            )
        drafts[leader].role, drafts[leader].loading = "leader", 0.0
        d = drafts[follower]
        d.role, d.loading, d.leader, d.lag = "follower", 0.0, leader, lag
        d.corr = float(rng.uniform(*spec.lead_lag_corr))
        followers.append(follower)
    broken: list[int] = []
    for k in range(want_breaks):
        cal = _next_group(free, size, broken, drafts, need=1)
        if cal is None:
            break
        i = free[cal].pop()
        d = drafts[i]
        sign = 1.0 if d.loading >= 0 else -1.0
        d.role = "break"
        d.loading = sign * float(rng.uniform(*spec.break_corr))
        if k % 2 == 0:
            d.loading_after = -d.loading * float(rng.uniform(0.7, 1.0))
        else:
            d.loading_after = float(rng.uniform(-0.05, 0.05))
        n_bars = len(grids[cal])
        d.break_bar = int(rng.integers(n_bars // 4, 3 * n_bars // 4 + 1))
        broken.append(i)
    _check_counts("n_lead_lag_pairs", spec.n_lead_lag_pairs, len(followers))
    _check_counts("n_correlation_breaks", spec.n_correlation_breaks, len(broken))
    return followers, broken


def _next_group(
    free: dict[str, list[int]],
    size: dict[str, int],
    placed: list[int],
    drafts: list[SymbolDraft],
    *,
    need: int,
) -> str | None:
    """The calendar next in line for a planted effect: proportional to its size (D'Hondt)."""
    counts = dict.fromkeys(free, 0)
    for i in placed:
        counts[drafts[i].calendar] += 1
    open_groups = [cal for cal in free if len(free[cal]) >= need]
    if not open_groups:
        return None
    return max(open_groups, key=lambda cal: size[cal] / (counts[cal] + 1))


def _check_counts(name: str, wanted: int | None, placed: int) -> None:
    if wanted is not None and placed < wanted:
        raise SyntheticSpecError(
            f"invalid synthetic {name} {wanted}: only {placed} fit among the non-factor symbols "
            "(pairs need two symbols on one calendar, every planted symbol has one role); "
            "use more symbols or fewer planted effects"
        )


def _sample_regimes(spec: SyntheticSpec) -> list[tuple[str, int, int]]:
    """Semi-Markov regime spans `(label, start_bar, end_bar)` covering the master clock."""
    n, mean, low = spec.n_bars, spec.regime_mean, spec.regime_min
    params = {p.label: p for p in REGIME_PARAMS}
    spans: list[tuple[str, int, int]] = []
    for attempt in range(_REGIME_ATTEMPTS):
        rng = rng_for(spec, STREAM_REGIME, attempt)
        label = str(rng.choice(REGIME_LABELS, p=[0.4, 0.2, 0.1, 0.3]))
        spans, start = [], 0
        while start < n:
            target = max(float(low), mean * params[label].duration_factor)
            length = low + int(rng.geometric(1.0 / max(1.0, target - low + 1.0))) - 1
            end = min(start + length, n) - 1
            if n - 1 - end < low:
                end = n - 1
            spans.append((label, start, end))
            start = end + 1
            names, probs = zip(*params[label].transitions, strict=True)
            label = str(rng.choice(names, p=probs))
        if n < 8 * low or {s[0] for s in spans} == set(REGIME_LABELS):
            break
    return spans


def _symbol_plan(
    index: int, d: SymbolDraft, drafts: list[SymbolDraft], grid: BarGrid
) -> SymbolPlan:
    profile = CLASS_PROFILES[d.market]
    bar_vol = d.annual_vol / float(np.sqrt(grid.bars_per_year))
    beta, noise_scale = 0.0, 1.0
    if d.role == "follower":
        beta = d.corr * d.annual_vol / drafts[d.leader].annual_vol
        noise_scale = float(np.sqrt(1.0 - d.corr**2))
    return SymbolPlan(
        index=index,
        symbol=d.symbol,
        market=d.market,
        calendar=d.calendar,
        quote_type=profile.quote_type,
        role=d.role,
        annual_vol=d.annual_vol,
        bar_vol=bar_vol,
        loading=d.loading,
        loading_after=d.loading_after if d.role == "break" else d.loading,
        break_bar=d.break_bar,
        leader=d.leader,
        lag=d.lag,
        beta=beta,
        noise_scale=noise_scale,
        drift_per_bar=profile.regime_sensitivity / grid.bars_per_year,
        start_price=d.start_price,
        volume_level=d.volume_level,
    )
