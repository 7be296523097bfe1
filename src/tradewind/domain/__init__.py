"""Value objects, entities and enums shared by every layer (standard library only)."""

from tradewind.domain.bar import Bar
from tradewind.domain.calendar_codes import (
    CALENDAR_24_7,
    CALENDAR_CMES,
    CALENDAR_FX,
    CALENDAR_XNYS,
    default_calendar_for,
    validate_calendar_code,
)
from tradewind.domain.decimals import DecimalLike, decimal_places, to_decimal
from tradewind.domain.errors import DomainError, InvalidTransitionError, TradewindError
from tradewind.domain.fill import Fill
from tradewind.domain.identifiers import (
    AccountId,
    ClientOrderId,
    InstrumentId,
    StrategyId,
    Symbol,
    TradeId,
    Venue,
    VenueOrderId,
)
from tradewind.domain.instrument import DERIVE_PRECISION, Instrument, PriceRounding
from tradewind.domain.market import MarketClass, QuoteType
from tradewind.domain.order import TRANSITIONS, Order
from tradewind.domain.order_commands import (
    CancelOrder,
    OrderTerms,
    SubmitOrder,
    check_order_terms,
)
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType, TimeInForce
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderCancelPending,
    OrderCancelRejected,
    OrderEvent,
    OrderExpired,
    OrderFilled,
    OrderRejected,
    OrderSubmitted,
)
from tradewind.domain.position import Position, PositionSide
from tradewind.domain.regimes import (
    MacroRegime,
    MarketConditions,
    MarketRegime,
    VolatilityState,
    volatility_state_for,
)
from tradewind.domain.signal import MetadataValue, Signal, SignalDirection
from tradewind.domain.timeframe import Timeframe, TimeUnit
from tradewind.domain.timestamps import ensure_utc
from tradewind.domain.trading_state import ShutdownMode, TradingState

__all__ = [
    "CALENDAR_24_7",
    "CALENDAR_CMES",
    "CALENDAR_FX",
    "CALENDAR_XNYS",
    "DERIVE_PRECISION",
    "TRANSITIONS",
    "AccountId",
    "Bar",
    "CancelOrder",
    "ClientOrderId",
    "DecimalLike",
    "DomainError",
    "Fill",
    "Instrument",
    "InstrumentId",
    "InvalidTransitionError",
    "MacroRegime",
    "MarketClass",
    "MarketConditions",
    "MarketRegime",
    "MetadataValue",
    "Order",
    "OrderAccepted",
    "OrderCancelPending",
    "OrderCancelRejected",
    "OrderCanceled",
    "OrderEvent",
    "OrderExpired",
    "OrderFilled",
    "OrderRejected",
    "OrderSide",
    "OrderStatus",
    "OrderSubmitted",
    "OrderTerms",
    "OrderType",
    "Position",
    "PositionSide",
    "PriceRounding",
    "QuoteType",
    "ShutdownMode",
    "Signal",
    "SignalDirection",
    "StrategyId",
    "SubmitOrder",
    "Symbol",
    "TimeInForce",
    "TimeUnit",
    "Timeframe",
    "TradeId",
    "TradewindError",
    "TradingState",
    "Venue",
    "VenueOrderId",
    "VolatilityState",
    "check_order_terms",
    "decimal_places",
    "default_calendar_for",
    "ensure_utc",
    "to_decimal",
    "validate_calendar_code",
    "volatility_state_for",
]
