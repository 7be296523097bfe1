"""Annotated field types shared by the configuration models (percentages, times, names).

One unit per name: a `*_pct` value is a percent everywhere (8 = 8%), in YAML and on the
command line (`check_percent`); a name without `_pct` holding a share is a fraction.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time, timedelta
from typing import Annotated, Any, NoReturn
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainSerializer,
    PlainValidator,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from tradewind.config.errors import ConfigError, ConfigIssue
from tradewind.config.symbols import ISO_4217_CODES
from tradewind.config.vocabulary import BUILTIN_STRATEGIES
from tradewind.domain.timeframe import Timeframe

__all__ = [
    "EXIT_PCT_LOW",
    "KNOWN_STRATEGIES_CONTEXT_KEY",
    "STOP_LOSS_PCT_HIGH",
    "TAKE_PROFIT_PCT_HIGH",
    "ClockTime",
    "CoarsePercent",
    "ConfigModel",
    "CurrencyCode",
    "Duration",
    "EndpointUrl",
    "ExposurePercent",
    "Fraction",
    "Percent",
    "PercentRange",
    "PositivePercent",
    "StopLossPercent",
    "StrategyName",
    "TakeProfitPercent",
    "TimeZoneName",
    "TimeframeField",
    "check_percent",
    "config_error",
    "did_you_mean",
    "format_duration",
    "known_strategies",
    "parse_duration",
    "percent_problem",
    "raise_field_error",
]

KNOWN_STRATEGIES_CONTEXT_KEY = "known_strategies"


class ConfigModel(BaseModel):
    """Base of every configuration section: immutable, unknown keys are errors, and
    every number is finite (`.inf` and `.nan` are refused in every float field)."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        validate_by_name=True,
        validate_by_alias=True,
        allow_inf_nan=False,
    )


def config_error(
    kind: str, message: str, loc: tuple[str | int, ...], value: object
) -> InitErrorDetails:
    """One line error for `ValidationError.from_exception_data`, located relative to the
    validator raising it (pydantic prefixes the enclosing location)."""
    return InitErrorDetails(type=PydanticCustomError(kind, message), loc=loc, input=value)


def raise_field_error(kind: str, message: str, field: str, value: object) -> NoReturn:
    """Raise a ValidationError located at `field` of the model being validated."""
    raise ValidationError.from_exception_data(kind, [config_error(kind, message, (field,), value)])


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def known_strategies(info: ValidationInfo) -> frozenset[str]:
    """Strategy names allowed in this validation: the context's set or the built-ins."""
    context = info.context if isinstance(info.context, dict) else {}
    names = context.get(KNOWN_STRATEGIES_CONTEXT_KEY)
    return frozenset(names) if names is not None else frozenset(BUILTIN_STRATEGIES)


def _check_strategy(name: str, info: ValidationInfo) -> str:
    known = known_strategies(info)
    if name not in known:
        raise ValueError(
            f"unknown strategy {name!r}{did_you_mean(name, known)}: "
            f"expected one of {', '.join(sorted(known))}"
        )
    return name


def _parse_timeframe(value: Any) -> Timeframe:
    if isinstance(value, Timeframe):
        return value
    if not isinstance(value, str):
        raise ValueError(
            f"invalid timeframe {value!r}: expected a string such as 1m, 5m, 1h, 4h, 1d or 1w"
        )
    return Timeframe.parse(value)  # DomainError is a ValueError: pydantic reports it


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h|d|w)\s*$", re.IGNORECASE)
_DURATION_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3_600, "d": 86_400, "w": 604_800}


def parse_duration(value: Any) -> Any:
    """Parse `"90s"`, `"30m"`, `"12h"`, `"3d"`, `"1w"` into a timedelta; pass others on."""
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match is None:
            raise ValueError(
                f"invalid duration {value!r}: expected a number and a unit s, m, h, d or w, "
                "e.g. 30m, 12h or 3d"
            )
        seconds = float(match.group(1)) * _DURATION_SECONDS[match.group(2).lower()]
        return timedelta(seconds=seconds)
    return value


