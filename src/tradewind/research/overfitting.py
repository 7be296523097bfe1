"""Overfitting statistics of a parameter search: the deflated Sharpe ratio of the chosen
trial (Bailey & Lopez de Prado, 2014) and the probability of backtest overfitting by
combinatorially symmetric cross-validation (Bailey, Borwein, Lopez de Prado & Zhu, 2015).

Both work from `ReturnSummary`s, small per-trial reductions of the scored returns (moments
and per-block sums), so a trial's full return series never has to travel or be kept.
Sharpe ratios here are per period (not annualized).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, combinations
from statistics import NormalDist
from typing import Any

import numpy as np

__all__ = [
    "BLOCKS",
    "LOGIT_EDGES",
    "BacktestOverfitting",
    "DeflatedSharpe",
    "ReturnSummary",
    "backtest_overfitting",
    "deflated_sharpe",
    "summarize_returns",
]

BLOCKS = 16
"""Contiguous blocks a trial's returns are cut into for the CSCV splits."""

LOGIT_EDGES = tuple(float(v) for v in range(-5, 6))
"""Bin edges of the logit histogram (values outside are clipped into the end bins)."""

_EULER_GAMMA = 0.5772156649015329
_SPLIT_CHUNK = 4096  # splits per vectorized pass: bounds memory for many trials
_FLOAT_FIELDS = ("mean", "std", "skew", "kurtosis")


@dataclass(frozen=True, slots=True)
class ReturnSummary:
    """Per-period returns of one trial over the scored rows, reduced to what the
    overfitting statistics need (every trial of one search has the same rows).

    `std` uses ddof=1 (NaN when n < 2); `skew` and `kurtosis` are the sample (biased)
    moments, kurtosis not in excess (3 for a normal), 0 and 3 when the returns are
    constant. The `block_*` tuples hold the sum, the sum of squares and the count of the
    returns of each contiguous block.
    """

    n: int
    mean: float
    std: float
    skew: float
    kurtosis: float
    block_sum: tuple[float, ...]
    block_sumsq: tuple[float, ...]
    block_count: tuple[int, ...]

    @property
    def sharpe(self) -> float:
        """Per-period mean / std (NaN when std is 0 or undefined)."""
        if self.n < 2 or not math.isfinite(self.std) or self.std <= 0.0:
            return float("nan")
        return self.mean / self.std

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN as null)."""
        return {
            "n": self.n,
            **{name: _json_float(getattr(self, name)) for name in _FLOAT_FIELDS},
            "block_sum": list(self.block_sum),
            "block_sumsq": list(self.block_sumsq),
            "block_count": list(self.block_count),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReturnSummary:
        """The inverse of `as_dict`.

        Raises:
            ValueError: a missing or malformed field (named), or block tuples of
                different lengths.
        """
        values: dict[str, Any] = {}
        for name, convert in _FIELD_READERS.items():
            try:
                values[name] = convert(data[name])
            except (KeyError, TypeError, ValueError) as exc:
                raise ValueError(
                    f"return summary field {name!r}: missing or malformed ({exc!r})"
                ) from None
        lengths = {len(values[k]) for k in ("block_sum", "block_sumsq", "block_count")}
        if len(lengths) != 1:
            raise ValueError(
                "return summary fields 'block_sum', 'block_sumsq', 'block_count': expected "
                f"the same length, got {sorted(lengths)}"
            )
        return cls(**values)


def _json_float(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _read_float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _read_floats(value: Any) -> tuple[float, ...]:
    return tuple(float(v) for v in value)


def _read_ints(value: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in value)


_FIELD_READERS: dict[str, Any] = {
    "n": int,
    **dict.fromkeys(_FLOAT_FIELDS, _read_float),
    "block_sum": _read_floats,
    "block_sumsq": _read_floats,
    "block_count": _read_ints,
}


def summarize_returns(returns: np.ndarray, blocks: int = BLOCKS) -> ReturnSummary:
    """The summary of one trial's per-period `returns` (fractions) in `blocks` blocks.

    Fewer returns than blocks give one block per return; non-finite returns count as 0.

    Raises:
        ValueError: `blocks` below 1.
    """
    if blocks < 1:
        raise ValueError(f"blocks {blocks}: expected at least 1")
    r = np.asarray(returns, dtype=np.float64).ravel()
    finite = np.isfinite(r)
    if not finite.all():
        r = np.where(finite, r, 0.0)
    n = len(r)
    if n == 0:
        return ReturnSummary(0, 0.0, float("nan"), 0.0, 3.0, (), (), ())
    # Few passes over the returns: a sweep summarizes one series per trial, and on a
    # million rows the obvious version cost as much as a quarter of the engine run.
    starts = np.array([p[0] for p in np.array_split(np.arange(n), min(blocks, n))])
    squares = r * r
    block_sum = np.add.reduceat(r, starts)
    block_sumsq = np.add.reduceat(squares, starts)
    mean = float(block_sum.sum()) / n
    centred = r - mean
    c2 = centred * centred
    m2 = float(c2.mean())
    std = float(np.sqrt(m2 * n / (n - 1))) if n >= 2 else float("nan")
    skew, kurtosis = 0.0, 3.0
    if m2 > 0.0:
        skew = float((c2 * centred).mean()) / m2**1.5
        kurtosis = float((c2 * c2).mean()) / m2**2
    return ReturnSummary(
        n=n, mean=mean, std=std, skew=skew, kurtosis=kurtosis,
        block_sum=tuple(block_sum.tolist()), block_sumsq=tuple(block_sumsq.tolist()),
        block_count=tuple(np.diff(np.append(starts, n)).tolist()),
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class DeflatedSharpe:
    """The deflated Sharpe ratio of the selected trial (per-period Sharpe ratios).

    `expected_max_sharpe` (SR0) is the highest Sharpe ratio expected from `trials`
    unskilled trials whose Sharpe ratios vary by `sharpe_variance`; `probability` is
    P(true Sharpe > 0) after correcting the observed one for that selection, in [0, 1].
    """

    trials: int
    observed_sharpe: float
    expected_max_sharpe: float
    sharpe_variance: float
    probability: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (non-finite numbers as null)."""
        return {
            "trials": self.trials,
            "observed_sharpe": _json_float(self.observed_sharpe),
            "expected_max_sharpe": _json_float(self.expected_max_sharpe),
            "sharpe_variance": _json_float(self.sharpe_variance),
            "probability": _json_float(self.probability),
        }


