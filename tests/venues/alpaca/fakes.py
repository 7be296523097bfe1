"""A fake alpaca-py `TradingClient` (raw JSON, in memory) for unit tests without a network.

It keeps orders and FILL activities as Alpaca's JSON shapes, fills working orders when
a test calls `trade(symbol, price)`, and raises alpaca-py's `APIError` (with an HTTP
status) or `requests` exceptions where a test arms them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import requests
from alpaca.common.exceptions import APIError

__all__ = ["FakeBroker", "api_error", "asset"]

T0_MS = 1_709_562_600_000  # 2024-03-04 14:30 UTC, a Monday, market open


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat().replace("+00:00", "Z")


def asset(symbol: str, **flags: bool) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "class": "us_equity",
        "exchange": "NASDAQ",
        "symbol": symbol,
        "status": "active",
        "tradable": True,
        "marginable": True,
        "shortable": True,
        "easy_to_borrow": True,
        "fractionable": True,
    }
    row.update(flags)
    return row


class _Response:
    def __init__(self, status: int, headers: dict[str, str]) -> None:
        self.status_code = status
        self.headers = headers


class _HttpError:
    def __init__(self, status: int, headers: dict[str, str]) -> None:
        self.response = _Response(status, headers)
        self.request = None


def api_error(status: int, code: int, message: str, **headers: str) -> APIError:
    """alpaca-py's APIError as `RESTClient._one_request` builds it."""
    body = json.dumps({"code": code, "message": message})
    return APIError(body, _HttpError(status, dict(headers)))


