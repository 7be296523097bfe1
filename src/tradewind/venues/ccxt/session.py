"""One connection to an exchange through ccxt, shared by the execution and data sides.

`CcxtSession` owns the ccxt client, the connection status and the rate budget. Every
request goes through `call`, which refuses while disconnected, maps ccxt's exceptions
(`errors.map_error`), pauses every user of the key after a 429/418 until its
Retry-After, marks the status DEGRADED while the venue is impaired and CONNECTED again
after the next answer, and DISCONNECTED when the venue refuses the credentials.

`account_id` names the account the key trades, read from the balance request that
checks the credentials: Binance's `uid`, Coinbase's portfolio (`retail_portfolio_id` of
its v3 accounts); an exchange that names none (Kraken) gives its exchange id. Never
anything derived from the key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import ConnectionStatus, VenueStatus
from tradewind.execution.venue_session import require_connected
from tradewind.venues.ccxt.client import attach_rate_budget, build_exchange
from tradewind.venues.ccxt.config import CcxtVenueConfig
from tradewind.venues.ccxt.errors import CcxtVenueError, ErrorKind, map_error, retry_after_seconds
from tradewind.venues.ccxt.instruments import CcxtInstruments
from tradewind.venues.ccxt.rate_budget import RateBudget

__all__ = ["CcxtSession", "account_identity"]

_log = logging.getLogger(__name__)
_DEFAULT_PAUSE_S = 1.0
_MAX_PAUSE_S = 300.0
_NOT_CONNECTED = VenueStatus(ConnectionStatus.DISCONNECTED, "not connected yet")
# coinbase: the v3 accounts carry the portfolio id (ccxt reads v2 by default)
_BALANCE_PARAMS: dict[str, dict[str, Any]] = {"coinbase": {"v3": True}}


class CcxtSession:
    """The ccxt client of one exchange and key, its status and its request budget.

    Args:
        config: exchange, symbols, credentials, endpoint, timeouts.
        exchange_factory: builds the ccxt client (tests pass a fake); default
            `client.build_exchange`.

    Nothing is sent before `connect()`.
    """

    def __init__(
        self,
        config: CcxtVenueConfig,
        exchange_factory: Callable[[CcxtVenueConfig], Any] = build_exchange,
    ) -> None:
        self.config = config
        self.exchange = exchange_factory(config)
        self.budget: RateBudget | None = None
        if config.rate_budget_dir is not None:
            key = config.api_key.reveal() if config.api_key else ""
            self.budget = attach_rate_budget(
                self.exchange, config.rate_budget_dir, config.exchange_id, key
            )
        self.status = _NOT_CONNECTED
        self.instruments: CcxtInstruments | None = None
        self._account_id: str | None = None
        self._paused_until = 0.0  # time.monotonic() seconds

    @property
    def venue(self) -> str:
        return self.config.venue

    @property
    def account_id(self) -> str | None:
        """The account the key trades (see the module docstring); None before a
        `connect()` with credentials."""
        return self._account_id

    def connect(self) -> None:
        """Load the markets, read the venue clock and, with credentials, check them.

        Raises:
            VenueError: unreachable (retryable) or credentials refused (not retryable;
                the status stays DISCONNECTED with the reason).
        """
        self.status = VenueStatus(ConnectionStatus.CONNECTED, "connecting")
        try:
            markets = self.call("load markets", lambda ex: ex.load_markets(True))
            self.instruments = CcxtInstruments(
                markets,
                self.config.symbols,
                self.venue,
                precision_mode=int(getattr(self.exchange, "precisionMode", 4)),
                market_class=self.config.market_class,
            )
            self.call("read the venue clock", lambda ex: ex.fetch_time())
            if self.config.has_credentials:
                exchange_id = self.config.exchange_id
                params = _BALANCE_PARAMS.get(exchange_id, {})
                balance = self.call(
                    "check the credentials", lambda ex: ex.fetch_balance(dict(params))
                )
                self._account_id = account_identity(exchange_id, balance)
        except VenueError as error:
            if self.status.accepts_requests:
                self.status = VenueStatus(ConnectionStatus.DISCONNECTED, str(error))
            raise
        self.status = VenueStatus(ConnectionStatus.CONNECTED)

    def disconnect(self, reason: str = "disconnected by the client") -> None:
        """Stop sending (local only: nothing is canceled at the venue)."""
        self.status = VenueStatus(ConnectionStatus.DISCONNECTED, reason)

    def require_connected(self, request: str) -> None:
        """Raise `VenueDisconnectedError` unless requests may be sent."""
        require_connected(
            request, venue=self.venue, status=self.status, loaded=self.instruments is not None
        )

    def call(self, action: str, request: Callable[[Any], Any], *, retries: int = 0) -> Any:
        """Run `request(exchange)` within the budget; map and raise its failures.

        `retries` more attempts are made after a retryable failure whose request was
        refused or is safe to repeat (the caller says so by passing retries > 0).

        Raises:
            CcxtVenueError: the mapped failure (see `errors.map_error`).
            VenueDisconnectedError: not connected.
        """
        if not self.status.accepts_requests:
            self.require_connected(action)
        attempts_left = retries
        while True:
            self._wait_out_pause()
            try:
                result = request(self.exchange)
            except Exception as raw:
                error = self._mapped(raw, action)
                if error.retryable and attempts_left > 0:
                    attempts_left -= 1
                    continue
                raise error from None
            if self.status.connection is ConnectionStatus.DEGRADED:
                self.status = VenueStatus(ConnectionStatus.CONNECTED)
            return result

    def _mapped(self, raw: Exception, action: str) -> CcxtVenueError:
        if isinstance(raw, CcxtVenueError):
            return raw
        headers = getattr(self.exchange, "last_response_headers", None)
        error = map_error(
            raw, venue=self.venue, action=action, retry_after_s=retry_after_seconds(headers)
        )
        if error.kind is ErrorKind.RATE_LIMITED:
            self._pause(error.retry_after_s)
        if error.kind is ErrorKind.CREDENTIALS:
            self.status = VenueStatus(ConnectionStatus.DISCONNECTED, str(error))
        elif error.retryable:
            self.status = VenueStatus(ConnectionStatus.DEGRADED, str(error))
        _log.warning("%s", error)
        return error

    def _pause(self, retry_after_s: float | None) -> None:
        seconds = min(_MAX_PAUSE_S, _DEFAULT_PAUSE_S if retry_after_s is None else retry_after_s)
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)
        if self.budget is not None:
            self.budget.pause(seconds)

    def _wait_out_pause(self) -> None:
        remaining = self._paused_until - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)


def account_identity(exchange_id: str, balance: Any) -> str:
    """The account id in `balance` (ccxt's `fetch_balance` answer, raw payload under
    `info`): binance `uid`, coinbase the first `retail_portfolio_id` of its accounts;
    `exchange_id` itself where the exchange names none."""
    info = balance.get("info") if isinstance(balance, Mapping) else None
    if not isinstance(info, Mapping):
        return exchange_id
    if exchange_id == "binance":
        uid = info.get("uid")
        if isinstance(uid, (int, str)) and not isinstance(uid, bool) and str(uid).strip():
            return str(uid).strip()
    if exchange_id == "coinbase":
        for account in info.get("accounts") or ():
            portfolio = account.get("retail_portfolio_id") if isinstance(account, Mapping) else None
            if isinstance(portfolio, str) and portfolio.strip():
                return portfolio.strip()
    return exchange_id
