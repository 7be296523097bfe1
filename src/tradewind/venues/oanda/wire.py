"""v20 JSON payloads to small frozen records, validated at the edge.

Every parser takes the answer's object and the endpoint it came from; a missing or
ill-typed field raises `OandaVenueError` (kind BAD_PAYLOAD) naming the endpoint and
the field. Numbers arrive as decimal strings (v20's encoding) and stay `Decimal`;
instants are RFC 3339 with up to nine fractional digits (or UNIX seconds) and become
integer nanoseconds since the epoch.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tradewind.venues.oanda.errors import payload_error

__all__ = [
    "Fields",
    "V20AccountSummary",
    "V20Candle",
    "V20Instrument",
    "V20Order",
    "V20Position",
    "V20Price",
    "V20Transaction",
    "format_time",
    "parse_time_ns",
]

_RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$"
)
_UNIX = re.compile(r"^(\d+)(?:\.(\d{1,9}))?$")


def parse_time_ns(text: str) -> int:
    """RFC 3339 (`2017-01-03T15:00:00.000000000Z`) or UNIX seconds text -> ns.

    Raises:
        ValueError: neither form.
    """
    unix = _UNIX.match(text)
    if unix:
        return int(unix.group(1)) * 1_000_000_000 + int((unix.group(2) or "").ljust(9, "0"))
    match = _RFC3339.match(text)
    if not match:
        raise ValueError(f"not an RFC 3339 time: {text!r}")
    day, hh, mm, ss, frac, zone = match.groups()
    zone = "+00:00" if zone == "Z" else zone
    whole = datetime.fromisoformat(f"{day}T{hh}:{mm}:{ss}{zone}")
    seconds = int(whole.timestamp())
    return seconds * 1_000_000_000 + int((frac or "").ljust(9, "0"))


def format_time(ns: int) -> str:
    """ns since the epoch -> v20's RFC 3339 with nine fractional digits."""
    seconds, rest = divmod(ns, 1_000_000_000)
    stamp = datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{rest:09d}Z"


class Fields:
    """Typed reads of one JSON object, raising a named payload error on a bad field.

    Args:
        payload: the object (anything else is itself a bad payload).
        venue, endpoint: for messages.
        where: the object's path in the answer (`order`, `transactions[3]`).
    """

    def __init__(self, payload: Any, venue: str, endpoint: str, where: str) -> None:
        if not isinstance(payload, Mapping):
            raise payload_error(venue, endpoint, where, "an object", payload)
        self.raw: Mapping[str, Any] = payload
        self._venue, self._endpoint, self._where = venue, endpoint, where

    def _path(self, name: str) -> str:
        return f"{self._where}.{name}" if self._where else name

    def _bad(self, name: str, expected: str) -> Exception:
        return payload_error(
            self._venue, self._endpoint, self._path(name), expected, self.raw.get(name)
        )

    def has(self, name: str) -> bool:
        return self.raw.get(name) is not None

    def text(self, name: str) -> str:
        value = self.raw.get(name)
        if not isinstance(value, str) or not value:
            raise self._bad(name, "a non-empty string")
        return value

    def opt_text(self, name: str) -> str | None:
        return self.text(name) if self.has(name) else None

    def integer(self, name: str) -> int:
        value = self.raw.get(name)
        if isinstance(value, bool):
            raise self._bad(name, "an integer")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        raise self._bad(name, "an integer")

    def decimal(self, name: str) -> Decimal:
        value = self.raw.get(name)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self._bad(name, "a decimal number")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise self._bad(name, "a decimal number") from None
        if not number.is_finite():
            raise self._bad(name, "a finite decimal number")
        return number

    def opt_decimal(self, name: str) -> Decimal | None:
        return self.decimal(name) if self.has(name) else None

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if not isinstance(value, bool):
            raise self._bad(name, "true or false")
        return value

    def time_ns(self, name: str) -> int:
        value = self.raw.get(name)
        if not isinstance(value, str):
            raise self._bad(name, "an RFC 3339 time")
        try:
            return parse_time_ns(value)
        except ValueError:
            raise self._bad(name, "an RFC 3339 time") from None

    def opt_time_ns(self, name: str) -> int | None:
        return self.time_ns(name) if self.has(name) else None

    def child(self, name: str) -> Fields:
        return Fields(self.raw.get(name), self._venue, self._endpoint, self._path(name))

    def items(self, name: str) -> list[Fields]:
        value = self.raw.get(name)
        if not isinstance(value, list):
            raise self._bad(name, "a list")
        where = self._path(name)
        return [
            Fields(v, self._venue, self._endpoint, f"{where}[{i}]") for i, v in enumerate(value)
        ]

    def client_tag(self) -> str | None:
        """`clientExtensions.tag`, when present."""
        ext = self.raw.get("clientExtensions")
        tag = ext.get("tag") if isinstance(ext, Mapping) else None
        return tag if isinstance(tag, str) and tag else None

    def client_id(self) -> str | None:
        """`clientExtensions.id` (orders, creates, rejects) or `clientOrderID` (fills,
        cancels), when present."""
        ext = self.raw.get("clientExtensions")
        if isinstance(ext, Mapping) and isinstance(ext.get("id"), str) and ext["id"]:
            return str(ext["id"])
        return self.opt_text("clientOrderID")


