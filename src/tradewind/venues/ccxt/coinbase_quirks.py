"""ccxt's `coinbase` class made to behave like the other exchanges' for this adapter.

ccxt 4.5.18 talks Coinbase Advanced Trade correctly but departs from its own unified
API in ways the adapter relies on; `CoinbaseClient` (a subclass, chosen by
`client.build_exchange` for `coinbase`) bridges them and nothing else:

- `create_order` drops the unified `clientOrderId` (it always sends its own
  `ccxt-<uuid>`): here it travels as Coinbase's `client_order_id`. A market buy is
  sized in base units (`market_market_ioc.base_size`, as the order's quantity says)
  instead of ccxt's default of spending `amount * price` of quote.
- `fetch_order` has no lookup by client id: with an empty id and a `clientOrderId`
  param the account's orders of the symbol are searched, newest first, page by page.
- an unknown order id comes back as a plain `ExchangeError` (ccxt's pattern for it
  reads "order with self orderID ..." and is matched against the error code only),
  and a refused cancel as a `BadRequest` without its reason: both become
  `OrderNotFound` / `InvalidOrder`, which the adapter confirms from the order's history.
- `parse_order` folds EXPIRED and FAILED into `canceled` and drops the last fill's
  time: here EXPIRED is `expired`, FAILED `rejected`, and `last_fill_time` is
  `lastTradeTimestamp`.

`cursor_pages` reads a newest-first listing paged by Coinbase's opaque `cursor`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import ccxt

__all__ = ["CURSOR_PARAM", "CoinbaseClient", "cursor_pages", "next_cursor"]

CURSOR_PARAM = "cursor"
"""The request parameter (and the key ccxt copies into a row's `info`) of a page."""
_LOOKUP_PAGE = 250  # orders per page when searching by client id
_MAX_LOOKUP_PAGES = 40  # 10,000 orders: past that the id is reported unknown
_NOT_FOUND_TEXT = "order with this orderID was not found"
_UNKNOWN_CANCEL = "UNKNOWN_CANCEL_ORDER"
_STATUSES = {"EXPIRED": "expired", "FAILED": "rejected"}


def next_cursor(rows: Sequence[Any]) -> str | None:
    """The cursor of the page after `rows` (ccxt puts it in one row's `info`), if any."""
    for row in rows:
        info = row.get("info") if isinstance(row, dict) else None
        cursor = info.get(CURSOR_PARAM) if isinstance(info, dict) else None
        if isinstance(cursor, str) and cursor:
            return cursor
    return None


def cursor_pages(
    fetch: Callable[[str | None], Sequence[Any]],
    row_id: Callable[[Any], str],
    *,
    max_pages: int | None = None,
) -> Iterator[list[Any]]:
    """The new rows of each page of a cursor-paged listing: `fetch(cursor)` from None
    until a page brings no cursor or nothing new (or `max_pages` were read)."""
    seen: set[str] = set()
    cursor: str | None = None
    pages = 0
    while True:
        page = fetch(cursor)
        pages += 1
        fresh = [row for row in page if row_id(row) not in seen]
        seen.update(row_id(row) for row in fresh)
        if fresh:
            yield fresh
        cursor = next_cursor(page)
        if cursor is None or not fresh or (max_pages is not None and pages >= max_pages):
            return


class CoinbaseClient(ccxt.coinbase):  # type: ignore[misc]
    """`ccxt.coinbase` with the departures listed in the module docstring bridged."""

    def create_order(
        self,
        symbol: str,
        type: str,
        side: str,
        amount: Any,
        price: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        extra = dict(params or {})
        client_id = extra.pop("clientOrderId", None)
        if client_id is not None:
            extra.setdefault("client_order_id", str(client_id))
        if type == "market" and side == "buy" and "cost" not in extra:
            self.load_markets()
            size = self.amount_to_precision(symbol, amount)
            extra["order_configuration"] = {"market_market_ioc": {"base_size": size}}
            extra["createMarketBuyOrderRequiresPrice"] = False
        return super().create_order(symbol, type, side, amount, price, extra)

    def fetch_order(
        self, id: str, symbol: str | None = None, params: dict[str, Any] | None = None
    ) -> Any:
        extra = dict(params or {})
        client_id = extra.pop("clientOrderId", None)
        if not id and client_id is not None:
            return self._order_by_client_id(str(client_id), symbol, extra)
        try:
            return super().fetch_order(id, symbol, extra)
        except ccxt.OrderNotFound:
            raise
        except ccxt.ExchangeError as error:
            if _NOT_FOUND_TEXT in str(error):
                raise ccxt.OrderNotFound(f"{self.id} order {id} not found: {error}") from None
            raise

    def cancel_order(
        self, id: str, symbol: str | None = None, params: dict[str, Any] | None = None
    ) -> Any:
        self.load_markets()
        request = {"order_ids": [id], **(params or {})}
        response = self.v3PrivatePostBrokerageOrdersBatchCancel(request)
        results = self.safe_list(response, "results", []) or []
        result = results[0] if results and isinstance(results[0], dict) else {}
        if result.get("success") is not True:
            reason = str(result.get("failure_reason") or "no result")
            text = f"{self.id} cancel of order {id} failed: {reason}"
            if reason == _UNKNOWN_CANCEL:
                raise ccxt.OrderNotFound(text)
            raise ccxt.InvalidOrder(text)
        market = None if symbol is None else self.market(symbol)
        return self.parse_order(result, market)

    def parse_order(self, order: dict[str, Any], market: Any = None) -> Any:
        parsed = super().parse_order(order, market)
        status = _STATUSES.get(str(order.get("status") or ""))
        if status is not None:
            parsed["status"] = status
        last_fill = self.parse8601(order.get("last_fill_time"))
        if last_fill is not None:
            parsed["lastTradeTimestamp"] = last_fill
        return parsed

    def _order_by_client_id(
        self, client_id: str, symbol: str | None, params: dict[str, Any]
    ) -> Any:
        def fetch(cursor: str | None) -> Sequence[Any]:
            page_params = dict(params) if cursor is None else {**params, CURSOR_PARAM: cursor}
            rows: Sequence[Any] = self.fetch_orders(symbol, None, _LOOKUP_PAGE, page_params)
            return rows

        for page in cursor_pages(fetch, lambda r: str(r.get("id")), max_pages=_MAX_LOOKUP_PAGES):
            for row in page:
                if row.get("clientOrderId") == client_id:
                    return row
        raise ccxt.OrderNotFound(f"{self.id} has no order with client order id {client_id}")
