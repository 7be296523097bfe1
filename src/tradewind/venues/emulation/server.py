"""A loopback HTTP server that hands every request to a venue dialect.

`EmulatorServer(dialect).start()` serves on 127.0.0.1 (port 0: an ephemeral port) from a
daemon thread and returns the base URL; `stop()` closes the listening socket and every open
connection, so clients then see connection refused. The server applies the transport
faults of its `FaultInjector` (latency, timeout, drop, HTTP 429 / 418 / 5xx) and passes the
decision on to the dialect in `EmulatorRequest.fault` for the venue-level ones.

A response with a `stream` (an iterator of byte chunks) is sent with chunked transfer
encoding, one chunk per item, until the iterator ends, the client goes away or the
server stops; an empty item sends nothing and only lets the server check for a stop (a
streaming dialect yields one while it waits).
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import urlsplit

from tradewind.venues.emulation.faults import FaultDecision, FaultInjector, FaultKind

__all__ = ["Dialect", "EmulatorRequest", "EmulatorResponse", "EmulatorServer"]

_LOOPBACK = {"127.0.0.1": socket.AF_INET, "localhost": socket.AF_INET, "::1": socket.AF_INET6}


@dataclass(frozen=True, slots=True)
class EmulatorRequest:
    """One HTTP request: raw query string and body, header names in lower case."""

    method: str
    path: str
    query: str = ""
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    client_host: str = "127.0.0.1"
    fault: FaultDecision = field(default_factory=FaultDecision)


@dataclass(frozen=True, slots=True)
class EmulatorResponse:
    """One HTTP answer; body is serialized as JSON, unless `stream` is given (see the
    module docstring): then body is ignored and the chunks are sent as they come."""

    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)
    stream: Iterator[bytes] | None = None


class Dialect(Protocol):
    """A venue's wire format. May also define `fault_response(kind, request)`."""

    def handle(self, request: EmulatorRequest) -> EmulatorResponse: ...


class EmulatorServer:
    """Serves a dialect on a loopback address; see the module docstring."""

    def __init__(
        self,
        dialect: Dialect,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultInjector | None = None,
        timeout_hold_s: float = 12.0,
    ) -> None:
        if host not in _LOOPBACK:
            raise ValueError(f"host {host!r}: expected a loopback address {sorted(_LOOPBACK)}")
        self.dialect = dialect
        self.host = host
        self.faults = faults
        self.timeout_hold_s = timeout_hold_s
        self.extra_latency_ms = 0
        self.requests: Counter[str] = Counter()
        self._requested_port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("EmulatorServer: not started")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        host = "[::1]" if self.host == "::1" else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> str:
        """Bind and serve in a daemon thread; returns the base URL. Raises OSError if busy."""
        with self._lock:
            if self._httpd is not None:
                return self.base_url
            httpd = _HTTPServer((self.host, self._requested_port), _LOOPBACK[self.host])
            httpd.emulator = self
            self._httpd = httpd
            self._stopping.clear()
            self._thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                daemon=True,
                name=f"emulator-{self.port}",
            )
            self._thread.start()
            return self.base_url

    def stop(self) -> None:
        """Stop serving and close every connection (idempotent)."""
        with self._lock:
            httpd, self._httpd = self._httpd, None
            if httpd is None:
                return
            self._stopping.set()
            httpd.shutdown()
            httpd.server_close()
            httpd.close_connections()
            if self._thread is not None:
                self._thread.join(timeout=5)

    @property
    def stopping(self) -> bool:
        """True once `stop()` began (streams end at their next chunk)."""
        return self._stopping.is_set()

    def __enter__(self) -> EmulatorServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- called from handler threads ----------------------------------------------------
    def dispatch(self, request: EmulatorRequest) -> EmulatorResponse | None:
        """The answer to a request, or None to close the connection without one."""
        with self._lock:
            self.requests[request.path] += 1
        decision = (
            self.faults.decide(request.method, request.path) if self.faults else FaultDecision()
        )
        delay_ms = decision.latency_ms + self.extra_latency_ms
        if delay_ms > 0 and self._stopping.wait(delay_ms / 1000):
            return None
        if decision.kind is FaultKind.DROP:
            return None
        request = _with_fault(request, decision)
        if decision.kind in (FaultKind.HTTP429, FaultKind.HTTP418, FaultKind.HTTP5XX):
            return self._fault_response(decision.kind, request)
        response = self._handle(request)
        if decision.kind is FaultKind.TIMEOUT:
            self._stopping.wait(self.timeout_hold_s)
            return None
        return response

    def _handle(self, request: EmulatorRequest) -> EmulatorResponse:
        try:
            return self.dialect.handle(request)
        except Exception as exc:  # a dialect bug must not kill the connection silently
            return EmulatorResponse(500, {"code": -1000, "msg": f"emulator error: {exc!r}"})

    def _fault_response(self, kind: FaultKind, request: EmulatorRequest) -> EmulatorResponse:
        custom = getattr(self.dialect, "fault_response", None)
        if custom is not None:
            response: EmulatorResponse = custom(kind, request)
            return response
        status = {FaultKind.HTTP429: 429, FaultKind.HTTP418: 418}.get(kind, 503)
        headers = {"Retry-After": "1"} if status in (429, 418) else {}
        return EmulatorResponse(status, {"error": kind.value}, headers)


def _with_fault(request: EmulatorRequest, decision: FaultDecision) -> EmulatorRequest:
    return EmulatorRequest(
        request.method,
        request.path,
        request.query,
        request.body,
        request.headers,
        request.client_host,
        decision,
    )


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # a restarted emulator takes its port back while old connections linger in TIME_WAIT
    # (on Linux a port another process listens on is still refused)
    allow_reuse_address = True
    emulator: EmulatorServer

    def __init__(self, address: tuple[str, int], family: socket.AddressFamily) -> None:
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        self.address_family = family
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, a DNS lookup a loopback server
        # does not need (and that can stall for seconds without a resolver).
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def track(self, conn: socket.socket, alive: bool) -> None:
        with self._conn_lock:
            (self._connections.add if alive else self._connections.discard)(conn)

    def close_connections(self) -> None:
        with self._conn_lock:
            connections, self._connections = self._connections, set()
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()


_BODILESS = frozenset({204, 304})
"""Statuses whose answers carry no body (HTTP/1.1)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in separate writes; without TCP_NODELAY, Nagle and the
        # client's delayed ACK add ~40 ms to every keep-alive answer.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, alive=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, alive=False)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        request = EmulatorRequest(
            method=self.command,
            path=parts.path,
            query=parts.query,
            body=body,
            headers={k.lower(): v for k, v in self.headers.items()},
            client_host=str(self.client_address[0]),
        )
        response = self.server.emulator.dispatch(request)
        if response is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if response.stream is not None:
            self._send_stream(response, response.stream)
            return
        self.send_response(response.status)
        if response.status in _BODILESS:  # a stray body would open the next answer
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            return
        payload = json.dumps(response.body, separators=(",", ":")).encode()
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _send_stream(self, response: EmulatorResponse, chunks: Iterator[bytes]) -> None:
        self.close_connection = True
        try:
            self.send_response(response.status)
            if not any(name.lower() == "content-type" for name in response.headers):
                self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            for chunk in chunks:
                if self.server.emulator.stopping:
                    break
                if chunk:
                    self.wfile.write(b"%X\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client went away
            pass
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()
