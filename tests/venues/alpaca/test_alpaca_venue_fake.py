"""`AlpacaVenue` over a fake alpaca-py client: entry, events, recovery, reports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tradewind.domain.identifiers import ClientOrderId, StrategyId
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType, TimeInForce
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderCancelRejected,
    OrderEvent,
    OrderFilled,
    OrderModifyRejected,
    OrderRejected,
    OrderSubmitted,
)
from tradewind.domain.venue_errors import DuplicateOrderError, VenueError
from tradewind.domain.venue_reports import ConnectionStatus, OrderStatusReport
from tradewind.venues.alpaca import AlpacaSession, AlpacaVenue, AlpacaVenueConfig
from tradewind.venues.alpaca.lifecycle import instant

from .fakes import FakeBroker, api_error, timeout

CONFIG = AlpacaVenueConfig(symbols=("AAPL", "MSFT"), api_key="k", secret_key="s")


def _venue(broker: FakeBroker, config: AlpacaVenueConfig = CONFIG) -> AlpacaVenue:
    session = AlpacaSession(config, trading_factory=lambda _: broker, data_factory=lambda _: broker)
    venue = AlpacaVenue(config, session=session, poll_interval_ms=0)
    venue.connect()
    return venue


def _order(
    venue: AlpacaVenue,
    broker: FakeBroker,
    name: str,
    qty: str = "3",
    kind: OrderType = OrderType.MARKET,
    *,
    side: OrderSide = OrderSide.BUY,
    price: str | None = None,
    tif: TimeInForce = TimeInForce.GTC,
) -> Order:
    order = Order(
        client_order_id=ClientOrderId(name),
        strategy_id=StrategyId("t"),
        instrument_id=venue.session.instruments.by_symbol("AAPL").id,  # type: ignore[union-attr]
        side=side,
        order_type=kind,
        quantity=Decimal(qty),
        price=None if price is None else Decimal(price),
        time_in_force=tif,
        created_at=instant(broker.now_ms),
    )
    order.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=order.created_at))
    return order


def _types(events: list[OrderEvent]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_connect_loads_instruments_and_declares_capabilities_with_modify() -> None:
    venue = _venue(FakeBroker())
    aapl = venue.session.instruments.by_symbol("AAPL")  # type: ignore[union-attr]
    assert aapl is not None
    assert str(aapl.id) == "AAPL.ALPACA"
    assert (aapl.lot_size, aapl.price_tick, aapl.quote_currency) == (1, Decimal("0.01"), "USD")
    assert {"market", "limit", "stop", "stop_limit", "day", "ioc", "fok", "short", "modify"} <= (
        venue.capabilities
    )
    assert not {"cancel_all", "fractional", "reduce_only"} & venue.capabilities


def test_fractional_config_gives_a_nano_lot_and_the_capability() -> None:
    config = AlpacaVenueConfig(symbols=("AAPL",), api_key="k", secret_key="s", fractional=True)
    venue = _venue(FakeBroker(symbols=("AAPL",)), config)
    aapl = venue.session.instruments.by_symbol("AAPL")  # type: ignore[union-attr]
    assert aapl is not None
    assert aapl.lot_size == Decimal("0.000000001")
    assert "fractional" in venue.capabilities


def test_refused_credentials_leave_the_session_disconnected_and_not_retryable() -> None:
    broker = FakeBroker()
    broker.faults["get_asset"] = [api_error(401, 40110000, "request is not authorized")]
    config = AlpacaVenueConfig(symbols=("AAPL",), api_key="PKSECRETKEY", secret_key="hush")
    session = AlpacaSession(config, trading_factory=lambda _: broker)
    with pytest.raises(VenueError, match="refused the credentials") as refused:
        AlpacaVenue(config, session=session).connect()
    assert not refused.value.retryable
    assert session.status.connection is ConnectionStatus.DISCONNECTED
    assert "PKSECRETKEY" not in str(refused.value)
    assert "hush" not in str(refused.value)


def test_a_market_order_is_accepted_then_filled_once_with_the_activity_id() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    order = _order(venue, broker, "m1")
    venue.submit(order)
    broker.trade("AAPL", Decimal("101.5"))
    events = venue.drain_events()
    assert _types(events) == ["OrderAccepted", "OrderFilled"]
    fill = events[1]
    assert isinstance(fill, OrderFilled)
    assert str(fill.trade_id) == broker.activities[0]["id"]
    assert (fill.last_qty, fill.last_price, fill.commission) == (3, Decimal("101.5"), 0)
    assert venue.drain_events() == []


def test_a_submit_whose_answer_times_out_is_found_by_client_id_and_not_resent() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    broker.faults["submit_order"] = []
    original = broker.submit_order

    def placed_then_lost(request: object) -> object:
        original(request)
        raise timeout()

    broker.submit_order = placed_then_lost  # type: ignore[method-assign]
    venue.submit(_order(venue, broker, "lost"))
    broker.submit_order = original  # type: ignore[method-assign]
    assert [o["client_order_id"] for o in broker.orders] == ["tw~lost"]
    assert _types(venue.drain_events()) == ["OrderAccepted"]


def test_a_submit_dropped_before_arriving_is_sent_once_more_with_the_same_id() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    broker.faults["submit_order"] = [timeout()]
    venue.submit(_order(venue, broker, "dropped"))
    assert [o["client_order_id"] for o in broker.orders] == ["tw~dropped"]
    assert broker.calls.count("submit_order") == 2


def test_a_refused_order_is_rejected_with_alpacas_reason_and_reported() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    broker.faults["submit_order"] = [api_error(403, 40310000, "insufficient buying power")]
    venue.submit(_order(venue, broker, "poor"))
    (rejected,) = venue.drain_events()
    assert isinstance(rejected, OrderRejected)
    assert "insufficient buying power" in rejected.reason
    (report,) = venue.order_status_reports()
    assert report.status is OrderStatus.REJECTED


def test_a_rate_limited_submit_is_sent_again_after_retry_after() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    broker.faults["submit_order"] = [api_error(429, 42910000, "rate limit exceeded",
                                               **{"Retry-After": "0.01"})]  # fmt: skip
    venue.submit(_order(venue, broker, "limited"))
    assert _types(venue.drain_events()) == ["OrderAccepted"]
    assert broker.calls.count("submit_order") == 2


def test_entry_checks_the_grid_and_fractional_day_rule_before_sending() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    venue.submit(_order(venue, broker, "half", qty="0.5"))
    venue.submit(_order(venue, broker, "tick", kind=OrderType.LIMIT, price="100.005"))
    venue.submit(_order(venue, broker, "sub", kind=OrderType.LIMIT, price="0.5012"))
    events = venue.drain_events()
    assert _types(events) == ["OrderRejected", "OrderRejected", "OrderAccepted"]
    assert "lot" in events[0].reason  # type: ignore[attr-defined]
    assert "tick 0.01" in events[1].reason  # type: ignore[attr-defined]
    assert [o["client_order_id"] for o in broker.orders] == ["tw~sub"]


def test_a_duplicate_client_order_id_is_refused_without_a_request() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    venue.submit(_order(venue, broker, "twice", kind=OrderType.LIMIT, price="90"))
    with pytest.raises(DuplicateOrderError, match="twice"):
        venue.submit(_order(venue, broker, "twice", kind=OrderType.LIMIT, price="90"))
    assert broker.calls.count("submit_order") == 1


def test_cancel_confirms_and_a_second_cancel_is_refused() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    venue.submit(_order(venue, broker, "rest", kind=OrderType.LIMIT, price="90"))
    venue.cancel(ClientOrderId("rest"))
    venue.cancel(ClientOrderId("rest"))
    events = venue.drain_events()
    assert _types(events) == ["OrderAccepted", "OrderCanceled", "OrderCancelRejected"]
    assert venue.open_orders() == []


def test_a_cancel_of_a_filled_order_is_confirmed_from_its_state() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    venue.submit(_order(venue, broker, "gone", kind=OrderType.LIMIT, price="100"))
    broker.trade("AAPL", Decimal(99))
    venue.cancel(ClientOrderId("gone"))
    events = venue.drain_events()
    assert _types(events) == ["OrderAccepted", "OrderFilled", "OrderCancelRejected"]
    assert "filled" in events[-1].reason  # type: ignore[attr-defined]


def test_cancel_all_of_one_instrument_cancels_order_by_order() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    venue.submit(_order(venue, broker, "a1", kind=OrderType.LIMIT, price="90"))
    venue.submit(_order(venue, broker, "a2", kind=OrderType.LIMIT, price="91"))
    venue.drain_events()
    venue.cancel_all(venue.session.instruments.by_symbol("AAPL").id)  # type: ignore[union-attr]
    canceled = [
        str(e.client_order_id) for e in venue.drain_events() if isinstance(e, OrderCanceled)
    ]
    assert canceled == ["a1", "a2"]
    assert broker.calls.count("cancel_order_by_id") == 2


def test_a_modify_of_an_unknown_order_is_rejected_without_a_request() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    venue.modify(ClientOrderId("x"), price=Decimal(1))
    (event,) = venue.drain_events()
    assert isinstance(event, OrderModifyRejected)
    assert "not working" in event.reason
    assert "replace_order_by_id" not in broker.calls


def test_reports_and_positions_equal_what_the_events_said_after_a_restart() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    buy = _order(venue, broker, "buy", qty="5")
    sell = _order(venue, broker, "sell", qty="2", side=OrderSide.SELL)
    rest = _order(venue, broker, "rest", qty="1", kind=OrderType.LIMIT, price="50")
    orders = [buy, rest]
    for order in orders:
        venue.submit(order)
    broker.trade("AAPL", Decimal(100))
    venue.submit(sell)
    orders.insert(1, sell)
    broker.trade("AAPL", Decimal(102))
    by_id = {o.client_order_id: o for o in orders}
    for event in venue.drain_events():
        by_id[event.client_order_id].apply(event)
    restarted = _venue(broker)
    reports = {r.client_order_id: r for r in restarted.order_status_reports()}
    for order in orders:
        expected = OrderStatusReport.of_order(order, venue.venue)
        got = reports[order.client_order_id]
        assert (got.status, got.filled_qty, got.avg_px, got.venue_order_id) == (
            expected.status, expected.filled_qty, expected.avg_px, expected.venue_order_id,
        )  # fmt: skip
    fills = [r.to_event() for r in restarted.fill_reports()]
    assert [str(f.trade_id) for f in fills] == [a["id"] for a in broker.activities]
    (position,) = restarted.positions()
    assert position.quantity == 3
    assert restarted.balances()[0].total == broker.cash
    since = fills[1].ts
    assert [str(r.client_order_id) for r in restarted.fill_reports(since)] == ["sell"]


def test_a_short_position_is_reported_negative() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    venue.submit(_order(venue, broker, "short", qty="4", side=OrderSide.SELL))
    broker.trade("AAPL", Decimal(100))
    venue.drain_events()
    (position,) = venue.positions()
    assert position.quantity == -4


def test_events_queued_before_a_disconnect_can_still_be_drained() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    venue.submit(_order(venue, broker, "q"))
    venue.disconnect()
    assert [type(e) for e in venue.drain_events()] == [OrderAccepted]
    assert venue.status.connection is ConnectionStatus.DISCONNECTED
    _ = OrderCancelRejected  # imported for the event vocabulary


def test_the_server_time_is_the_market_clocks() -> None:
    broker = FakeBroker()
    venue = _venue(broker)
    assert venue.server_time() == instant(broker.now_ms)
    assert venue.market_clock().is_open
