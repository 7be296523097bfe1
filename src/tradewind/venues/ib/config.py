"""Settings of the Interactive Brokers adapter: where TWS / IB Gateway listens, which
client id and account, which symbols.

There are no credentials: TWS or the Gateway holds the login and the API socket trusts
the machine it runs on. `endpoint` (`tws://127.0.0.1:7497`) is the one-string form of
`host` and `port` used to point the adapter at an emulator; when given it wins.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId, Venue
from tradewind.domain.market import MarketClass
from tradewind.domain.secret import Secret

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "IbVenueConfig", "Secret", "instrument_id_of"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7497
"""TWS's paper-trading API port (the Gateway's paper port is 4002; live ports are 7496
and 4001 and are never a default)."""

_FOREX = re.compile(r"^[A-Z]{3}\.[A-Z]{3}$")
_STOCK = re.compile(r"^[A-Z][A-Z0-9]{0,11}(\.[A-Z])?$")
_SCHEMES = ("tws", "tcp", "ib")
_MAX_CLIENT_ID = 2**31 - 1


@dataclass(frozen=True, slots=True, kw_only=True)
class IbVenueConfig:
    """How to reach TWS / IB Gateway and what to trade there.

    Attributes:
        symbols: venue symbols, at least one: stock tickers (`AAPL`, `BRK.B`) for
            equities, `EUR.USD` pairs for forex (IDEALPRO).
        host, port: the API socket of TWS or the Gateway (default 127.0.0.1:7497,
            TWS paper).
        client_id: this connection's API client id, 0 to 2**31-1; one connection per id.
        account: the account to trade and read (`DU1234567`); empty = the only
            managed account.
        endpoint: `tws://host:port`, overriding `host` and `port` (the emulator's
            address); None keeps them.
        timeout_ms: how long a request may take before it is given up, > 0.
        market_class: equities (stocks on SMART, USD) or forex (IDEALPRO).
        venue: the venue name in instrument ids (default `IB`).
        tws_timezone: the zone of times TWS sends without one (execution and
            completion times; TWS uses the zone chosen at login), an IANA name.

    Raises:
        DomainError: no symbols, a symbol not of the market class's form, a bad
            endpoint, port, client id or timeout.
    """

    symbols: tuple[str, ...]
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    client_id: int = 1
    account: str = ""
    endpoint: str | None = None
    timeout_ms: int = 10_000
    market_class: MarketClass = MarketClass.EQUITIES
    venue: str = "IB"
    tws_timezone: str = "UTC"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "market_class", MarketClass.parse(str(self.market_class)))
        if self.market_class not in (MarketClass.EQUITIES, MarketClass.FOREX):
            raise DomainError(
                f"invalid market_class {self.market_class.value!r} for IB: expected "
                "equities or forex"
            )
        set_(self, "symbols", _checked_symbols(self.symbols, self.market_class))
        if self.endpoint is not None:
            host, port = _parse_endpoint(self.endpoint)
            set_(self, "host", host)
            set_(self, "port", port)
            set_(self, "endpoint", f"tws://{host}:{port}")
        if not isinstance(self.host, str) or not self.host.strip():
            raise DomainError(f"invalid host {self.host!r}: expected a host name or address")
        _check_int("port", self.port, 1, 65_535)
        _check_int("client_id", self.client_id, 0, _MAX_CLIENT_ID)
        _check_int("timeout_ms", self.timeout_ms, 1, 10**9)
        if not isinstance(self.account, str) or any(c.isspace() for c in self.account):
            raise DomainError(f"invalid account {self.account!r}: expected an id like 'DU1234567'")
        set_(self, "venue", Venue(self.venue or "IB").value)
        _check_zone(self.tws_timezone)

    @property
    def address(self) -> str:
        """`host:port` of the API socket (for messages)."""
        return f"{self.host}:{self.port}"

    @property
    def timeout_s(self) -> float:
        return self.timeout_ms / 1000.0

    @classmethod
    def from_environment(
        cls,
        symbols: tuple[str, ...],
        *,
        environ: Mapping[str, str] | None = None,
        market_class: MarketClass = MarketClass.EQUITIES,
    ) -> IbVenueConfig:
        """A config whose host, port, client id and account come from
        `TRADEWIND_IB_HOST`, `TRADEWIND_IB_PORT`, `TRADEWIND_IB_CLIENT_ID` and
        `TRADEWIND_IB_ACCOUNT` (each optional; read when called, never at import).

        Raises:
            DomainError: a port or client id that is not an integer, or any invalid value.
        """
        env = os.environ if environ is None else environ
        return cls(
            symbols=symbols,
            host=env.get("TRADEWIND_IB_HOST", DEFAULT_HOST),
            port=_env_int(env, "TRADEWIND_IB_PORT", DEFAULT_PORT),
            client_id=_env_int(env, "TRADEWIND_IB_CLIENT_ID", 1),
            account=env.get("TRADEWIND_IB_ACCOUNT", ""),
            market_class=market_class,
        )

    def instrument_id(self, symbol: str) -> InstrumentId:
        """The instrument id of a venue symbol (`EUR.USD` -> `EUR-USD.IB`)."""
        return instrument_id_of(symbol, self.venue)


def instrument_id_of(symbol: str, venue: str) -> InstrumentId:
    """`AAPL` -> `AAPL.<venue>`, `EUR.USD` -> `EUR-USD.<venue>`."""
    return InstrumentId(symbol.replace(".", "-") if _FOREX.match(symbol) else symbol, venue)


def _checked_symbols(symbols: object, market_class: MarketClass) -> tuple[str, ...]:
    values = tuple(symbols) if isinstance(symbols, (tuple, list)) else ()
    form, example = (
        (_FOREX, "'EUR.USD'") if market_class is MarketClass.FOREX else (_STOCK, "'AAPL'")
    )
    bad = [s for s in values if not isinstance(s, str) or not form.match(s)]
    if not values or bad:
        raise DomainError(
            f"invalid symbols {symbols!r} for IB {market_class.value}: expected at least one "
            f"venue symbol such as {example}" + (f" (not {bad[0]!r})" if bad else "")
        )
    if len(set(values)) != len(values):
        raise DomainError(f"invalid symbols {values!r} for IB: a symbol is listed twice")
    return values


def _parse_endpoint(endpoint: str) -> tuple[str, int]:
    parts = urlsplit(endpoint if "://" in endpoint else f"tws://{endpoint}")
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in _SCHEMES or not parts.hostname or port is None:
        raise DomainError(
            f"invalid endpoint {endpoint!r}: expected 'tws://host:port' such as "
            "'tws://127.0.0.1:7497'"
        )
    if parts.path.strip("/") or parts.query or parts.username:
        raise DomainError(f"invalid endpoint {endpoint!r}: expected only a host and port")
    return parts.hostname, port


def _check_zone(zone: object) -> None:
    try:
        if not isinstance(zone, str) or not zone:
            raise ValueError(zone)
        ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        raise DomainError(
            f"invalid tws_timezone {zone!r}: expected an IANA zone such as 'America/New_York'"
        ) from None


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise DomainError(f"invalid {name} {value!r}: expected an integer from {low} to {high}")


def _env_int(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name)
    if text is None or not text.strip():
        return default
    try:
        return int(text.strip())
    except ValueError:
        raise DomainError(f"invalid {name} {text!r}: expected an integer") from None
