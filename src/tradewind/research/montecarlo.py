"""Monte-Carlo resampling of a run: how much of its result was the luck of the order.

Three methods, each drawing `paths` synthetic equity paths from one run:

- `shuffle`: the run's closed trades in random order (without replacement). Every path
  ends at the same equity; drawdown and time under water show how lucky the order was.
- `trades`: as many trades as the run had, drawn with replacement.
- `blocks`: a stationary block bootstrap (mean block `block_bars`) of the equity
  curve's per-bar returns, compounded from the initial equity.

Per path: final equity, CAGR (% per year over the run's span), max drawdown (% below
the running peak) and time under water (the longest stretch below an earlier peak: in
trades for trade paths, in days for block paths). Paths are drawn in units of
`_UNIT_PATHS`, each from its own seeded generator, so the result does not depend on
how many paths are processed at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tradewind.domain.errors import TradewindError
from tradewind.research.evaluation.bootstrap import stationary_indices

__all__ = [
    "FAN_PERCENTILES",
    "METHODS",
    "MethodResult",
    "MetricSummary",
    "MonteCarloError",
    "MonteCarloInput",
    "MonteCarloResult",
    "default_block_bars",
    "run_montecarlo",
]

METHODS = ("shuffle", "trades", "blocks")
FAN_PERCENTILES = (5, 25, 50, 75, 95)
_NS_PER_DAY = 86_400 * 10**9
_DAYS_PER_YEAR = 365.25
_UNIT_PATHS = 100
_CHUNK_FLOATS = 4_000_000  # ~32 MB per paths x steps array; a few alive at once
_FAN_STEPS = 500
_FAN_MAX_PATHS = 20_000
_BINS = 40


class MonteCarloError(TradewindError, ValueError):
    """The run or the options do not allow the Monte-Carlo asked for."""


@dataclass(frozen=True, slots=True)
class MonteCarloInput:
    """One run: `equity` per bar at `timestamps_ns` (UTC ns), closed trades' net P&L in
    closing order, and the equity before the first bar."""

    label: str
    initial_equity: float
    equity: np.ndarray
    timestamps_ns: np.ndarray
    trade_pnl: np.ndarray


@dataclass(frozen=True, slots=True)
class MetricSummary:
    """One metric over the paths: the run's own value, the distribution, the percentile
    interval at the result's confidence, the observed value's percentile rank (0..100)
    and, for final equity, P(final < initial)."""

    name: str
    unit: str
    observed: float
    mean: float
    p5: float
    p25: float
    median: float
    p75: float
    p95: float
    ci_low: float
    ci_high: float
    observed_percentile: float
    p_loss: float | None
    bin_edges: tuple[float, ...]
    bin_counts: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MethodResult:
    """One method's metrics and fan chart: equity percentiles `FAN_PERCENTILES` (one
    tuple each) at `fan_steps` (step indices, 0 = the initial equity)."""

    method: str
    steps: int
    step_unit: str
    metrics: tuple[MetricSummary, ...]
    fan_steps: tuple[int, ...]
    fan: tuple[tuple[float, ...], ...]
    observed_path: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class MonteCarloResult:
    """Every method's result for one run."""

    label: str
    paths: int
    seed: int
    confidence: float
    block_bars: int | None
    initial_equity: float
    years: float
    methods: tuple[MethodResult, ...]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: options, then per method its metrics (histograms included) and fan."""
        return {
            "label": self.label, "paths": self.paths, "seed": self.seed,
            "confidence": self.confidence, "block_bars": self.block_bars,
            "initial_equity": self.initial_equity, "years": self.years,
            "methods": {
                m.method: {
                    "steps": m.steps, "step_unit": m.step_unit,
                    "metrics": {s.name: _summary_dict(s) for s in m.metrics},
                    "fan": {"steps": list(m.fan_steps), **_bands(m)},
                }
                for m in self.methods
            },
        }  # fmt: skip


def _bands(method: MethodResult) -> dict[str, list[float]]:
    return {f"p{p}": list(b) for p, b in zip(FAN_PERCENTILES, method.fan, strict=True)}


def _summary_dict(s: MetricSummary) -> dict[str, Any]:
    out = {k: getattr(s, k) for k in MetricSummary.__slots__}
    out["bin_edges"], out["bin_counts"] = list(s.bin_edges), list(s.bin_counts)
    return out


def default_block_bars(n_returns: int) -> int:
    """round(n ** (1/3)), at least 2."""
    root: float = n_returns ** (1.0 / 3.0)
    return max(2, round(root))


def run_montecarlo(
    source: MonteCarloInput,
    methods: tuple[str, ...] | None = None,
    *,
    paths: int = 10_000,
    block_bars: int | None = None,
    confidence: float = 0.95,
    seed: int = 0,
    chunk_paths: int | None = None,
) -> MonteCarloResult:
    """Resample `source` with `methods` (default: every method the run allows).

    Raises:
        MonteCarloError: paths outside 100..1,000,000, confidence outside (0.5, 1),
            block_bars below 1, an unknown method, fewer than 2 closed trades for a trade
            method, or fewer than 30 bars for `blocks`.
    """
    _check_options(paths, confidence, block_bars)
    equity = np.asarray(source.equity, dtype=np.float64)
    pnl = np.asarray(source.trade_pnl, dtype=np.float64)
    if not np.isfinite(equity).all() or not np.isfinite(pnl).all():
        raise MonteCarloError(f"run {source.label}: equity and trade P&L must be finite")
    chosen = _choose(source.label, methods, len(pnl), len(equity))
    span_days = _span_days(source.timestamps_ns)
    years = max(span_days, 1.0) / _DAYS_PER_YEAR
    curve = np.concatenate([[source.initial_equity], equity])
    n_returns = len(curve) - 1
    blocks = block_bars if block_bars is not None else default_block_bars(n_returns)
    results = []
    for index, method in enumerate(chosen):
        sampler: _TradeSampler | _BlockSampler
        if method == "blocks":
            returns = curve[1:] / curve[:-1] - 1.0
            bar_days = _bar_days(source.timestamps_ns)
            sampler = _BlockSampler(returns, blocks, bar_days)
            observed, step_years = curve, n_returns * bar_days / _DAYS_PER_YEAR
        else:
            sampler = _TradeSampler(pnl, method == "shuffle", source.initial_equity)
            observed = source.initial_equity + np.concatenate([[0.0], np.cumsum(pnl)])
            step_years = years
        results.append(
            _resample(method, sampler, observed, paths, confidence, (seed, index),
                      max(step_years, 1.0 / _DAYS_PER_YEAR), chunk_paths)
        )  # fmt: skip
    return MonteCarloResult(
        label=source.label,
        paths=paths,
        seed=seed,
        confidence=confidence,
        block_bars=blocks if "blocks" in chosen else None,
        initial_equity=float(source.initial_equity),
        years=years,
        methods=tuple(results),
    )


def _check_options(paths: int, confidence: float, block_bars: int | None) -> None:
    if not 100 <= paths <= 1_000_000:
        raise MonteCarloError(f"paths {paths}: expected 100..1,000,000")
    if not 0.5 < confidence < 1.0:
        raise MonteCarloError(f"confidence {confidence!r}: expected a fraction in (0.5, 1)")
    if block_bars is not None and block_bars < 1:
        raise MonteCarloError(f"block_bars {block_bars}: expected at least 1")


def _choose(label: str, methods: tuple[str, ...] | None, trades: int, bars: int) -> list[str]:
    if methods is None:
        allowed = [m for m in METHODS if (m == "blocks" and bars >= 30)
                   or (m != "blocks" and trades >= 2)]  # fmt: skip
        if not allowed:
            raise MonteCarloError(
                f"run {label} has {trades} closed trades and {bars} bars: the trade bootstrap "
                "needs at least 2 trades, the block bootstrap at least 30 bars"
            )
        return allowed
    for method in methods:
        if method not in METHODS:
            raise MonteCarloError(f"method {method!r}: expected one of {', '.join(METHODS)}")
        if method != "blocks" and trades < 2:
            noun = "closed trade" if trades == 1 else "closed trades"
            raise MonteCarloError(
                f"run {label} has {trades} {noun}: the trade bootstrap needs at least 2; "
                "use --method blocks"
            )
        if method == "blocks" and bars < 30:
            raise MonteCarloError(
                f"run {label} has {bars} equity bars: the block bootstrap needs at least 30"
            )
    return list(dict.fromkeys(methods))


def _span_days(ts: np.ndarray) -> float:
    ts = np.asarray(ts, dtype=np.int64)
    return float(ts[-1] - ts[0]) / _NS_PER_DAY if len(ts) > 1 else 0.0


def _bar_days(ts: np.ndarray) -> float:
    ts = np.asarray(ts, dtype=np.int64)
    if len(ts) < 2:
        return 1.0
    spacing = float(np.median(np.diff(ts))) / _NS_PER_DAY
    return spacing if spacing > 0 else 1.0


class _TradeSampler:
    unit = "trades"

    def __init__(self, pnl: np.ndarray, shuffle: bool, initial: float) -> None:
        self.pnl, self.shuffle, self.initial = pnl, shuffle, initial
        self.steps, self.step_days = len(pnl), None

    def levels(self, count: int, rng: np.random.Generator) -> np.ndarray:
        n = len(self.pnl)
        if self.shuffle:
            order = np.argsort(rng.random((count, n)), axis=1)
        else:
            order = rng.integers(0, n, size=(count, n))
        cum = np.cumsum(self.pnl[order], axis=1)
        return np.concatenate([np.zeros((count, 1)), cum], axis=1) + self.initial


class _BlockSampler:
    unit = "bars"

    def __init__(self, returns: np.ndarray, block_bars: int, bar_days: float) -> None:
        self.returns, self.block_bars = returns, block_bars
        self.steps, self.step_days = len(returns), bar_days

    def levels(self, count: int, rng: np.random.Generator) -> np.ndarray:
        rows = stationary_indices(len(self.returns), count, self.block_bars, rng)
        growth = np.cumprod(1.0 + self.returns[rows], axis=1)
        return np.concatenate([np.ones((count, 1)), growth], axis=1)


def _resample(
    method: str,
    sampler: _TradeSampler | _BlockSampler,
    observed: np.ndarray,
    paths: int,
    confidence: float,
    seed: tuple[int, int],
    years: float,
    chunk_paths: int | None,
) -> MethodResult:
    initial = float(observed[0])
    scale = initial if isinstance(sampler, _BlockSampler) else 1.0
    steps = sampler.steps
    per_chunk = chunk_paths or max(_UNIT_PATHS, _CHUNK_FLOATS // (steps + 1))
    per_chunk = max(_UNIT_PATHS, per_chunk // _UNIT_PATHS * _UNIT_PATHS)
    fan_at = np.unique(np.linspace(0, steps, min(steps + 1, _FAN_STEPS)).round().astype(int))
    values = np.empty((4, paths))
    fan_rows: list[np.ndarray] = []
    for start in range(0, paths, per_chunk):
        count = min(per_chunk, paths - start)
        parts = []
        for unit_start in range(start, start + count, _UNIT_PATHS):
            rng = np.random.default_rng([*seed, unit_start // _UNIT_PATHS])
            parts.append(sampler.levels(min(_UNIT_PATHS, start + count - unit_start), rng))
        levels = np.concatenate(parts) * scale
        values[:, start : start + count] = _metrics(levels, years, sampler.step_days)
        if start < _FAN_MAX_PATHS:
            fan_rows.append(levels[: _FAN_MAX_PATHS - start, fan_at])
    own = _metrics(observed[None, :], years, sampler.step_days)[:, 0]
    fan = np.percentile(np.concatenate(fan_rows), FAN_PERCENTILES, axis=0)
    unit = "days" if sampler.step_days is not None else "trades"
    names = (("final_equity", "USD"), ("cagr_pct", "% per year"),
             ("max_drawdown_pct", "%"), ("time_under_water", unit))  # fmt: skip
    summaries = tuple(
        _summary(name, u, float(own[i]), values[i], confidence, initial if i == 0 else None)
        for i, (name, u) in enumerate(names)
    )
    return MethodResult(
        method=method,
        steps=steps,
        step_unit=sampler.unit,
        metrics=summaries,
        fan_steps=tuple(int(s) for s in fan_at),
        fan=tuple(tuple(float(v) for v in row) for row in fan),
        observed_path=tuple(float(v) for v in observed[fan_at]),
    )


def _metrics(levels: np.ndarray, years: float, step_days: float | None) -> np.ndarray:
    """4 x paths: final equity, CAGR %, max drawdown %, longest time under water (steps,
    or days when `step_days` is given) of `levels` (paths x steps+1, column 0 initial)."""
    final = levels[:, -1]
    ratio = final / levels[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        cagr = np.where(ratio > 0, np.power(np.maximum(ratio, 1e-300), 1.0 / years) - 1.0, -1.0)
    peak = np.maximum.accumulate(levels, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        drop = np.where(peak > 0, 1.0 - levels / peak, 1.0)
    under = levels < peak
    index = np.arange(levels.shape[1])
    last_dry = np.maximum.accumulate(np.where(under, 0, index), axis=1)
    longest = (index - last_dry).max(axis=1).astype(np.float64)
    if step_days is not None:
        longest = longest * step_days
    return np.stack([final, cagr * 100.0, drop.max(axis=1) * 100.0, longest])


def _summary(
    name: str, unit: str, observed: float, values: np.ndarray, confidence: float,
    initial: float | None,
) -> MetricSummary:  # fmt: skip
    tail = (1.0 - confidence) / 2.0
    q = np.quantile(values, [0.05, 0.25, 0.5, 0.75, 0.95, tail, 1.0 - tail])
    tied = np.isclose(values, observed, rtol=1e-12, atol=0.0)  # shuffle: equal up to rounding
    rank = (np.mean((values < observed) & ~tied) + 0.5 * np.mean(tied)) * 100.0
    low, high = float(values.min()), float(values.max())
    if high - low <= 1e-9 * max(1.0, abs(high)):  # one value up to rounding (shuffle)
        low, high = low - 0.5, high + 0.5
    counts, edges = np.histogram(values, bins=_BINS, range=(low, high))
    return MetricSummary(
        name=name,
        unit=unit,
        observed=observed,
        mean=float(values.mean()),
        p5=float(q[0]),
        p25=float(q[1]),
        median=float(q[2]),
        p75=float(q[3]),
        p95=float(q[4]),
        ci_low=float(q[5]),
        ci_high=float(q[6]),
        observed_percentile=float(rank),
        p_loss=None if initial is None else float(np.mean(values < initial)),
        bin_edges=tuple(float(e) for e in edges),
        bin_counts=tuple(int(c) for c in counts),
    )
