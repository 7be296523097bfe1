"""`OandaClient`: a small typed client of the v20 REST API over httpx.

One `httpx.Client` (connection reuse) with the bearer token, `Accept-Datetime-Format:
RFC3339` and a timeout; every answer is parsed at once into the frozen records of
`wire` (a missing or odd field raises a BAD_PAYLOAD `OandaVenueError` naming the
endpoint and field), and every failure is mapped by `errors` (401/403 credentials,
404 ORDER_DOESNT_EXIST, 400 with its errorCode, 429 with Retry-After, 5xx and
transport failures retryable, a timeout "outcome unknown"). Paths are v20's:
https://developer.oanda.com/rest-live-v20/ . Nothing is sent at construction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx

from tradewind.domain.secret import Secret
from tradewind.venues.oanda.errors import (
    ErrorKind,
    OandaVenueError,
    error_of_response,
    error_of_transport,
    payload_error,
)
from tradewind.venues.oanda.wire import (
    Fields,
    V20AccountSummary,
    V20Candle,
    V20Instrument,
    V20Order,
    V20Position,
    V20Price,
    V20Transaction,
    format_time,
)

__all__ = ["OandaClient", "OrderAnswer", "TransactionBatch"]

_MAX_CANDLES = 5_000
_UTC_ALIGNED = frozenset({"H2", "H3", "H4", "H6", "H8", "H12", "D", "W"})


@dataclass(frozen=True, slots=True)
class TransactionBatch:
    """Transactions (oldest first) and the account's last transaction id."""

    transactions: tuple[V20Transaction, ...]
    last_transaction_id: int


@dataclass(frozen=True, slots=True)
class OrderAnswer:
    """What an order request (create, cancel, replace) created, oldest first."""

    transactions: tuple[V20Transaction, ...]
    last_transaction_id: int | None


_ANSWER_KEYS = (
    "orderCancelTransaction",
    "orderCreateTransaction",
    "orderFillTransaction",
    "orderReissueTransaction",
    "orderRejectTransaction",
    "replacingOrderCancelTransaction",
)


