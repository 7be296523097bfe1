"""The TWS API socket framing: the `API\\0` handshake and length-prefixed field messages.

Every message after the handshake is a 4-byte big-endian length followed by fields, each
terminated by a NUL byte. `encode_message` formats Python values the way TWS does
(`None` -> empty, bools -> "1"/"0", Decimals without exponent); `FieldReader` walks the
fields of an incoming request.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterable, Sequence
from decimal import Decimal

__all__ = [
    "MAX_CLIENT_VERSION",
    "MIN_CLIENT_VERSION",
    "SERVER_VERSION",
    "FieldReader",
    "FramingError",
    "encode_message",
    "format_field",
    "parse_version_range",
    "read_exact",
    "read_message",
]

SERVER_VERSION = 178
"""The TWS API server version the emulator speaks (ib_async 2.1.0 accepts 157..178)."""
MIN_CLIENT_VERSION = 157
MAX_CLIENT_VERSION = 178
_MAX_MESSAGE_BYTES = 16 * 1024 * 1024
_UNSET_INTEGER = 2**31 - 1
_UNSET_DOUBLE = 1.7976931348623157e308


class FramingError(ValueError):
    """A malformed handshake or message; the connection is closed."""


def read_exact(sock: socket.socket, size: int) -> bytes | None:
    """Exactly `size` bytes, or None when the peer closed the connection first."""
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def read_message(sock: socket.socket) -> list[str] | None:
    """The fields of the next length-prefixed message, or None at end of stream."""
    header = read_exact(sock, 4)
    if header is None:
        return None
    (length,) = struct.unpack(">I", header)
    if length > _MAX_MESSAGE_BYTES:
        raise FramingError(f"message length {length}: expected <= {_MAX_MESSAGE_BYTES}")
    body = read_exact(sock, length)
    if body is None:
        return None
    text = body.decode("utf-8", errors="replace")
    fields = text.split("\0")
    if fields and fields[-1] == "":
        fields.pop()
    return fields


def parse_version_range(payload: bytes) -> tuple[int, int]:
    """The client's `v<min>..<max>[ options]` handshake payload as (min, max)."""
    text = payload.decode("ascii", errors="replace").split(" ", 1)[0]
    if not text.startswith("v"):
        raise FramingError(f"handshake {text!r}: expected 'v<min>..<max>'")
    low, sep, high = text[1:].partition("..")
    try:
        return (int(low), int(high)) if sep else (int(low), int(low))
    except ValueError:
        raise FramingError(f"handshake {text!r}: expected 'v<min>..<max>'") from None


def format_field(value: object) -> str:
    """One field as TWS writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return "" if value == _UNSET_DOUBLE else repr(value)
    if isinstance(value, int):
        return "" if value == _UNSET_INTEGER else str(value)
    return str(value)


def encode_message(fields: Iterable[object]) -> bytes:
    """A length-prefixed message of NUL-terminated fields."""
    body = b"".join(format_field(f).encode("utf-8") + b"\0" for f in fields)
    return struct.pack(">I", len(body)) + body


class FieldReader:
    """A cursor over the fields of one incoming message (missing fields read as empty)."""

    def __init__(self, fields: Sequence[str], start: int = 0) -> None:
        self._fields = fields
        self._at = start

    @property
    def position(self) -> int:
        return self._at

    def remaining(self) -> int:
        return max(0, len(self._fields) - self._at)

    def text(self) -> str:
        value = self._fields[self._at] if self._at < len(self._fields) else ""
        self._at += 1
        return value

    def skip(self, count: int) -> None:
        self._at += count

    def integer(self, default: int = 0) -> int:
        raw = self.text()
        try:
            return int(raw) if raw else default
        except ValueError:
            raise FramingError(f"field {self._at - 1}: expected an integer, got {raw!r}") from None

    def decimal(self) -> Decimal | None:
        raw = self.text()
        if not raw or raw in ("1.7976931348623157E308", "1.7976931348623157e+308"):
            return None
        try:
            value = Decimal(raw)
        except ArithmeticError:
            raise FramingError(f"field {self._at - 1}: expected a number, got {raw!r}") from None
        return None if value >= Decimal("1e300") else value

    def flag(self) -> bool:
        raw = self.text()
        return raw not in ("", "0", "false", "False")