def format_duration(value: timedelta) -> str:
    """The shortest exact `<n><unit>` spelling of a duration (`3d`, `36h`, `90s`)."""
    seconds = int(value.total_seconds())
    for unit, size in (("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _check_positive_duration(value: timedelta) -> timedelta:
    if value <= timedelta(0):
        raise ValueError(f"invalid duration {format_duration(value)}: expected a positive length")
    return value


_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _parse_clock_time(value: Any) -> Any:
    if isinstance(value, str):
        match = _HHMM.match(value.strip())
        if match is None:
            raise ValueError(
                f"invalid time {value!r}: expected HH:MM on a 24-hour clock, e.g. 17:00"
            )
        return time(int(match.group(1)), int(match.group(2)))
    if isinstance(value, time):
        return value
    raise ValueError(f'invalid time {value!r}: expected a quoted HH:MM string, e.g. "17:00"')


def _check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r}: expected an IANA name such as UTC, "
            "America/New_York or Europe/London"
        ) from None
    return name


def _check_currency(code: str) -> str:
    upper = code.strip().upper()
    if upper not in ISO_4217_CODES:
        raise ValueError(
            f"unknown currency {code!r}: expected an ISO 4217 code such as USD, EUR or JPY"
        )
    return upper


_ENDPOINT_EXAMPLE = (
    "an http or https base URL with a host, such as http://127.0.0.1:8765 (Interactive "
    "Brokers: tcp://HOST:PORT of TWS or IB Gateway)"
)


def _check_endpoint(text: str) -> str:
    """A venue base URL, normalized (scheme and host lower case, no trailing slash)."""
    url = text.strip()
    if not url or any(c.isspace() for c in url):
        raise ValueError(f"invalid endpoint {text!r}: expected {_ENDPOINT_EXAMPLE}")
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError for a port that is no number or out of range
    except ValueError as exc:
        raise ValueError(f"invalid endpoint: {exc}; expected {_ENDPOINT_EXAMPLE}") from None
    if "@" in parts.netloc:  # never echo the URL: it holds a user and maybe a password
        raise ValueError(
            "the endpoint URL contains credentials (user@ or user:password@): remove them; "
            f"credentials come from the environment or .env only; expected {_ENDPOINT_EXAMPLE}"
        )
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "tcp") or not parts.hostname:
        raise ValueError(f"invalid endpoint {text!r}: expected {_ENDPOINT_EXAMPLE}")
    if parts.query or parts.fragment or parts.path.strip("/"):
        raise ValueError(
            f"invalid endpoint {text!r}: only a scheme and host (the venue's API paths are "
            f"kept, so no /path, ?query or #fragment); expected {_ENDPOINT_EXAMPLE}"
        )
    return urlunsplit((scheme, parts.netloc.lower(), "", "", ""))


#: Bounds of protective exits, percent of the entry price, in the file and on the command
#: line (`--stop-loss-pct`): an exit closer than 0.1% is a fraction written by mistake
#: (0.02 meant as 2%); a stop beyond 100% can never trigger on a long.
EXIT_PCT_LOW = 0.1
STOP_LOSS_PCT_HIGH = 100.0
TAKE_PROFIT_PCT_HIGH = 1000.0


def percent_problem(
    value: float, *, low: float, high: float, zero_allowed: bool = False
) -> str | None:
    """What is wrong with `value` as a percent in [low, high] (or 0 when `zero_allowed`),
    or None; a value that reads as a fraction (0.02 for 2%) is called one."""
    if (low <= value <= high) or (zero_allowed and value == 0):
        return None
    expected = f"a percent from {low:g} to {high:g}"
    if zero_allowed:
        expected = f"0 or {expected}"
    if 0 < value < 1 and low <= value * 100 <= high:
        shown = f"{value * 100:g}"
        return f"{value:g} looks like a fraction; write {shown} for {shown}%: expected {expected}"
    return f"expected {expected}, got {value:g}"


