"""The adapter over ib_async against the TWS emulator on 127.0.0.1: the connection and
its refusals, bars, candles, and a restarted adapter taking over its orders."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tradewind.domain.identifiers import ClientOrderId, StrategyId
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderStatus, OrderType
from tradewind.domain.order_events import OrderAccepted, OrderCanceled, OrderSubmitted
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.timestamps import instant_from_ns
from tradewind.domain.venue_reports import ConnectionStatus
from tradewind.venues.emulation import EmulatedMarket
from tradewind.venues.ib import (
    ErrorKind,
    IbCandles,
    IbMarketData,
    IbSession,
    IbVenue,
    IbVenueConfig,
    IbVenueError,
)
from tradewind.venues.ib.emulator import BUNDLED, MARKET_SPEC, IbEmulatorServer, build_emulator

T0_MS = 1_709_562_600_000  # Monday 2024-03-04 09:30 New York
MINUTE_MS = 60_000
SYMBOLS = ("AAPL", "MSFT")


@pytest.fixture
def market() -> EmulatedMarket:
    market = EmulatedMarket(
        {s: BUNDLED[s].spec for s in SYMBOLS},
        MARKET_SPEC,
        hours={s: BUNDLED[s].hours for s in SYMBOLS},
    )
    for minute in range(6):
        for symbol in SYMBOLS:
            price = 100 + minute
            market.trade_bar(symbol, T0_MS + minute * MINUTE_MS, price, price + 1, price - 1,
                             price, 1_000)  # fmt: skip
    return market


@pytest.fixture
def server(market: EmulatedMarket) -> Iterator[IbEmulatorServer]:
    server = build_emulator(market, {})
    server.start()
    yield server
    server.stop()


def _config(
    server: IbEmulatorServer, client_id: int = 1, symbols: tuple[str, ...] = SYMBOLS
) -> IbVenueConfig:
    return IbVenueConfig(symbols=symbols, endpoint=f"tws://127.0.0.1:{server.port}",
                         client_id=client_id, timeout_ms=1_000)  # fmt: skip


def _connection(session: IbSession) -> ConnectionStatus:
    return session.status.connection


def test_a_session_loads_the_contracts_account_and_clock(server: IbEmulatorServer) -> None:
    session = IbSession(_config(server))
    session.connect()
    try:
        assert session.status.connection is ConnectionStatus.CONNECTED
        assert session.account == server.account
        assert session.instruments is not None
        aapl = session.instruments.by_symbol("AAPL")
        assert aapl is not None
        assert (aapl.price_tick, aapl.lot_size) == (Decimal("0.01"), Decimal(1))
        assert session.server_time() == datetime(2024, 3, 4, 14, 36, tzinfo=UTC)
    finally:
        session.disconnect()
    assert _connection(session) is ConnectionStatus.DISCONNECTED


def test_a_client_id_in_use_is_refused_and_not_retryable(server: IbEmulatorServer) -> None:
    first = IbSession(_config(server))
    first.connect()
    second = IbSession(_config(server))
    try:
        with pytest.raises(IbVenueError, match="client id is already in use") as refused:
            second.connect()
        assert refused.value.kind is ErrorKind.CLIENT_ID_IN_USE
        assert not refused.value.retryable
        assert second.status.connection is ConnectionStatus.DISCONNECTED
        assert "326" in second.status.reason
    finally:
        first.disconnect()


def test_tws_not_listening_is_a_retryable_refusal() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    session = IbSession(IbVenueConfig(symbols=("AAPL",), port=port, timeout_ms=500))
    with pytest.raises(IbVenueError) as refused:
        session.connect()
    assert refused.value.retryable
    assert refused.value.kind is ErrorKind.UNREACHABLE
    assert session.status.connection is ConnectionStatus.DISCONNECTED


def test_a_symbol_tws_does_not_know_is_refused(server: IbEmulatorServer) -> None:
    session = IbSession(_config(server, symbols=("AAPL", "ZZZZ")))
    with pytest.raises(IbVenueError, match="ZZZZ") as refused:
        session.connect()
    assert not refused.value.retryable
    assert refused.value.kind is ErrorKind.UNKNOWN_CONTRACT


def test_bars_are_the_closed_ones_and_polling_gives_each_once(server: IbEmulatorServer) -> None:
    data = IbMarketData(_config(server))
    data.connect()
    try:
        aapl = data.instruments()[0]
        one_minute = Timeframe.parse("1m")
        start = datetime(2024, 3, 4, 14, 30, tzinfo=UTC)
        history = data.history(aapl, one_minute, start)
        assert list(history["open"]) == [100.0, 101.0, 102.0, 103.0, 104.0, 105.0]
        assert history["close_time"].max() <= data.venue_now()
        since = history.loc[3, "close_time"].to_pydatetime()
        later = data.closed_bars(aapl, one_minute, since)
        assert list(later["open"]) == [104.0, 105.0]
    finally:
        data.disconnect()


def test_candles_page_from_an_instant(server: IbEmulatorServer) -> None:
    candles = IbCandles(_config(server, client_id=9))
    try:
        assert set(candles.spot_markets()) == set(SYMBOLS)
        rows = candles.fetch_ohlcv("AAPL", "1m", T0_MS + 2 * MINUTE_MS, 2)
        assert [row[0] for row in rows] == [T0_MS + 2 * MINUTE_MS, T0_MS + 3 * MINUTE_MS]
        assert rows[0][1:5] == [102.0, 103.0, 101.0, 102.0]
        assert candles.venue_time_ms() == T0_MS + 6 * MINUTE_MS
    finally:
        candles.close()


def _limit(venue: IbVenue, market: EmulatedMarket, name: str) -> Order:
    instruments = venue.session.instruments
    assert instruments is not None
    order = Order(
        client_order_id=ClientOrderId(name), strategy_id=StrategyId("s"),
        instrument_id=instruments.all[0].id, side=OrderSide.BUY, order_type=OrderType.LIMIT,
        quantity=Decimal(2), price=Decimal("50"),
        created_at=instant_from_ns(market.now_ms * 1_000_000),
    )  # fmt: skip
    order.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=order.created_at))
    return order


def test_a_restarted_adapter_takes_over_and_cancels_the_orders_it_finds(
    server: IbEmulatorServer, market: EmulatedMarket
) -> None:
    first = IbVenue(_config(server))
    first.connect()
    order = _limit(first, market, "before-restart")
    first.submit(order)
    assert [type(e) for e in first.drain_events()] == [OrderAccepted]
    first.disconnect()
    second = IbVenue(_config(server))
    second.connect()
    try:
        assert [o.client_order_id for o in second.open_orders()] == [order.client_order_id]
        assert second.drain_events() == []
        second.cancel(order.client_order_id)
        (canceled,) = second.drain_events()
        assert isinstance(canceled, OrderCanceled)
        (report,) = second.order_status_reports()
        assert report.status is OrderStatus.CANCELED
    finally:
        second.disconnect()


def test_a_dropped_connection_is_reopened_by_the_next_request(
    server: IbEmulatorServer, market: EmulatedMarket
) -> None:
    venue = IbVenue(_config(server))
    venue.connect()
    try:
        venue.session.client.call(lambda ib: ib.disconnect(), 1.0)  # the socket goes away
        assert venue.server_time() == instant_from_ns(market.now_ms * 1_000_000)
        assert venue.status.connection is ConnectionStatus.CONNECTED
    finally:
        venue.disconnect()
