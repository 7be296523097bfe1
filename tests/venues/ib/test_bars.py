"""TWS historical bars as normalized frames, and account values and positions as
reports (ib_async record types, no network)."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import pandas as pd
import pytest
from ib_async import AccountValue, BarData, Position, Stock

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import Venue
from tradewind.domain.instrument import Instrument
from tradewind.domain.market import MarketClass
from tradewind.domain.timeframe import Timeframe
from tradewind.venues.ib.bars import bar_size_of, duration_text, frame_of, rows_of
from tradewind.venues.ib.instruments import IbInstruments
from tradewind.venues.ib.reports import balances_of, positions_of


def test_intraday_bars_close_one_bar_after_they_open() -> None:
    bar = BarData(date=datetime(2024, 3, 4, 14, 30, tzinfo=UTC), open=1, high=2, low=0.5,
                  close=1.5, volume=10)  # fmt: skip
    frame = frame_of(rows_of([bar], Timeframe.parse("1h"), MarketClass.EQUITIES))
    assert list(frame.columns) == [
        "timestamp",
        "close_time",
        "open",
        "high",
        "low",
        "close",
        "volume",
    ]
    assert frame.loc[0, "close_time"] == pd.Timestamp("2024-03-04 15:30", tz="UTC")
    assert str(frame["timestamp"].dtype) == "datetime64[ns, UTC]"


def test_daily_bars_close_at_the_session_close_in_new_york() -> None:
    winter = BarData(date=date(2024, 3, 8), open=1, high=1, low=1, close=1, volume=5)
    summer = BarData(date=date(2024, 3, 11), open=1, high=1, low=1, close=1, volume=-1)
    frame = frame_of(rows_of([summer, winter], Timeframe.parse("1d"), MarketClass.EQUITIES))
    assert list(frame["timestamp"]) == [pd.Timestamp("2024-03-08", tz="UTC"),
                                        pd.Timestamp("2024-03-11", tz="UTC")]  # fmt: skip
    assert list(frame["close_time"]) == [pd.Timestamp("2024-03-08 21:00", tz="UTC"),
                                         pd.Timestamp("2024-03-11 20:00", tz="UTC")]  # fmt: skip
    assert math.isnan(frame.loc[1, "volume"])
    forex = rows_of([winter], Timeframe.parse("1d"), MarketClass.FOREX)
    assert forex[0][1] - forex[0][0] == 22 * 3_600_000


def test_bar_sizes_and_durations_in_twss_words() -> None:
    assert bar_size_of(Timeframe.parse("1h")) == "1 hour"
    with pytest.raises(DomainError, match="not served by IB"):
        bar_size_of(Timeframe.parse("1w"))
    assert (duration_text(3_600), duration_text(86_401), duration_text(400 * 86_400)) == (
        "3600 S", "2 D", "2 Y",
    )  # fmt: skip


def _instruments() -> IbInstruments:
    aapl = Instrument.for_symbol("AAPL", "equities", venue="IB")
    return IbInstruments([("AAPL", aapl, Stock("AAPL", "SMART", "USD"))])


def test_positions_are_twss_for_the_traded_contracts_of_the_account() -> None:
    rows = [
        Position("DU1", Stock("AAPL", "SMART", "USD"), -5.0, 101.25),
        Position("DU2", Stock("AAPL", "SMART", "USD"), 9.0, 1.0),
        Position("DU1", Stock("IBM", "SMART", "USD"), 3.0, 1.0),
    ]
    (report,) = positions_of(rows, _instruments(), Venue("IB"), "DU1")
    assert (report.quantity, report.avg_open_price) == (Decimal("-5.0"), Decimal("101.25"))


def test_cash_is_the_cash_balance_per_currency() -> None:
    values = [
        AccountValue("DU1", "CashBalance", "999699.00", "USD", ""),
        AccountValue("DU1", "CashBalance", "999699.00", "BASE", ""),
        AccountValue("DU1", "NetLiquidation", "1000000", "USD", ""),
        AccountValue("DU1", "CashBalance", "-20.5", "EUR", ""),
    ]
    assert [(b.currency, b.total) for b in balances_of(values)] == [
        ("EUR", Decimal("-20.5")), ("USD", Decimal("999699.00")),
    ]  # fmt: skip
    only_total = [AccountValue("DU1", "TotalCashValue", "5", "USD", "")]
    assert [(b.currency, b.total) for b in balances_of(only_total)] == [("USD", Decimal("5"))]
