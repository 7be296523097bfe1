"""One connection to an Alpaca account, shared by the execution and data sides.

`AlpacaSession` owns alpaca-py's trading and data clients, the connection status, the
loaded instruments and the pause a 429 imposes. Every request goes through `call` (or
`data_call`), which refuses while disconnected, maps alpaca-py's exceptions
(`errors.map_error`), waits out Alpaca's Retry-After after a 429 and sends a refused
request once more (a 429 is never carried out), marks the status DEGRADED while Alpaca
is impaired and CONNECTED after the next answer, and DISCONNECTED when the credentials
are refused.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import ConnectionStatus, VenueStatus
from tradewind.execution.venue_session import require_connected
from tradewind.venues.alpaca.client import build_data_client, build_trading_client
from tradewind.venues.alpaca.config import AlpacaVenueConfig
from tradewind.venues.alpaca.errors import AlpacaVenueError, ErrorKind, map_error
from tradewind.venues.alpaca.instruments import AlpacaInstruments
from tradewind.venues.alpaca.parsing import ms_of_rfc3339

__all__ = ["AlpacaSession", "MarketClock"]

_log = logging.getLogger(__name__)
_DEFAULT_PAUSE_S = 1.0
_MAX_PAUSE_S = 60.0
_NOT_CONNECTED = VenueStatus(ConnectionStatus.DISCONNECTED, "not connected yet")

ClientFactory = Callable[[AlpacaVenueConfig], Any]


class MarketClock:
    """Alpaca's market clock (`GET /v2/clock`): now, open or not, next open and close (ms)."""

    __slots__ = ("is_open", "next_close_ms", "next_open_ms", "now_ms")

    def __init__(self, payload: Any) -> None:
        if not isinstance(payload, dict):
            raise VenueError(f"invalid clock payload: expected an object, got {payload!r}")
        self.now_ms = ms_of_rfc3339(payload.get("timestamp"), "clock")
        self.is_open = bool(payload.get("is_open"))
        self.next_open_ms = ms_of_rfc3339(payload.get("next_open"), "clock")
        self.next_close_ms = ms_of_rfc3339(payload.get("next_close"), "clock")


