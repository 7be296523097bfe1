"""`coinbase_quirks`: Coinbase order payloads parsed with their real status and last
fill, and the cursor pager, offline."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from tradewind.venues.ccxt.client import build_exchange
from tradewind.venues.ccxt.coinbase_quirks import CoinbaseClient, cursor_pages, next_cursor
from tradewind.venues.ccxt.config import CcxtVenueConfig


def _order(status: str, last_fill_time: str | None = None) -> dict[str, Any]:
    return {
        "order_id": "7c0e3a52-5b1d-4f6a-9e28-000000000007",
        "product_id": "BTC-USD",
        "order_configuration": {"sor_limit_ioc": {"base_size": "0.5", "limit_price": "90"}},
        "side": "BUY",
        "client_order_id": "mine-1",
        "status": status,
        "time_in_force": "IMMEDIATE_OR_CANCEL",
        "created_time": "2024-03-04T14:31:00.000000Z",
        "filled_size": "0.2",
        "total_fees": "0.01",
        "order_type": "LIMIT",
        "last_fill_time": last_fill_time,
    }


def test_build_exchange_gives_coinbase_the_bridged_client() -> None:
    exchange = build_exchange(CcxtVenueConfig(exchange_id="coinbase", symbols=("BTC/USD",)))
    assert isinstance(exchange, CoinbaseClient)


@pytest.mark.parametrize(
    ("wire", "expected"),
    [("EXPIRED", "expired"), ("FAILED", "rejected"), ("CANCELLED", "canceled"), ("OPEN", "open")],
)
def test_an_order_keeps_coinbase_s_own_final_status(wire: str, expected: str) -> None:
    parsed = CoinbaseClient().parse_order(_order(wire))
    assert (parsed["status"], parsed["clientOrderId"]) == (expected, "mine-1")


def test_an_order_s_last_fill_time_is_its_last_trade_timestamp() -> None:
    parsed = CoinbaseClient().parse_order(_order("EXPIRED", "2024-03-04T14:32:00.000000Z"))
    assert parsed["lastTradeTimestamp"] == 1_709_562_720_000
    assert CoinbaseClient().parse_order(_order("OPEN"))["lastTradeTimestamp"] is None


def _row(row_id: str, cursor: str | None = None) -> dict[str, Any]:
    return {"id": row_id, "info": {} if cursor is None else {"cursor": cursor}}


def test_the_next_cursor_is_read_from_whichever_row_ccxt_put_it_in() -> None:
    assert next_cursor([_row("a"), _row("b", "2")]) == "2"
    assert next_cursor([_row("a")]) is None


def test_cursor_pages_follow_the_cursor_to_the_last_page() -> None:
    pages = {None: [_row("c", "1"), _row("b")], "1": [_row("a", "2")], "2": [_row("z")]}
    asked: list[str | None] = []

    def fetch(cursor: str | None) -> Sequence[Any]:
        asked.append(cursor)
        return pages[cursor]

    read = [[r["id"] for r in page] for page in cursor_pages(fetch, lambda r: r["id"])]
    assert read == [["c", "b"], ["a"], ["z"]]
    assert asked == [None, "1", "2"]


def test_cursor_pages_stop_at_a_page_with_nothing_new_or_at_the_page_cap() -> None:
    def looping(cursor: str | None) -> Sequence[Any]:
        return [_row("same", "again")]

    assert len(list(cursor_pages(looping, lambda r: r["id"]))) == 1

    def endless(cursor: str | None) -> Sequence[Any]:
        number = int(cursor or 0) + 1
        return [_row(str(number), str(number))]

    assert len(list(cursor_pages(endless, lambda r: r["id"], max_pages=3))) == 3
