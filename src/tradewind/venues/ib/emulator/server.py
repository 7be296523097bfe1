"""A loopback TCP server speaking the TWS API socket protocol (server version 178).

One thread accepts, one thread per connection reads requests, and a pump thread moves the
replay on every `pump_interval_s` and pushes what changed (executions, order statuses,
market data ticks, account updates) to the API clients. Every request and every pump step
runs under one lock, so the messages of one client go out in a consistent order.

Faults (`FaultInjector.decide("MSG", <message name>)`, e.g. `arm("drop",
path_prefix="placeOrder")`): latency delays the request; drop closes the connection
without processing it; timeout processes it and never answers; http429/http418 answer
error 100 (pacing violation) and http5xx error 1100 (connectivity lost) to the request's
id without processing it; reject refuses a placeOrder with error 201; duplicate_ack sends
a new order's orderStatus twice; skew moves reqCurrentTime's answer back by the skew.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from tradewind.venues.emulation import (
    EmulatedMarket,
    FaultDecision,
    FaultInjector,
    FaultKind,
    ReplayFeed,
)
from tradewind.venues.ib.emulator.book import IbBook, PushEvent
from tradewind.venues.ib.emulator.contracts import contracts_for
from tradewind.venues.ib.emulator.core import ClientState, Core, Reply
from tradewind.venues.ib.emulator.marketdata import quote_of, tick_messages
from tradewind.venues.ib.emulator.messages import error
from tradewind.venues.ib.emulator.reporting import account_download, position_update
from tradewind.venues.ib.emulator.session import MESSAGE_NAMES, REQ_ID_INDEX, handle
from tradewind.venues.ib.emulator.wire import (
    SERVER_VERSION,
    FramingError,
    encode_message,
    parse_version_range,
    read_exact,
    read_message,
)

__all__ = ["FAULT_METHOD", "IbEmulatorServer"]

FAULT_METHOD = "MSG"
"""The `method` the server passes to `FaultInjector.decide` for every request."""
_LOOPBACK = {"127.0.0.1": socket.AF_INET, "localhost": socket.AF_INET, "::1": socket.AF_INET6}
_NOTICES = (
    (2104, "Market data farm connection is OK:usfarm"),
    (2106, "HMDS data farm connection is OK:ushmds"),
    (2158, "Sec-def data farm connection is OK:secdefnj"),
)
_CLIENT_ID_IN_USE = (
    "Unable to connect as the client id is already in use. Retry with a unique client id."
)
_SEND_TIMEOUT_S = 5


class _Connection:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.state: ClientState | None = None
        self._send_lock = threading.Lock()
        self.closed = False

    def send(self, fields: Sequence[object]) -> None:
        data = encode_message(fields)
        with self._send_lock:
            if self.closed:
                return
            try:
                self.sock.sendall(data)
            except OSError:
                self.close()

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()


class IbEmulatorServer:
    """The TWS API over an emulated market; see the module docstring."""

    def __init__(
        self,
        market: EmulatedMarket,
        account: str,
        *,
        feed: ReplayFeed | None = None,
        faults: FaultInjector | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout_hold_s: float = 12.0,
        pump_interval_s: float = 0.05,
    ) -> None:
        if host not in _LOOPBACK:
            raise ValueError(f"host {host!r}: expected a loopback address {sorted(_LOOPBACK)}")
        market.add_account(account)
        self.market = market
        self.account = account
        self.faults = faults
        self.host = host
        self.timeout_hold_s = timeout_hold_s
        self.extra_latency_ms = 0
        self.requests: Counter[str] = Counter()
        self.core = Core(
            market, IbBook(market, account, contracts_for(market.symbols), feed), account
        )
        self._requested_port = port
        self._pump_interval_s = pump_interval_s
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._listener: socket.socket | None = None
        self._threads: list[threading.Thread] = []
        self._connections: set[_Connection] = set()
        self._clients: dict[int, _Connection] = {}
        self._marked_prices: dict[str, Decimal | None] = {}

    # -- lifecycle -----------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("IbEmulatorServer: not started")
        return int(self._listener.getsockname()[1])

    @property
    def base_url(self) -> str:
        host = "[::1]" if self.host == "::1" else self.host
        return f"tws://{host}:{self.port}"

    def client_ids(self) -> frozenset[int]:
        """The clientIds connected now (a disconnect frees its id once the emulator has
        seen the socket close, as TWS does)."""
        with self._lock:
            return frozenset(self._clients)

    def served(self) -> Mapping[str, int]:
        """Requests received so far, by message name."""
        with self._lock:
            return dict(self.requests)

    def start(self) -> str:
        """Bind, listen and serve from daemon threads; returns `tws://host:port`."""
        with self._lock:
            if self._listener is not None:
                return self.base_url
            listener = socket.socket(_LOOPBACK[self.host], socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind((self.host, self._requested_port))
            listener.listen(16)
            listener.settimeout(0.2)
            self._listener = listener
            self._stopping.clear()
            for symbol in self.core.contracts:
                self.market.is_open(symbol)  # loads an exchange calendar before any client waits
            self.core.book.sync()
            self.core.book.baseline()
            for target, name in ((self._accept_loop, "accept"), (self._pump_loop, "pump")):
                thread = threading.Thread(target=target, daemon=True, name=f"ib-emu-{name}")
                self._threads.append(thread)
                thread.start()
            return self.base_url

    def stop(self) -> None:
        """Stop serving and close every connection (idempotent)."""
        with self._lock:
            listener, self._listener = self._listener, None
            if listener is None:
                return
            self._stopping.set()
            connections = list(self._connections)
        with contextlib.suppress(OSError):
            listener.close()
        for conn in connections:
            conn.close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=5)
        self._threads = []

    def __enter__(self) -> IbEmulatorServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- threads -------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            listener = self._listener
            if listener is None:
                return
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sock.setsockopt(
                    socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack("ll", _SEND_TIMEOUT_S, 0)
                )
            conn = _Connection(sock)
            with self._lock:
                self._connections.add(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()

    def _serve(self, conn: _Connection) -> None:
        try:
            if self._handshake(conn):
                while not self._stopping.is_set() and not conn.closed:
                    fields = read_message(conn.sock)
                    if fields is None:
                        break
                    self._on_message(conn, fields)
        except (OSError, FramingError):
            pass
        finally:
            conn.close()
            with self._lock:
                self._connections.discard(conn)
                if conn.state is not None and self._clients.get(conn.state.client_id) is conn:
                    del self._clients[conn.state.client_id]

    def _pump_loop(self) -> None:
        while not self._stopping.wait(self._pump_interval_s):
            with self._lock:
                if self._stopping.is_set():
                    return
                self._deliver(self.core.book.sync(), after_fills=True)
                self._stream_quotes()
                self._mark_to_market()

    # -- protocol ------------------------------------------------------------------------
    def _handshake(self, conn: _Connection) -> bool:
        if read_exact(conn.sock, 4) != b"API\0":
            return False
        header = read_exact(conn.sock, 4)
        if header is None:
            return False
        payload = read_exact(conn.sock, struct.unpack(">I", header)[0])
        if payload is None:
            return False
        _low, high = parse_version_range(payload)
        if high < SERVER_VERSION:
            return False  # the emulator speaks only v178 (ib_async 2.1.0 offers 157..178)
        stamp = datetime.now(tz=UTC).strftime("%Y%m%d %H:%M:%S UTC")
        conn.send([SERVER_VERSION, stamp])
        return True

    def _on_message(self, conn: _Connection, fields: list[str]) -> None:
        try:
            msg_id = int(fields[0])
        except (ValueError, IndexError):
            return
        name = MESSAGE_NAMES.get(msg_id, f"msg{msg_id}")
        with self._lock:
            self.requests[name] += 1
        if conn.state is None:
            if name == "startApi":
                self._start_api(conn, fields)
            return
        decision = self.faults.decide(FAULT_METHOD, name) if self.faults else FaultDecision()
        delay_ms = decision.latency_ms + self.extra_latency_ms
        if delay_ms > 0 and self._stopping.wait(delay_ms / 1000):
            return
        if decision.kind is FaultKind.DROP:
            conn.close()
            return
        if decision.kind in (FaultKind.HTTP429, FaultKind.HTTP418, FaultKind.HTTP5XX):
            conn.send(_fault_error(decision.kind, name, fields))
            return
        with self._lock:
            self._deliver(self.core.book.sync(), after_fills=True)
            reply = handle(self.core, conn.state, name, fields, decision)
            if decision.kind is not FaultKind.TIMEOUT:
                self._deliver(reply.events, after_fills=True)

    def _start_api(self, conn: _Connection, fields: Sequence[str]) -> None:
        try:
            client_id = int(fields[2])
        except (ValueError, IndexError):
            conn.close()
            return
        with self._lock:
            if client_id in self._clients:
                conn.send(error(-1, 326, _CLIENT_ID_IN_USE))
                conn.close()
                return
            conn.state = ClientState(client_id)
            self._clients[client_id] = conn
            conn.send([15, 1, self.account])
            conn.send([9, 1, self.core.book.next_order_id(client_id)])
            for code, text in _NOTICES:
                conn.send(error(-1, code, text))

    def _deliver(self, events: Iterable[PushEvent], *, after_fills: bool) -> None:
        filled: set[str] = set()
        for event in events:
            conn = self._clients.get(event.client_id)
            if conn is not None:
                conn.send(event.fields)
            if event.filled_symbol is not None:
                filled.add(event.filled_symbol)
        if filled and after_fills:
            self._after_fills(filled)

    def _after_fills(self, symbols: set[str]) -> None:
        """Push positions and account updates to the clients subscribed to them."""
        for conn in list(self._clients.values()):
            state = conn.state
            if state is None:
                continue
            reply = Reply(state.client_id)
            if state.positions:
                position_update(self.core, reply, symbols)
            if state.account_updates:
                account_download(self.core, reply)
            self._deliver(reply.events, after_fills=False)

    def _mark_to_market(self) -> None:
        """Portfolio and account values again whenever a price moved (TWS: periodically)."""
        prices = {s: self.market.last_price(s) for s in self.core.contracts}
        if prices == self._marked_prices:
            return
        self._marked_prices = prices
        for conn in list(self._clients.values()):
            if conn.state is not None and conn.state.account_updates:
                reply = account_download(self.core, Reply(conn.state.client_id))
                self._deliver(reply.events, after_fills=False)

    def _stream_quotes(self) -> None:
        for conn in list(self._clients.values()):
            if conn.state is None:
                continue
            for sub in conn.state.subscriptions.values():
                quote = quote_of(self.market, sub.contract)
                if quote is not None and quote != sub.sent:
                    sub.sent = quote
                    for fields in tick_messages(sub.req_id, sub.contract, quote, sub.data_type):
                        conn.send(fields)


def _fault_error(kind: FaultKind, name: str, fields: Sequence[str]) -> list[object]:
    index = REQ_ID_INDEX.get(name)
    req_id = -1
    if index is not None and index < len(fields):
        with contextlib.suppress(ValueError):
            req_id = int(fields[index])
    if kind is FaultKind.HTTP5XX:
        return error(req_id, 1100, "Connectivity between IB and Trader Workstation has been lost.")
    return error(req_id, 100, "Max rate of messages per second has been exceeded:max=50 rec=51")
