"""Alpaca's wire conventions: error bodies, RFC 3339 times, decimal strings, stable UUIDs.

Alpaca identifies orders, fills, assets and accounts with UUIDs; the emulated market
numbers orders and trades. Order and fill UUIDs embed that number (`order_uuid(7)` ends
in `...000000000007`), so they survive a restart with saved state; `order_number` reads
it back. Every error is `{"code": int, "message": str}` with Alpaca's HTTP status, the
shape `alpaca.common.exceptions.APIError` parses.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from tradewind.venues.emulation import EmulatorRequest

__all__ = [
    "NEW_YORK",
    "AlpacaError",
    "Call",
    "account_uuid",
    "asset_uuid",
    "bad_request",
    "dec_str",
    "decimal_param",
    "fill_number",
    "fill_uuid",
    "not_found",
    "order_number",
    "order_uuid",
    "parse_time_ms",
    "rfc3339",
    "rfc3339_local",
    "unprocessable",
]

NEW_YORK = ZoneInfo("America/New_York")
_ORDER_PREFIX = "61706361-0000-4000-a000-"  # "apca" in hex
_FILL_PREFIX = "61706361-0000-4000-b000-"
_NAMESPACE = uuid.UUID("61706361-0000-4000-8000-000000000000")
_HEX12 = re.compile(r"^[0-9a-f]{12}$")


class AlpacaError(Exception):
    """An error answer: HTTP status, Alpaca's numeric code and its message."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


def bad_request(message: str) -> AlpacaError:
    """400 / 40010000: a malformed request (Alpaca's code for bad parameters)."""
    return AlpacaError(400, 40010000, message)


def unprocessable(message: str) -> AlpacaError:
    """422 / 40010001: a well-formed request Alpaca refuses (invalid order fields)."""
    return AlpacaError(422, 40010001, message)


def not_found(message: str) -> AlpacaError:
    """404 / 40410000."""
    return AlpacaError(404, 40410000, message)


@dataclass(frozen=True, slots=True)
class Call:
    """One authenticated request: query parameters, JSON body, account and market time."""

    request: EmulatorRequest
    params: Mapping[str, str]
    body: Mapping[str, Any]
    account: str
    now_ms: int
    path_arg: str = ""

    @classmethod
    def parse(cls, request: EmulatorRequest, account: str, now_ms: int, path_arg: str = "") -> Call:
        """Read the query string and, for POST/PATCH, the JSON object body."""
        params = dict(parse_qsl(request.query, keep_blank_values=True))
        body: Any = {}
        if request.body.strip():
            try:
                body = json.loads(request.body)
            except ValueError:
                raise bad_request("request body format is invalid") from None
            if not isinstance(body, dict):
                raise bad_request("request body format is invalid: expected a JSON object")
        return cls(request, params, body, account, now_ms, path_arg)


# -- ids ------------------------------------------------------------------------------------
def order_uuid(order_id: int) -> str:
    return f"{_ORDER_PREFIX}{order_id:012x}"


def fill_uuid(trade_id: int) -> str:
    return f"{_FILL_PREFIX}{trade_id:012x}"


def order_number(text: str) -> int | None:
    """The market's order number inside an order UUID, or None if it is not one of ours."""
    return _number(text, _ORDER_PREFIX)


def fill_number(text: str) -> int | None:
    """The market's trade number inside a fill UUID, or None if it is not one of ours."""
    return _number(text, _FILL_PREFIX)


def _number(text: str, prefix: str) -> int | None:
    lowered = text.strip().lower()
    if not lowered.startswith(prefix) or not _HEX12.match(lowered[len(prefix) :]):
        return None
    return int(lowered[len(prefix) :], 16)


def asset_uuid(symbol: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"asset/{symbol}"))


def account_uuid(api_key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"account/{api_key}"))


# -- values ---------------------------------------------------------------------------------
def rfc3339(ms: int | None) -> str | None:
    """UTC instant as Alpaca writes it: `2024-01-05T14:30:00.123456Z` (None stays None)."""
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rfc3339_local(ms: int) -> str:
    """New York local time with its offset, as `/v2/clock` writes it."""
    return datetime.fromtimestamp(ms / 1000, tz=NEW_YORK).isoformat(timespec="microseconds")


def dec_str(value: Decimal | None) -> str | None:
    """A decimal as Alpaca's number strings: plain notation, no trailing zeros."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def decimal_param(value: Any, name: str) -> Decimal | None:
    """A number sent as JSON number or string; None when absent. Raises 422 if not a number."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise unprocessable(f"invalid {name}: expected a number, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise unprocessable(f"invalid {name}: expected a number, got {value!r}") from None
    if not number.is_finite():
        raise unprocessable(f"invalid {name}: expected a finite number, got {value!r}")
    return number


def parse_time_ms(text: str | None, name: str) -> int | None:
    """RFC 3339 instant or YYYY-MM-DD date (midnight UTC) in ms; None when absent."""
    if text is None or text == "":
        return None
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "+"))
    except ValueError:
        raise bad_request(
            f"invalid {name}: expected an RFC 3339 time or YYYY-MM-DD date, got {text!r}"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)
