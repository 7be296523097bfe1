"""Put symbols with different calendars onto one timeline, with no look-ahead.

The timeline is a regular grid of *decision instants* for a timeframe: the row
labelled L is decided at `L + timeframe` (daily row D at D+1 00:00 UTC, hourly row
H at H+1h, weekly rows start on Monday, monthly rows on the 1st, all UTC). Each
cell holds the latest bar of that symbol whose `close_time <= decision instant`:
a bar is never shown before it has closed. A bar is *fresh* in a row when it
closed within the row's interval `(L, L + timeframe]`.

Policies (`AlignPolicy`), recorded in the panel's `AlignmentReport`:

* `INTERSECTION`: keep a row only when every symbol has a fresh bar in it.
* `FFILL`: keep every row from the first with any data; carry each symbol's last
  closed bar forward while its age (decision instant - bar close) is at most
  `max_staleness`; older bars become NaN.

Cost: one `np.searchsorted` per symbol per pass (two passes), outputs written
column by column into Fortran-ordered T x N arrays; no per-bar Python loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Final

import numpy as np
import pandas as pd

from tradewind.data.align_report import AlignmentReport, SymbolCounts
from tradewind.data.aligned_panel import PRICE_FIELDS, AlignedPanel, AlignmentError, AlignPolicy
from tradewind.data.bar_times import checked_bar_times
from tradewind.data.calendars._base import parse_timeframe
from tradewind.data.calendars._convert import NAT_NS, ns_to_utc_index, to_utc_ns
from tradewind.data.calendars.errors import CalendarError
from tradewind.domain.timeframe import Timeframe, TimeUnit

__all__ = [
    "PRICE_FIELDS",
    "AlignPolicy",
    "AlignedPanel",
    "AlignmentError",
    "AlignmentReport",
    "SymbolCounts",
    "align",
]

_REQUIRED: Final = ("timestamp", "close_time", *PRICE_FIELDS)
_NS_PER_S: Final = 1_000_000_000
# Weekly rows start on Monday: 1969-12-29 00:00 UTC, three days before the epoch.
_WEEK_ANCHOR_NS: Final = -3 * 86_400 * _NS_PER_S


def align(
    frames: Mapping[str, pd.DataFrame],
    *,
    timeframe: Timeframe | str,
    policy: AlignPolicy | str = AlignPolicy.INTERSECTION,
    max_staleness: pd.Timedelta | timedelta | str | None = None,
    start: Any = None,
    end: Any = None,
) -> AlignedPanel:
    """Align normalized bar frames (symbol -> frame) on one timeline; see module docstring.

    Args:
        frames: normalized bar frames, each with a UTC `close_time` sorted ascending.
        timeframe: the timeline's step ("1h", "1d", "1w", "1M", ...).
        policy: INTERSECTION (default) or FFILL.
        max_staleness: FFILL only (required there): the oldest bar age still shown.
        start, end: optional bounds on row labels (inclusive); by default the grid
            runs from the first row any bar is visible in to the row the last bar
            becomes visible in. Leading rows without data are dropped and counted.

    Raises:
        AlignmentError: no frames, a frame is not a normalized bar frame (the message
            names symbol, column and row), FFILL without `max_staleness`,
            `max_staleness` under INTERSECTION, or an unparsable timeframe.
    """
    tf = _parse_timeframe(timeframe)
    chosen = _parse_policy(policy)
    staleness = _parse_staleness(chosen, max_staleness)
    symbols, close_times = _checked_close_times(frames)
    present = [ct for ct in close_times if ct.size]
    first_close = min(int(ct[0]) for ct in present)
    last_close = max(int(ct[-1]) for ct in present)
    labels, decisions = _grid(tf, first_close, last_close, start, end)

    first_data = int(np.searchsorted(decisions, first_close, side="left"))
    keep = np.arange(labels.size) >= first_data
    if chosen is AlignPolicy.INTERSECTION:
        for ct in close_times:
            keep &= _fresh(ct, labels, decisions)
    rows = np.flatnonzero(keep)
    builder = _PanelBuilder(labels[rows], decisions[rows], len(symbols), staleness)
    for column, symbol in enumerate(symbols):
        builder.fill(column, close_times[column], frames[symbol])
    grid_rows = int(labels.size)
    report = AlignmentReport(
        policy=str(chosen),
        timeframe=str(tf),
        max_staleness=None if staleness is None else pd.Timedelta(staleness, unit="ns"),
        rows_in_grid=grid_rows,
        rows_kept=int(rows.size),
        rows_before_data=min(first_data, grid_rows),
        rows_not_common=grid_rows - min(first_data, grid_rows) - int(rows.size),
        symbol_counts=dict(zip(symbols, builder.counts, strict=True)),
        first_common_row=builder.first_common_row(),
        last_common_row=builder.last_common_row(),
    )
    return builder.build(symbols, report)


def _checked_close_times(
    frames: Mapping[str, pd.DataFrame],
) -> tuple[tuple[str, ...], list[np.ndarray]]:
    """The symbols and each frame's close times (ns), refused when there is nothing to align."""
    if not frames:
        raise AlignmentError("align needs at least one symbol, found an empty mapping")
    symbols = tuple(frames)
    for symbol in symbols:
        if not isinstance(symbol, str) or not symbol:
            raise AlignmentError(f"symbol keys must be non-empty strings, found {symbol!r}")
    close_times = [_close_times(symbol, frames[symbol]) for symbol in symbols]
    if not any(ct.size for ct in close_times):
        raise AlignmentError(f"every frame is empty ({', '.join(symbols)}): nothing to align")
    return symbols, close_times


