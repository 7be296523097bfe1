"""The market clock of a replay, the price path it feeds, and kline aggregation.

Two ways to move an `EmulatedMarket`:

- manual: `market.trade_bar(...)` per bar (contract tests);
- replay: a `ReplayClock` maps wall time to market time
  (`market_now_ms = start_ms + (wall_s - anchor_wall_s) * speed * 1000`) and a `ReplayFeed`
  feeds every base bar of its `PricePath`s whose close time has passed, in time order,
  whenever `sync()` is called (the dialects call it before every request).

`aggregate_klines` builds klines of any multiple of the base interval from completed base
bars, with the in-progress kline last, as exchanges serve them.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from tradewind.venues.emulation.market import EmulatedMarket
from tradewind.venues.emulation.records import Bar

__all__ = [
    "Kline",
    "PricePath",
    "ReplayClock",
    "ReplayFeed",
    "UnsupportedIntervalError",
    "aggregate_klines",
]

_WEEK_MS = 7 * 86_400_000
# Exchanges open weekly klines on Monday 00:00 UTC; the epoch was a Thursday.
_WEEK_OFFSET_MS = 4 * 86_400_000


class UnsupportedIntervalError(ValueError):
    """A kline interval that is not a whole multiple of the base interval."""


class ReplayClock:
    """Market time from wall time: start_ms + (wall - anchor_wall_s) * speed * 1000."""

    def __init__(
        self,
        start_ms: int,
        speed: float = 1.0,
        anchor_wall_s: float | None = None,
        wall_s: Callable[[], float] = time.time,
    ) -> None:
        if not speed > 0:
            raise ValueError(f"speed: expected > 0, got {speed}")
        self.start_ms = int(start_ms)
        self.speed = float(speed)
        self._wall_s = wall_s
        self.anchor_wall_s = wall_s() if anchor_wall_s is None else float(anchor_wall_s)

    def now_ms(self) -> int:
        """The market instant now, in ms."""
        return self.start_ms + int((self._wall_s() - self.anchor_wall_s) * self.speed * 1000)


@dataclass(frozen=True, slots=True)
class PricePath:
    """Base bars of one symbol: parallel sequences of open time (ms) and o, h, l, c, v."""

    symbol: str
    interval_ms: int
    open_time_ms: Sequence[int]
    open: Sequence[float | Decimal | str]
    high: Sequence[float | Decimal | str]
    low: Sequence[float | Decimal | str]
    close: Sequence[float | Decimal | str]
    volume: Sequence[float | Decimal | str]

    def __post_init__(self) -> None:
        n = len(self.open_time_ms)
        for name in ("open", "high", "low", "close", "volume"):
            if len(getattr(self, name)) != n:
                got = len(getattr(self, name))
                raise ValueError(f"PricePath {self.symbol}.{name}: expected {n} values, got {got}")
        if self.interval_ms <= 0:
            raise ValueError(f"PricePath {self.symbol}.interval_ms: expected > 0")

    def __len__(self) -> int:
        return len(self.open_time_ms)


class ReplayFeed:
    """Feeds the bars of price paths to a market as the replay clock passes their close."""

    def __init__(
        self, market: EmulatedMarket, clock: ReplayClock, paths: Sequence[PricePath]
    ) -> None:
        self.market = market
        self.clock = clock
        self._paths = {p.symbol: p for p in paths}
        self._lock = threading.Lock()
        self._heap: list[tuple[int, str, int]] = []
        for path in paths:
            market.spec(path.symbol)
            if len(path):
                self._push(path, 0)

    def sync(self, until_ms: int | None = None) -> int:
        """Feed every bar closed by now (or by until_ms), in close-time order.

        Returns the market instant reached, in ms. `until_ms` (earlier than now) rebuilds
        the history up to a saved instant before the saved orders are restored.
        """
        now_ms = self.clock.now_ms() if until_ms is None else until_ms
        with self._lock:
            while self._heap and self._heap[0][0] <= now_ms:
                _, symbol, index = heapq.heappop(self._heap)
                path = self._paths[symbol]
                self._feed(path, index)
                if index + 1 < len(path):
                    self._push(path, index + 1)
            self.market.advance_clock(now_ms)
        return now_ms

    def next_close_ms(self) -> int | None:
        """When the next bar closes, or None at the end of every path."""
        with self._lock:
            return self._heap[0][0] if self._heap else None

    def _push(self, path: PricePath, index: int) -> None:
        close_ms = int(path.open_time_ms[index]) + path.interval_ms
        heapq.heappush(self._heap, (close_ms, path.symbol, index))

    def _feed(self, path: PricePath, i: int) -> None:
        open_ms = int(path.open_time_ms[i])
        self.market.trade_bar(
            path.symbol,
            open_ms,
            _dec(path.open[i]),
            _dec(path.high[i]),
            _dec(path.low[i]),
            _dec(path.close[i]),
            _dec(path.volume[i]),
            close_time_ms=open_ms + path.interval_ms,
        )


@dataclass(frozen=True, slots=True)
class Kline:
    """One aggregated kline; close_time_ms is exclusive (the instant it closes)."""

    open_time_ms: int
    close_time_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    quote_volume: Decimal
    bar_count: int


def aggregate_klines(
    bars: Sequence[Bar],
    base_interval_ms: int,
    interval_ms: int,
    now_ms: int,
    *,
    start_ms: int | None = None,
    end_ms: int | None = None,
    limit: int = 500,
) -> list[Kline]:
    """Klines of interval_ms opening in [start_ms, end_ms], at most `limit`.

    With start_ms the first `limit` klines from it, else the latest `limit`. The kline in
    progress at now_ms comes last with the base bars closed so far (none: o=h=l=c=previous
    close, volume 0) and its real, future close time. Weekly klines open on Mondays.
    Raises UnsupportedIntervalError unless interval_ms is a multiple of base_interval_ms.
    """
    if interval_ms < base_interval_ms or interval_ms % base_interval_ms:
        raise UnsupportedIntervalError(
            f"interval {interval_ms} ms: expected a multiple of the base interval "
            f"{base_interval_ms} ms"
        )
    offset = _WEEK_OFFSET_MS if interval_ms % _WEEK_MS == 0 else 0
    buckets: dict[int, list[Bar]] = {}
    for bar in bars:
        if bar.close_time_ms <= now_ms:
            buckets.setdefault(_bucket(bar.open_time_ms, interval_ms, offset), []).append(bar)
    current = _bucket(now_ms, interval_ms, offset)
    klines = [_merge(k, interval_ms, group) for k, group in sorted(buckets.items())]
    if not buckets.get(current) and klines and klines[-1].open_time_ms < current:
        prev = klines[-1].close
        klines.append(
            Kline(current, current + interval_ms, prev, prev, prev, prev, Decimal(0), Decimal(0), 0)
        )
    selected = [
        k
        for k in klines
        if (start_ms is None or k.open_time_ms >= start_ms)
        and (end_ms is None or k.open_time_ms <= end_ms)
    ]
    return selected[:limit] if start_ms is not None else selected[-limit:]


def _bucket(t_ms: int, interval_ms: int, offset_ms: int) -> int:
    return (t_ms - offset_ms) // interval_ms * interval_ms + offset_ms


def _merge(open_ms: int, interval_ms: int, group: list[Bar]) -> Kline:
    return Kline(
        open_time_ms=open_ms,
        close_time_ms=open_ms + interval_ms,
        open=group[0].open,
        high=max(b.high for b in group),
        low=min(b.low for b in group),
        close=group[-1].close,
        volume=sum((b.volume for b in group), Decimal(0)),
        quote_volume=sum((b.volume * b.close for b in group), Decimal(0)),
        bar_count=len(group),
    )


def _dec(value: float | Decimal | str) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))
