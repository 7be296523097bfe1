"""`history.avg_open_price`: the price of the spot holding a run of fills leaves open."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tradewind.domain.identifiers import ClientOrderId, InstrumentId, TradeId, Venue
from tradewind.domain.instrument import Instrument
from tradewind.domain.order_enums import OrderSide
from tradewind.domain.venue_reports import FillReport
from tradewind.venues.ccxt.history import avg_open_price

BUY, SELL = OrderSide.BUY, OrderSide.SELL
_T0 = datetime(2024, 3, 4, 14, 30, tzinfo=UTC)
_BTC = InstrumentId("BTC-USDT", "BINANCE")
_ETH = InstrumentId("ETH-USDT", "BINANCE")


def _instrument(instrument_id: InstrumentId) -> Instrument:
    return Instrument.for_symbol(
        instrument_id.symbol, "crypto", venue=instrument_id.venue, lot_size="0.001"
    )


def _fills(
    *rows: tuple[OrderSide, str, str], instrument_id: InstrumentId = _BTC
) -> list[FillReport]:
    return [
        FillReport(
            venue=Venue("BINANCE"),
            client_order_id=ClientOrderId(f"o-{n}"),
            venue_order_id=None,
            trade_id=TradeId(f"{instrument_id.symbol}-{n}"),
            instrument_id=instrument_id,
            side=side,
            last_qty=Decimal(qty),
            last_price=Decimal(price),
            ts=_T0 + timedelta(minutes=n),
        )
        for n, (side, qty, price) in enumerate(rows)
    ]


def test_buys_are_averaged_by_quantity() -> None:
    fills = _fills((BUY, "3", "100"), (BUY, "1", "110"))
    assert avg_open_price(_instrument(_BTC), fills) == Decimal("102.5")


def test_a_partial_sale_keeps_the_average_of_what_is_left() -> None:
    fills = _fills((BUY, "3", "100"), (BUY, "1", "110"), (SELL, "2", "130"))
    assert avg_open_price(_instrument(_BTC), fills) == Decimal("102.5")


def test_a_sale_of_more_than_the_fills_bought_leaves_nothing_priced_then_buys_start_afresh() -> (
    None
):
    instrument = _instrument(_BTC)
    sold_older_holdings = _fills((BUY, "1", "100"), (SELL, "3", "120"))
    assert avg_open_price(instrument, sold_older_holdings) == Decimal(0)
    bought_again = _fills((BUY, "1", "100"), (SELL, "3", "120"), (BUY, "2", "90"))
    assert avg_open_price(instrument, bought_again) == Decimal(90)


def test_fills_of_other_instruments_are_ignored() -> None:
    fills = _fills((BUY, "1", "100")) + _fills((BUY, "1", "3000"), instrument_id=_ETH)
    assert avg_open_price(_instrument(_BTC), fills) == Decimal(100)
    assert avg_open_price(_instrument(_BTC), []) == Decimal(0)
