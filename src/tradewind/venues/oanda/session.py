"""One connection to an OANDA v20 account, shared by the execution and data sides.

`OandaSession` owns the client, the connection status, the account's home currency
and the loaded instruments. Every request goes through `call`, which refuses while
disconnected, waits out a 429's Retry-After for every user of the session, marks the
status DEGRADED while the venue is impaired and CONNECTED again after the next answer,
and DISCONNECTED when the venue refuses the token.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

import httpx

from tradewind.domain.venue_errors import VenueDisconnectedError, VenueError
from tradewind.domain.venue_reports import ConnectionStatus, VenueStatus
from tradewind.execution.venue_session import require_connected
from tradewind.venues.oanda.client import OandaClient
from tradewind.venues.oanda.config import OandaVenueConfig
from tradewind.venues.oanda.errors import ErrorKind, OandaVenueError
from tradewind.venues.oanda.instruments import OandaInstruments

__all__ = ["OandaSession"]

_log = logging.getLogger(__name__)
_DEFAULT_PAUSE_S = 1.0
_MAX_PAUSE_S = 60.0
_NOT_CONNECTED = VenueStatus(ConnectionStatus.DISCONNECTED, "not connected yet")
T = TypeVar("T")


class OandaSession:
    """The v20 client of one account, its status and its instruments.

    Args:
        config: instruments, token, account, endpoint, timeouts.
        transport: an httpx transport for the client (tests); None is the network.

    Nothing is sent before `connect()`.
    """

    def __init__(
        self, config: OandaVenueConfig, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.config = config
        self.client = OandaClient(
            config.base_url,
            config.token,
            account_id=config.account_id,
            timeout_ms=config.timeout_ms,
            venue=config.venue,
            transport=transport,
        )
        self.status = _NOT_CONNECTED
        self.instruments: OandaInstruments | None = None
        self.home_currency = ""
        self.connected_at_txn: int | None = None
        self._account_id: str | None = None
        self._paused_until = 0.0  # time.monotonic() seconds

    @property
    def venue(self) -> str:
        return self.config.venue

    @property
    def account_id(self) -> str | None:
        """The v20 account in use (configured, or the token's first); None before the
        first successful `connect()`."""
        return self._account_id

    def connect(self) -> None:
        """Choose the account, read its summary (checks the token), load the
        instruments and read the venue clock (pricing).

        Raises:
            VenueError: unreachable (retryable) or the token refused (not retryable;
                the status stays DISCONNECTED with the reason).
        """
        self.status = VenueStatus(ConnectionStatus.CONNECTED, "connecting")
        try:
            if not self.client.account_id:
                self.client.account_id = self._first_account()
            summary = self.call("read the account summary", lambda c: c.summary(), retries=1)
            self.home_currency = summary.currency
            self.connected_at_txn = summary.last_transaction_id
            specs = self.call(
                "load the instruments",
                lambda c: c.instruments(self.config.symbols),
                retries=1,
            )
            self.instruments = OandaInstruments(
                specs, self.config.symbols, self.venue, self.config.market_class
            )
            self.call("read the venue clock", lambda c: c.pricing(self.config.symbols), retries=1)
        except VenueError as error:
            self.status = VenueStatus(ConnectionStatus.DISCONNECTED, str(error))
            raise
        self._account_id = self.client.account_id
        self.status = VenueStatus(ConnectionStatus.CONNECTED)

    def _first_account(self) -> str:
        accounts = self.call("list the accounts", lambda c: c.accounts(), retries=1)
        if not accounts:
            raise OandaVenueError(
                f"the token has no v20 account at {self.venue}", kind=ErrorKind.REFUSED
            )
        return str(accounts[0])

    def disconnect(self, reason: str = "disconnected by the client") -> None:
        """Stop sending (local only: nothing is canceled at the venue)."""
        self.status = VenueStatus(ConnectionStatus.DISCONNECTED, reason)

    def close(self) -> None:
        """Disconnect and close the client's connections."""
        self.disconnect()
        self.client.close()

    def require_connected(self, request: str) -> None:
        """Raise `VenueDisconnectedError` unless requests may be sent."""
        require_connected(
            request, venue=self.venue, status=self.status, loaded=self.instruments is not None
        )

    def call(self, action: str, request: Callable[[OandaClient], T], *, retries: int = 0) -> T:
        """Run `request(client)`; map, record and raise its failures.

        `retries` more attempts follow a retryable failure (pass > 0 only for requests
        safe to repeat: reads, and anything the venue refused with a 429).

        Raises:
            OandaVenueError: the mapped failure.
            VenueDisconnectedError: not connected.
        """
        if not self.status.accepts_requests:
            raise VenueDisconnectedError(
                f"{action} refused: venue {self.venue} is disconnected "
                f"({self.status.reason}); call connect() first"
            )
        attempts_left = retries
        while True:
            self._wait_out_pause()
            try:
                result = request(self.client)
            except OandaVenueError as error:
                self._record(error)
                if error.retryable and attempts_left > 0:
                    attempts_left -= 1
                    continue
                raise
            if self.status.connection is ConnectionStatus.DEGRADED:
                self.status = VenueStatus(ConnectionStatus.CONNECTED)
            return result

    def _record(self, error: OandaVenueError) -> None:
        if error.kind is ErrorKind.RATE_LIMITED:
            wait = _DEFAULT_PAUSE_S if error.retry_after_s is None else error.retry_after_s
            self._paused_until = max(self._paused_until, time.monotonic() + min(wait, _MAX_PAUSE_S))
        if error.kind is ErrorKind.CREDENTIALS:
            self.status = VenueStatus(ConnectionStatus.DISCONNECTED, str(error))
        elif error.kind in (ErrorKind.UNREACHABLE, ErrorKind.TIMEOUT):
            self.status = VenueStatus(ConnectionStatus.DEGRADED, str(error))
        _log.warning("%s", error)

    def _wait_out_pause(self) -> None:
        remaining = self._paused_until - time.monotonic()
        if remaining > 0:
            time.sleep(remaining)
