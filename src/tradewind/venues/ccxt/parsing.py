"""ccxt unified structures (order, trade, balance, OHLCV) to typed venue records.

Payloads are validated here, at the edge: a missing or ill-typed field raises a
`VenueError` naming the payload kind and the field, so nothing malformed travels
further. Numbers become `Decimal` through their shortest text (ccxt hands out
floats); instants stay integer milliseconds until a record is turned into events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from tradewind.domain.decimals import to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import Balance
from tradewind.execution.bar_frames import BAR_COLUMNS
from tradewind.ports.market_data import BarFrame

__all__ = [
    "BAR_COLUMNS",
    "VenueOrder",
    "VenueTrade",
    "bars_from_ohlcv",
    "parse_balances",
    "parse_order",
    "parse_trade",
]


_TYPES = {
    "market": OrderType.MARKET,
    "limit": OrderType.LIMIT,
    "stop": OrderType.STOP,
    "stop_market": OrderType.STOP,
    "stop_loss": OrderType.STOP,
    "take_profit": OrderType.STOP,
    "stop_limit": OrderType.STOP_LIMIT,
    "stop_loss_limit": OrderType.STOP_LIMIT,
    "take_profit_limit": OrderType.STOP_LIMIT,
}
_TIME_IN_FORCE = {
    "GTC": TimeInForce.GTC,
    "PO": TimeInForce.GTC,
    "GTX": TimeInForce.GTC,
    "IOC": TimeInForce.IOC,
    "FOK": TimeInForce.FOK,
    "DAY": TimeInForce.DAY,
}
_STATUSES = frozenset({"open", "closed", "canceled", "expired", "rejected"})
_STATUS_ALIASES = {"canceling": "open", "cancelled": "canceled"}


@dataclass(frozen=True, slots=True)
class VenueOrder:
    """An order as the exchange reports it (ccxt unified order, validated).

    `status` is ccxt's: open, closed (filled), canceled, expired or rejected.
    `created_ms` / `updated_ms` are the exchange's instants in ms since the epoch.
    """

    venue_order_id: str
    client_order_id: str | None
    symbol: str
    side: OrderSide
    order_type: OrderType
    time_in_force: TimeInForce
    status: str
    quantity: Decimal
    filled: Decimal
    price: Decimal | None
    trigger_price: Decimal | None
    created_ms: int
    updated_ms: int

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True, slots=True)
class VenueTrade:
    """One execution of one of our orders (ccxt unified trade, validated)."""

    trade_id: str
    venue_order_id: str
    symbol: str
    side: OrderSide
    quantity: Decimal
    price: Decimal
    ts_ms: int
    fee: Decimal
    fee_currency: str


def parse_order(payload: Mapping[str, Any]) -> VenueOrder:
    """A ccxt unified order as a `VenueOrder`.

    Raises:
        VenueError: a missing or ill-typed field, naming it.
    """
    kind = "order"
    _require_mapping(payload, kind)
    status = _text(payload, "status", kind).lower()
    status = _STATUS_ALIASES.get(status, status)
    if status not in _STATUSES:
        raise VenueError(
            f"invalid {kind} payload: status {status!r} is not one of {sorted(_STATUSES)}"
        )
    raw_type = _text(payload, "type", kind).lower()
    trigger = _optional_number(payload, "triggerPrice", kind) or None
    order_type = _TYPES.get(raw_type)
    if order_type is None:
        raise VenueError(f"invalid {kind} payload: type {raw_type!r} is not supported")
    if trigger is not None and order_type in (OrderType.MARKET, OrderType.LIMIT):
        order_type = OrderType.STOP if order_type is OrderType.MARKET else OrderType.STOP_LIMIT
    created = _integer(payload, "timestamp", kind)
    updated = max(
        created,
        _optional_integer(payload, "lastUpdateTimestamp", kind) or 0,
        _optional_integer(payload, "lastTradeTimestamp", kind) or 0,
    )
    client = payload.get("clientOrderId")
    return VenueOrder(
        venue_order_id=_identifier(payload, "id", kind),
        client_order_id=client if isinstance(client, str) and client else None,
        symbol=_text(payload, "symbol", kind),
        side=_side(payload, kind),
        order_type=order_type,
        time_in_force=_TIME_IN_FORCE.get(str(payload.get("timeInForce") or "GTC"), TimeInForce.GTC),
        status=status,
        quantity=_number(payload, "amount", kind),
        filled=_optional_number(payload, "filled", kind) or Decimal(0),
        price=_optional_number(payload, "price", kind) if order_type.needs_price else None,
        trigger_price=trigger if order_type.needs_trigger else None,
        created_ms=created,
        updated_ms=updated,
    )


def parse_trade(payload: Mapping[str, Any]) -> VenueTrade:
    """A ccxt unified trade (from `fetch_my_trades`) as a `VenueTrade`.

    Raises:
        VenueError: a missing or ill-typed field, naming it.
    """
    kind = "trade"
    _require_mapping(payload, kind)
    fee = payload.get("fee")
    cost, currency = Decimal(0), ""
    if fee is not None:
        if not isinstance(fee, Mapping):
            raise VenueError(f"invalid {kind} payload: field 'fee' is not an object")
        cost = _optional_number(fee, "cost", f"{kind} fee") or Decimal(0)
        currency = str(fee.get("currency") or "")
    quantity = _number(payload, "amount", kind)
    if quantity <= 0:
        raise VenueError(f"invalid {kind} payload: field 'amount' {quantity} is not > 0")
    return VenueTrade(
        trade_id=_identifier(payload, "id", kind),
        venue_order_id=_identifier(payload, "order", kind),
        symbol=_text(payload, "symbol", kind),
        side=_side(payload, kind),
        quantity=quantity,
        price=_number(payload, "price", kind),
        ts_ms=_integer(payload, "timestamp", kind),
        fee=cost,
        fee_currency=currency,
    )


def parse_balances(payload: Mapping[str, Any]) -> list[Balance]:
    """Every currency held (total not zero) in a ccxt balance structure, sorted.

    Raises:
        VenueError: a missing `total` section or an ill-typed amount, naming it.
    """
    kind = "balance"
    _require_mapping(payload, kind)
    totals, used = payload.get("total"), payload.get("used") or {}
    if not isinstance(totals, Mapping) or not isinstance(used, Mapping):
        raise VenueError(
            f"invalid {kind} payload: field 'total' or 'used' missing or not an object"
        )
    balances = []
    for currency in sorted(totals):
        total = _optional_number(totals, currency, f"{kind} total")
        if not total:
            continue
        locked = _optional_number(used, currency, f"{kind} used") or Decimal(0)
        try:
            balances.append(Balance(str(currency), total, max(locked, Decimal(0))))
        except DomainError as error:
            raise VenueError(f"invalid {kind} payload: {error}") from None
    return balances


def bars_from_ohlcv(rows: Sequence[Any], timeframe: Timeframe) -> BarFrame:
    """ccxt OHLCV rows (`[ms, o, h, l, c, v]`) as a normalized bar frame, ascending,
    one row per timestamp, `close_time` = open + the timeframe.

    Raises:
        VenueError: a row that is not six numbers, naming its position.
    """
    records = []
    for index, row in enumerate(rows):
        if not isinstance(row, Sequence) or isinstance(row, str) or len(row) < 6:
            raise VenueError(f"invalid ohlcv payload: row {index} is not [ms, o, h, l, c, v]")
        if isinstance(row[0], bool) or not isinstance(row[0], int):
            raise VenueError(f"invalid ohlcv payload: row {index} timestamp {row[0]!r} is not ms")
        values: list[float] = [float(row[0])]
        for position in range(1, 6):
            value = row[position]
            ok = value is None or (isinstance(value, int | float) and not isinstance(value, bool))
            if not ok:
                raise VenueError(
                    f"invalid ohlcv payload: row {index} field {position} {value!r} is not a number"
                )
            values.append(float("nan") if value is None else float(value))
        records.append(values)
    frame = pd.DataFrame(records, columns=["ms", "open", "high", "low", "close", "volume"])
    frame = frame.drop_duplicates("ms", keep="last").sort_values("ms", kind="stable")
    opens = pd.to_datetime(frame["ms"].astype("int64"), unit="ms", utc=True).astype(
        "datetime64[ns, UTC]"
    )
    out = pd.DataFrame(
        {
            "timestamp": opens,
            "close_time": opens + pd.Timedelta(seconds=timeframe.seconds),
            **{name: frame[name].astype("float64") for name in BAR_COLUMNS[2:]},
        }
    )
    return out.reset_index(drop=True)


def _require_mapping(payload: Any, kind: str) -> None:
    if not isinstance(payload, Mapping):
        raise VenueError(
            f"invalid {kind} payload: expected an object, found {type(payload).__name__}"
        )


def _text(payload: Mapping[str, Any], name: str, kind: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise VenueError(f"invalid {kind} payload: field {name!r} missing or not a string")
    return value


def _identifier(payload: Mapping[str, Any], name: str, kind: str) -> str:
    value = payload.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        raise VenueError(f"invalid {kind} payload: field {name!r} missing or not an id")
    return value


def _side(payload: Mapping[str, Any], kind: str) -> OrderSide:
    value = _text(payload, "side", kind).lower()
    if value not in ("buy", "sell"):
        raise VenueError(f"invalid {kind} payload: field 'side' {value!r} is not buy or sell")
    return OrderSide(value)


def _number(payload: Mapping[str, Any], name: str, kind: str) -> Decimal:
    value = _optional_number(payload, name, kind)
    if value is None:
        raise VenueError(f"invalid {kind} payload: field {name!r} missing")
    return value


def _optional_number(payload: Mapping[str, Any], name: str, kind: str) -> Decimal | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise VenueError(f"invalid {kind} payload: field {name!r} {value!r} is not a number")
    try:
        return to_decimal(value, field=f"{name} of {kind} payload")
    except DomainError as error:
        raise VenueError(f"invalid {kind} payload: {error}") from None


def _integer(payload: Mapping[str, Any], name: str, kind: str) -> int:
    value = _optional_integer(payload, name, kind)
    if value is None:
        raise VenueError(f"invalid {kind} payload: field {name!r} missing")
    return value


def _optional_integer(payload: Mapping[str, Any], name: str, kind: str) -> int | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise VenueError(f"invalid {kind} payload: field {name!r} {value!r} is not an integer")
    return value
