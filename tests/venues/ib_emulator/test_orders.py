"""Orders through ib_async: fills, statuses, cancels, modifications, rejections, hours."""

from __future__ import annotations

from datetime import UTC, datetime

from ib_async import IB, LimitOrder, MarketOrder, Order, StopOrder, Trade
from tests.venues.ib_emulator.rig import IbRig, ib_rig, wait_for

from tradewind.venues.emulation import OrderStatus


def _codes(ib: IB) -> list[int]:
    codes: list[int] = []
    ib.errorEvent += lambda _r, code, _m, _c: codes.append(code)
    return codes


def _place(rig: IbRig, ib: IB, order: Order, symbol: str = "AAPL") -> Trade:
    contract = rig.eurusd() if symbol == "EUR.USD" else rig.stock(symbol)
    [qualified] = ib.qualifyContracts(contract)
    return ib.placeOrder(qualified, order)


def test_a_market_order_fills_at_the_last_price_with_ib_commission() -> None:
    with ib_rig() as rig:
        ib = rig.connect(client_id=4)
        trade = _place(rig, ib, MarketOrder("BUY", 300, orderRef="tw-1"))
        assert wait_for(ib, lambda: trade.orderStatus.status == "Filled")
        assert wait_for(ib, lambda: trade.fills and trade.fills[0].commissionReport.execId != "")
        [fill] = trade.fills
        assert (fill.execution.shares, fill.execution.price, fill.execution.side) == (
            300,
            100,
            "BOT",
        )
        assert fill.execution.orderRef == "tw-1"
        assert fill.execution.clientId == 4
        assert fill.commissionReport.commission == 1.5  # 300 x USD 0.005
        assert trade.orderStatus.avgFillPrice == 100


def test_forex_commission_has_a_two_dollar_minimum() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        trade = _place(rig, ib, MarketOrder("SELL", 20_000), "EUR.USD")
        assert wait_for(
            ib, lambda: bool(trade.fills) and trade.fills[0].commissionReport.commission > 0
        )
        assert trade.fills[0].commissionReport.commission == 2.0
        assert trade.fills[0].execution.side == "SLD"


def test_a_limit_order_rests_then_fills_when_a_bar_trades_through_it() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        trade = _place(rig, ib, LimitOrder("BUY", 10, 98.5, tif="GTC"))
        assert wait_for(ib, lambda: trade.orderStatus.status == "Submitted")
        rig.bar("AAPL", 3, 99.5, 100, 98, 99)
        assert wait_for(ib, lambda: trade.orderStatus.status == "Filled")
        assert trade.fills[0].execution.price == 98.5


def test_a_stop_order_is_presubmitted_until_triggered() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        trade = _place(rig, ib, StopOrder("SELL", 10, 97, tif="GTC"))
        assert wait_for(ib, lambda: trade.orderStatus.status == "PreSubmitted")
        rig.bar("AAPL", 3, 99, 99.5, 96, 96.5)
        assert wait_for(ib, lambda: trade.orderStatus.status == "Filled")
        assert trade.fills[0].execution.price == 97


def test_cancel_reports_cancelled_and_error_202() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        codes = _codes(ib)
        trade = _place(rig, ib, LimitOrder("BUY", 10, 90))
        assert wait_for(ib, lambda: trade.orderStatus.status == "Submitted")
        ib.cancelOrder(trade.order)
        assert wait_for(ib, lambda: trade.orderStatus.status == "Cancelled")
        assert wait_for(ib, lambda: 202 in codes)
        assert rig.market.orders("DU0000001")[-1].status is OrderStatus.CANCELED


def test_cancel_of_an_unknown_order_gets_10147() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        codes = _codes(ib)
        ib.client.cancelOrder(4242)
        assert wait_for(ib, lambda: codes == [10147])


