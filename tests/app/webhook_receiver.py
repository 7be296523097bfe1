"""A local webhook receiver for notification tests: an HTTP server on 127.0.0.1 (an
ephemeral port) in a thread that records every POST, JSON or form-encoded.

    with WebhookReceiver() as receiver:
        notifier = Notifier([receiver.url("json")], config)
        ...
        (post,) = receiver.wait_for(1)
        assert post.title == "..."

apprise's `json://` sends `{"title", "message", "type", ...}`, `form://` the same fields
form-encoded; `ReceivedPost.title` and `.body` read either. `delay_s` makes each request
wait before it is answered (a slow receiver; posts are recorded on arrival), `status`
sets the answer's HTTP status (500: a failing receiver); `release()` (and `stop()`) ends
the waits, the current one included.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["ReceivedPost", "WebhookReceiver"]


@dataclass(frozen=True, slots=True)
class ReceivedPost:
    """One request as received: path (with query), content type and decoded fields."""

    path: str
    content_type: str
    fields: Mapping[str, Any]

    @property
    def title(self) -> str:
        return str(self.fields.get("title", ""))

    @property
    def body(self) -> str:
        return str(self.fields.get("message", self.fields.get("body", "")))


class WebhookReceiver:
    """Records POSTs on 127.0.0.1:`port`; a context manager (start / stop)."""

    def __init__(self, *, delay_s: float = 0.0, status: int = 200) -> None:
        self.delay_s = delay_s
        self.status = status
        self._posts: list[ReceivedPost] = []
        self._arrived = threading.Condition()
        self._released = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="webhook-receiver", daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, scheme: str = "json", path: str = "/hook") -> str:
        """The apprise URL of this receiver (`json://127.0.0.1:PORT/hook`)."""
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    @property
    def posts(self) -> list[ReceivedPost]:
        """Every post received so far, in arrival order."""
        with self._arrived:
            return list(self._posts)

    def wait_for(self, count: int, timeout_s: float = 5.0) -> list[ReceivedPost]:
        """The posts once at least `count` arrived (all of them), or AssertionError."""
        deadline_s = time.monotonic() + timeout_s
        with self._arrived:
            while len(self._posts) < count:
                remaining_s = deadline_s - time.monotonic()
                if remaining_s <= 0:
                    raise AssertionError(
                        f"expected {count} posts within {timeout_s} s, got {len(self._posts)}"
                    )
                self._arrived.wait(remaining_s)
            return list(self._posts)

    def start(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def release(self) -> None:
        """Answer every request at once from now on (a waiting one included)."""
        self._released.set()

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _record(self, post: ReceivedPost) -> None:
        with self._arrived:
            self._posts.append(post)
            self._arrived.notify_all()

    def _pause(self) -> None:
        if self.delay_s > 0:
            self._released.wait(self.delay_s)


def _handler_for(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace")
            content_type = self.headers.get("Content-Type", "")
            receiver._record(ReceivedPost(self.path, content_type, _decode(content_type, raw)))
            receiver._pause()
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            return

    return _Handler


def _decode(content_type: str, raw: str) -> Mapping[str, Any]:
    if "json" in content_type:
        loaded = json.loads(raw or "{}")
        return loaded if isinstance(loaded, dict) else {"json": loaded}
    return dict(parse_qsl(raw, keep_blank_values=True))
