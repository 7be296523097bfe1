"""`GET /v2/account/activities[/{type}]`: the account's fills as Alpaca FILL activities.

One activity per market trade: id `<yyyymmddHHMMSSmmm>::<fill uuid>`, transaction_time,
type fill or partial_fill, price, qty, side (buy or sell), symbol, leaves_qty, cum_qty,
order_id and order_status after that fill. Filters: activity_types (only FILL yields
anything; cash activities are not emulated), date (New York day), after, until;
direction desc (default) or asc; page_size (default and maximum 100); page_token (an
activity id: the page continues after it in the chosen direction).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tradewind.venues.alpaca.emulator.wire import (
    NEW_YORK,
    Call,
    account_uuid,
    bad_request,
    dec_str,
    fill_number,
    fill_uuid,
    order_uuid,
    parse_time_ms,
    rfc3339,
    unprocessable,
)
from tradewind.venues.emulation import EmulatedMarket, Trade

__all__ = ["MAX_PAGE_SIZE", "ActivityEndpoints"]

MAX_PAGE_SIZE = 100
_ZERO = Decimal(0)


class ActivityEndpoints:
    """FILL activities of an account."""

    def __init__(self, market: EmulatedMarket) -> None:
        self.market = market

    def activities(self, call: Call) -> list[dict[str, Any]]:
        types = _types(call)
        if "FILL" not in types:
            return []
        direction = call.params.get("direction", "desc") or "desc"
        if direction not in ("asc", "desc"):
            raise unprocessable(f"invalid direction: expected asc or desc, got {direction!r}")
        page_size = _page_size(call)
        selected = _Window.of(call)
        rows = [r for r in self._fills(call) if selected.contains(r[0])]
        rows.sort(key=lambda row: (row[0].time_ms, row[0].trade_id), reverse=direction == "desc")
        token = call.params.get("page_token")
        if token:
            rows = _after_token(rows, token)
        return [activity for _, activity in rows[:page_size]]

    def _fills(self, call: Call) -> list[tuple[Trade, dict[str, Any]]]:
        orders = {o.order_id: o for o in self.market.orders(call.account)}
        account_id = account_uuid(call.account)
        cumulative: dict[int, Decimal] = {}
        rows = []
        for trade in self.market.trades(call.account):
            order = orders[trade.order_id]
            cum = cumulative.get(trade.order_id, _ZERO) + trade.qty
            cumulative[trade.order_id] = cum
            leaves = order.qty - cum
            done = leaves <= 0
            rows.append(
                (
                    trade,
                    {
                        "id": activity_id(trade),
                        "account_id": account_id,
                        "activity_type": "FILL",
                        "transaction_time": rfc3339(trade.time_ms),
                        "type": "fill" if done else "partial_fill",
                        "price": dec_str(trade.price),
                        "qty": dec_str(trade.qty),
                        "side": trade.side.value.lower(),
                        "symbol": trade.symbol,
                        "leaves_qty": dec_str(max(leaves, _ZERO)),
                        "order_id": order_uuid(trade.order_id),
                        "cum_qty": dec_str(cum),
                        "order_status": "filled" if done else "partially_filled",
                    },
                )
            )
        return rows


def activity_id(trade: Trade) -> str:
    """`<yyyymmddHHMMSSmmm>::<fill uuid>`, Alpaca's sortable activity id."""
    instant = datetime.fromtimestamp(trade.time_ms / 1000, tz=UTC)
    stamp = instant.strftime("%Y%m%d%H%M%S") + f"{trade.time_ms % 1000:03d}"
    return f"{stamp}::{fill_uuid(trade.trade_id)}"


def _types(call: Call) -> set[str]:
    if call.path_arg:
        return {call.path_arg.upper()}
    raw = call.params.get("activity_types") or call.params.get("activity_type") or "FILL"
    return {t.strip().upper() for t in raw.split(",") if t.strip()}


def _page_size(call: Call) -> int:
    raw = call.params.get("page_size")
    if raw is None or raw == "":
        return MAX_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise bad_request(f"invalid page_size: expected an integer, got {raw!r}") from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise unprocessable(f"invalid page_size: expected 1..{MAX_PAGE_SIZE}, got {size}")
    return size


@dataclass(frozen=True, slots=True)
class _Window:
    """The after / until / date filters of a request."""

    after_ms: int | None
    until_ms: int | None
    day: str | None

    @classmethod
    def of(cls, call: Call) -> _Window:
        day = call.params.get("date")
        return cls(
            parse_time_ms(call.params.get("after"), "after"),
            parse_time_ms(call.params.get("until"), "until"),
            day[:10] if day else None,
        )

    def contains(self, trade: Trade) -> bool:
        if self.after_ms is not None and trade.time_ms <= self.after_ms:
            return False
        if self.until_ms is not None and trade.time_ms >= self.until_ms:
            return False
        if self.day is None:
            return True
        local = datetime.fromtimestamp(trade.time_ms / 1000, tz=NEW_YORK).date()
        return local.isoformat() == self.day


def _after_token(
    rows: list[tuple[Trade, dict[str, Any]]], token: str
) -> list[tuple[Trade, dict[str, Any]]]:
    number = fill_number(token.rpartition("::")[2])
    if number is None:
        raise bad_request(f"invalid page_token: expected an activity id, got {token!r}")
    for index, (trade, _) in enumerate(rows):
        if trade.trade_id == number:
            return rows[index + 1 :]
    return []
