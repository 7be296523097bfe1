"""Records of the emulated market: symbol specs, orders, trades, balances, bars, rejections.

Everything is `Decimal` at the order boundary and every instant is milliseconds since the
epoch on the MARKET clock (see `market.EmulatedMarket.now_ms`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

__all__ = [
    "Balance",
    "Bar",
    "MarketSpec",
    "NewOrder",
    "Order",
    "OrderRejectedError",
    "OrderStatus",
    "OrderType",
    "Placement",
    "RejectReason",
    "Side",
    "SymbolSpec",
    "TimeInForce",
    "Trade",
]


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"
    """Stop-market: triggers like a stop-limit, then fills at the stop (or the gapped open)."""
    STOP_LIMIT = "stop_limit"


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"
    DAY = "DAY"
    """Works until the last bar of the session it was placed in (`hours.TradingHours`)."""


class OrderStatus(StrEnum):
    NEW = "NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"

    @property
    def is_open(self) -> bool:
        """True while the order can still fill."""
        return self in (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED)


class RejectReason(StrEnum):
    """Why the market refused a request; a dialect maps each to its venue's error."""

    UNKNOWN_SYMBOL = "unknown_symbol"
    UNKNOWN_ACCOUNT = "unknown_account"
    UNKNOWN_ORDER = "unknown_order"
    DUPLICATE_ORDER = "duplicate_order"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    PRICE_FILTER = "price_filter"
    LOT_SIZE = "lot_size"
    MARKET_LOT_SIZE = "market_lot_size"
    MIN_NOTIONAL = "min_notional"
    NO_PRICE = "no_price"
    WOULD_TRIGGER_IMMEDIATELY = "would_trigger_immediately"
    WOULD_MATCH = "would_match"
    BAD_PARAMETER = "bad_parameter"
    MARKET_CLOSED = "market_closed"
    INSUFFICIENT_MARGIN = "insufficient_margin"


class OrderRejectedError(Exception):
    """A request the market refused; `reason` says why, the message says what was expected."""

    def __init__(self, reason: RejectReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SymbolSpec:
    """One tradable symbol: its assets and filters (tick, lot, minimums)."""

    base: str
    quote: str
    price_tick: Decimal
    lot: Decimal
    min_qty: Decimal
    min_notional: Decimal
    max_qty: Decimal = Decimal("9000000")
    max_price: Decimal = Decimal("10000000")
    volume_known: bool = True
    """False for a series recorded without volume (close-only daily data): its bars
    carry volume 0 and resting orders fill without a volume cap."""

    def __post_init__(self) -> None:
        for name in ("price_tick", "lot"):
            if getattr(self, name) <= 0:
                raise ValueError(f"SymbolSpec.{name}: expected > 0, got {getattr(self, name)}")
        if self.min_qty < self.lot:
            raise ValueError(f"SymbolSpec.min_qty: expected >= lot {self.lot}, got {self.min_qty}")


@dataclass(frozen=True, slots=True)
class MarketSpec:
    """Market-wide settings.

    commission_bps: charged on every fill, in the quote asset. max_volume_share: the share of
    a bar's volume that the resting orders of one symbol may fill in that bar (rounded down
    to the lot). immediate_fill_share: when set, a marketable limit order fills at once at
    most this share of the latest bar's volume (IOC expires the rest, FOK expires all, GTC
    rests the rest); None fills it completely. starting_balances: what a new account holds.
    bar_interval_ms: the close time of a manually traded bar given without one.
    margin_leverage: None for a spot account (orders lock their funds); else a margin
    account: nothing is locked, sells may open shorts (the base balance goes negative) and
    an order is refused INSUFFICIENT_MARGIN when the account's gross exposure with it would
    pass leverage x equity. closed_market_orders: what a market order does while its
    symbol's market is closed (`hours`): "reject" (MARKET_CLOSED) or "queue" (it works and
    fills at the open of the next bar).
    """

    commission_bps: Decimal = Decimal(10)
    max_volume_share: Decimal = Decimal("0.25")
    immediate_fill_share: Decimal | None = None
    starting_balances: Mapping[str, Decimal] = field(default_factory=dict)
    bar_interval_ms: int = 60_000
    margin_leverage: Decimal | None = None
    closed_market_orders: str = "reject"

    def __post_init__(self) -> None:
        if not Decimal(0) <= self.commission_bps < Decimal(10_000):
            raise ValueError(
                f"MarketSpec.commission_bps: expected 0..10000, got {self.commission_bps}"
            )
        if not Decimal(0) < self.max_volume_share <= Decimal(1):
            raise ValueError(
                f"MarketSpec.max_volume_share: expected in (0, 1], got {self.max_volume_share}"
            )
        if self.margin_leverage is not None and self.margin_leverage <= 0:
            raise ValueError(
                f"MarketSpec.margin_leverage: expected > 0 or None, got {self.margin_leverage}"
            )
        if self.closed_market_orders not in ("reject", "queue"):
            raise ValueError(
                "MarketSpec.closed_market_orders: expected 'reject' or 'queue', got "
                f"{self.closed_market_orders!r}"
            )
        if self.bar_interval_ms <= 0:
            raise ValueError(
                f"MarketSpec.bar_interval_ms: expected > 0, got {self.bar_interval_ms}"
            )


@dataclass(frozen=True, slots=True)
class Bar:
    """One completed base bar; close_time_ms is the exclusive instant the bar closes."""

    open_time_ms: int
    close_time_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


@dataclass(frozen=True, slots=True)
class NewOrder:
    """A command to place one order.

    qty in base units; quote_order_qty (market orders only) spends that much quote instead.
    take_profit flips a stop-limit's trigger direction (Binance TAKE_PROFIT_LIMIT).
    limit_maker refuses a limit that would take liquidity.
    """

    symbol: str
    side: Side
    order_type: OrderType
    qty: Decimal | None = None
    price: Decimal | None = None
    stop_price: Decimal | None = None
    tif: TimeInForce = TimeInForce.GTC
    client_order_id: str | None = None
    take_profit: bool = False
    quote_order_qty: Decimal | None = None
    limit_maker: bool = False


@dataclass(frozen=True, slots=True)
class Order:
    """A snapshot of one order as the venue sees it."""

    order_id: int
    client_order_id: str
    account: str
    symbol: str
    side: Side
    order_type: OrderType
    tif: TimeInForce
    qty: Decimal
    price: Decimal | None
    stop_price: Decimal | None
    take_profit: bool
    limit_maker: bool
    status: OrderStatus
    executed_qty: Decimal
    cumulative_quote: Decimal
    time_ms: int
    update_time_ms: int
    working_time_ms: int | None
    quote_order_qty: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Trade:
    """One execution of one order."""

    trade_id: int
    order_id: int
    symbol: str
    side: Side
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str
    time_ms: int
    is_buyer: bool
    is_maker: bool


@dataclass(frozen=True, slots=True)
class Balance:
    asset: str
    free: Decimal
    locked: Decimal


@dataclass(frozen=True, slots=True)
class Placement:
    """What placing an order did: the order after its immediate fills, and those fills."""

    order: Order
    trades: tuple[Trade, ...]