def deflated_sharpe(summaries: Sequence[ReturnSummary], best: int) -> DeflatedSharpe | None:
    """The deflated Sharpe ratio of `summaries[best]` among all `summaries`.

    N is the number of trials with a finite Sharpe ratio, V the variance (ddof=1) of
    those ratios, SR0 = sqrt(V) ((1 - g) Z^-1(1 - 1/N) + g Z^-1(1 - 1/(N e))) with g
    the Euler-Mascheroni constant, and DSR = Phi((SR - SR0) sqrt(T - 1) /
    sqrt(1 - skew SR + (kurtosis - 1) / 4 SR^2)) with T the best trial's return count.

    None when fewer than 2 trials have a finite Sharpe ratio, the best one has none, or
    it has fewer than 3 returns.

    Raises:
        ValueError: `best` is not an index of `summaries`.
    """
    if not 0 <= best < len(summaries):
        raise ValueError(f"best {best}: expected an index in 0..{len(summaries) - 1}")
    chosen = summaries[best]
    ratios = np.array([s.sharpe for s in summaries], dtype=np.float64)
    finite = ratios[np.isfinite(ratios)]
    observed = chosen.sharpe
    if len(finite) < 2 or chosen.n < 3 or not math.isfinite(observed):
        return None
    trials = len(finite)
    variance = float(np.var(finite, ddof=1))
    normal = NormalDist()
    expected_max = math.sqrt(variance) * (
        (1.0 - _EULER_GAMMA) * normal.inv_cdf(1.0 - 1.0 / trials)
        + _EULER_GAMMA * normal.inv_cdf(1.0 - 1.0 / (trials * math.e))
    )
    spread = 1.0 - chosen.skew * observed + (chosen.kurtosis - 1.0) / 4.0 * observed**2
    z = (observed - expected_max) * math.sqrt(chosen.n - 1) / math.sqrt(max(spread, 1e-12))
    return DeflatedSharpe(trials, observed, expected_max, variance, normal.cdf(z))


