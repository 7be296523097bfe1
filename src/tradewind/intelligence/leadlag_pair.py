"""Lead-lag of one pair: robust lagged correlation both ways plus a Granger F test.

Uses the statistic and p-values of `leadlag` (robust t of the lagged cross-product).
"""

from __future__ import annotations

import numpy as np
from statsmodels.stats.multitest import multipletests
from statsmodels.tsa.stattools import grangercausalitytests

from tradewind.intelligence.leadlag import MIN_OVERLAP, normal_p_value

__all__ = ["pair_lead_lag"]


def pair_lead_lag(
    z1: np.ndarray,
    z2: np.ndarray,
    max_lag: int,
    alpha: float,
) -> dict[str, float | int | bool]:
    """Lead-lag of one pair of vol-standardised return arrays (same rows, NaN = no value).

    Tests lags -max_lag..-1 and 1..max_lag (positive: series 1 leads series 2) with the
    robust t, Benjamini-Hochberg over those 2 * max_lag tests; the strongest lag is
    reported, `lag` is 0 unless it is significant. `granger_p_value` is statsmodels'
    Granger F test (ssr) that the leader of the strongest lag helps predict the
    follower, with that many lags, on the rows where both series have a value.
    """
    rows: list[tuple[int, float, float, int]] = []
    for lag in range(1, max_lag + 1):
        rows.append((lag, *_lagged_stats(z1, z2, lag)))
        rows.append((-lag, *_lagged_stats(z2, z1, lag)))
    lags = np.array([r[0] for r in rows])
    corr = np.array([r[1] for r in rows])
    t = np.array([r[2] for r in rows])
    count = np.array([r[3] for r in rows])
    testable = np.isfinite(t) & (count >= MIN_OVERLAP)
    if not testable.any():
        return _no_result(int(count.max(initial=0)))
    p = np.where(testable, normal_p_value(np.nan_to_num(t)), 1.0)
    q = multipletests(p, method="fdr_bh")[1]
    best = int(np.argmax(np.where(testable, np.abs(np.nan_to_num(t)), -np.inf)))
    best_lag = int(lags[best])
    significant = bool(q[best] <= alpha)
    leader, follower = (z1, z2) if best_lag > 0 else (z2, z1)
    return {
        "lag": best_lag if significant else 0,
        "best_lag": best_lag,
        "correlation": float(corr[best]),
        "p_value": float(p[best]),
        "q_value": float(q[best]),
        "significant": significant,
        "granger_p_value": _granger_p_value(leader, follower, abs(best_lag)),
        "n_obs": int(count[best]),
    }


def _lagged_stats(lead: np.ndarray, follow: np.ndarray, lag: int) -> tuple[float, float, int]:
    """(Pearson r, robust t, overlap) of follow[t] with lead[t - lag]."""
    x, y = lead[:-lag], follow[lag:]
    both = np.isfinite(x) & np.isfinite(y)
    n = int(both.sum())
    if n < 3:
        return float("nan"), float("nan"), n
    x, y = x[both] - x[both].mean(), y[both] - y[both].mean()
    cross = float((x * y).sum())
    norms = float(np.sqrt((x * x).sum() * (y * y).sum()))
    spread = float(np.sqrt((x * x * y * y).sum()))
    r = cross / norms if norms > 0 else float("nan")
    t = cross / spread if spread > 0 else float("nan")
    return r, t, n


def _granger_p_value(leader: np.ndarray, follower: np.ndarray, lag: int) -> float:
    both = np.isfinite(leader) & np.isfinite(follower)
    data = np.column_stack([follower[both], leader[both]])
    if data.shape[0] < 3 * lag + 10:
        return float("nan")
    result = grangercausalitytests(data, maxlag=[lag])
    return float(result[lag][0]["ssr_ftest"][1])


def _no_result(n_obs: int) -> dict[str, float | int | bool]:
    return {
        "lag": 0,
        "best_lag": 0,
        "correlation": float("nan"),
        "p_value": float("nan"),
        "q_value": float("nan"),
        "significant": False,
        "granger_p_value": float("nan"),
        "n_obs": n_obs,
    }
