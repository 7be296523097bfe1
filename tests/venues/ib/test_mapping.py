"""Domain orders to ib_async orders and back, TWS times, and the events a TWS order
and its executions tell (built on ib_async's own record types, no network)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from ib_async import CommissionReport, Execution, Fill, Stock, Trade
from ib_async import Order as IbOrder
from ib_async import OrderStatus as IbStatus

from tradewind.domain.identifiers import ClientOrderId, InstrumentId, StrategyId
from tradewind.domain.instrument import Instrument
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType, TimeInForce
from tradewind.domain.order_events import (
    OrderAccepted,
    OrderCanceled,
    OrderExpired,
    OrderFilled,
    OrderRejected,
)
from tradewind.venues.ib.lifecycle import derive_events, replay
from tradewind.venues.ib.parsing import VenueFill, VenueOrder, fill_from, order_from, parse_ib_time
from tradewind.venues.ib.requests import capabilities_of, ib_order_for, order_ref, parse_order_ref

T0 = datetime(2024, 3, 4, 14, 30, tzinfo=UTC)
T0_MS = 1_709_562_600_000
AAPL = InstrumentId("AAPL", "IB")
CID = ClientOrderId("c-1")


def _order(kind: OrderType = OrderType.LIMIT, tif: TimeInForce = TimeInForce.GTC) -> Order:
    return Order(
        client_order_id=CID, strategy_id=StrategyId("s"), instrument_id=AAPL,
        side=OrderSide.SELL, order_type=kind, quantity=Decimal("100"), created_at=T0,
        price=Decimal("101.50") if kind in (OrderType.LIMIT, OrderType.STOP_LIMIT) else None,
        trigger_price=Decimal("100") if kind in (OrderType.STOP, OrderType.STOP_LIMIT) else None,
        time_in_force=tif,
    )  # fmt: skip


def test_an_order_travels_with_its_types_decimal_text_and_order_ref() -> None:
    ib = ib_order_for(_order(OrderType.STOP_LIMIT, TimeInForce.DAY), "DU1")
    assert (ib.action, ib.orderType, ib.tif, ib.account) == ("SELL", "STP LMT", "DAY", "DU1")
    assert (str(ib.totalQuantity), str(ib.lmtPrice), str(ib.auxPrice)) == ("100", "101.5", "100")
    assert ib.orderRef == f"c-1 {T0_MS}"
    assert ib_order_for(_order(OrderType.MARKET), "").orderType == "MKT"
    assert ib_order_for(_order(OrderType.STOP), "").orderType == "STP"


def test_the_order_ref_gives_back_the_client_order_id_and_creation() -> None:
    assert parse_order_ref(order_ref("a-b.c", T0)) == ("a-b.c", T0_MS)
    assert parse_order_ref("manual note") == ("manual note", None)
    assert parse_order_ref("") == ("", None)


def _trade(status: str, filled: float = 0.0, perm_id: int = 77) -> Trade:
    order = IbOrder(orderId=5, clientId=1, permId=perm_id, action="BUY", totalQuantity=10.0,
                    orderType="LMT", lmtPrice=99.5, tif="GTC", orderRef=f"c-1 {T0_MS}")  # fmt: skip
    return Trade(Stock("AAPL", "SMART", "USD"), order, IbStatus(orderId=5, status=status,
                 filled=filled, permId=perm_id))  # fmt: skip


def test_a_tws_trade_becomes_a_venue_order() -> None:
    state = order_from(_trade("Submitted", 4.0))
    assert state is not None
    assert (state.client_order_id, state.created_ms, state.perm_id, state.symbol) == (
        "c-1", T0_MS, 77, "AAPL",
    )  # fmt: skip
    assert (state.side, state.order_type, state.price, state.filled) == (
        OrderSide.BUY, OrderType.LIMIT, Decimal("99.5"), Decimal("4.0"),
    )  # fmt: skip
    assert state.is_open


def test_an_order_type_the_domain_lacks_is_left_out() -> None:
    trade = _trade("Submitted")
    trade.order.orderType = "TRAIL"
    assert order_from(trade) is None


def _fill(exec_id: str, shares: float, price: float, minute: int, commission: float = 1.0) -> Fill:
    at = datetime.fromtimestamp((T0_MS + minute * 60_000) / 1000, UTC)
    execution = Execution(execId=exec_id, time=at, side="BOT", shares=shares, price=price,
                          permId=77, orderRef=f"c-1 {T0_MS}")  # fmt: skip
    report = CommissionReport(execId=exec_id, commission=commission, currency="USD")
    return Fill(Stock("AAPL", "SMART", "USD"), execution, report, execution.time)


def _fills(*fills: Fill) -> list[VenueFill]:
    parsed = [fill_from(f) for f in fills]
    assert all(p is not None for p in parsed)
    return [p for p in parsed if p is not None]


def test_an_execution_becomes_a_fill_with_its_commission() -> None:
    (fill,) = _fills(_fill("e1", 4.0, 99.5, 1, 1.25))
    assert (fill.trade_id, fill.side, fill.quantity, fill.price) == (
        "e1",
        OrderSide.BUY,
        Decimal("4.0"),
        Decimal("99.5"),
    )
    assert (fill.ts_ms, fill.commission, fill.commission_currency) == (
        T0_MS + 60_000,
        Decimal("1.25"),
        "USD",
    )


def _state(status: str, filled: str = "0", **kw: object) -> VenueOrder:
    base = order_from(_trade(status, float(filled)))
    assert base is not None
    values = {f: getattr(base, f) for f in base.__dataclass_fields__} | kw
    return VenueOrder(**values)


def test_a_partly_filled_then_canceled_order_tells_its_story_in_order() -> None:
    fills = _fills(_fill("e2", 6.0, 99.0, 3), _fill("e1", 4.0, 99.5, 1))[:1]
    state = _state("Cancelled", "6", completed_ms=T0_MS + 5 * 60_000)
    events = derive_events(state, fills, CID)
    assert [type(e) for e in events] == [OrderAccepted, OrderFilled, OrderCanceled]
    assert events[0].ts == T0
    assert events[-1].ts == datetime(2024, 3, 4, 14, 35, tzinfo=UTC)
    rebuilt = replay(state, events, AAPL, CID)
    assert (rebuilt.status, rebuilt.filled_qty, str(rebuilt.venue_order_id)) == (
        OrderStatus.CANCELED, Decimal("6.0"), "77",
    )  # fmt: skip


def test_the_end_of_a_canceled_order_waits_for_all_its_executions() -> None:
    state = _state("Cancelled", "10", completed_ms=T0_MS)
    events = derive_events(state, _fills(_fill("e1", 4.0, 99.5, 1)), CID)
    assert [type(e) for e in events] == [OrderAccepted, OrderFilled]


def test_an_unfilled_ioc_expires_and_inactive_is_a_rejection() -> None:
    ioc = _state("Cancelled", time_in_force=TimeInForce.IOC, completed_ms=T0_MS)
    assert [type(e) for e in derive_events(ioc, [], CID)] == [OrderAccepted, OrderExpired]
    (rejected,) = derive_events(_state("Inactive"), [], CID, "no margin (TWS error 201)")
    assert isinstance(rejected, OrderRejected)
    assert "margin" in rejected.reason


def test_an_order_tws_has_not_acknowledged_has_no_events() -> None:
    assert derive_events(_state("PendingSubmit", perm_id=0), [], CID) == []


def test_fills_never_exceed_the_order_quantity() -> None:
    fills = _fills(_fill("e1", 8.0, 99.5, 1), _fill("e2", 8.0, 99.5, 2))
    events = derive_events(_state("Filled", "10"), fills, CID)
    assert sum(e.last_qty for e in events if isinstance(e, OrderFilled)) == Decimal("8.0")


def test_tws_times_in_their_forms() -> None:
    assert parse_ib_time("20240304-14:30:00") == T0_MS
    assert parse_ib_time("20240304 09:30:00 America/New_York") == T0_MS
    assert parse_ib_time("20240304 09:30:00", "America/New_York") == T0_MS
    assert parse_ib_time(str(T0_MS // 1000)) == T0_MS
    assert parse_ib_time("") is None
    assert parse_ib_time("yesterday") is None


def test_capabilities_follow_the_contracts() -> None:
    whole = Instrument.for_symbol("AAPL", "equities", venue="IB")
    declared = capabilities_of([whole], modify=True)
    assert {"market", "limit", "stop", "stop_limit", "ioc", "fok", "day", "modify"} <= declared
    assert "cancel_all" not in declared
    assert "reduce_only" not in declared
    assert "fractional" not in declared
    part = Instrument.for_symbol("AAPL", "equities", venue="IB", lot_size="0.0001")
    assert "fractional" in capabilities_of([part], modify=False)
