"""Settings of the ccxt adapter: which exchange, which markets, credentials, endpoint.

Credentials arrive as plain strings from the caller (the composition root reads them
from `tradewind.config.Secrets`); they are wrapped in `Secret` at once so no repr, log
line or error message ever shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import Venue
from tradewind.domain.market import MarketClass
from tradewind.domain.secret import Secret

__all__ = ["CcxtVenueConfig", "Secret"]

_EXCHANGE_ID = re.compile(r"^[a-z][a-z0-9_]*$")


def _secret(value: Secret | str | None) -> Secret | None:
    if value is None or isinstance(value, Secret):
        return value or None
    return Secret(value) if value else None


@dataclass(frozen=True, slots=True, kw_only=True)
class CcxtVenueConfig:
    """How to reach one exchange through ccxt (spot only).

    Attributes:
        exchange_id: the ccxt id, lower case (`binance`, `kraken`).
        symbols: the venue symbols traded and polled (`BTC/USDT`), at least one.
        api_key, secret, password: credentials (plain strings are wrapped in `Secret`);
            None for public data only. `password` is the passphrase some exchanges need.
        endpoint: scheme and host (`http://127.0.0.1:8765`) every API URL is pointed
            at instead of the exchange's (the emulator); None keeps the real ones.
        timeout_ms: HTTP timeout per request, > 0.
        rate_budget_dir: directory of the shared rate budget files (one per API key);
            None keeps only ccxt's in-process spacing.
        market_class: the class of every instrument (crypto).
        venue: the venue name in instrument ids; empty derives it (`BINANCE`).
        report_lookback_ms: how far before `since` order history is read for
            `order_status_reports(since)` (orders created earlier and changed later
            are found through open orders and trades), >= 0. It is also
            the window of the venue's fills that `positions()` reads for `avg_open_price`.
        page_limit: rows asked per history request, > 0.
        options: extra ccxt `options` merged over the adapter's spot defaults.

    Raises:
        DomainError: an invalid exchange id, no symbols, a bad endpoint or a
            non-positive timeout or limit.
    """

    exchange_id: str
    symbols: tuple[str, ...]
    api_key: Secret | None = None
    secret: Secret | None = None
    password: Secret | None = None
    endpoint: str | None = None
    timeout_ms: int = 10_000
    rate_budget_dir: Path | None = None
    market_class: MarketClass = MarketClass.CRYPTO
    venue: str = ""
    report_lookback_ms: int = 7 * 86_400_000
    page_limit: int = 500
    options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if not isinstance(self.exchange_id, str) or not _EXCHANGE_ID.match(self.exchange_id):
            raise DomainError(
                f"invalid exchange_id {self.exchange_id!r}: expected a lower-case ccxt id "
                "such as 'binance'"
            )
        symbols = tuple(self.symbols)
        if not symbols or not all(isinstance(s, str) and "/" in s for s in symbols):
            raise DomainError(
                f"invalid symbols {symbols!r} for {self.exchange_id}: expected at least one "
                "ccxt symbol such as 'BTC/USDT'"
            )
        set_(self, "symbols", symbols)
        for name in ("api_key", "secret", "password"):
            set_(self, name, _secret(getattr(self, name)))
        if self.endpoint is not None:
            set_(self, "endpoint", _checked_endpoint(self.endpoint))
        for name in ("timeout_ms", "page_limit"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise DomainError(f"invalid {name} {value!r}: expected an integer > 0")
        if self.report_lookback_ms < 0:
            raise DomainError(
                f"invalid report_lookback_ms {self.report_lookback_ms!r}: expected >= 0"
            )
        set_(self, "market_class", MarketClass.parse(str(self.market_class)))
        set_(self, "venue", Venue(self.venue or self.exchange_id.upper()).value)
        if self.rate_budget_dir is not None:
            set_(self, "rate_budget_dir", Path(self.rate_budget_dir))
        set_(self, "options", dict(self.options))

    @property
    def has_credentials(self) -> bool:
        """Whether an API key and secret were given."""
        return bool(self.api_key) and bool(self.secret)


def _checked_endpoint(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https", "ws", "wss") or not parts.netloc:
        raise DomainError(
            f"invalid endpoint {endpoint!r}: expected a scheme and host such as "
            "'http://127.0.0.1:8765'"
        )
    if parts.path.strip("/") or parts.query:
        raise DomainError(
            f"invalid endpoint {endpoint!r}: expected only a scheme and host (the API "
            "paths are kept)"
        )
    return f"{parts.scheme}://{parts.netloc}"
