"""Completing close-only bundled series so the emulated market can trade them.

Of the bundled daily equities only AAPL has open, high, low and volume; MSFT, SPY, DIA,
JPM, XOM, XLK, XLF, XLE, EEM and EFA carry the close alone (the other columns NaN). A
market needs whole bars: `complete_bars` opens each bar at the previous close (the first
at its own close), takes high and low from open and close, and gives a missing volume
`default_volume` shares, so resting orders can fill. Rows that are complete pass as they are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["DEFAULT_SYNTHETIC_VOLUME", "CompletedBars", "complete_bars"]

DEFAULT_SYNTHETIC_VOLUME = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class CompletedBars:
    """Parallel open, high, low, close, volume columns, every value present."""

    open: list[Decimal]
    high: list[Decimal]
    low: list[Decimal]
    close: list[Decimal]
    volume: list[Decimal]


def complete_bars(
    open_: Sequence[float],
    high: Sequence[float],
    low: Sequence[float],
    close: Sequence[float],
    volume: Sequence[float],
    *,
    tick: Decimal | None = None,
    default_volume: Decimal = DEFAULT_SYNTHETIC_VOLUME,
) -> CompletedBars:
    """Whole bars from columns with gaps (NaN); prices rounded to `tick` when given.

    Raises ValueError naming the row when a close is missing or the columns differ in length.
    """
    n = len(close)
    if not len(open_) == len(high) == len(low) == len(volume) == n:
        raise ValueError("complete_bars: expected columns of equal length")
    out = CompletedBars([], [], [], [], [])
    previous: Decimal | None = None
    for i in range(n):
        c = _price(close[i], tick)
        if c is None:
            raise ValueError(f"complete_bars row {i}: expected a close, got {close[i]!r}")
        o = _price(open_[i], tick) or previous or c
        h = _price(high[i], tick) or max(o, c)
        lo = _price(low[i], tick) or min(o, c)
        v = _number(volume[i])
        out.open.append(o)
        out.high.append(max(h, o, c))
        out.low.append(min(lo, o, c))
        out.close.append(c)
        out.volume.append(default_volume if v is None else v)
        previous = c
    return out


def _number(value: float) -> Decimal | None:
    number = float(value)
    return None if math.isnan(number) else Decimal(repr(number))


def _price(value: float, tick: Decimal | None) -> Decimal | None:
    number = _number(value)
    return number if number is None or tick is None else number.quantize(tick)