class OandaClient:
    """The v20 endpoints this adapter uses, typed.

    Args:
        base_url: scheme and host (`https://api-fxpractice.oanda.com`).
        token: the access token; None sends no Authorization header.
        account_id: the account every `/accounts/{id}` path uses (settable later).
        timeout_ms: the timeout of every request.
        venue: the venue name in messages.
        transport: an httpx transport (tests pass `httpx.MockTransport`).
    """

    def __init__(
        self,
        base_url: str,
        token: Secret | None,
        *,
        account_id: str | None = None,
        timeout_ms: int = 10_000,
        venue: str = "OANDA",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Accept-Datetime-Format": "RFC3339", "Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token.reveal()}"
        self._http = httpx.Client(
            base_url=base_url,
            headers=headers,
            timeout=timeout_ms / 1000,
            transport=transport,
        )
        self.base_url = base_url
        self.account_id = account_id
        self.venue = venue

    def close(self) -> None:
        """Close the connections (idempotent)."""
        self._http.close()

    # -- transport ---------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Fields:
        """One request; the answer's JSON object, or the mapped error raised."""
        endpoint = f"{method} {path}"
        try:
            response = self._http.request(method, path, params=params, json=body)
        except httpx.TimeoutException as error:
            raise error_of_transport(self.venue, endpoint, error, timed_out=True) from None
        except httpx.TransportError as error:
            raise error_of_transport(self.venue, endpoint, error, timed_out=False) from None
        try:
            payload = response.json()
        except ValueError:
            payload = response.text[:300]
        if response.status_code >= 400:
            raise error_of_response(
                self.venue, endpoint, response.status_code, payload, response.headers
            )
        return Fields(payload, self.venue, endpoint, "")

    def _account_path(self, tail: str = "") -> str:
        if not self.account_id:
            raise OandaVenueError(
                f"no v20 account chosen at {self.venue}: connect first", kind=ErrorKind.REFUSED
            )
        return f"/v3/accounts/{quote(self.account_id, safe='-')}{tail}"

    # -- account -----------------------------------------------------------------------

    def accounts(self) -> list[str]:
        """`GET /v3/accounts`: the ids of the accounts the token may use."""
        answer = self.request("GET", "/v3/accounts")
        return [item.text("id") for item in answer.items("accounts")]

    def summary(self) -> V20AccountSummary:
        """`GET /v3/accounts/{id}/summary`."""
        answer = self.request("GET", self._account_path("/summary"))
        return V20AccountSummary.parse(answer.child("account"))

    def instruments(self, names: Sequence[str] | None = None) -> list[V20Instrument]:
        """`GET /v3/accounts/{id}/instruments` (of `names` only, when given)."""
        params = {"instruments": ",".join(names)} if names else None
        answer = self.request("GET", self._account_path("/instruments"), params=params)
        return [V20Instrument.parse(item) for item in answer.items("instruments")]

    # -- prices ------------------------------------------------------------------------

    def candles(
        self,
        instrument: str,
        granularity: str,
        *,
        from_ns: int | None = None,
        to_ns: int | None = None,
        count: int | None = None,
    ) -> list[V20Candle]:
        """`GET /v3/instruments/{instrument}/candles`, mid prices, oldest first.

        Candles of two hours and longer are aligned on 00:00 UTC (weeks on Monday).
        """
        params: dict[str, str | int] = {"price": "M", "granularity": granularity}
        if from_ns is not None:
            params["from"] = format_time(from_ns)
        if to_ns is not None:
            params["to"] = format_time(to_ns)
        if count is not None:
            params["count"] = max(1, min(_MAX_CANDLES, count))
        if granularity in _UTC_ALIGNED:
            params.update(dailyAlignment=0, alignmentTimezone="UTC", weeklyAlignment="Monday")
        answer = self.request("GET", f"/v3/instruments/{quote(instrument)}/candles", params=params)
        return [V20Candle.parse(item) for item in answer.items("candles")]

    def pricing(self, instruments: Sequence[str]) -> tuple[int, list[V20Price]]:
        """`GET /v3/accounts/{id}/pricing`: (the server's time in ns, the prices)."""
        answer = self.request(
            "GET", self._account_path("/pricing"), params={"instruments": ",".join(instruments)}
        )
        prices = [V20Price.parse(item) for item in answer.items("prices")]
        now = answer.time_ns("time") if answer.has("time") else max(p.time_ns for p in prices)
        return now, prices

    # -- orders ------------------------------------------------------------------------

    def create_order(self, order: Mapping[str, Any]) -> OrderAnswer:
        """`POST /v3/accounts/{id}/orders` with `{"order": order}`.

        A refusal (400/404 with an `orderRejectTransaction`) raises INVALID_REQUEST or
        NOT_FOUND with the answer in `payload` (see `order_answer`).
        """
        return self.order_answer(
            self.request("POST", self._account_path("/orders"), body={"order": dict(order)})
        )

    def replace_order(self, specifier: str, order: Mapping[str, Any]) -> OrderAnswer:
        """`PUT /v3/accounts/{id}/orders/{specifier}`: cancel it and create `order`."""
        path = self._account_path(f"/orders/{quote(specifier, safe='@')}")
        return self.order_answer(self.request("PUT", path, body={"order": dict(order)}))

    def cancel_order(self, specifier: str) -> OrderAnswer:
        """`PUT /v3/accounts/{id}/orders/{specifier}/cancel` (an id or `@clientID`)."""
        path = self._account_path(f"/orders/{quote(specifier, safe='@')}/cancel")
        return self.order_answer(self.request("PUT", path))

    def order(self, specifier: str) -> V20Order:
        """`GET /v3/accounts/{id}/orders/{specifier}` (an id or `@clientID`)."""
        path = self._account_path(f"/orders/{quote(specifier, safe='@')}")
        return V20Order.parse(self.request("GET", path).child("order"))

    def orders(
        self, *, state: str = "ALL", instrument: str | None = None, count: int = 500
    ) -> list[V20Order]:
        """`GET /v3/accounts/{id}/orders` (newest first, as v20 answers)."""
        params: dict[str, str | int] = {"state": state, "count": count}
        if instrument:
            params["instrument"] = instrument
        answer = self.request("GET", self._account_path("/orders"), params=params)
        return [V20Order.parse(item) for item in answer.items("orders")]

    def pending_orders(self) -> list[V20Order]:
        """`GET /v3/accounts/{id}/pendingOrders`."""
        answer = self.request("GET", self._account_path("/pendingOrders"))
        return [V20Order.parse(item) for item in answer.items("orders")]

    def order_answer(self, answer: Fields) -> OrderAnswer:
        """The transactions an order request's answer (or refusal payload) carries."""
        seen: set[int] = set()
        found: list[V20Transaction] = []
        for key in _ANSWER_KEYS:
            if answer.has(key):
                txn = V20Transaction.parse(answer.child(key))
                if txn.txn_id not in seen:
                    seen.add(txn.txn_id)
                    found.append(txn)
        found.sort(key=lambda t: t.txn_id)
        last = answer.integer("lastTransactionID") if answer.has("lastTransactionID") else None
        return OrderAnswer(tuple(found), last)

    # -- positions and trades ----------------------------------------------------------

    def open_positions(self) -> list[V20Position]:
        """`GET /v3/accounts/{id}/openPositions`."""
        answer = self.request("GET", self._account_path("/openPositions"))
        return [V20Position.parse(item) for item in answer.items("positions")]

    def open_trades(self) -> list[Mapping[str, Any]]:
        """`GET /v3/accounts/{id}/openTrades` (raw trade objects, ids checked)."""
        answer = self.request("GET", self._account_path("/openTrades"))
        items = answer.items("trades")
        for item in items:
            item.text("id")
        return [item.raw for item in items]

    # -- transactions ------------------------------------------------------------------

    def transactions_since(self, txn_id: int) -> TransactionBatch:
        """`GET /v3/accounts/{id}/transactions/sinceid?id=`: every transaction after it."""
        answer = self.request(
            "GET", self._account_path("/transactions/sinceid"), params={"id": txn_id}
        )
        return self._batch(answer)

    def transactions_range(self, from_id: int, to_id: int) -> TransactionBatch:
        """`GET /v3/accounts/{id}/transactions/idrange?from=&to=` (inclusive)."""
        answer = self.request(
            "GET",
            self._account_path("/transactions/idrange"),
            params={"from": from_id, "to": to_id},
        )
        return self._batch(answer)

    def transaction_pages(self, from_ns: int, to_ns: int | None = None) -> list[tuple[int, int]]:
        """`GET /v3/accounts/{id}/transactions?from=&to=`: the id ranges of its pages."""
        params: dict[str, str | int] = {"from": format_time(from_ns), "pageSize": 1000}
        if to_ns is not None:
            params["to"] = format_time(to_ns)
        path = self._account_path("/transactions")
        answer = self.request("GET", path, params=params)
        ranges = []
        for index, page in enumerate(answer.raw.get("pages") or []):
            query = parse_qs(urlsplit(str(page)).query)
            try:
                ranges.append((int(query["from"][0]), int(query["to"][0])))
            except (KeyError, ValueError, IndexError):
                raise payload_error(
                    self.venue, f"GET {path}", f"pages[{index}]", "an idrange URL", page
                ) from None
        return ranges

    def _batch(self, answer: Fields) -> TransactionBatch:
        transactions = [V20Transaction.parse(item) for item in answer.items("transactions")]
        transactions.sort(key=lambda t: t.txn_id)
        return TransactionBatch(tuple(transactions), answer.integer("lastTransactionID"))
