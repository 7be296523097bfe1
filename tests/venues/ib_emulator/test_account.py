"""Executions, positions, account values, open and completed orders through ib_async."""

from __future__ import annotations

from ib_async import IB, ExecutionFilter, LimitOrder, MarketOrder
from tests.venues.ib_emulator.rig import ib_rig, wait_for


def _values(ib: IB) -> dict[str, float]:
    usd = [v for v in ib.accountValues() if v.currency == "USD" and v.tag != "Currency"]
    return {v.tag: float(v.value) for v in usd}


def test_executions_are_listed_with_their_filter() -> None:
    with ib_rig() as rig:
        ib = rig.connect(client_id=2)
        [aapl, pair] = ib.qualifyContracts(rig.stock(), rig.eurusd())
        first = ib.placeOrder(aapl, MarketOrder("BUY", 10, orderRef="a"))
        second = ib.placeOrder(pair, MarketOrder("SELL", 25_000, orderRef="b"))
        assert wait_for(ib, lambda: first.isDone() and second.isDone())
        fills = ib.reqExecutions()
        assert sorted(f.execution.orderRef for f in fills) == ["a", "b"]
        only_sells = ib.reqExecutions(ExecutionFilter(side="SELL"))
        assert [f.execution.orderRef for f in only_sells] == ["b"]
        other_client = ib.reqExecutions(ExecutionFilter(clientId=99))
        assert other_client == []


def test_positions_follow_the_fills() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        [aapl] = ib.qualifyContracts(rig.stock())
        ib.placeOrder(aapl, MarketOrder("BUY", 30))
        assert wait_for(ib, lambda: [p.position for p in ib.positions()] == [30])
        ib.placeOrder(aapl, MarketOrder("SELL", 50))
        assert wait_for(ib, lambda: [p.position for p in ib.positions()] == [-20])
        [position] = ib.reqPositions()
        assert (position.contract.conId, position.position, position.avgCost) == (265598, -20, 100)


def test_account_values_mark_the_portfolio_and_charge_commission() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        assert _values(ib)["NetLiquidation"] == 1_000_000
        [aapl] = ib.qualifyContracts(rig.stock())
        trade = ib.placeOrder(aapl, MarketOrder("BUY", 1000))
        assert wait_for(ib, lambda: trade.isDone())
        assert wait_for(ib, lambda: _values(ib)["TotalCashValue"] == 1_000_000 - 100_000 - 5)
        rig.bar("AAPL", 3, 100, 111, 99, 110)
        assert wait_for(ib, lambda: _values(ib).get("UnrealizedPnL") == 10_000)
        values = _values(ib)
        assert values["NetLiquidation"] == 1_000_000 - 5 + 10_000
        assert values["GrossPositionValue"] == 110_000
        assert values["BuyingPower"] == 4 * values["NetLiquidation"] - 110_000
        [item] = ib.portfolio()
        assert (item.position, item.marketPrice, item.averageCost) == (1000, 110, 100)


def test_account_summary_answers_the_requested_tags() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        summary = {v.tag: v.value for v in ib.accountSummary()}
        assert summary["NetLiquidation"] == "1000000.00"
        assert summary["AccountType"] == "INDIVIDUAL"


def test_a_reconnecting_client_finds_its_open_orders() -> None:
    with ib_rig() as rig:
        ib = rig.connect(client_id=6)
        [aapl] = ib.qualifyContracts(rig.stock())
        trade = ib.placeOrder(aapl, LimitOrder("BUY", 10, 90, tif="GTC", orderRef="keep"))
        assert wait_for(ib, lambda: trade.orderStatus.status == "Submitted")
        rig.disconnect(ib)
        again = rig.connect(client_id=6)
        [found] = again.openTrades()
        assert (found.order.orderId, found.order.orderRef) == (trade.order.orderId, "keep")
        assert again.client.getReqId() > trade.order.orderId


def test_all_open_orders_include_other_clients() -> None:
    with ib_rig() as rig:
        owner, observer = rig.connect(client_id=1), rig.connect(client_id=2)
        [aapl] = owner.qualifyContracts(rig.stock())
        trade = owner.placeOrder(aapl, LimitOrder("SELL", 10, 120, orderRef="x"))
        assert wait_for(owner, lambda: trade.orderStatus.status == "Submitted")
        assert observer.reqOpenOrders() == []
        [seen] = observer.reqAllOpenOrders()
        assert (seen.order.clientId, seen.order.orderRef) == (1, "x")


def test_completed_orders_list_filled_and_cancelled_orders() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        [aapl] = ib.qualifyContracts(rig.stock())
        filled = ib.placeOrder(aapl, MarketOrder("BUY", 1, orderRef="f"))
        resting = ib.placeOrder(aapl, LimitOrder("BUY", 1, 50, orderRef="c"))
        assert wait_for(ib, lambda: filled.isDone() and resting.orderStatus.status == "Submitted")
        ib.cancelOrder(resting.order)
        assert wait_for(ib, lambda: resting.isDone())
        done = {t.order.orderRef: t.orderStatus.status for t in ib.reqCompletedOrders(False)}
        assert done == {"f": "Filled", "c": "Cancelled"}


def test_pnl_reports_realized_and_unrealized() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        [aapl] = ib.qualifyContracts(rig.stock())
        buy = ib.placeOrder(aapl, MarketOrder("BUY", 10))
        assert wait_for(ib, lambda: buy.isDone())
        rig.bar("AAPL", 3, 100, 103, 99, 102)
        sell = ib.placeOrder(aapl, MarketOrder("SELL", 5))
        assert wait_for(ib, lambda: sell.isDone())
        pnl = ib.reqPnL("DU0000001")
        assert wait_for(ib, lambda: pnl.realizedPnL == 10 and pnl.unrealizedPnL == 10)
