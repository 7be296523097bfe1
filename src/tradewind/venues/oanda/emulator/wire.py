"""OANDA v20 wire basics: errors, the per-request call, times and decimal strings.

Times are kept as `Ms` (an int of epoch milliseconds) inside the JSON-ready bodies the
endpoints build; `render` turns every `Ms` into the client's datetime format at the edge:
RFC3339 with nanoseconds (`2017-01-03T15:00:00.000000000Z`, the default) or UNIX seconds
with nine decimals (`1483455600.000000000`, header `Accept-Datetime-Format: UNIX`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from tradewind.venues.emulation import EmulatorRequest

__all__ = [
    "Call",
    "Ms",
    "OandaError",
    "bool_param",
    "decimal_field",
    "int_param",
    "money",
    "parse_time",
    "price_str",
    "render",
    "units_str",
]

_MONEY_STEP = Decimal("0.0001")
_RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$"
)
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Ms(int):
    """An instant in epoch milliseconds that `render` formats as a v20 DateTime."""


class OandaError(Exception):
    """A v20 error answer: status, errorMessage, optional errorCode and extra fields."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.extra = dict(extra or {})

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = dict(self.extra)
        if self.code is not None:
            body["errorCode"] = self.code
        body["errorMessage"] = self.message
        return body


@dataclass(frozen=True, slots=True)
class Call:
    """One routed request: query params, path arguments, the account and the market time."""

    request: EmulatorRequest
    params: Mapping[str, str]
    args: tuple[str, ...]
    token: str
    account: str | None
    now_ms: int
    base_url: str

    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object (empty body: {}); raises OandaError 400."""
        if not self.request.body:
            return {}
        try:
            body = json.loads(self.request.body)
        except ValueError:
            raise OandaError(400, "Invalid JSON in request body") from None
        if not isinstance(body, dict):
            raise OandaError(400, "Invalid JSON in request body: expected an object")
        return body

    @property
    def account_id(self) -> str:
        if self.account is None:
            raise OandaError(400, "Invalid value specified for 'accountID'")
        return self.account


def render(body: Any, unix: bool) -> Any:
    """Copy of body with every `Ms` formatted as RFC3339 (nanoseconds) or UNIX seconds."""
    if isinstance(body, Ms):
        return _unix(body) if unix else _rfc3339(body)
    if isinstance(body, dict):
        return {k: render(v, unix) for k, v in body.items()}
    if isinstance(body, list | tuple):
        return [render(v, unix) for v in body]
    return body


def _rfc3339(ms: int) -> str:
    stamp = datetime.fromtimestamp(ms // 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{stamp}.{ms % 1000:03d}000000Z"


def _unix(ms: int) -> str:
    return f"{ms // 1000}.{ms % 1000:03d}000000"


def parse_time(name: str, raw: str) -> int:
    """A v20 DateTime (RFC3339, a date, or UNIX seconds) in epoch ms; raises OandaError 400."""
    text = raw.strip()
    try:
        if _DATE_ONLY.match(text):
            text += "T00:00:00Z"
        match = _RFC3339.match(text)
        if match is None:
            return int(Decimal(text) * 1000)
        day, clock, fraction, zone = match.groups()
        stamp = datetime.fromisoformat(f"{day}T{clock}{'+00:00' if zone in (None, 'Z') else zone}")
        millis = int((fraction or "0").ljust(9, "0")[:3])
        return int(stamp.timestamp()) * 1000 + millis
    except (ValueError, InvalidOperation):
        raise OandaError(400, f"Invalid value specified for '{name}'") from None


def int_param(params: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise OandaError(400, f"Invalid value specified for '{name}'") from None
    if value < 1:
        raise OandaError(400, f"Invalid value specified for '{name}'")
    if value > maximum:
        raise OandaError(400, f"Maximum value for '{name}' exceeded")
    return value


def bool_param(params: Mapping[str, str], name: str, default: bool) -> bool:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise OandaError(400, f"Invalid value specified for '{name}'")


def decimal_field(body: Mapping[str, Any], name: str, where: str) -> Decimal | None:
    """An optional decimal-string field of a request object; raises OandaError 400."""
    raw = body.get(name)
    if raw is None:
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise OandaError(400, f"Invalid value specified for '{where}.{name}'") from None
    if not value.is_finite():
        raise OandaError(400, f"Invalid value specified for '{where}.{name}'")
    return value


def money(value: Decimal) -> str:
    """An amount of the home currency with four decimals, as v20 shows account figures."""
    return str(value.quantize(_MONEY_STEP, rounding=ROUND_HALF_UP))


def price_str(value: Decimal, precision: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_UP))


def units_str(value: Decimal, precision: int) -> str:
    if precision <= 0:
        return str(value.quantize(Decimal(1)))
    return str(value.quantize(Decimal(1).scaleb(-precision)))