@dataclass
class FakeBroker:
    """An in-memory Alpaca account behind alpaca-py's TradingClient methods (raw JSON)."""

    symbols: tuple[str, ...] = ("AAPL", "MSFT")
    now_ms: int = T0_MS
    cash: Decimal = Decimal(100_000)
    orders: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[str, list[Exception]] = field(default_factory=dict)
    after_fault: dict[str, Callable[[], None]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    positions: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)

    def _hit(self, name: str) -> None:
        self.calls.append(name)
        queue = self.faults.get(name)
        if queue:
            raise queue.pop(0)

    # -- reference ----------------------------------------------------------------------

    def get_asset(self, symbol: str) -> dict[str, Any]:
        self._hit("get_asset")
        if symbol not in self.symbols:
            raise api_error(404, 40410000, "asset not found")
        return asset(symbol)

    def get_clock(self) -> dict[str, Any]:
        self._hit("get_clock")
        return {
            "timestamp": _iso(self.now_ms),
            "is_open": True,
            "next_open": "2024-03-05T09:30:00-05:00",
            "next_close": "2024-03-04T16:00:00-05:00",
        }

    def get_account(self) -> dict[str, Any]:
        self._hit("get_account")
        return {
            "id": str(uuid.uuid4()),
            "account_number": "PA1",
            "status": "ACTIVE",
            "cash": str(self.cash),
            "equity": str(self.cash),
            "buying_power": str(self.cash * 2),
            "shorting_enabled": True,
        }

    def get_calendar(self, request: Any) -> list[dict[str, Any]]:
        self._hit("get_calendar")
        return [{"date": "2024-03-04", "open": "09:30", "close": "16:00"}]

    # -- orders -------------------------------------------------------------------------

    def submit_order(self, request: Any) -> dict[str, Any]:
        self._hit("submit_order")
        data = json.loads(json.dumps(request.to_request_fields()))  # as the wire carries it
        if any(o["client_order_id"] == data["client_order_id"] for o in self.orders):
            raise api_error(422, 40010001, "client_order_id must be unique")
        row = {
            "id": str(uuid.uuid4()),
            "client_order_id": data["client_order_id"],
            "created_at": _iso(self.now_ms),
            "updated_at": _iso(self.now_ms),
            "submitted_at": _iso(self.now_ms),
            "symbol": data["symbol"],
            "qty": str(Decimal(str(data["qty"])).normalize()),
            "filled_qty": "0",
            "filled_avg_price": None,
            "order_class": "simple",
            "type": data["type"],
            "side": data["side"],
            "time_in_force": data["time_in_force"],
            "limit_price": None if "limit_price" not in data else str(data["limit_price"]),
            "stop_price": None if "stop_price" not in data else str(data["stop_price"]),
            "status": "accepted",
            "extended_hours": False,
        }
        self.orders.append(row)
        hook = self.after_fault.pop("submit_order", None)
        if hook is not None:
            hook()
        return dict(row)

    def _by_id(self, order_id: str) -> dict[str, Any]:
        for row in self.orders:
            if row["id"] == str(order_id):
                return row
        raise api_error(404, 40410000, "order not found")

    def get_order_by_id(self, order_id: str) -> dict[str, Any]:
        self._hit("get_order_by_id")
        return dict(self._by_id(order_id))

    def get_order_by_client_id(self, client_id: str) -> dict[str, Any]:
        self._hit("get_order_by_client_id")
        for row in self.orders:
            if row["client_order_id"] == client_id:
                return dict(row)
        raise api_error(404, 40410000, "order not found")

    def get_orders(self, request: Any) -> list[dict[str, Any]]:
        self._hit("get_orders")
        status = request.status.value if request.status is not None else "open"
        closed = {"filled", "canceled", "expired", "rejected", "replaced"}
        rows = [
            dict(o) for o in self.orders
            if status == "all" or (status == "open") == (o["status"] not in closed)
        ]  # fmt: skip
        if request.after is not None:
            after = request.after.timestamp() * 1000
            rows = [r for r in rows if _ms(r["submitted_at"]) > after]
        return rows[: request.limit or 50]

    def cancel_order_by_id(self, order_id: str) -> None:
        self._hit("cancel_order_by_id")
        row = self._by_id(order_id)
        if row["status"] in ("filled", "canceled", "expired", "rejected"):
            raise api_error(422, 42210000, f"order is already in {row['status']} state")
        row["status"] = "canceled"
        row["canceled_at"] = row["updated_at"] = _iso(self.now_ms)

    def get_all_positions(self) -> list[dict[str, Any]]:
        self._hit("get_all_positions")
        return [
            {"symbol": s, "qty": str(q), "side": "long" if q > 0 else "short",
             "avg_entry_price": str(p)}
            for s, (q, p) in self.positions.items() if q
        ]  # fmt: skip

    def get(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        self._hit("get_activities")
        rows = self.activities
        token = params.get("page_token")
        if token is not None:
            ids = [a["id"] for a in rows]
            rows = rows[ids.index(token) + 1 :]
        elif "after" in params:
            after = _ms(params["after"])
            rows = [a for a in rows if _ms(a["transaction_time"]) > after]
        return [dict(a) for a in rows[: int(params.get("page_size", 100))]]

    # -- the market ---------------------------------------------------------------------

    def trade(self, symbol: str, price: Decimal, *, at_ms: int | None = None) -> None:
        """Fill every working market order, and limits the price reaches, of `symbol`."""
        self.now_ms = at_ms if at_ms is not None else self.now_ms + 60_000
        for row in self.orders:
            if row["symbol"] != symbol or row["status"] not in ("new", "accepted"):
                continue
            limit = row["limit_price"]
            if limit is not None:
                buy = row["side"] == "buy"
                if (buy and price > Decimal(limit)) or (not buy and price < Decimal(limit)):
                    continue
            self._fill(row, Decimal(row["qty"]), price)

    def _fill(self, row: dict[str, Any], qty: Decimal, price: Decimal) -> None:
        row["filled_qty"] = str(qty)
        row["filled_avg_price"] = str(price)
        row["status"] = "filled"
        row["filled_at"] = row["updated_at"] = _iso(self.now_ms)
        stamp = datetime.fromtimestamp(self.now_ms / 1000, UTC).strftime("%Y%m%d%H%M%S%f")[:17]
        self.activities.append(
            {
                "id": f"{stamp}::{uuid.uuid4()}",
                "activity_type": "FILL",
                "transaction_time": _iso(self.now_ms),
                "type": "fill",
                "price": str(price),
                "qty": str(qty),
                "side": row["side"],
                "symbol": row["symbol"],
                "leaves_qty": "0",
                "order_id": row["id"],
                "cum_qty": str(qty),
                "order_status": "filled",
            }
        )
        sign = 1 if row["side"] == "buy" else -1
        held, _ = self.positions.get(row["symbol"], (Decimal(0), Decimal(0)))
        self.positions[row["symbol"]] = (held + sign * qty, price)
        self.cash -= sign * qty * price


def _ms(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000


def timeout() -> Exception:
    return requests.ReadTimeout("read timed out")


__all__ += ["T0_MS", "timeout"]
