"""One API connection to TWS / IB Gateway, shared by the execution and data sides.

`IbSession` owns the `IbClient` (the `IB` on its event-loop thread), the connection
status, the account and the loaded instruments. Every request goes through `call`,
which refuses while disconnected, reconnects once when the socket was lost (TWS closes
it on some faults; the next request opens a new one with the same client id), maps
ib_async's exceptions and TWS's codes (`errors`), marks the status DEGRADED while TWS
is impaired (socket lost, TWS's own link to IB down: 1100) and CONNECTED again after
the next answer. TWS's order-related error messages are kept by order id for the
execution side (`order_errors`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ib_async import StartupFetchNONE

from tradewind.domain.timestamps import ensure_utc
from tradewind.domain.venue_errors import VenueError
from tradewind.domain.venue_reports import ConnectionStatus, VenueStatus
from tradewind.execution.venue_session import require_connected
from tradewind.venues.ib.client import IbClient, TwsError
from tradewind.venues.ib.config import IbVenueConfig
from tradewind.venues.ib.errors import (
    CONNECTION_LOST,
    CONNECTION_RESTORED,
    INFO_CODES,
    ErrorKind,
    IbVenueError,
    map_code,
    map_error,
)
from tradewind.venues.ib.instruments import IbInstruments, contract_for, instrument_from_details

__all__ = ["IbSession"]

_log = logging.getLogger(__name__)
_NOT_CONNECTED = VenueStatus(ConnectionStatus.DISCONNECTED, "not connected yet")
_CONNECT_TIMEOUTS = 3  # the handshake, then the startup requests, each within the timeout


class IbSession:
    """The API connection of one client id, its status, account and instruments.

    Args:
        config: host, port, client id, account, symbols, timeout.
        client_factory: builds the `IbClient` from the TWS time zone (tests pass one
            over a fake `IB`).

    Nothing is sent before `connect()`.
    """

    def __init__(
        self, config: IbVenueConfig, client_factory: Callable[[str], IbClient] = IbClient
    ) -> None:
        self.config = config
        self.client = client_factory(config.tws_timezone)
        self.status = _NOT_CONNECTED
        self.instruments: IbInstruments | None = None
        self.account = config.account
        self._account_id: str | None = None
        self._lock = threading.RLock()
        self._order_errors: dict[int, list[TwsError]] = {}

    @property
    def venue(self) -> str:
        return self.config.venue

    @property
    def account_id(self) -> str | None:
        """The managed account picked at `connect()` (`account`); None before it."""
        return self._account_id

    @property
    def tws_zone(self) -> str:
        """The zone of times TWS sends without one."""
        return self.config.tws_timezone

    # -- connection ------------------------------------------------------------------------

    def connect(self) -> None:
        """Open the API connection, pick the account, load the contracts, read the clock.

        Raises:
            IbVenueError: TWS unreachable or not answering (retryable), the client id in
                use (326), an unknown account or symbol (not retryable); the status is
                DISCONNECTED with the reason.
        """
        self.status = VenueStatus(ConnectionStatus.CONNECTED, "connecting")
        try:
            with self._lock:
                self._open()
            self.instruments = self._load_instruments()
            self.server_time()
        except VenueError as error:
            self.status = VenueStatus(ConnectionStatus.DISCONNECTED, str(error))
            self.client.stop()
            raise
        self._account_id = self.account or None
        self.status = VenueStatus(ConnectionStatus.CONNECTED)

    def disconnect(self, reason: str = "disconnected by the client") -> None:
        """Close the API connection (working orders stay at IB)."""
        self.status = VenueStatus(ConnectionStatus.DISCONNECTED, reason)
        with self._lock:
            self.client.stop()

    def require_connected(self, request: str) -> None:
        """Raise `VenueDisconnectedError` unless requests may be sent."""
        require_connected(
            request, venue=self.venue, status=self.status, loaded=self.instruments is not None
        )

    # -- requests --------------------------------------------------------------------------

    def call(
        self,
        action: str,
        request: Callable[[Any], Any],
        *,
        timeout_s: float | None = None,
    ) -> Any:
        """Run `request(ib)` on the loop; reconnect first when the socket was lost.

        Raises:
            IbVenueError: the mapped failure (see `errors`).
            VenueDisconnectedError: not connected.
        """
        if not self.status.accepts_requests:
            self.require_connected(action)
        with self._lock:
            if not self.client.is_connected():
                self._reconnect(action)
            try:
                result = self.client.call(request, timeout_s or self.config.timeout_s)
            except Exception as raw:
                raise self._failed(raw, action) from None
            self.absorb_errors()
        if self.status.connection is ConnectionStatus.DEGRADED:
            self.status = VenueStatus(ConnectionStatus.CONNECTED)
        return result

    def server_time(self) -> datetime:
        """TWS's clock (`reqCurrentTime`, whole seconds), UTC."""
        value = self.call("read the venue clock", lambda ib: ib.reqCurrentTimeAsync())
        if not isinstance(value, datetime):
            raise VenueError(f"invalid time from {self.venue}: {value!r} is not a datetime")
        return ensure_utc(value, field=f"server time of {self.venue}")

    def absorb_errors(self) -> None:
        """File TWS's error messages: order errors by order id, connection notices into
        the status, the rest logged."""
        for error in self.client.take_errors():
            if error.code in CONNECTION_LOST:
                self.status = VenueStatus(
                    ConnectionStatus.DEGRADED, f"TWS lost its link to IB ({error.code})"
                )
            elif error.code in CONNECTION_RESTORED:
                self.status = VenueStatus(ConnectionStatus.CONNECTED)
            elif error.req_id > 0 and error.code not in INFO_CODES:
                self._order_errors.setdefault(error.req_id, []).append(error)
            elif error.code in INFO_CODES or 2100 <= error.code < 2200:
                _log.debug("TWS notice %s: %s", error.code, error.text)
            else:
                _log.warning("TWS error %s: %s", error.code, error.text)

    def order_errors(self, order_id: int) -> list[TwsError]:
        """TWS's error messages about order `order_id` so far (this connection's ids)."""
        self.absorb_errors()
        return list(self._order_errors.get(order_id, ()))

    # -- helpers ---------------------------------------------------------------------------

    def _open(self) -> None:
        config = self.config
        self.client.start()
        self.client.take_errors()
        try:
            self.client.call(
                lambda ib: ib.connectAsync(
                    config.host,
                    config.port,
                    clientId=config.client_id,
                    timeout=config.timeout_s,
                    account=config.account,
                    fetchFields=StartupFetchNONE,
                ),
                config.timeout_s * _CONNECT_TIMEOUTS,
            )
        except Exception as raw:
            in_use = [e for e in self.client.take_errors() if e.code == 326]
            if in_use:
                raise map_code(326, in_use[0].text, venue=self.venue, action="connect") from None
            raise map_error(raw, venue=self.venue, action=f"connect to {config.address}") from None
        self.account = self._pick_account(self.client.call(lambda ib: ib.managedAccounts(), 1.0))

    def _pick_account(self, accounts: list[str]) -> str:
        wanted = self.config.account
        if wanted and wanted not in accounts:
            raise IbVenueError(
                f"connect failed: account {wanted!r} is not managed by this login at "
                f"{self.venue} (managed: {', '.join(accounts) or 'none'})",
                kind=ErrorKind.REFUSED,
                retryable=False,
            )
        if not wanted and len(accounts) != 1:
            raise IbVenueError(
                f"connect failed: {self.venue} manages {len(accounts)} accounts "
                f"({', '.join(accounts) or 'none'}); set account (TRADEWIND_IB_ACCOUNT)",
                kind=ErrorKind.REFUSED,
                retryable=False,
            )
        return wanted or accounts[0]

    def _reconnect(self, action: str) -> None:
        try:
            self._open()
        except IbVenueError as error:
            if error.retryable:
                self.status = VenueStatus(
                    ConnectionStatus.DEGRADED, f"connection to TWS lost: {error}"
                )
            raise IbVenueError(
                f"{action} failed: the connection to {self.venue} is lost and could not be "
                f"reopened ({error})",
                kind=error.kind,
                retryable=error.retryable,
                code=error.code,
            ) from None

    def _failed(self, raw: BaseException, action: str) -> IbVenueError:
        error = map_error(raw, venue=self.venue, action=action)
        if error.retryable:
            self.status = VenueStatus(ConnectionStatus.DEGRADED, str(error))
        if error.code == 162 and "returned no data" in str(error):
            _log.debug("%s", error)  # an empty span (a holiday): the caller reads it so
        else:
            _log.warning("%s", error)
        return error

    def _load_instruments(self) -> IbInstruments:
        entries = []
        market_class = self.config.market_class
        for symbol in self.config.symbols:
            contract = contract_for(symbol, market_class)
            details = self.call(
                f"load the contract of {symbol}",
                _details_request(contract),
            )
            if not details:
                raise IbVenueError(
                    f"load the contract of {symbol} failed at {self.venue}: no security "
                    "definition found",
                    kind=ErrorKind.UNKNOWN_CONTRACT,
                    retryable=False,
                    code=200,
                )
            first = details[0]
            instrument = instrument_from_details(symbol, first, self.venue, market_class)
            entries.append((symbol, instrument, first.contract))
        return IbInstruments(entries)


def _details_request(contract: Any) -> Callable[[Any], Any]:
    return lambda ib: ib.reqContractDetailsAsync(contract)
