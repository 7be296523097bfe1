"""The simulated venue fills like the backtest: market/limit/stop, SL/TP, hours, fees."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from tests.venues.orders import BUY, SELL, T0, bar_ns, fills, order

from tradewind.domain import (
    ClientOrderId,
    DomainError,
    Instrument,
    MarketClass,
    OrderAccepted,
    OrderCanceled,
    OrderCancelRejected,
    OrderEvent,
    OrderFilled,
    OrderRejected,
    OrderStatus,
    OrderSubmitted,
    OrderType,
    TradeId,
)
from tradewind.execution import CommissionModel, FillModel
from tradewind.ports.execution import ExecutionVenue
from tradewind.venues.sim import CommissionSpec, SimulatedVenue, SimVenueConfig

SPY = Instrument.for_symbol("SPY", MarketClass.EQUITIES, min_notional=100)
EURUSD = Instrument.for_symbol("EUR/USD", MarketClass.FOREX)


def venue(**config: object) -> SimulatedVenue:
    return SimulatedVenue([SPY, EURUSD], SimVenueConfig(**config))  # type: ignore[arg-type]


def test_it_is_an_execution_venue_with_declared_capabilities() -> None:
    sim = venue()
    assert isinstance(sim, ExecutionVenue)
    assert {"market", "limit", "stop"} <= sim.capabilities
    with pytest.raises(DomainError, match="stop_limit"):
        sim.submit(order(1, BUY, "1", OrderType.STOP_LIMIT, price="101", trigger="100"))


def test_market_order_fills_at_the_next_open_with_a_sim_trade_id() -> None:
    sim = venue()
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100.5)
    sim.submit(order(1, BUY, "10"))
    (accepted,) = sim.drain_events()
    assert isinstance(accepted, OrderAccepted)
    events = sim.on_bar(SPY.id, bar_ns(1), 100.7, 102, 100, 101)
    (filled,) = events
    assert isinstance(filled, OrderFilled)
    assert filled.trade_id == TradeId("SIM-1")
    assert (filled.last_qty, filled.last_price) == (Decimal(10), Decimal("100.70"))
    assert filled.ts == T0 + timedelta(hours=1)
    assert sim.positions()[0].quantity == 10
    assert sim.open_orders() == []


def test_this_close_fills_on_submission_at_the_last_close() -> None:
    sim = venue(fill_model=FillModel.THIS_CLOSE)
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100.5)
    sim.submit(order(1, BUY, "10"))
    assert fills(sim.drain_events()) == [("run-1", Decimal(10), Decimal("100.50"))]


def test_limit_rests_until_touched_and_fills_at_a_better_open() -> None:
    sim = venue()
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(order(1, BUY, "5", OrderType.LIMIT, price="98.00"))
    sim.submit(order(2, SELL, "5", OrderType.LIMIT, price="103.00"))
    sim.drain_events()
    assert fills(sim.on_bar(SPY.id, bar_ns(1), 100, 102, 98.5, 100)) == []
    assert fills(sim.on_bar(SPY.id, bar_ns(2), 100, 102, 97.5, 99)) == [
        ("run-1", Decimal(5), Decimal("98.00"))
    ]
    assert fills(sim.on_bar(SPY.id, bar_ns(3), 104, 105, 103.5, 104)) == [
        ("run-2", Decimal(5), Decimal("104.00"))  # opened above the limit
    ]


def test_stop_fills_at_the_trigger_or_at_the_open_after_a_gap() -> None:
    sim = venue()
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(order(1, BUY, "5", OrderType.STOP, trigger="102.00"))
    sim.submit(order(2, SELL, "5", OrderType.STOP, trigger="95.00"))
    assert fills(sim.on_bar(SPY.id, bar_ns(1), 100, 102.5, 99, 101)) == [
        ("run-1", Decimal(5), Decimal("102.00"))
    ]
    assert fills(sim.on_bar(SPY.id, bar_ns(2), 93, 94, 92, 93)) == [
        ("run-2", Decimal(5), Decimal("93.00"))
    ]


def test_stop_loss_placed_after_an_entry_at_the_open_works_on_the_rest_of_that_bar() -> None:
    sim = venue()
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(order(1, BUY, "10"))
    events = sim.on_bar(SPY.id, bar_ns(1), 100, 101, 97, 98)  # entry at 100, low 97
    assert fills(events) == [("run-1", Decimal(10), Decimal("100.00"))]
    sim.submit(order(2, SELL, "10", OrderType.STOP, trigger="98.00", reduce_only=True, at=1))
    assert fills(sim.drain_events()) == [("run-2", Decimal(10), Decimal("98.00"))]
    assert sim.positions()[0].is_flat


def test_when_stop_loss_and_take_profit_are_both_inside_a_bar_the_stop_wins() -> None:
    sim = venue()
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(order(1, BUY, "10"))
    sim.on_bar(SPY.id, bar_ns(1), 100, 101, 99.5, 100)
    sim.submit(order(2, SELL, "10", OrderType.LIMIT, price="105.00", reduce_only=True, at=1))
    sim.submit(order(3, SELL, "10", OrderType.STOP, trigger="98.00", reduce_only=True, at=1))
    assert fills(sim.drain_events()) == []
    events = sim.on_bar(SPY.id, bar_ns(2), 100, 106, 97, 101)
    assert fills(events) == [("run-3", Decimal(10), Decimal("98.00"))]
    canceled = [e for e in events if isinstance(e, OrderCanceled)]
    assert [str(e.client_order_id) for e in canceled] == ["run-2"]
    assert "no position" in canceled[0].reason


def test_nothing_fills_while_the_market_is_closed() -> None:
    sim = venue()
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(order(1, BUY, "10"))
    sim.submit(order(2, BUY, "10", OrderType.LIMIT, price="90.00"))
    sim.drain_events()
    assert sim.on_bar(SPY.id, bar_ns(1), 89, 90, 88, 89, is_open_session=False) == []
    assert len(sim.open_orders()) == 2
    assert fills(sim.on_bar(SPY.id, bar_ns(2), 91, 92, 89.5, 91)) == [
        ("run-1", Decimal(10), Decimal("91.00")),
        ("run-2", Decimal(10), Decimal("90.00")),
    ]


def test_below_min_notional_and_off_grid_orders_are_rejected_with_the_reason() -> None:
    sim = venue()
    sim.on_bar(SPY.id, bar_ns(0), 50, 51, 49, 50)
    sim.submit(order(1, BUY, "1"))  # 50 USD < 100 USD
    sim.submit(order(2, BUY, "2.5"))  # lot is 1 share
    sim.submit(order(3, BUY, "5", OrderType.LIMIT, price="49.995"))
    first, second, third = sim.drain_events()
    assert isinstance(first, OrderRejected)
    assert "below min notional 100" in first.reason
    assert isinstance(second, OrderRejected)
    assert "lot size" in second.reason
    assert isinstance(third, OrderRejected)
    assert "tick" in third.reason


def test_commission_and_slippage_are_applied_per_market_class() -> None:
    fx_spread = CommissionSpec(CommissionModel.FX_SPREAD, spread=0.0002)
    sim = venue(
        slippage_bps=5.0,
        commission=CommissionSpec(CommissionModel.BPS, bps=10),
        commission_by_class={MarketClass.FOREX: fx_spread},
    )
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.on_bar(EURUSD.id, bar_ns(0), 1.1, 1.1, 1.1, 1.1)
    sim.submit(order(1, BUY, "10"))
    sim.submit(order(2, SELL, "100000", instrument=EURUSD.id))
    sim.drain_events()
    (spy,) = sim.on_bar(SPY.id, bar_ns(1), 100, 101, 99, 100)
    (eur,) = sim.on_bar(EURUSD.id, bar_ns(1), 1.1, 1.1, 1.1, 1.1)
    assert isinstance(spy, OrderFilled)
    assert isinstance(eur, OrderFilled)
    assert spy.last_price == Decimal("100.05")  # 5 bps worse, rounded against the buyer
    assert spy.commission == pytest.approx(Decimal("1.0005"))
    assert eur.last_price == Decimal("1.09945")
    assert eur.commission == pytest.approx(Decimal("10"))


def test_cancel_confirms_a_working_order_and_rejects_an_unknown_one() -> None:
    sim = venue()
    sim.submit(order(1, BUY, "5", OrderType.LIMIT, price="90.00"))
    sim.cancel(ClientOrderId("run-1"))
    sim.cancel(ClientOrderId("run-9"))
    accepted, canceled, refused = sim.drain_events()
    assert isinstance(accepted, OrderAccepted)
    assert isinstance(canceled, OrderCanceled)
    assert isinstance(refused, OrderCancelRejected)
    assert sim.open_orders() == []
    with pytest.raises(DomainError, match="duplicate"):
        sim.submit(order(1, BUY, "5"))


def test_events_drive_the_order_state_machine_to_filled() -> None:
    sim = venue()
    entry = order(1, BUY, "10")
    entry.apply(OrderSubmitted(client_order_id=entry.client_order_id, ts=T0))
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(entry)
    for event in sim.on_bar(SPY.id, bar_ns(1), 100, 101, 99, 100):
        entry.apply(event)
    assert entry.status is OrderStatus.FILLED
    assert entry.avg_px == Decimal("100.00")


def script() -> list[OrderEvent]:
    sim = venue(
        commission=CommissionSpec(CommissionModel.PER_SHARE, per_unit=0.005, min_per_order=1)
    )
    events: list[OrderEvent] = []
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    for k in range(1, 30):
        side = BUY if k % 2 else SELL
        sim.submit(order(k, side, "3", at=k))
        events += sim.on_bar(SPY.id, bar_ns(k), 100 + k % 3, 102 + k % 3, 98, 100)
    return events


def test_trade_ids_and_events_are_deterministic() -> None:
    first, second = script(), script()
    assert first == second
    ids = [str(e.trade_id) for e in first if isinstance(e, OrderFilled)]
    assert ids == [f"SIM-{n}" for n in range(1, 30)]
