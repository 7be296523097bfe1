from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tradewind.domain import (
    DomainError,
    Fill,
    Instrument,
    InstrumentId,
    MarketClass,
    OrderSide,
    Position,
    PositionSide,
)

from .factories import BTC, fill

BUY, SELL = OrderSide.BUY, OrderSide.SELL


def test_open_add_reduce_close() -> None:
    pos = Position(BTC)
    assert pos.apply(fill(BUY, "1", "100", "T1")) == 0
    pos.apply(fill(BUY, "3", "104", "T2"))
    assert (pos.quantity, pos.avg_open_price, pos.side) == (
        Decimal(4),
        Decimal(103),
        PositionSide.LONG,
    )
    assert pos.apply(fill(SELL, "1", "110", "T3")) == Decimal(7)
    assert (pos.quantity, pos.avg_open_price) == (Decimal(3), Decimal(103))
    assert pos.unrealized_pnl("105") == Decimal(6)
    assert pos.apply(fill(SELL, "3", "101", "T4")) == Decimal(-6)
    assert pos.is_flat
    assert pos.avg_open_price == 0
    assert pos.realized_pnl == Decimal(1)
    assert pos.unrealized_pnl(999) == 0


def test_short_position_profits_when_price_falls() -> None:
    pos = Position(BTC)
    pos.apply(fill(SELL, "2", "100", "T1"))
    assert pos.side is PositionSide.SHORT
    assert pos.unrealized_pnl("90") == Decimal(20)
    assert pos.notional("90") == Decimal(180)
    assert pos.market_value("90") == Decimal(-180)


def test_flip_realizes_the_closed_part_and_reopens_at_fill_price() -> None:
    pos = Position(BTC)
    pos.apply(fill(BUY, "2", "100", "T1"))
    assert pos.apply(fill(SELL, "5", "110", "T2")) == Decimal(20)
    assert (pos.quantity, pos.avg_open_price, pos.side) == (
        Decimal(-3),
        Decimal(110),
        PositionSide.SHORT,
    )
    assert pos.unrealized_pnl("100") == Decimal(30)


def test_multiplier_scales_pnl_and_notional() -> None:
    es = Instrument.for_symbol("ES", MarketClass.FUTURES, venue="CME", multiplier=50)
    pos = Position.for_instrument(es)
    pos.apply(fill(BUY, "2", "5000", "T1", instrument_id=es.id))
    assert pos.unrealized_pnl("5010.25") == Decimal("1025.00")
    assert pos.notional("5000") == Decimal(500_000)
    assert pos.apply(fill(SELL, "2", "4990", "T2", instrument_id=es.id)) == Decimal(-1000)


def test_commissions_are_totalled_separately() -> None:
    pos = Position(BTC)
    pos.apply(fill(BUY, "1", "100", "T1", commission="0.1"))
    pos.apply(fill(SELL, "1", "100", "T2", commission="0.1"))
    assert pos.realized_pnl == 0
    assert pos.commissions == {"": Decimal("0.2")}


def test_duplicate_and_foreign_fills_are_refused() -> None:
    pos = Position(BTC)
    pos.apply(fill(BUY, "1", "100", "T1"))
    with pytest.raises(DomainError, match=r"duplicate fill for position BTC-USD\.SIM: trade T1"):
        pos.apply(fill(BUY, "1", "100", "T1"))
    with pytest.raises(DomainError, match=r"for ETH-USD\.SIM to position in BTC-USD\.SIM"):
        pos.apply(fill(BUY, "1", "100", "T2", instrument_id=InstrumentId("ETH-USD", "SIM")))
    assert pos.quantity == 1


def test_invalid_multiplier_is_rejected() -> None:
    with pytest.raises(DomainError, match=r"invalid multiplier 0 for position BTC-USD\.SIM"):
        Position(BTC, 0)


# -- properties ----------------------------------------------------------------------

qtys = st.integers(1, 1_000).map(lambda n: Decimal(n) / 100)
prices = st.integers(1, 1_000_000).map(lambda n: Decimal(n) / 100)
multipliers = st.sampled_from([Decimal(1), Decimal(50), Decimal("0.1")])


@given(
    pieces_in=st.lists(qtys, min_size=1, max_size=5),
    cut=st.integers(0, 4),
    entry=prices,
    exit_=prices,
    multiplier=multipliers,
    side=st.sampled_from([BUY, SELL]),
)
def test_round_trip_realizes_price_difference_times_quantity(
    pieces_in: list[Decimal],
    cut: int,
    entry: Decimal,
    exit_: Decimal,
    multiplier: Decimal,
    side: OrderSide,
) -> None:
    pos = Position(BTC, multiplier)
    total = sum(pieces_in, Decimal(0))
    for i, q in enumerate(pieces_in):
        pos.apply(fill(side, q, entry, f"in{i}"))
    # Close in two pieces (or one) at the exit price.
    first = min(total, sum(pieces_in[:cut], Decimal(0)))
    realized = Decimal(0)
    for j, q in enumerate(p for p in (first, total - first) if p > 0):
        realized += pos.apply(fill(side.opposite, q, exit_, f"out{j}"))
    assert pos.is_flat
    expected = (exit_ - entry) * total * side.sign * multiplier
    assert realized == pos.realized_pnl == expected


@settings(max_examples=200)
@given(
    trades=st.lists(st.tuples(st.sampled_from([BUY, SELL]), qtys, prices), min_size=1, max_size=12),
    mark=prices,
)
def test_total_pnl_equals_cash_flow_plus_marked_holdings(
    trades: list[tuple[OrderSide, Decimal, Decimal]], mark: Decimal
) -> None:
    pos = Position(BTC)
    cash = Decimal(0)
    for i, (side, q, p) in enumerate(trades):
        fill_ = fill(side, q, p, f"T{i}")
        pos.apply(fill_)
        cash -= fill_.signed_quantity * p
        assert pos.avg_open_price >= 0
        assert (pos.avg_open_price == 0) == pos.is_flat
    expected = cash + pos.quantity * mark
    assert abs(pos.total_pnl(mark) - expected) <= Decimal("1e-12") * (1 + abs(expected))
    assert pos.quantity == sum((f_side.sign * q for f_side, q, _ in trades), Decimal(0))


def test_fill_from_order_event_and_signed_quantity() -> None:
    f: Fill = fill(SELL, "0.5", "100", "T1")
    assert f.signed_quantity == Decimal("-0.5")
    assert f.notional == Decimal(50)