@dataclass(frozen=True, slots=True)
class V20AccountSummary:
    """`GET /v3/accounts/{id}/summary`: the money of one account (home currency)."""

    account_id: str
    currency: str
    balance: Decimal
    nav: Decimal
    unrealized_pl: Decimal
    margin_used: Decimal
    margin_available: Decimal
    position_value: Decimal
    last_transaction_id: int

    @classmethod
    def parse(cls, f: Fields) -> V20AccountSummary:
        return cls(
            account_id=f.text("id"),
            currency=f.text("currency"),
            balance=f.decimal("balance"),
            nav=f.decimal("NAV"),
            unrealized_pl=f.decimal("unrealizedPL"),
            margin_used=f.decimal("marginUsed"),
            margin_available=f.decimal("marginAvailable"),
            position_value=f.decimal("positionValue") if f.has("positionValue") else Decimal(0),
            last_transaction_id=f.integer("lastTransactionID"),
        )


@dataclass(frozen=True, slots=True)
class V20Instrument:
    """One tradeable instrument of the account (`GET /v3/accounts/{id}/instruments`)."""

    name: str
    kind: str
    display_precision: int
    pip_location: int
    trade_units_precision: int
    minimum_trade_size: Decimal
    maximum_order_units: Decimal | None
    margin_rate: Decimal | None

    @classmethod
    def parse(cls, f: Fields) -> V20Instrument:
        return cls(
            name=f.text("name"),
            kind=f.text("type"),
            display_precision=f.integer("displayPrecision"),
            pip_location=f.integer("pipLocation"),
            trade_units_precision=f.integer("tradeUnitsPrecision"),
            minimum_trade_size=f.decimal("minimumTradeSize"),
            maximum_order_units=f.opt_decimal("maximumOrderUnits"),
            margin_rate=f.opt_decimal("marginRate"),
        )


@dataclass(frozen=True, slots=True)
class V20Candle:
    """One mid-price candle; `complete` False while it is still forming."""

    open_ns: int
    complete: bool
    volume: int
    o: Decimal
    h: Decimal
    l: Decimal  # noqa: E741
    c: Decimal

    @classmethod
    def parse(cls, f: Fields) -> V20Candle:
        mid = f.child("mid")
        return cls(
            open_ns=f.time_ns("time"),
            complete=f.flag("complete"),
            volume=f.integer("volume"),
            o=mid.decimal("o"),
            h=mid.decimal("h"),
            l=mid.decimal("l"),
            c=mid.decimal("c"),
        )


@dataclass(frozen=True, slots=True)
class V20Price:
    """The best bid and ask of one instrument (`GET .../pricing`)."""

    instrument: str
    time_ns: int
    tradeable: bool
    bid: Decimal | None
    ask: Decimal | None

    @classmethod
    def parse(cls, f: Fields) -> V20Price:
        bids, asks = f.items("bids"), f.items("asks")
        return cls(
            instrument=f.text("instrument"),
            time_ns=f.time_ns("time"),
            tradeable=f.flag("tradeable")
            if f.has("tradeable")
            else f.raw.get("status") == "tradeable",
            bid=bids[0].decimal("price") if bids else None,
            ask=asks[0].decimal("price") if asks else None,
        )


