"""Live rails: the last checks on an order about to reach a live venue.

They run after the engine's risk rules, once per live order, in plain Python. Each
rail either passes or returns a `RailDenial` carrying a stable `RailReason` code (the
journal stores its text) and a detail naming the figures. The risk package does not
import `tradewind.config`: `LiveRails` accepts anything with the attribute names of
`RailsSettings`, which `config.operator.rails` (`RailsConfig`) has; None switches a
rail off.

Rules, in the order they are checked (the first failing rail is the one reported):

1. stop: FREEZE or HARD in force denies every order; SOFT denies entries only.
2. order notional: `notional_usd > max_order_notional_usd` is denied, exits included.
3. price collar: `|price - last_trade| / last_trade * 100 > price_collar_pct` is
   denied; market orders are skipped (their reference is the last trade), and so are
   stop exits (a protective stop sits away from the market by design; denying it would
   leave the position unprotected). Entries (limit or stop) and limit exits are
   collared; without a last trade they are denied (`rail_no_last_trade`).
4. daily loss: an entry is denied once the day's loss reaches the limit
   (`-day_pnl_usd >= daily_loss_limit_pct % of day_start_equity_usd`).
5. open orders: an entry is denied when `open_orders >= max_open_orders`.
6. notional per minute: an entry is denied when the notional recorded with
   `record_sent` in the 60 s before it, plus its own, exceeds
   `max_notional_per_minute_usd`.

Exits pass rails 4, 5 and 6 (they reduce risk) but not 2 and 3 (a fat-fingered exit is
still fat).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from tradewind.domain.trading_state import ShutdownMode

__all__ = [
    "WINDOW_NS",
    "LiveRails",
    "OrderIntent",
    "RailDenial",
    "RailReason",
    "RailsSettings",
    "RailsView",
]

WINDOW_NS = 60_000_000_000
"""Length of the notional-per-minute window, ns (an order exactly this old drops out)."""


class RailReason(StrEnum):
    """Why a rail denied a live order; the value is the code the journal stores."""

    DAILY_LOSS = "rail_daily_loss"
    ORDER_NOTIONAL = "rail_order_notional"
    NOTIONAL_PER_MINUTE = "rail_notional_per_minute"
    PRICE_COLLAR = "rail_price_collar"
    OPEN_ORDERS = "rail_open_orders"
    NO_LAST_TRADE = "rail_no_last_trade"
    """The collar applies but no last trade is known for the symbol."""
    STOPPED = "rail_stopped"
    """A stop is in force: SOFT on an entry, FREEZE or HARD on any order."""


class RailsSettings(Protocol):
    """The rails' limits, with the names of the `operator.rails` config section."""

    @property
    def max_order_notional_usd(self) -> float | None: ...
    @property
    def max_notional_per_minute_usd(self) -> float | None: ...
    @property
    def price_collar_pct(self) -> float | None: ...
    @property
    def max_open_orders(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class OrderIntent:
    """An order about to be sent to a live venue.

    `side` is +1 (buy) or -1 (sell); `quantity` > 0; `price` is the limit price or the
    stop's trigger level (`is_stop`), None for a market order; `notional_usd` is
    |quantity| x reference price x multiplier x FX in USD (computed by the caller);
    `is_exit` marks an order that only reduces a position (protective stop, take
    profit, flatten); `ts_ns` is the wall clock of the decision (ns since the epoch).
    Raises ValueError naming the field for an unusable value.
    """

    market: str
    symbol: str
    side: int
    quantity: float
    price: float | None
    notional_usd: float
    is_exit: bool
    ts_ns: int
    is_stop: bool = False

    def __post_init__(self) -> None:
        _require_text("market", self.market)
        _require_text("symbol", self.symbol)
        if isinstance(self.side, bool) or self.side not in (1, -1):
            raise ValueError(f"side: expected +1 (buy) or -1 (sell), got {self.side!r}")
        _require_positive("quantity", self.quantity)
        if self.price is not None:
            _require_positive("price", self.price)
        _require_positive("notional_usd", self.notional_usd)
        _require_instant("ts_ns", self.ts_ns)
        if self.is_stop and self.price is None:
            raise ValueError("price: expected the trigger level of a stop order, got None")


@dataclass(frozen=True, slots=True)
class RailsView:
    """What the session knows when an order is checked.

    `last_trade` is the symbol's last trade or close (None when unknown);
    `open_orders` the working orders across live markets; `day_pnl_usd` realized plus
    unrealized P&L since the day start, marked at last trades; `day_start_equity_usd`
    (> 0) the equity at the day start; `stop` the stop in force for the order's market
    ("soft", "hard", "freeze" or a `ShutdownMode`), None when trading normally.
    Raises ValueError naming the field for an unusable value.
    """

    last_trade: float | None
    open_orders: int
    day_pnl_usd: float
    day_start_equity_usd: float
    stop: str | None

    def __post_init__(self) -> None:
        if self.last_trade is not None:
            _require_positive("last_trade", self.last_trade)
        if isinstance(self.open_orders, bool) or not isinstance(self.open_orders, int):
            raise ValueError(f"open_orders: expected a count, got {self.open_orders!r}")
        if self.open_orders < 0:
            raise ValueError(f"open_orders: expected >= 0, got {self.open_orders}")
        if not math.isfinite(self.day_pnl_usd):
            raise ValueError(f"day_pnl_usd: expected a finite number, got {self.day_pnl_usd}")
        _require_positive("day_start_equity_usd", self.day_start_equity_usd)
        if self.stop is not None and self.stop not in _STOP_MODES:
            raise ValueError(
                f"stop: expected one of {', '.join(_STOP_MODES)} or None, got {self.stop!r}"
            )


@dataclass(frozen=True, slots=True)
class RailDenial:
    """A rail's refusal: the reason code and a detail naming the figures."""

    reason: RailReason
    detail: str


class LiveRails:
    """The rails of one live session (holds the notional-per-minute window).

    `rails` has the `RailsSettings` attributes (None switches a rail off);
    `daily_loss_limit_pct` is `risk.global.daily_loss_limit_pct` (None switches the
    daily-loss rail off). Raises ValueError naming the setting for an unusable limit.
    """

    __slots__ = (
        "_collar_pct",
        "_daily_loss_pct",
        "_max_minute",
        "_max_open",
        "_max_order",
        "_sent",
    )

    def __init__(self, rails: RailsSettings, daily_loss_limit_pct: float | None) -> None:
        self._max_order = _limit("rails.max_order_notional_usd", rails.max_order_notional_usd)
        self._max_minute = _limit(
            "rails.max_notional_per_minute_usd", rails.max_notional_per_minute_usd
        )
        self._collar_pct = _limit("rails.price_collar_pct", rails.price_collar_pct)
        self._max_open = _count_limit("rails.max_open_orders", rails.max_open_orders)
        self._daily_loss_pct = _limit("daily_loss_limit_pct", daily_loss_limit_pct)
        self._sent: deque[tuple[int, float]] = deque()

    def check(self, intent: OrderIntent, view: RailsView) -> RailDenial | None:
        """The first rail `intent` fails given `view`, or None when it may be sent."""
        denial = _stopped(intent, view) or self._order_notional(intent)
        denial = denial or self._collar(intent, view)
        if denial is not None or intent.is_exit:
            return denial
        return self._daily_loss(view) or self._open_orders(view) or self._per_minute(intent)

    def record_sent(self, intent: OrderIntent) -> None:
        """Count `intent` (sent to the venue) toward the notional-per-minute window."""
        self._sent.append((intent.ts_ns, intent.notional_usd))
        # Pruned against this order's clock: a clock stepped back prunes less, never more.
        while self._sent and self._sent[0][0] <= intent.ts_ns - WINDOW_NS:
            self._sent.popleft()

    def sent_in_window_usd(self, ts_ns: int) -> float:
        """Notional recorded in the 60 s before `ts_ns` (exclusive of the start), USD.

        Orders recorded with a later clock (a wall clock stepped back) still count.
        """
        cutoff_ns = ts_ns - WINDOW_NS
        return math.fsum(usd for sent_ns, usd in self._sent if sent_ns > cutoff_ns)

    def _order_notional(self, intent: OrderIntent) -> RailDenial | None:
        if self._max_order is None or intent.notional_usd <= self._max_order:
            return None
        return RailDenial(
            RailReason.ORDER_NOTIONAL,
            f"notional {_usd(intent.notional_usd)} USD above max_order_notional_usd "
            f"{_figure(self._max_order)}",
        )

    def _collar(self, intent: OrderIntent, view: RailsView) -> RailDenial | None:
        if self._collar_pct is None or intent.price is None:
            return None
        if intent.is_exit and intent.is_stop:
            return None
        last = view.last_trade
        if last is None:
            return RailDenial(
                RailReason.NO_LAST_TRADE,
                f"no last trade for {intent.symbol} to collar price {_price(intent.price)} "
                f"against (price_collar_pct {_figure(self._collar_pct)})",
            )
        # Compared multiplied out so that a price exactly on the collar passes exactly.
        if abs(intent.price - last) * 100.0 <= self._collar_pct * last:
            return None
        distance_pct = abs(intent.price - last) / last * 100.0
        return RailDenial(
            RailReason.PRICE_COLLAR,
            f"price {_price(intent.price)} is {distance_pct:,.2f}% from last trade "
            f"{_price(last)}, above price_collar_pct {_figure(self._collar_pct)}",
        )

    def _daily_loss(self, view: RailsView) -> RailDenial | None:
        if self._daily_loss_pct is None:
            return None
        loss_usd = -view.day_pnl_usd
        if loss_usd * 100.0 < self._daily_loss_pct * view.day_start_equity_usd:
            return None
        limit_usd = self._daily_loss_pct / 100.0 * view.day_start_equity_usd
        return RailDenial(
            RailReason.DAILY_LOSS,
            f"day loss {_usd(loss_usd)} USD reached daily_loss_limit_pct "
            f"{_figure(self._daily_loss_pct)} of day-start equity "
            f"{_usd(view.day_start_equity_usd)} USD ({_usd(limit_usd)} USD)",
        )

    def _open_orders(self, view: RailsView) -> RailDenial | None:
        if self._max_open is None or view.open_orders < self._max_open:
            return None
        return RailDenial(
            RailReason.OPEN_ORDERS,
            f"{view.open_orders} open orders, max_open_orders {self._max_open} reached",
        )

    def _per_minute(self, intent: OrderIntent) -> RailDenial | None:
        if self._max_minute is None:
            return None
        sent_usd = self.sent_in_window_usd(intent.ts_ns)
        if math.fsum((sent_usd, intent.notional_usd)) <= self._max_minute:
            return None
        return RailDenial(
            RailReason.NOTIONAL_PER_MINUTE,
            f"notional {_usd(intent.notional_usd)} USD on top of {_usd(sent_usd)} USD sent "
            f"in the last 60 s above max_notional_per_minute_usd {_figure(self._max_minute)}",
        )


_STOP_MODES = tuple(mode.value for mode in ShutdownMode)


def _stopped(intent: OrderIntent, view: RailsView) -> RailDenial | None:
    if view.stop is None:
        return None
    mode = ShutdownMode(view.stop)
    if mode is ShutdownMode.SOFT and intent.is_exit:
        return None
    what = "entries" if mode is ShutdownMode.SOFT else "every order"
    return RailDenial(
        RailReason.STOPPED, f"{mode.value} stop in force for {intent.market}: denies {what}"
    )


def _require_text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name}: expected a non-empty name, got {value!r}")


def _require_positive(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}: expected a number, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name}: expected a finite number > 0, got {value}")


def _require_instant(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name}: expected nanoseconds since the epoch (int >= 0), got {value!r}")


def _limit(name: str, value: float | None) -> float | None:
    if value is not None:
        _require_positive(name, value)
        return float(value)
    return None


def _count_limit(name: str, value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}: expected a count >= 1 or None, got {value!r}")
    return value


def _usd(value: float) -> str:
    return f"{value:,.2f}"


def _figure(value: float) -> str:
    """A configured limit as written: 100,000 or 2.5."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _price(value: float) -> str:
    return f"{value:,.10g}"