class _PanelBuilder:
    """Fills the T x N output arrays one symbol (column) at a time."""

    def __init__(
        self, labels: np.ndarray, decisions: np.ndarray, width: int, staleness: int | None
    ) -> None:
        self.labels = labels
        self.decisions = decisions
        self.staleness = staleness
        shape = (labels.size, width)
        self.values = {name: np.empty(shape, dtype=np.float64, order="F") for name in PRICE_FIELDS}
        self.bar_time = np.empty(shape, dtype=np.int64, order="F")
        self.age = np.empty(shape, dtype=np.int64, order="F")
        self.all_present = np.ones(labels.size, dtype=bool)
        self.counts: list[SymbolCounts] = []

    def fill(self, column: int, close_ns: np.ndarray, frame: pd.DataFrame) -> None:
        # Every source array gets a sentinel (NaN / NaT) appended: index -1, which
        # searchsorted yields before the first close, then selects it, so each field
        # is one `np.take` straight into its (contiguous, Fortran-order) column.
        index = np.searchsorted(close_ns, self.decisions, side="right") - 1
        has = index >= 0
        closed = np.append(close_ns, NAT_NS)[index]
        age = self.decisions - closed  # garbage where not `has`; masked below
        if self.staleness is None:
            shown, pick = has, index
        else:
            shown = has & (age <= self.staleness)
            pick = np.where(shown, index, -1)
        for name in PRICE_FIELDS:
            source = frame[name].to_numpy(dtype=np.float64, na_value=np.nan)
            np.take(np.append(source, np.nan), pick, out=self.values[name][:, column])
        stamps = np.append(to_utc_ns(frame["timestamp"]), NAT_NS)
        np.take(stamps, pick, out=self.bar_time[:, column])
        np.copyto(self.age[:, column], np.where(shown, age, NAT_NS))
        self.all_present &= shown
        n_fresh = int(np.count_nonzero(shown & (closed > self.labels)))
        n_shown, n_has = int(np.count_nonzero(shown)), int(np.count_nonzero(has))
        self.counts.append(
            SymbolCounts(
                fresh=n_fresh,
                forward_filled=n_shown - n_fresh,
                stale=n_has - n_shown,
                missing=int(has.size) - n_has,
            )
        )

    def first_common_row(self) -> pd.Timestamp | None:
        hits = np.flatnonzero(self.all_present)
        return pd.Timestamp(int(self.labels[hits[0]]), tz="UTC") if hits.size else None

    def last_common_row(self) -> pd.Timestamp | None:
        hits = np.flatnonzero(self.all_present)
        return pd.Timestamp(int(self.labels[hits[-1]]), tz="UTC") if hits.size else None

    def build(self, symbols: tuple[str, ...], report: AlignmentReport) -> AlignedPanel:
        age = self.age.view("m8[ns]")
        arrays = [*self.values.values(), self.bar_time, age]
        for array in arrays:
            array.setflags(write=False)
        return AlignedPanel(
            timeline=ns_to_utc_index(self.labels, name="timestamp"),
            decision_times=ns_to_utc_index(self.decisions, name="decision_time"),
            symbols=symbols,
            open=self.values["open"],
            high=self.values["high"],
            low=self.values["low"],
            close=self.values["close"],
            volume=self.values["volume"],
            bar_time=self.bar_time,
            age=age,
            report=report,
        )


def _fresh(close_ns: np.ndarray, labels: np.ndarray, decisions: np.ndarray) -> np.ndarray:
    """Rows in which at least one bar closed within `(label, decision]`."""
    if close_ns.size == 0:
        return np.zeros(labels.size, dtype=bool)
    index = np.searchsorted(close_ns, decisions, side="right") - 1
    return (index >= 0) & (close_ns[np.clip(index, 0, None)] > labels)