@dataclass(frozen=True, slots=True)
class V20Order:
    """An order as `GET .../orders` describes it. `units` is signed (negative sells);
    `price` is the limit price of a LIMIT and the trigger of a STOP."""

    order_id: str
    kind: str
    state: str
    instrument: str
    units: Decimal
    price: Decimal | None
    time_in_force: str
    create_ns: int
    client_order_id: str | None
    replaces_order_id: str | None
    replaced_by_order_id: str | None
    client_tag: str | None = None
    """`clientExtensions.tag`: who sent it (this adapter tags its own orders)."""

    @classmethod
    def parse(cls, f: Fields) -> V20Order:
        return cls(
            order_id=f.text("id"),
            kind=f.text("type"),
            state=f.text("state"),
            instrument=f.text("instrument"),
            units=f.decimal("units"),
            price=f.opt_decimal("price"),
            time_in_force=f.text("timeInForce"),
            create_ns=f.time_ns("createTime"),
            client_order_id=f.client_id(),
            replaces_order_id=f.opt_text("replacesOrderID"),
            replaced_by_order_id=f.opt_text("replacedByOrderID"),
            client_tag=f.client_tag(),
        )


_ORDER_CREATES = frozenset({"MARKET_ORDER", "LIMIT_ORDER", "STOP_ORDER", "MARKET_IF_TOUCHED_ORDER"})


@dataclass(frozen=True, slots=True)
class V20Transaction:
    """One account transaction; the fields this adapter reads, per type:

    - an order create (`MARKET_ORDER`, `LIMIT_ORDER`, `STOP_ORDER`, ...): `instrument`,
      signed `units`, `price` (limit / trigger), `time_in_force`, `client_order_id`,
      `replaces_order_id` (a replace); the order's id is the transaction's id.
    - a reject (`*_ORDER_REJECT`): `reject_reason`, `client_order_id`.
    - `ORDER_FILL`: `order_id`, `instrument`, signed `units`, `price`, `commission`,
      `financing` (home currency).
    - `ORDER_CANCEL`: `order_id`, `reason`, `replaced_by_order_id`.
    Other types keep only the common fields.
    """

    txn_id: int
    time_ns: int
    kind: str
    batch_id: int | None = None
    instrument: str | None = None
    units: Decimal | None = None
    price: Decimal | None = None
    order_id: str | None = None
    client_order_id: str | None = None
    time_in_force: str | None = None
    reason: str | None = None
    reject_reason: str | None = None
    commission: Decimal = Decimal(0)
    financing: Decimal = Decimal(0)
    replaces_order_id: str | None = None
    replaced_by_order_id: str | None = None

    @property
    def is_create(self) -> bool:
        return self.kind in _ORDER_CREATES

    @property
    def is_reject(self) -> bool:
        return self.kind.endswith("_ORDER_REJECT")

    @classmethod
    def parse(cls, f: Fields) -> V20Transaction:
        kind = f.text("type")
        common = cls(
            txn_id=f.integer("id"),
            time_ns=f.time_ns("time"),
            kind=kind,
            batch_id=f.integer("batchID") if f.has("batchID") else None,
            client_order_id=f.client_id(),
        )
        if kind in _ORDER_CREATES or kind.endswith("_ORDER_REJECT"):
            return replace(
                common,
                instrument=f.text("instrument"),
                units=f.decimal("units"),
                price=f.opt_decimal("price"),
                time_in_force=f.opt_text("timeInForce"),
                reason=f.opt_text("reason"),
                reject_reason=f.opt_text("rejectReason"),
                replaces_order_id=f.opt_text("replacesOrderID"),
            )
        if kind == "ORDER_FILL":
            price = f.decimal("price") if f.has("price") else f.decimal("fullVWAP")
            return replace(
                common,
                instrument=f.text("instrument"),
                units=f.decimal("units"),
                price=price,
                order_id=f.text("orderID"),
                reason=f.opt_text("reason"),
                commission=f.opt_decimal("commission") or Decimal(0),
                financing=f.opt_decimal("financing") or Decimal(0),
            )
        if kind == "ORDER_CANCEL":
            return replace(
                common,
                order_id=f.text("orderID"),
                reason=f.opt_text("reason"),
                replaced_by_order_id=f.opt_text("replacedByOrderID"),
            )
        return common


@dataclass(frozen=True, slots=True)
class V20Position:
    """The net position in one instrument: long units >= 0, short units <= 0."""

    instrument: str
    long_units: Decimal
    long_avg_price: Decimal
    short_units: Decimal
    short_avg_price: Decimal

    @property
    def units(self) -> Decimal:
        """Signed net units (+ long, - short)."""
        return self.long_units + self.short_units

    @classmethod
    def parse(cls, f: Fields) -> V20Position:
        long, short = f.child("long"), f.child("short")
        return cls(
            instrument=f.text("instrument"),
            long_units=long.decimal("units"),
            long_avg_price=long.opt_decimal("averagePrice") or Decimal(0),
            short_units=short.decimal("units"),
            short_avg_price=short.opt_decimal("averagePrice") or Decimal(0),
        )