@dataclass(frozen=True, slots=True)
class BacktestOverfitting:
    """The probability of backtest overfitting (PBO) by CSCV.

    For each of `splits` ways to halve `blocks` blocks into in-sample and out-of-sample,
    the in-sample best of `trials` trials gets a logit of its relative out-of-sample
    rank (negative: below the median); `probability` is the share of splits whose
    logit is <= 0 and `mean_oos_rank` the mean relative rank (0..1, 1 = best).
    """

    probability: float
    splits: int
    blocks: int
    trials: int
    logits: tuple[float, ...]
    mean_oos_rank: float

    def logit_histogram(self) -> tuple[int, ...]:
        """Counts of the logits in the bins of `LOGIT_EDGES` (clipped into the ends)."""
        clipped = np.clip(np.asarray(self.logits, dtype=np.float64), LOGIT_EDGES[0],
                          LOGIT_EDGES[-1])  # fmt: skip
        counts, _ = np.histogram(clipped, bins=np.asarray(LOGIT_EDGES))
        return tuple(int(c) for c in counts)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: the figures and the logit histogram (not every logit)."""
        return {
            "probability": _json_float(self.probability),
            "splits": self.splits,
            "blocks": self.blocks,
            "trials": self.trials,
            "mean_oos_rank": _json_float(self.mean_oos_rank),
            "logit_histogram": {
                "edges": list(LOGIT_EDGES),
                "counts": list(self.logit_histogram()),
            },
        }


def backtest_overfitting(summaries: Sequence[ReturnSummary]) -> BacktestOverfitting | None:
    """The PBO of the trials of `summaries`, from their block sums only.

    Only trials with the same `block_count` as the first are used; an odd number of
    blocks drops the last. A trial's Sharpe ratio on a set of blocks is mean / std
    (ddof=1) of their returns, -inf where undefined; the in-sample best is the lowest
    index among equals, and tied out-of-sample ratios share their average rank.

    None when fewer than 2 trials or 2 blocks remain.
    """
    if not summaries:
        return None
    counts = summaries[0].block_count
    used = [s for s in summaries if s.block_count == counts]
    blocks = len(counts) - len(counts) % 2
    if len(used) < 2 or blocks < 2:
        return None
    sums = np.array([s.block_sum[:blocks] for s in used], dtype=np.float64).T
    sumsq = np.array([s.block_sumsq[:blocks] for s in used], dtype=np.float64).T
    sizes = np.asarray(counts[:blocks], dtype=np.float64)
    halves = _in_sample_masks(blocks)
    logits = np.concatenate(
        [
            _split_logits(halves[i : i + _SPLIT_CHUNK], sums, sumsq, sizes)
            for i in range(0, len(halves), _SPLIT_CHUNK)
        ]
    )
    omega = 1.0 / (1.0 + np.exp(-logits))
    return BacktestOverfitting(
        probability=float(np.mean(logits <= 0.0)),
        splits=len(halves),
        blocks=blocks,
        trials=len(used),
        logits=tuple(float(v) for v in logits),
        mean_oos_rank=float(np.mean(omega)),
    )


def _in_sample_masks(blocks: int) -> np.ndarray:
    """Every way to choose half of `blocks` blocks, as 0/1 rows (lexicographic order)."""
    picks = np.fromiter(
        chain.from_iterable(combinations(range(blocks), blocks // 2)), dtype=np.intp
    ).reshape(-1, blocks // 2)
    masks = np.zeros((len(picks), blocks), dtype=np.float64)
    masks[np.arange(len(picks))[:, None], picks] = 1.0
    return masks


def _split_logits(
    in_sample: np.ndarray, sums: np.ndarray, sumsq: np.ndarray, sizes: np.ndarray
) -> np.ndarray:
    """The logit of each split (rows of the 0/1 `in_sample` block mask)."""
    out_sample = 1.0 - in_sample
    is_sharpe = _block_sharpe(in_sample @ sums, in_sample @ sumsq, in_sample @ sizes)
    oos_sharpe = _block_sharpe(out_sample @ sums, out_sample @ sumsq, out_sample @ sizes)
    chosen = np.argmax(is_sharpe, axis=1)
    value = oos_sharpe[np.arange(len(chosen)), chosen][:, None]
    below = np.count_nonzero(oos_sharpe < value, axis=1)
    equal = np.count_nonzero(oos_sharpe == value, axis=1)
    trials = sums.shape[1]
    omega = (below + (equal + 1) / 2.0) / (trials + 1)
    logits: np.ndarray = np.log(omega / (1.0 - omega))
    return logits


def _block_sharpe(total: np.ndarray, total_sq: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Sharpe ratios (splits x trials) from sums over blocks; -inf where undefined."""
    n = count[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / n
        variance = (total_sq - total * mean) / (n - 1)
        # Constant returns leave rounding noise, not a spread: treat as no variance.
        flat = variance <= 1e-12 * np.maximum(total_sq / n, np.finfo(np.float64).tiny)
        sharpe = mean / np.sqrt(np.where(flat, 1.0, variance))
    return np.where(flat | (n < 2), -np.inf, sharpe)
