"""Incremental indicators for streaming strategies: O(1) numba steps on one symbol's state.

Each step advances one indicator by one bar and returns its value at that bar as the
vectorized function the built-ins use computes it (TA-Lib's SMA, STDDEV, EMA, ATR, ADX,
RSI, ROCP, MAX/MIN, and `indicators.rolling_mean`): the same floating-point operations
in the same order, on NaN-free input (catalog series have every field on every bar or
on none). Bit-identical for all but ATR and RSI, whose TA-Lib 0.8 build rounds a few
values differently in the last bit (its source recursion is what is coded here).
State lives in a float64 row `st` at slots `k, k+1, ...`
(counts are exact in float64 below 2**53); windows in a ring `buf` of at least the
window length. `t` is the index of the current bar (0 for the symbol's first bar).

Per-symbol slots 0-3 are shared by every streaming strategy: bars seen, and whether
the series has high, low and volume (decided on its first bar, see `begin`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = [
    "BASE_SLOTS",
    "adx",
    "atr",
    "begin",
    "clip01",
    "ema",
    "emit",
    "latch",
    "pandas_mean",
    "rocp",
    "rolling_max",
    "rsi",
    "sma",
    "stddev",
]

BASE_SLOTS = 4
"""Slots 0-3: bars seen, has high, has low, has volume."""

_EPSILON = 0.00000001  # TA-Lib's TA_IS_ZERO / TA_IS_ZERO_OR_NEG threshold


@njit(cache=True)
def _is_zero(value: float) -> bool:  # pragma: no cover - numba
    return -_EPSILON < value < _EPSILON


@njit(cache=True)
def begin(st: np.ndarray, bar: np.ndarray) -> tuple[int, float, float]:  # pragma: no cover
    """Start a bar: `(t, high, low)` with high/low falling back to close when the series
    lacks them (`BarWindow.field_or_close`, decided on the symbol's first bar)."""
    t = int(st[0])
    if t == 0:
        st[1] = 1.0 if bar[1] == bar[1] else 0.0
        st[2] = 1.0 if bar[2] == bar[2] else 0.0
        st[3] = 1.0 if bar[4] == bar[4] else 0.0
    high = bar[1] if st[1] != 0.0 else bar[3]
    low = bar[2] if st[2] != 0.0 else bar[3]
    st[0] = t + 1
    return t, high, low


@njit(cache=True)
def sma(
    st: np.ndarray, k: int, buf: np.ndarray, x: float, t: int, p: int
) -> float:  # pragma: no cover
    """TA-Lib SMA (running total: add the new value, read, drop the oldest)."""
    buf[t % p] = x
    st[k] += x
    if t < p - 1:
        return np.nan
    out = st[k] / p
    st[k] -= buf[(t - p + 1) % p]
    return float(out)


@njit(cache=True)
def _recentre(st: np.ndarray, k: int, buf: np.ndarray, t: int, p: int) -> float:  # pragma: no cover
    """Shift to the window mean and resum the window; its variance (0 below 1e-12 of
    the mean square). Leaves the sums without the oldest value, as `stddev` expects."""
    inverse = 1.0 / p
    total = 0.0
    for i in range(t - p + 1, t + 1):
        total += buf[i % p]
    shift = total * inverse
    sum1, sum2 = 0.0, 0.0
    for i in range(t - p + 1, t + 1):
        d = buf[i % p] - shift
        sum1 += d
        sum2 += d * d
    mean1 = inverse * sum1
    variance = inverse * sum2 - mean1 * mean1
    if variance < inverse * sum2 * 1e-12:
        variance = 0.0
    old = buf[(t - p + 1) % p] - shift
    st[k], st[k + 1], st[k + 2], st[k + 3] = shift, sum1 - old, sum2 - old * old, 32 * p
    return variance


@njit(cache=True)
def stddev(
    st: np.ndarray, k: int, buf: np.ndarray, x: float, t: int, p: int
) -> float:  # pragma: no cover
    """TA-Lib STDDEV with nbdev 1, as TA-Lib 0.8 computes it: running sums of values
    shifted by the first value, re-centred on the window mean when the sums lose
    precision or every 32 * p bars. Slots: k shift, k+1 sum, k+2 sum of squares,
    k+3 bars until the next re-centring; `buf` is shared with `sma` (same values)."""
    buf[t % p] = x
    if t == 0:
        st[k], st[k + 1], st[k + 2], st[k + 3] = x, 0.0, 0.0, 32 * p
    d = x - st[k]
    st[k + 1] += d
    st[k + 2] += d * d
    if t < p - 1:
        return np.nan
    inverse = 1.0 / p
    mean1 = inverse * st[k + 1]
    variance = inverse * st[k + 2] - mean1 * mean1
    old = buf[(t - p + 1) % p] - st[k]
    st[k + 2] -= old * old
    if inverse * st[k + 2] * 1e-6 > variance or old * old > st[k + 2] * 1e6:
        return math.sqrt(_recentre(st, k, buf, t, p))
    st[k + 3] -= 1
    if st[k + 3] == 0:
        return math.sqrt(_recentre(st, k, buf, t, p))
    st[k + 1] -= old
    return math.sqrt(variance)


@njit(cache=True)
def ema(st: np.ndarray, k: int, x: float, t: int, p: int) -> float:  # pragma: no cover
    """TA-Lib EMA: seeded with the mean of the first `p` values, then k = 2 / (p + 1)."""
    if t < p - 1:
        st[k] += x
        return np.nan
    if t == p - 1:
        st[k] = (st[k] + x) / p
        return float(st[k])
    st[k] = ((x - st[k]) * (2.0 / (p + 1))) + st[k]
    return float(st[k])


@njit(cache=True)
def _true_range(high: float, low: float, prev_close: float) -> float:  # pragma: no cover
    greatest = high - low
    value = abs(prev_close - high)
    if value > greatest:
        greatest = value
    value = abs(prev_close - low)
    if value > greatest:
        greatest = value
    return greatest


@njit(cache=True)
def atr(
    st: np.ndarray, k: int, hlc: tuple[float, float, float], t: int, p: int
) -> float:  # pragma: no cover
    """TA-Lib ATR: mean of the first `p` true ranges, then Wilder smoothing (p 1: TRANGE).

    Slots: k previous close, k+1 running sum / ATR.
    """
    high, low, close = hlc
    if t == 0:
        st[k] = close
        return np.nan
    tr = _true_range(high, low, st[k])
    st[k] = close
    if p == 1:
        return tr
    if t < p:
        st[k + 1] += tr
        return np.nan
    if t == p:
        st[k + 1] = (st[k + 1] + tr) / p
    else:
        st[k + 1] = (st[k + 1] * (p - 1) + tr) / p
    return float(st[k + 1])


@njit(cache=True)
def adx(
    st: np.ndarray, k: int, hlc: tuple[float, float, float], t: int, p: int
) -> float:  # pragma: no cover
    """TA-Lib ADX: Wilder-smoothed +DM, -DM and TR, DX averaged over `p` bars, smoothed.

    Slots: k..k+2 previous high, low, close; k+3 +DM, k+4 -DM, k+5 TR, k+6 sum of DX,
    k+7 ADX. First value at t = 2p - 1.
    """
    high, low, close = hlc
    if t == 0:
        st[k], st[k + 1], st[k + 2] = high, low, close
        return np.nan
    diff_plus = high - st[k]
    diff_minus = st[k + 1] - low
    st[k], st[k + 1] = high, low
    if t >= p:
        st[k + 4] -= st[k + 4] / p
        st[k + 3] -= st[k + 3] / p
    if diff_minus > 0 and diff_plus < diff_minus:
        st[k + 4] += diff_minus
    elif diff_plus > 0 and diff_plus > diff_minus:
        st[k + 3] += diff_plus
    tr = _true_range(high, low, st[k + 2])
    st[k + 5] = st[k + 5] + tr if t < p else st[k + 5] - st[k + 5] / p + tr
    st[k + 2] = close
    if t < p:
        return np.nan
    dx = np.nan
    if not _is_zero(st[k + 5]):
        minus_di = 100.0 * (st[k + 4] / st[k + 5])
        plus_di = 100.0 * (st[k + 3] / st[k + 5])
        total = minus_di + plus_di
        if not _is_zero(total):
            dx = 100.0 * (abs(minus_di - plus_di) / total)
    if t <= 2 * p - 1:
        if dx == dx:
            st[k + 6] += dx
        if t < 2 * p - 1:
            return np.nan
        st[k + 7] = st[k + 6] / p
    elif dx == dx:
        st[k + 7] = (st[k + 7] * (p - 1) + dx) / p
    return float(st[k + 7])


@njit(cache=True)
def rsi(st: np.ndarray, k: int, x: float, t: int, p: int) -> float:  # pragma: no cover
    """TA-Lib RSI (Wilder): slots k previous value, k+1 average gain, k+2 average loss."""
    if t == 0:
        st[k] = x
        return np.nan
    change = x - st[k]
    st[k] = x
    if t > p:
        st[k + 2] *= p - 1
        st[k + 1] *= p - 1
    if change < 0:
        st[k + 2] -= change
    else:
        st[k + 1] += change
    if t < p:
        return np.nan
    st[k + 2] /= p
    st[k + 1] /= p
    total = st[k + 1] + st[k + 2]
    if _is_zero(total):
        return 0.0
    return float(100.0 * (st[k + 1] / total))


@njit(cache=True)
def rocp(buf: np.ndarray, x: float, t: int, p: int) -> float:  # pragma: no cover
    """TA-Lib ROCP: (x - x[t-p]) / x[t-p], 0 where x[t-p] is 0; `buf` holds p + 1 values."""
    buf[t % (p + 1)] = x
    if t < p:
        return np.nan
    old = buf[(t - p) % (p + 1)]
    if old != 0.0:
        return float((x - old) / old)
    return 0.0


@njit(cache=True)
def rolling_max(  # pragma: no cover - numba
    st: np.ndarray, k: int, rings: tuple[np.ndarray, np.ndarray], x: float, t: int, w: int
) -> float:
    """Max of the last `w` values (TA-Lib MAX; MIN is `-rolling_max(-x)`), amortized O(1).

    A monotonic deque: `rings` = (values, bar indices) of capacity `w`; slots k head,
    k+1 size. NaN until `w` values were seen.
    """
    values, times = rings
    head, size = int(st[k]), int(st[k + 1])
    while size > 0 and times[head] <= t - w:
        head = (head + 1) % w
        size -= 1
    while size > 0 and values[(head + size - 1) % w] <= x:
        size -= 1
    position = (head + size) % w
    values[position] = x
    times[position] = t
    st[k], st[k + 1] = head, size + 1
    if t < w - 1:
        return np.nan
    return float(values[head])


@njit(cache=True)
def pandas_mean(
    st: np.ndarray, k: int, buf: np.ndarray, x: float, t: int, w: int
) -> float:  # pragma: no cover
    """`indicators.rolling_mean` one bar at a time (pandas' compensated running sum).

    Slots: k nobs, k+1 negatives, k+2 total, k+3 add compensation, k+4 remove
    compensation, k+5 repeats, k+6 previous value; `buf` holds the last `w` values.
    """
    if t == 0 or w == 1:
        st[k : k + 6] = 0.0
        st[k + 6] = x
    else:
        old = buf[t % w] if t >= w else np.nan
        if old == old:
            st[k] -= 1
            y = -old - st[k + 4]
            total = st[k + 2] + y
            st[k + 4] = total - st[k + 2] - y
            st[k + 2] = total
            if np.signbit(old):
                st[k + 1] -= 1
    buf[t % w] = x
    if x == x:
        st[k] += 1
        y = x - st[k + 3]
        total = st[k + 2] + y
        st[k + 3] = total - st[k + 2] - y
        st[k + 2] = total
        if np.signbit(x):
            st[k + 1] += 1
        st[k + 5] = st[k + 5] + 1 if x == st[k + 6] else 1
        st[k + 6] = x
    nobs, negatives = st[k], st[k + 1]
    if not (nobs >= w and nobs > 0):
        return np.nan
    mean = st[k + 2] / nobs
    if st[k + 5] >= nobs:
        return float(st[k + 6])
    if (negatives == 0 and mean < 0) or (negatives == nobs and mean > 0):
        return 0.0
    return float(mean)


@njit(cache=True)
def latch(  # pragma: no cover - numba
    st: np.ndarray, k: int, conditions: tuple[bool, bool, bool, bool], max_hold_bars: int
) -> int:
    """`indicators.latch` one bar at a time: -2 for no event, else the new direction.

    `conditions` = (enter_long, enter_short, exit_long, exit_short); slots k view,
    k+1 bars held.
    """
    enter_long, enter_short, exit_long, exit_short = conditions
    view = int(st[k])
    if view == 0:
        if enter_long:
            view = 1
        elif enter_short:
            view = -1
        else:
            return -2
        st[k], st[k + 1] = view, 0.0
        return view
    held = st[k + 1] + 1
    timed_out = max_hold_bars > 0 and held >= max_hold_bars
    leave = exit_long if view == 1 else exit_short
    if not (leave or timed_out):
        st[k + 1] = held
        return -2
    flip = enter_short if view == 1 else enter_long
    view = -view if flip else 0
    st[k], st[k + 1] = view, 0.0
    return view


@njit(cache=True)
def clip01(value: float) -> float:  # pragma: no cover - numba
    """`indicators.clip01` on one value: NaN -> 0, clipped to [0, 1]."""
    if value != value:
        return 0.0
    return min(max(value, 0.0), 1.0)


@njit(cache=True)
def emit(
    out: np.ndarray, event: int, values: tuple[float, float, float, float]
) -> None:  # pragma: no cover
    """Write one `SignalArrays` row into `out` (6,): blank without an event (-2), no
    stop or target on exits; `values` = (strength, confidence, stop, target)."""
    if event == -2:
        out[0], out[1], out[2], out[3] = 0.0, 0.0, 0.0, 0.0
        out[4], out[5] = np.nan, np.nan
        return
    strength, confidence, stop, target = values
    out[0], out[1], out[2], out[3] = 1.0, float(event), strength, confidence
    out[4] = stop if event != 0 else np.nan
    out[5] = target if event != 0 else np.nan
