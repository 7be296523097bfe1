"""The event helpers every live venue adapter shares: dedupe keys, handing out each
event once, merging orders' events in time, and replaying them into an `Order`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tradewind.domain.identifiers import ClientOrderId, TradeId, VenueOrderId
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType, TimeInForce
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderEvent,
    OrderFilled,
    OrderUpdated,
)
from tradewind.domain.venue_errors import VenueError
from tradewind.execution.venue_events import (
    REPLAY_STRATEGY,
    event_key,
    hand_out,
    in_time_order,
    instant_of_ms,
    replay_order,
)

from .venue_records import INSTRUMENT, Record, at, order

CID = ClientOrderId("a")


def _accepted(ms: int = 1_000, cid: ClientOrderId = CID) -> OrderAccepted:
    return OrderAccepted(client_order_id=cid, ts=at(ms), venue_order_id=VenueOrderId("v1"))


def _filled(trade: str, qty: str, ms: int, cid: ClientOrderId = CID) -> OrderFilled:
    return OrderFilled(
        client_order_id=cid,
        ts=at(ms),
        trade_id=TradeId(trade),
        last_qty=Decimal(qty),
        last_price=Decimal("100"),
        commission=Decimal(0),
        commission_currency="",
        venue_order_id=VenueOrderId("v1"),
    )


@dataclass(frozen=True, slots=True)
class _Terms:
    side: OrderSide = OrderSide.SELL
    order_type: OrderType = OrderType.LIMIT
    quantity: Decimal = Decimal("2")
    trigger_price: Decimal | None = None
    time_in_force: TimeInForce = TimeInForce.IOC


def test_instant_of_ms_is_utc_ms_since_the_epoch() -> None:
    assert instant_of_ms(1_500).isoformat() == "1970-01-01T00:00:01.500000+00:00"


def test_event_keys_tell_fills_by_trade_updates_by_terms_and_others_by_type() -> None:
    assert event_key(_filled("t7", "1", 2_000)) == "fill:t7"
    assert event_key(_accepted()) == "OrderAccepted"
    update = OrderUpdated(client_order_id=CID, ts=at(3_000), quantity=Decimal("3"))
    other = OrderUpdated(client_order_id=CID, ts=at(3_000), quantity=Decimal("4"))
    assert event_key(update).startswith("update:")
    assert event_key(update) != event_key(other)


def test_hand_out_gives_each_event_once_and_moves_the_copy() -> None:
    tracked = Record(order("a").submitted_copy(), "X", 1)
    story: list[OrderEvent] = [_accepted(), _filled("t1", "1", 2_000)]
    assert hand_out(tracked, story) == story
    assert hand_out(tracked, [*story, _filled("t2", "1", 3_000)]) == [_filled("t2", "1", 3_000)]
    assert tracked.order.status is OrderStatus.FILLED
    assert tracked.emitted == {"OrderAccepted", "fill:t1", "fill:t2"}


def test_hand_out_drops_an_event_the_order_refuses_and_does_not_retry_it() -> None:
    tracked = Record(order("a", qty="1").submitted_copy(), "X", 1)
    story: list[OrderEvent] = [_accepted(), _filled("t1", "1", 2_000)]
    hand_out(tracked, story)
    late_cancel = OrderCanceled(client_order_id=CID, ts=at(4_000))
    assert hand_out(tracked, [late_cancel]) == []
    assert "OrderCanceled" in tracked.emitted
    assert tracked.order.status is OrderStatus.FILLED


def test_in_time_order_merges_orders_by_instant_then_rank_keeping_each_order_in_order() -> None:
    b = ClientOrderId("b")
    first = [_accepted(5_000), _filled("t1", "1", 4_000)]  # a fill stamped before its accept
    second = [_accepted(4_500, b), _filled("t2", "1", 5_000, b)]
    merged = in_time_order([(2, first), (1, second)])
    assert merged == [second[0], second[1], first[0], first[1]]
    assert in_time_order([((0, 2), first[:1]), ((0, 1), first[:1])]) == [first[0], first[0]]


def test_replay_order_builds_the_order_with_the_venue_terms_and_events() -> None:
    rebuilt = replay_order(
        _Terms(),
        [_accepted(), _filled("t1", "2", 2_000)],
        instrument_id=INSTRUMENT,
        client_order_id=CID,
        created_at=at(1_000),
        price=Decimal("99"),
        venue_ref="v1",
    )
    assert rebuilt.strategy_id == REPLAY_STRATEGY
    assert (rebuilt.side, rebuilt.price, rebuilt.time_in_force) == (
        OrderSide.SELL,
        Decimal("99"),
        TimeInForce.IOC,
    )
    assert rebuilt.status is OrderStatus.FILLED


def test_replay_order_names_the_venue_order_when_the_domain_refuses() -> None:
    with pytest.raises(VenueError, match=r"invalid order payload for a \(permId 7\)"):
        replay_order(
            _Terms(),
            [_accepted(), _filled("t1", "5", 2_000)],
            instrument_id=INSTRUMENT,
            client_order_id=CID,
            created_at=at(1_000),
            price=Decimal("99"),
            venue_ref="permId 7",
        )
