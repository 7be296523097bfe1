"""v20 transaction endpoints: pages by time, id ranges, since an id, one by id, stream.

GET /transactions answers with page URLs (`.../transactions/idrange?from=&to=`) of at
most pageSize ids each, as v20 does; the pages are read with idrange.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from tradewind.venues.oanda.emulator.books import Books
from tradewind.venues.oanda.emulator.ledger import AccountLedger
from tradewind.venues.oanda.emulator.wire import Call, Ms, OandaError, int_param, parse_time, render

__all__ = ["TransactionEndpoints"]


class TransactionEndpoints:
    """Handlers of /v3/accounts/{id}/transactions...; each takes a Call."""

    def __init__(self, books: Books) -> None:
        self.books = books

    def pages(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        from_ms = _time(call.params, "from", ledger.created_ms)
        to_ms = _time(call.params, "to", call.now_ms)
        size = int_param(call.params, "pageSize", 100, 1000)
        types = _types(call.params)
        ids = [
            int(t["id"])
            for t in ledger.transactions
            if from_ms <= int(t["time"]) <= to_ms and (types is None or t["type"] in types)
        ]
        base = f"{call.base_url}/v3/accounts/{ledger.id}/transactions/idrange"
        suffix = f"&type={call.params['type']}" if types is not None else ""
        pages = [
            f"{base}?from={ids[i]}&to={ids[min(i + size, len(ids)) - 1]}{suffix}"
            for i in range(0, len(ids), size)
        ]
        out: dict[str, Any] = {
            "from": Ms(from_ms),
            "to": Ms(to_ms),
            "pageSize": size,
            "count": len(ids),
            "pages": pages,
            "lastTransactionID": str(ledger.last_id),
        }
        if types is not None:
            out["type"] = sorted(types)
        return out

    def one(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        txn_id = _id(call.args[1], "transactionID")
        if not 1 <= txn_id <= ledger.last_id:
            raise OandaError(
                404,
                "The transaction ID specified does not exist",
                "TRANSACTION_DOESNT_EXIST",
                {"lastTransactionID": str(ledger.last_id)},
            )
        return {
            "transaction": ledger.transactions[txn_id - 1],
            "lastTransactionID": str(ledger.last_id),
        }

    def id_range(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        first = _id(call.params.get("from", ""), "from")
        last = _id(call.params.get("to", ""), "to")
        if last < first:
            raise OandaError(400, "Invalid value specified for 'to': expected >= 'from'")
        return _listing(ledger, first, last, _types(call.params))

    def since_id(self, call: Call) -> dict[str, Any]:
        ledger = self.books.ledger(call.account_id)
        since = _id(call.params.get("id", ""), "id", minimum=0)
        if since > ledger.last_id:
            raise OandaError(
                400, "Invalid value specified for 'id': it is after the last transaction"
            )
        return _listing(ledger, since + 1, ledger.last_id, _types(call.params))

    def stream(
        self,
        call: Call,
        sync: Callable[[], int],
        heartbeat_s: float,
        stop: threading.Event,
        unix: bool,
    ) -> Iterator[bytes]:
        """Transactions as they are created (one JSON per line) and HEARTBEATs."""
        ledger = self.books.ledger(call.account_id)
        return _stream(self.books, ledger, sync, heartbeat_s, stop, unix)


def _stream(
    books: Books,
    ledger: AccountLedger,
    sync: Callable[[], int],
    heartbeat_s: float,
    stop: threading.Event,
    unix: bool,
) -> Iterator[bytes]:
    sent = ledger.last_id
    next_beat = time.monotonic() + heartbeat_s
    while not stop.is_set():
        now_ms = sync()
        books.sync(ledger.id, now_ms)
        for txn in ledger.since(sent):
            yield _line(txn, unix)
        sent = ledger.last_id
        if time.monotonic() >= next_beat:
            next_beat += heartbeat_s
            yield _line(
                {"type": "HEARTBEAT", "lastTransactionID": str(sent), "time": Ms(now_ms)}, unix
            )
        yield b""
        stop.wait(min(0.1, heartbeat_s))


def _line(body: Mapping[str, Any], unix: bool) -> bytes:
    return json.dumps(render(body, unix), separators=(",", ":")).encode() + b"\n"


def _listing(
    ledger: AccountLedger, first: int, last: int, types: set[str] | None
) -> dict[str, Any]:
    selected = [
        t
        for t in ledger.transactions[max(first, 1) - 1 : last]
        if types is None or t["type"] in types
    ]
    return {"transactions": selected, "lastTransactionID": str(ledger.last_id)}


def _time(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    return parse_time(name, raw) if raw else default


def _types(params: Mapping[str, str]) -> set[str] | None:
    raw = params.get("type")
    return {t for t in raw.split(",") if t} if raw else None


def _id(raw: str, name: str, minimum: int = 1) -> int:
    if not raw.isdigit() or int(raw) < minimum:
        raise OandaError(400, f"Invalid value specified for '{name}'")
    return int(raw)
