"""Settings of the Alpaca adapter: symbols, credentials, endpoints, limits.

Credentials arrive as `Secret` (or plain strings, wrapped at once), so no repr, log
line or error message shows them. Without an `endpoint` the adapter talks to Alpaca's
paper trading API; the live API is used only with `live=True` and no endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import Venue
from tradewind.domain.market import MarketClass
from tradewind.domain.secret import Secret

__all__ = [
    "DATA_URL",
    "LIVE_TRADING_URL",
    "PAPER_TRADING_URL",
    "AlpacaVenueConfig",
    "Secret",
]

PAPER_TRADING_URL = "https://paper-api.alpaca.markets"
"""Alpaca's paper trading API (the default)."""
LIVE_TRADING_URL = "https://api.alpaca.markets"
"""Alpaca's live trading API (only with `live=True`)."""
DATA_URL = "https://data.alpaca.markets"
"""Alpaca's market data API."""


def _secret(value: Secret | str | None) -> Secret | None:
    if value is None or isinstance(value, Secret):
        return value or None
    return Secret(value) if value else None


@dataclass(frozen=True, slots=True, kw_only=True)
class AlpacaVenueConfig:
    """How to reach one Alpaca account (US equities).

    Attributes:
        symbols: the venue symbols traded and polled (`AAPL`), at least one.
        api_key, secret_key: credentials (`TRADEWIND_ALPACA_API_KEY` /
            `TRADEWIND_ALPACA_SECRET_KEY`); plain strings are wrapped in `Secret`.
        endpoint: scheme and host (`http://127.0.0.1:8765`) of the trading API; None
            is Alpaca's paper API (the live API with `live=True`).
        data_endpoint: scheme and host of the market data API; None is `endpoint`
            when one is given (the emulator serves both), else Alpaca's data API.
        live: trade the live account when no endpoint is given (never by default).
        timeout_ms: HTTP timeout per request, > 0.
        market_class: the class of every instrument (equities).
        fractional: trade fractional shares (lot 1e-9, DAY orders only) of the assets
            Alpaca marks fractionable; False keeps whole shares (lot 1).
        report_lookback_ms: how far before `since` order history is read for the
            reports (orders created earlier and changed later), >= 0.
        page_size: rows asked per order / activity history request, 1 to 500.
        data_feed: the bars feed (`iex` for free accounts, `sip` with a subscription).
        venue: the venue name in instrument ids (`AAPL.ALPACA`).

    Raises:
        DomainError: no symbols, a bad endpoint, a non-positive timeout or page size.
    """

    symbols: tuple[str, ...]
    api_key: Secret | None = None
    secret_key: Secret | None = None
    endpoint: str | None = None
    data_endpoint: str | None = None
    live: bool = False
    timeout_ms: int = 10_000
    market_class: MarketClass = MarketClass.EQUITIES
    fractional: bool = False
    report_lookback_ms: int = 7 * 86_400_000
    page_size: int = 100
    data_feed: str = "iex"
    venue: str = "ALPACA"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        symbols = tuple(self.symbols)
        if not symbols or not all(isinstance(s, str) and s.strip() == s and s for s in symbols):
            raise DomainError(
                f"invalid symbols {symbols!r} for Alpaca: expected at least one ticker such "
                "as 'AAPL'"
            )
        set_(self, "symbols", tuple(s.upper() for s in symbols))
        set_(self, "api_key", _secret(self.api_key))
        set_(self, "secret_key", _secret(self.secret_key))
        for name in ("endpoint", "data_endpoint"):
            value = getattr(self, name)
            if value is not None:
                set_(self, name, checked_endpoint(value, name))
        for name in ("timeout_ms", "page_size"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise DomainError(f"invalid {name} {value!r}: expected an integer > 0")
        if self.page_size > 500:
            raise DomainError(f"invalid page_size {self.page_size}: expected at most 500")
        if self.report_lookback_ms < 0:
            raise DomainError(
                f"invalid report_lookback_ms {self.report_lookback_ms!r}: expected >= 0"
            )
        if self.data_feed not in ("iex", "sip", "otc", "delayed_sip"):
            raise DomainError(
                f"invalid data_feed {self.data_feed!r}: expected iex, sip, otc or delayed_sip"
            )
        set_(self, "market_class", MarketClass.parse(str(self.market_class)))
        set_(self, "venue", Venue(self.venue or "ALPACA").value)

    @property
    def has_credentials(self) -> bool:
        """Whether an API key and secret were given (Alpaca needs both for every call)."""
        return bool(self.api_key) and bool(self.secret_key)

    @property
    def trading_url(self) -> str:
        """The trading API's scheme and host."""
        if self.endpoint is not None:
            return self.endpoint
        return LIVE_TRADING_URL if self.live else PAPER_TRADING_URL

    @property
    def data_url(self) -> str:
        """The market data API's scheme and host."""
        return self.data_endpoint or self.endpoint or DATA_URL


def checked_endpoint(endpoint: str, name: str = "endpoint") -> str:
    """`endpoint` as `scheme://host[:port]`.

    Raises:
        DomainError: not http(s), no host, or a path / query in it.
    """
    parts = urlsplit(str(endpoint))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DomainError(
            f"invalid {name} {endpoint!r}: expected a scheme and host such as "
            "'http://127.0.0.1:8765'"
        )
    if parts.path.strip("/") or parts.query or parts.username or parts.password:
        raise DomainError(
            f"invalid {name} {endpoint!r}: expected only a scheme and host (the API paths "
            "are the client's)"
        )
    return f"{parts.scheme}://{parts.netloc}"