def test_global_cancel_cancels_every_client_s_orders() -> None:
    with ib_rig() as rig:
        first, second = rig.connect(client_id=1), rig.connect(client_id=2)
        mine = _place(rig, first, LimitOrder("BUY", 10, 90, tif="GTC"))
        theirs = _place(rig, second, LimitOrder("SELL", 10, 120, tif="GTC"))
        assert wait_for(second, lambda: theirs.orderStatus.status == "Submitted")
        first.reqGlobalCancel()
        assert wait_for(first, lambda: mine.orderStatus.status == "Cancelled")
        assert wait_for(second, lambda: theirs.orderStatus.status == "Cancelled")


def test_an_order_for_an_unknown_symbol_gets_error_200() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        codes = _codes(ib)
        contract = rig.stock("NOPE")
        contract.conId = 1
        trade = ib.placeOrder(contract, MarketOrder("BUY", 1))
        assert wait_for(ib, lambda: codes == [200])
        assert trade.orderStatus.status == "Cancelled"


def test_an_unsupported_order_type_is_rejected_with_the_reason() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        trade = _place(rig, ib, Order(action="BUY", totalQuantity=1, orderType="MOC"))
        assert wait_for(ib, lambda: trade.orderStatus.status == "Cancelled")
        assert trade.log[-1].errorCode == 201
        assert "MOC" in trade.log[-1].message


def test_an_order_beyond_the_margin_is_rejected() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        trade = _place(rig, ib, MarketOrder("BUY", 100_000))  # USD 10 M > 4 x 1 M
        assert wait_for(ib, lambda: trade.orderStatus.status == "Cancelled")
        assert trade.log[-1].errorCode == 201


def test_an_ioc_limit_that_cannot_fill_is_cancelled() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        trade = _place(rig, ib, LimitOrder("BUY", 10, 90, tif="IOC"))
        assert wait_for(ib, lambda: trade.orderStatus.status == "Cancelled")


def test_resending_a_working_order_id_modifies_it() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        trade = _place(rig, ib, LimitOrder("BUY", 10, 90, tif="GTC"))
        assert wait_for(ib, lambda: trade.orderStatus.status == "Submitted")
        trade.order.lmtPrice = 99.5
        ib.placeOrder(trade.contract, trade.order)
        assert wait_for(ib, lambda: len(rig.market.orders("DU0000001")) == 2)
        rig.bar("AAPL", 3, 100, 100.5, 99, 99.8)
        assert wait_for(ib, lambda: trade.orderStatus.status == "Filled")
        assert trade.fills[0].execution.price == 99.5


def test_a_market_order_while_closed_queues_until_the_open() -> None:
    with ib_rig() as rig:
        evening = int(datetime(2012, 1, 3, 22, 0, tzinfo=UTC).timestamp() * 1000)
        rig.market.advance_clock(evening)
        ib = rig.connect()
        trade = _place(rig, ib, MarketOrder("BUY", 10))
        assert wait_for(ib, lambda: trade.orderStatus.status == "PreSubmitted")
        next_open = int(datetime(2012, 1, 4, 14, 30, tzinfo=UTC).timestamp() * 1000)
        rig.market.trade_bar("AAPL", next_open, 103, 104, 102, 103.5, 100_000)
        assert wait_for(ib, lambda: trade.orderStatus.status == "Filled")
        assert trade.fills[0].execution.price == 103


def test_a_day_order_expires_at_the_session_close() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        trade = _place(rig, ib, LimitOrder("BUY", 10, 50, tif="DAY"))
        assert wait_for(ib, lambda: trade.orderStatus.status == "Submitted")
        last_bar = int(datetime(2012, 1, 3, 20, 59, tzinfo=UTC).timestamp() * 1000)
        rig.market.trade_bar("AAPL", last_bar, 100, 101, 99, 100, 100_000)
        rig.market.trade_bar("AAPL", last_bar + 17 * 3_600_000 + 60_000 * 31, 100, 101, 99, 100, 1)
        assert wait_for(ib, lambda: trade.orderStatus.status == "Cancelled")
