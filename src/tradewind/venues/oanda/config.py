"""Settings of the OANDA v20 adapter: instruments, token, account, endpoint, limits.

The default endpoint is OANDA's practice server; the production server
(`https://api-fxtrade.oanda.com`) is used only when it is configured explicitly.
The token is wrapped in `Secret` at once, so no repr, log line or message shows it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import Venue
from tradewind.domain.market import MarketClass
from tradewind.domain.secret import Secret

__all__ = ["PRACTICE_URL", "PRODUCTION_URL", "OandaVenueConfig", "Secret"]

PRACTICE_URL = "https://api-fxpractice.oanda.com"
"""OANDA's practice (demo money) REST server: the default."""
PRODUCTION_URL = "https://api-fxtrade.oanda.com"
"""OANDA's live REST server: only when configured as `endpoint`."""

_SYMBOL = re.compile(r"^[A-Z0-9]{2,12}_[A-Z0-9]{2,12}$")
_ACCOUNT = re.compile(r"^[0-9A-Za-z-]{1,64}$")


def _secret(value: Secret | str | None) -> Secret | None:
    if value is None or isinstance(value, Secret):
        return value or None
    if not isinstance(value, str):
        raise DomainError(f"invalid token: expected a string, found {type(value).__name__}")
    return Secret(value) if value else None


@dataclass(frozen=True, slots=True, kw_only=True)
class OandaVenueConfig:
    """How to reach one OANDA v20 account.

    Attributes:
        symbols: v20 instrument names traded and polled (`EUR_USD`), at least one.
        token: the personal access token (plain strings are wrapped in `Secret`); None
            for nothing but the public shape (every v20 endpoint needs one).
        account_id: the v20 account (`101-001-1234567-001`); None takes the token's
            first account at `connect()`.
        endpoint: scheme and host (`http://127.0.0.1:8765`); None is the practice
            server, never production.
        timeout_ms: HTTP timeout per request, > 0.
        market_class: the class of every instrument (forex).
        venue: the venue name in instrument ids (`EUR_USD` is `EUR-USD.OANDA`).
        report_lookback_ms: how far before `since` the transactions are read for the
            reports (and how far back without `since`), > 0.
        page_limit: candles asked per request, 1..5000 (v20's maximum).

    Raises:
        DomainError: a bad symbol, account id, endpoint, timeout or limit (named).
    """

    symbols: tuple[str, ...]
    token: Secret | None = None
    account_id: str | None = None
    endpoint: str | None = None
    timeout_ms: int = 10_000
    market_class: MarketClass = MarketClass.FOREX
    venue: str = "OANDA"
    report_lookback_ms: int = 30 * 86_400_000
    page_limit: int = 5_000

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        symbols = tuple(self.symbols) if not isinstance(self.symbols, str) else ()
        if not symbols or not all(isinstance(s, str) and _SYMBOL.match(s) for s in symbols):
            raise DomainError(
                f"invalid symbols {self.symbols!r}: expected at least one v20 instrument "
                "name such as 'EUR_USD'"
            )
        set_(self, "symbols", symbols)
        set_(self, "token", _secret(self.token))
        if self.account_id is not None and (
            not isinstance(self.account_id, str) or not _ACCOUNT.match(self.account_id)
        ):
            raise DomainError(
                f"invalid account_id {self.account_id!r}: expected a v20 account id such as "
                "'101-001-1234567-001'"
            )
        if self.endpoint is not None:
            set_(self, "endpoint", _checked_endpoint(self.endpoint))
        for name in ("timeout_ms", "report_lookback_ms", "page_limit"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise DomainError(f"invalid {name} {value!r}: expected an integer > 0")
        if self.page_limit > 5_000:
            raise DomainError(
                f"invalid page_limit {self.page_limit}: expected at most 5000 (v20's maximum)"
            )
        set_(self, "market_class", MarketClass.parse(str(self.market_class)))
        set_(self, "venue", Venue(self.venue).value)

    @property
    def base_url(self) -> str:
        """Where requests go: `endpoint`, else the practice server."""
        return self.endpoint or PRACTICE_URL


def _checked_endpoint(endpoint: str) -> str:
    parts = urlsplit(endpoint) if isinstance(endpoint, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise DomainError(
            f"invalid endpoint {endpoint!r}: expected a scheme and host such as "
            "'http://127.0.0.1:8765'"
        )
    if parts.path.strip("/") or parts.query or parts.username or parts.password:
        raise DomainError(
            f"invalid endpoint {endpoint!r}: expected only a scheme and host (the /v3 paths "
            "are kept)"
        )
    return f"{parts.scheme}://{parts.netloc}"