def check_percent(name: str, value: float, *, low: float, high: float) -> float:
    """`value` if it is a percent in [low, high] (8 = 8%), for values outside a
    configuration file such as CLI options (`name` = `--stop-loss-pct`).

    Raises:
        ConfigError: out of range, or clearly a fraction (0.02: "write 2 for 2%");
            the message starts with `name`.
    """
    problem = percent_problem(value, low=low, high=high)
    if problem is not None:
        raise ConfigError(name, [ConfigIssue("", problem)])
    return value


@dataclass(frozen=True, slots=True)
class PercentRange:
    """Validator of a percent field: `low` <= value <= `high` (or 0 when
    `zero_allowed`), naming a value that reads as a fraction."""

    low: float
    high: float = 100.0
    zero_allowed: bool = False

    def __call__(self, value: float) -> float:
        problem = percent_problem(
            value, low=self.low, high=self.high, zero_allowed=self.zero_allowed
        )
        if problem is not None:
            raise ValueError(problem)
        return value


def _check_fraction(value: float) -> float:
    if 0 <= value <= 1:
        return value
    if 1 < value <= 100:
        raise ValueError(
            f"{value:g} looks like a percent; write {value / 100:g} for {value:g}%: "
            "expected a fraction from 0 to 1"
        )
    raise ValueError(f"expected a fraction from 0 to 1, got {value:g}")


#: A percent (8 = 8%): 0, or 0.1 to 100.
Percent = Annotated[float, AfterValidator(PercentRange(0.1, zero_allowed=True))]
#: A percent (8 = 8%) from 0.1 to 100; smaller values are fractions written by mistake.
PositivePercent = Annotated[float, AfterValidator(PercentRange(0.1))]
#: A percent from 1 to 100, for limits below 1% of which are never meant (shares of
#: capital, drawdown limits): 0.3 is reported as a fraction (30%).
CoarsePercent = Annotated[float, AfterValidator(PercentRange(1.0))]
#: Gross exposure, percent of equity: 1 to 1000 (above 100 needs leverage).
ExposurePercent = Annotated[float, AfterValidator(PercentRange(1.0, 1000.0))]
#: A stop-loss distance, percent of the entry price (EXIT_PCT_LOW..STOP_LOSS_PCT_HIGH).
StopLossPercent = Annotated[float, AfterValidator(PercentRange(EXIT_PCT_LOW, STOP_LOSS_PCT_HIGH))]
#: A take-profit distance, percent of the entry price (EXIT_PCT_LOW..TAKE_PROFIT_PCT_HIGH).
TakeProfitPercent = Annotated[
    float, AfterValidator(PercentRange(EXIT_PCT_LOW, TAKE_PROFIT_PCT_HIGH))
]
#: A fraction in [0, 1] (0.8 = 80%); a percent such as 80 is named as one.
Fraction = Annotated[float, AfterValidator(_check_fraction)]
#: A bar length such as `1h` or `1d`; serialized back as text.
TimeframeField = Annotated[
    Timeframe, PlainValidator(_parse_timeframe), PlainSerializer(str, return_type=str)
]
#: A positive duration written `30m`, `12h`, `3d`; serialized back in that form.
Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    AfterValidator(_check_positive_duration),
    PlainSerializer(format_duration, return_type=str),
]
#: A wall-clock time written "HH:MM"; serialized back in that form.
ClockTime = Annotated[
    time,
    PlainValidator(_parse_clock_time),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
]
#: An IANA time zone name, checked against the zoneinfo database.
TimeZoneName = Annotated[str, AfterValidator(_check_timezone)]
#: An ISO 4217 currency code, upper-cased.
CurrencyCode = Annotated[str, AfterValidator(_check_currency)]
#: A venue base URL replacing the venue's real address (an emulator, a testnet):
#: http or https, a host, no credentials; written back normalized.
EndpointUrl = Annotated[str, AfterValidator(_check_endpoint)]
#: A strategy name known to this validation (built-ins or the context's set).
StrategyName = Annotated[str, AfterValidator(_check_strategy)]
