"""How this adapter's orders are told apart from others' at Alpaca: a client id prefix.

Alpaca orders carry no tag (OANDA's `clientExtensions.tag`, IB's `orderRef`): the
`client_order_id` is the only field of ours Alpaca keeps. So the adapter sends
`tw~<client order id>` (`CLIENT_ID_PREFIX`), and a replacement leg `tw~<id>~m<n>`.
Reading an order back, the prefix is taken off again: the ports only ever see the
domain client order id, and an order whose client id has the prefix is ours (a
restarted adapter adopts it). Orders placed by hand or by other tools (Alpaca's
generated UUIDs, or any id without the prefix) are never ours.

An id too long for Alpaca's 128 characters with the prefix travels bare (it then
cannot be adopted after a restart), as do orders sent before the prefix existed:
a bare id reads back as itself, so their reports are unchanged.
"""

from __future__ import annotations

__all__ = [
    "CLIENT_ID_PREFIX",
    "MAX_CLIENT_ID_CHARS",
    "read_client_id",
    "replacement_client_id",
    "wire_client_id",
]

CLIENT_ID_PREFIX = "tw~"
"""What starts the `client_order_id` of every order this adapter sends."""

MAX_CLIENT_ID_CHARS = 128
"""Alpaca's limit on a `client_order_id`."""


def wire_client_id(client_order_id: str) -> str:
    """The `client_order_id` an order goes to Alpaca with (bare when too long)."""
    marked = f"{CLIENT_ID_PREFIX}{client_order_id}"
    return marked if len(marked) <= MAX_CLIENT_ID_CHARS else client_order_id


def read_client_id(wire: str) -> tuple[str, bool]:
    """(the client order id, whether this adapter sent it) of Alpaca's `client_order_id`."""
    if wire.startswith(CLIENT_ID_PREFIX) and len(wire) > len(CLIENT_ID_PREFIX):
        return wire[len(CLIENT_ID_PREFIX) :], True
    return wire, False


def replacement_client_id(client_order_id: str, leg: int) -> str | None:
    """The `client_order_id` of leg `leg` (1, 2, ...) replacing our order (None when it
    would be too long: Alpaca then names it)."""
    candidate = f"{wire_client_id(client_order_id)}~m{leg}"
    return candidate if len(candidate) <= MAX_CLIENT_ID_CHARS else None