def _close_times(symbol: str, frame: pd.DataFrame) -> np.ndarray:
    """Validated close_time column as int64 ns (sorted, no NaT, after timestamp)."""
    _, close_ns = checked_bar_times(
        frame, required=_REQUIRED, context=f"frame for {symbol}", error=AlignmentError
    )
    unsorted = np.flatnonzero(np.diff(close_ns) < 0)
    if unsorted.size:
        row = int(unsorted[0]) + 1
        raise AlignmentError(
            f"frame for {symbol}, row {row}: close_time must not decrease, found "
            f"{frame['close_time'].iloc[row]} after {frame['close_time'].iloc[row - 1]}"
        )
    return close_ns


def _grid(
    tf: Timeframe, first_close: int, last_close: int, start: Any, end: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Row labels and decision instants (int64 ns) covering the data or [start, end]."""
    if tf.unit is TimeUnit.MONTH:
        # Row k is the month block starting at month k*count since 1970-01.
        first_k = -(-_ceil_month(first_close) // tf.count) - 1
        last_k = -(-_ceil_month(last_close) // tf.count) - 1
        if start is not None:
            first_k = -(-_ceil_month(_instant(start, "start")) // tf.count)
        if end is not None:
            last_k = _floor_month(_instant(end, "end")) // tf.count
        months = np.arange(first_k, max(last_k, first_k - 1) + 1, dtype=np.int64) * tf.count
        labels = months.astype("M8[M]").astype("M8[ns]").view(np.int64)
        decisions = (months + tf.count).astype("M8[M]").astype("M8[ns]").view(np.int64)
        return labels, decisions
    step = tf.seconds * _NS_PER_S
    anchor = _WEEK_ANCHOR_NS if tf.unit is TimeUnit.WEEK else 0
    first_k = -(-(first_close - anchor) // step) - 1
    last_k = -(-(last_close - anchor) // step) - 1
    if start is not None:
        first_k = -(-(_instant(start, "start") - anchor) // step)
    if end is not None:
        last_k = (_instant(end, "end") - anchor) // step
    ks = np.arange(first_k, max(last_k, first_k - 1) + 1, dtype=np.int64)
    labels = anchor + ks * step
    return labels, labels + step


def _ceil_month(ns: int) -> int:
    """Index (months since 1970-01) of the first month start at or after `ns`."""
    floor = _floor_month(ns)
    start = int(np.array([floor], dtype="M8[M]").astype("M8[ns]").view(np.int64)[0])
    return floor if start == ns else floor + 1


def _floor_month(ns: int) -> int:
    return int(np.array([ns], dtype=np.int64).view("M8[ns]").astype("M8[M]").view(np.int64)[0])


def _instant(value: Any, what: str) -> int:
    try:
        ns = int(to_utc_ns(value)[0])
    except (TypeError, ValueError) as exc:
        raise AlignmentError(f"invalid {what} {value!r}: expected a date or UTC instant") from exc
    if ns == NAT_NS:
        raise AlignmentError(f"invalid {what}: expected a date or UTC instant, found NaT")
    return ns


def _parse_timeframe(timeframe: Timeframe | str) -> Timeframe:
    try:
        return parse_timeframe(timeframe)
    except CalendarError as exc:
        raise AlignmentError(str(exc)) from exc


def _parse_policy(policy: AlignPolicy | str) -> AlignPolicy:
    try:
        return AlignPolicy(str(policy).lower())
    except ValueError:
        choices = ", ".join(p.value for p in AlignPolicy)
        raise AlignmentError(
            f"invalid align policy {policy!r}: expected one of {choices}"
        ) from None


def _parse_staleness(
    policy: AlignPolicy, value: pd.Timedelta | timedelta | str | None
) -> int | None:
    if policy is AlignPolicy.INTERSECTION:
        if value is not None:
            raise AlignmentError(
                "max_staleness applies to the ffill policy only; "
                f"found max_staleness={value!r} with policy intersection"
            )
        return None
    if value is None:
        raise AlignmentError(
            "policy ffill requires max_staleness (e.g. '3D'): the oldest bar age to carry forward"
        )
    try:
        delta = pd.Timedelta(value)
    except (TypeError, ValueError) as exc:
        raise AlignmentError(
            f"invalid max_staleness {value!r}: expected a duration such as '3D' or '90min'"
        ) from exc
    if pd.isna(delta) or delta < pd.Timedelta(0):
        raise AlignmentError(f"invalid max_staleness {value!r}: expected a duration >= 0")
    return int(delta.as_unit("ns").value)