class AlpacaSession:
    """alpaca-py's clients for one account, their status and the 429 pause.

    Args:
        config: symbols, credentials, endpoints, timeouts.
        trading_factory, data_factory: build alpaca-py's clients (tests pass fakes);
            default `client.build_trading_client` / `client.build_data_client`.

    Nothing is built or sent before `connect()`.
    """

    def __init__(
        self,
        config: AlpacaVenueConfig,
        *,
        trading_factory: ClientFactory = build_trading_client,
        data_factory: ClientFactory = build_data_client,
    ) -> None:
        self.config = config
        self._trading_factory = trading_factory
        self._data_factory = data_factory
        self._trading: Any = None
        self._data: Any = None
        self.status = _NOT_CONNECTED
        self.instruments: AlpacaInstruments | None = None
        self._account_id: str | None = None
        self._paused_until = 0.0  # time.monotonic() seconds
        self._lock = threading.Lock()

    @property
    def venue(self) -> str:
        return self.config.venue

    @property
    def account_id(self) -> str | None:
        """The account's `account_number` (`GET /v2/account`); None before the first
        successful `connect()` (or when Alpaca sent none)."""
        return self._account_id

    @property
    def trading(self) -> Any:
        """alpaca-py's `TradingClient` (built at the first connect)."""
        if self._trading is None:
            self._trading = self._trading_factory(self.config)
        return self._trading

    @property
    def data(self) -> Any:
        """alpaca-py's `StockHistoricalDataClient` (built at the first use)."""
        if self._data is None:
            self._data = self._data_factory(self.config)
        return self._data

    def connect(self) -> None:
        """Load the symbols' assets, read the market clock and the account.

        Raises:
            VenueError: no credentials or refused ones (not retryable; the status stays
                DISCONNECTED with the reason), a symbol Alpaca does not list or trade,
                or Alpaca unreachable (retryable).
        """
        if not self.config.has_credentials:
            reason = (
                f"{self.venue} needs an API key and secret (TRADEWIND_ALPACA_API_KEY, "
                "TRADEWIND_ALPACA_SECRET_KEY)"
            )
            self.status = VenueStatus(ConnectionStatus.DISCONNECTED, reason)
            raise VenueError(reason, retryable=False)
        self.status = VenueStatus(ConnectionStatus.CONNECTED, "connecting")
        try:
            assets = [
                self.call(f"read asset {s}", _asset_request(s), retries=1)
                for s in self.config.symbols
            ]
            self.instruments = AlpacaInstruments(
                assets,
                self.config.symbols,
                self.venue,
                fractional=self.config.fractional,
                market_class=self.config.market_class,
            )
            self.clock()
            account = self.call("check the credentials", lambda c: c.get_account(), retries=1)
        except VenueError as error:
            if self.status.accepts_requests:
                self.status = VenueStatus(ConnectionStatus.DISCONNECTED, str(error))
            raise
        self._account_id = _account_number(account)
        self.status = VenueStatus(ConnectionStatus.CONNECTED)

    def disconnect(self, reason: str = "disconnected by the client") -> None:
        """Stop sending (local only: nothing is canceled at the venue)."""
        self.status = VenueStatus(ConnectionStatus.DISCONNECTED, reason)

    def require_connected(self, request: str) -> None:
        """Raise `VenueDisconnectedError` unless requests may be sent."""
        require_connected(
            request, venue=self.venue, status=self.status, loaded=self.instruments is not None
        )

    def clock(self) -> MarketClock:
        """Alpaca's market clock (`GET /v2/clock`)."""
        return MarketClock(self.call("read the market clock", lambda c: c.get_clock(), retries=1))

    def call(self, action: str, request: Callable[[Any], Any], *, retries: int = 0) -> Any:
        """Run `request(trading_client)`; map and raise its failures.

        A rate-limited request is sent once more after Alpaca's Retry-After (it was
        refused, not carried out). `retries` more attempts follow any other retryable
        failure: pass them only for requests that are safe to repeat (reads).

        Raises:
            AlpacaVenueError: the mapped failure (see `errors.map_error`).
            VenueDisconnectedError: not connected.
        """
        return self._run(action, request, retries, lambda: self.trading, self.config.trading_url)

    def data_call(self, action: str, request: Callable[[Any], Any], *, retries: int = 1) -> Any:
        """`call` for the market data client (reads: retried once by default)."""
        return self._run(action, request, retries, lambda: self.data, self.config.data_url)

    def _run(
        self,
        action: str,
        request: Callable[[Any], Any],
        retries: int,
        client: Callable[[], Any],
        url: str,
    ) -> Any:
        if not self.status.accepts_requests:
            self.require_connected(action)
        attempts_left, limited_left = retries, 1
        while True:
            self._wait_out_pause()
            try:
                result = request(client())
            except Exception as raw:
                error = self._mapped(raw, action, url)
                if error.kind is ErrorKind.RATE_LIMITED and limited_left > 0:
                    limited_left -= 1
                    continue
                if error.retryable and error.kind is not ErrorKind.RATE_LIMITED and attempts_left:
                    attempts_left -= 1
                    continue
                raise error from None
            if self.status.connection is ConnectionStatus.DEGRADED:
                self.status = VenueStatus(ConnectionStatus.CONNECTED)
            return result

    def _mapped(self, raw: Exception, action: str, url: str) -> AlpacaVenueError:
        error = map_error(raw, venue=self.venue, action=action, url=url)
        if error.kind is ErrorKind.RATE_LIMITED:
            self._pause(error.retry_after_s)
        if error.kind is ErrorKind.CREDENTIALS:
            self.status = VenueStatus(ConnectionStatus.DISCONNECTED, str(error))
        elif error.outcome_unknown:
            self.status = VenueStatus(ConnectionStatus.DEGRADED, str(error))
        _log.warning("%s", error)
        return error

    def _pause(self, retry_after_s: float | None) -> None:
        seconds = min(_MAX_PAUSE_S, _DEFAULT_PAUSE_S if retry_after_s is None else retry_after_s)
        with self._lock:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def _wait_out_pause(self) -> None:
        remaining = self._paused_until - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)


def _asset_request(symbol: str) -> Callable[[Any], Any]:
    def request(client: Any) -> Any:
        return client.get_asset(symbol)

    return request


def _account_number(account: Any) -> str | None:
    number = account.get("account_number") if isinstance(account, dict) else None
    return number.strip() if isinstance(number, str) and number.strip() else None
