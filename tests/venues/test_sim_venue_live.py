"""The simulated venue's live-venue features: partial fills, cash, connection, time."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from tests.venues.orders import BUY, SELL, T0, bar_ns, fills, order

from tradewind.domain import (
    ClientOrderId,
    DomainError,
    Instrument,
    MarketClass,
    OrderCanceled,
    OrderEvent,
    OrderFilled,
    OrderType,
)
from tradewind.domain.order_events import OrderModifyRejected, OrderUpdated
from tradewind.domain.venue_errors import VenueDisconnectedError, VenueError
from tradewind.execution import CommissionModel
from tradewind.venues.sim import CommissionSpec, SimulatedVenue, SimVenueConfig

SPY = Instrument.for_symbol("SPY", MarketClass.EQUITIES)
ES = Instrument.for_symbol("ES", MarketClass.FUTURES, multiplier=50)


def venue(**config: object) -> SimulatedVenue:
    return SimulatedVenue([SPY, ES], SimVenueConfig(**config))  # type: ignore[arg-type]


def test_partial_fills_are_off_by_default_and_volume_then_changes_nothing() -> None:
    sim = venue()
    assert "partial_fills" not in sim.capabilities
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100, volume=1)
    sim.submit(order(1, BUY, "500"))
    sim.drain_events()
    events = sim.on_bar(SPY.id, bar_ns(1), 100, 101, 99, 100, volume=1)
    assert fills(events) == [("run-1", Decimal(500), Decimal("100.00"))]


def test_orders_share_a_bars_volume_and_the_rest_fills_on_later_bars() -> None:
    sim = venue(max_volume_share=0.1)
    assert "partial_fills" in sim.capabilities
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(order(1, BUY, "30"))
    sim.submit(order(2, BUY, "10"))
    sim.drain_events()
    first = sim.on_bar(SPY.id, bar_ns(1), 100, 101, 99, 100, volume=255)  # 25.5 -> 25
    assert fills(first) == [("run-1", Decimal(25), Decimal("100.00"))]
    second = sim.on_bar(SPY.id, bar_ns(2), 102, 103, 101, 102, volume=100)
    assert fills(second) == [
        ("run-1", Decimal(5), Decimal("102.00")),
        ("run-2", Decimal(5), Decimal("102.00")),
    ]
    assert fills(sim.on_bar(SPY.id, bar_ns(3), 103, 104, 102, 103)) == [
        ("run-2", Decimal(5), Decimal("103.00"))
    ]
    assert sim.open_orders() == []
    assert sim.positions()[0].quantity == 40


def test_a_bar_with_zero_volume_fills_nothing_under_a_volume_cap() -> None:
    sim = venue(max_volume_share=1.0)
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(order(1, BUY, "5"))
    sim.drain_events()
    assert sim.on_bar(SPY.id, bar_ns(1), 100, 101, 99, 100, volume=0) == []
    assert len(sim.open_orders()) == 1


def test_a_triggered_stop_fills_its_rest_at_the_next_open() -> None:
    sim = venue(max_volume_share=0.5)
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(order(1, SELL, "10", OrderType.STOP, trigger="98.00"))
    sim.drain_events()
    assert fills(sim.on_bar(SPY.id, bar_ns(1), 100, 100, 97, 97, volume=8)) == [
        ("run-1", Decimal(4), Decimal("98.00"))
    ]
    assert fills(sim.on_bar(SPY.id, bar_ns(2), 99, 99.5, 98.5, 99)) == [
        ("run-1", Decimal(6), Decimal("99.00"))  # the open, though above the trigger
    ]


def test_a_reduce_only_exit_stops_at_the_position_across_partial_fills() -> None:
    sim = venue(max_volume_share=0.5)
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(order(1, BUY, "6"))
    sim.on_bar(SPY.id, bar_ns(1), 100, 101, 99, 100)
    sim.submit(order(2, SELL, "10", reduce_only=True))
    sim.drain_events()
    assert fills(sim.on_bar(SPY.id, bar_ns(2), 100, 101, 99, 100, volume=8)) == [
        ("run-2", Decimal(4), Decimal("100.00"))
    ]
    events = sim.on_bar(SPY.id, bar_ns(3), 100, 101, 99, 100)
    assert fills(events) == [("run-2", Decimal(2), Decimal("100.00"))]
    (canceled,) = [e for e in events if isinstance(e, OrderCanceled)]
    assert "beyond the position" in canceled.reason
    assert sim.positions()[0].is_flat


def test_balances_move_by_notional_times_multiplier_and_by_commission() -> None:
    sim = venue(
        starting_balances={"USD": 100_000, "EUR": "5"},
        commission=CommissionSpec(CommissionModel.PER_SHARE, per_unit=1.5),
    )
    sim.on_bar(ES.id, bar_ns(0), 5000, 5000, 5000, 5000)
    sim.submit(order(1, BUY, "2", instrument=ES.id))
    sim.on_bar(ES.id, bar_ns(1), 5010, 5020, 5000, 5010)
    balances = {b.currency: b.total for b in sim.balances()}
    assert balances == {"EUR": Decimal(5), "USD": Decimal(100_000) - 2 * 5010 * 50 - 3}


def test_balances_start_empty_and_list_each_currency_a_fill_touched() -> None:
    sim = venue()
    assert sim.balances() == []
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(order(1, SELL, "3"))
    sim.on_bar(SPY.id, bar_ns(1), 100, 101, 99, 100)
    (usd,) = sim.balances()
    assert (usd.currency, usd.total) == ("USD", Decimal(300))


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("max_volume_share", 0.0, "max_volume_share 0.0: expected None or a fraction in"),
        ("max_volume_share", 1.5, "max_volume_share 1.5"),
        ("max_volume_share", math.nan, "max_volume_share nan"),
        ("max_volume_share", True, "max_volume_share True"),
        ("starting_balances", {"US D": 1}, "currency 'US D'"),
        ("starting_balances", {"USD": "lots"}, "starting_balances['USD']"),
        ("starting_balances", {"USD": math.inf}, "starting_balances['USD']"),
    ],
)
def test_bad_settings_are_refused_naming_the_setting(
    setting: str, value: object, expected: str
) -> None:
    with pytest.raises(DomainError, match=re.escape(expected)):
        SimVenueConfig(**{setting: value})  # type: ignore[arg-type]


def test_a_negative_bar_volume_is_refused_naming_the_instrument() -> None:
    with pytest.raises(DomainError, match=re.escape("invalid volume -1.0 for a bar of SPY.SIM")):
        venue().on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100, volume=-1)


def test_a_disconnected_sim_refuses_requests_but_keeps_working_orders() -> None:
    sim = venue()
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(order(1, BUY, "5"))
    sim.disconnect()
    with pytest.raises(VenueDisconnectedError, match=r"submit of order run-2 refused: venue SIM"):
        sim.submit(order(2, BUY, "5"))
    for request in (sim.open_orders, sim.positions, sim.balances, sim.cancel_all):
        with pytest.raises(VenueDisconnectedError, match="call connect"):
            request()
    events = sim.on_bar(SPY.id, bar_ns(1), 100, 101, 99, 100)
    assert fills(events) == [("run-1", Decimal(5), Decimal("100.00"))]
    sim.connect()
    assert [r.client_order_id for r in sim.order_status_reports()] == [ClientOrderId("run-1")]


def test_server_time_is_the_last_bar_instant_and_needs_a_bar() -> None:
    sim = venue()
    with pytest.raises(VenueError, match="no bar has been fed"):
        sim.server_time()
    sim.on_bar(SPY.id, bar_ns(2), 100, 101, 99, 100)
    sim.on_bar(ES.id, bar_ns(1), 5000, 5000, 5000, 5000)
    assert sim.server_time() == T0 + timedelta(hours=2)


def test_modify_changes_the_venues_terms_but_not_the_submitted_order() -> None:
    sim = venue()
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    submitted = order(1, BUY, "5", OrderType.LIMIT, price="90.00")
    sim.submit(submitted)
    sim.modify(submitted.client_order_id, quantity="8", price="95.00")
    sim.modify(submitted.client_order_id, trigger_price="94.00")
    sim.modify(ClientOrderId("run-9"), price="95.00")
    _, updated, no_trigger, unknown = sim.drain_events()
    assert isinstance(updated, OrderUpdated)
    assert (updated.quantity, updated.price) == (Decimal(8), Decimal("95.00"))
    assert isinstance(no_trigger, OrderModifyRejected)
    assert "expected no trigger_price" in no_trigger.reason
    assert isinstance(unknown, OrderModifyRejected)
    assert "not working" in unknown.reason
    assert (submitted.quantity, submitted.price) == (Decimal(5), Decimal("90.00"))
    assert fills(sim.on_bar(SPY.id, bar_ns(1), 97, 98, 94, 96)) == [
        ("run-1", Decimal(8), Decimal("95.00"))
    ]


def _scripted(split: bool) -> list[OrderEvent]:
    sim = venue(max_volume_share=0.5)
    events: list[OrderEvent] = []
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    for k in range(1, 12):
        side = BUY if k % 3 else SELL
        sim.submit(order(k, side, "4", OrderType.LIMIT, price=f"{99 + k % 3}.00"))
        sim.submit(order(100 + k, side.opposite, "3", OrderType.STOP, trigger=f"{97 + k % 5}.00"))
        prices = (100 + k % 2, 102, 97 + k % 4, 100)
        if split:
            events += sim.on_bar(SPY.id, bar_ns(k), *prices, volume=12, phase="open")
            events += sim.on_bar(SPY.id, bar_ns(k), *prices, volume=12, phase="rest")
        else:
            events += sim.on_bar(SPY.id, bar_ns(k), *prices, volume=12)
    return events


def test_a_bar_worked_in_an_open_and_a_rest_phase_fills_as_one_bar() -> None:
    whole = _scripted(split=False)
    assert len([e for e in whole if isinstance(e, OrderFilled)]) > 10
    assert _scripted(split=True) == whole


def test_a_stop_loss_placed_between_the_open_and_the_rest_works_on_the_rest_of_the_bar() -> None:
    sim = venue()
    sim.on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100)
    sim.submit(order(1, BUY, "10"))
    entry = sim.on_bar(SPY.id, bar_ns(1), 100, 101, 97, 98, phase="open")
    assert fills(entry) == [("run-1", Decimal(10), Decimal("100.00"))]
    sim.submit(order(2, SELL, "10", OrderType.STOP, trigger="98.00", reduce_only=True))
    sim.submit(order(3, SELL, "10", OrderType.LIMIT, price="100.50"))
    events = sim.drain_events() + sim.on_bar(SPY.id, bar_ns(1), 100, 101, 97, 98, phase="rest")
    assert fills(events) == [("run-2", Decimal(10), Decimal("98.00"))]  # run-3 waits a bar


def test_an_unknown_phase_is_refused_naming_the_choices() -> None:
    with pytest.raises(
        DomainError, match=re.escape("invalid phase 'close' for a bar of SPY.SIM: expected")
    ):
        venue().on_bar(SPY.id, bar_ns(0), 100, 101, 99, 100, phase="close")
