"""The toolkit's loopback server, taught two things Alpaca's REST API needs.

`EmulatorServer` answers GET/POST/PUT/DELETE and always writes a JSON body. Alpaca
replaces orders with PATCH and answers `DELETE /v2/orders/{id}` with 204 No Content, which
must carry no body (a client on a kept-alive connection would read a stray body as the
start of its next answer). `AlpacaServer` adds both and `served()`, the request counts
with order ids and symbols folded (`/v2/orders/{id}`).
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import threading
from collections import Counter
from collections.abc import Mapping
from http.server import ThreadingHTTPServer
from urllib.parse import urlsplit

from tradewind.venues.emulation import EmulatorRequest, EmulatorServer
from tradewind.venues.emulation.server import _LOOPBACK, _Handler, _HTTPServer

__all__ = ["AlpacaServer"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_FOLDED = (
    (re.compile(r"^/v2/orders/[^/]+$"), "/v2/orders/{id}"),
    (re.compile(r"^/v2/positions/[^/]+$"), "/v2/positions/{symbol}"),
    (re.compile(r"^/v2/assets/[^/]+$"), "/v2/assets/{symbol}"),
    (re.compile(r"^/v2/stocks/(?!bars$|trades/|quotes/|bars/)[^/]+/"), "/v2/stocks/{symbol}/"),
)


class AlpacaServer(EmulatorServer):
    """An `EmulatorServer` that also serves PATCH and bodiless 204 answers."""

    def start(self) -> str:
        """Bind and serve in a daemon thread; returns the base URL. Raises OSError if busy."""
        with self._lock:
            if self._httpd is not None:
                return self.base_url
            httpd = _AlpacaHTTPServer((self.host, self._requested_port), _LOOPBACK[self.host])
            httpd.emulator = self
            self._httpd = httpd
            self._stopping.clear()
            self._thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                daemon=True,
                name=f"alpaca-emulator-{self.port}",
            )
            self._thread.start()
            return self.base_url

    def served(self) -> Mapping[str, int]:
        """Requests served so far by path, ids and symbols folded into placeholders."""
        with self._lock:
            raw = Counter(self.requests)
        folded: Counter[str] = Counter()
        for path, count in raw.items():
            folded[_fold(path)] += count
        return dict(folded)


def _fold(path: str) -> str:
    for pattern, replacement in _FOLDED:
        if pattern.search(path):
            return pattern.sub(replacement, path)
    return _UUID.sub("{id}", path)


class _AlpacaHTTPServer(_HTTPServer):
    def __init__(self, address: tuple[str, int], family: socket.AddressFamily) -> None:
        self._connections: set[socket.socket] = set()
        self._conn_lock = threading.Lock()
        self.address_family = family
        ThreadingHTTPServer.__init__(self, address, _AlpacaHandler)


class _AlpacaHandler(_Handler):
    def do_PATCH(self) -> None:  # noqa: N802 - http.server dispatches on this name
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
        empty = response.status in (204, 304) or response.body is None
        payload = b"" if empty else json.dumps(response.body, separators=(",", ":")).encode()
        self.send_response(response.status)
        if not empty:
            self.send_header("Content-Type", "application/json; charset=UTF-8")
        if response.status != 204:
            self.send_header("Content-Length", str(len(payload)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if payload:
            self.wfile.write(payload)
