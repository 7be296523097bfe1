"""FaultSpec kinds applied per TWS request message, armed by message name."""

from __future__ import annotations

import contextlib
import time

from ib_async import IB, MarketOrder, Trade
from tests.venues.ib_emulator.rig import MINUTE_MS, T0_MS, IbRig, ib_rig, wait_for

from tradewind.venues.emulation import FaultSpec

ACCOUNT = "DU0000001"


def _buy(rig: IbRig, ib: IB, qty: int = 10) -> Trade:
    [aapl] = ib.qualifyContracts(rig.stock())
    return ib.placeOrder(aapl, MarketOrder("BUY", qty))


def _codes(ib: IB) -> list[int]:
    codes: list[int] = []
    ib.errorEvent += lambda _r, code, _m, _c: codes.append(code)
    return codes


def test_drop_closes_the_connection_without_placing_the_order() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        rig.faults.arm("drop", path_prefix="placeOrder")
        with contextlib.suppress(ConnectionError):
            _buy(rig, ib)
            wait_for(ib, lambda: not ib.isConnected())
        assert not ib.isConnected()
        assert rig.market.orders(ACCOUNT) == []


def test_reject_refuses_the_order_with_error_201() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        rig.faults.arm("reject", path_prefix="placeOrder")
        trade = _buy(rig, ib)
        assert wait_for(ib, lambda: trade.orderStatus.status == "Cancelled")
        assert trade.log[-1].errorCode == 201
        assert rig.market.orders(ACCOUNT) == []


def test_timeout_places_the_order_but_never_answers() -> None:
    with ib_rig() as rig:
        ib = rig.connect(client_id=1)
        rig.faults.arm("timeout", path_prefix="placeOrder")
        trade = _buy(rig, ib)
        assert wait_for(ib, lambda: len(rig.market.orders(ACCOUNT)) == 1)
        ib.sleep(0.3)
        assert trade.orderStatus.status == "PendingSubmit"
        observer = rig.connect(client_id=2)
        [fill] = observer.reqExecutions()
        assert fill.execution.orderId == trade.order.orderId


def test_duplicate_ack_sends_the_order_status_twice() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        statuses: list[str] = []
        original = ib.wrapper.orderStatus

        def counting(order_id: int, status: str, *args: object) -> None:
            statuses.append(status)
            original(order_id, status, *args)

        ib.wrapper.orderStatus = counting  # type: ignore[method-assign]
        rig.faults.arm("duplicate_ack", path_prefix="placeOrder")
        trade = _buy(rig, ib)
        assert wait_for(ib, lambda: trade.orderStatus.status == "Filled")
        assert statuses == ["Submitted", "Submitted", "Filled"]


def test_rate_limit_and_server_faults_answer_errors_100_and_1100() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        codes = _codes(ib)
        rig.faults.arm("http429", path_prefix="reqContractDetails")
        assert ib.reqContractDetails(rig.stock()) == []
        rig.faults.arm("http5xx", path_prefix="placeOrder")
        trade = _buy(rig, ib)
        assert wait_for(ib, lambda: trade.orderStatus.status == "Cancelled")
        assert wait_for(ib, lambda: codes == [100, 1100])
        assert rig.market.orders(ACCOUNT) == []


def test_latency_delays_every_answer() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        rig.faults.spec = FaultSpec(latency_ms=300)
        started = time.monotonic()
        ib.reqCurrentTime()
        assert time.monotonic() - started >= 0.3


def test_skew_moves_the_current_time_back() -> None:
    with ib_rig(seed_bars=3) as rig:
        ib = rig.connect()
        rig.faults.arm("skew", path_prefix="reqCurrentTime")
        skewed = ib.reqCurrentTime()
        assert int(skewed.timestamp() * 1000) == T0_MS + 3 * MINUTE_MS - 3000


def test_served_counts_requests_by_message_name() -> None:
    with ib_rig() as rig:
        ib = rig.connect()
        before = rig.server.served().get("reqCurrentTime", 0)
        ib.reqCurrentTime()
        ib.reqCurrentTime()
        assert rig.server.served()["reqCurrentTime"] == before + 2
        assert rig.server.requests["reqPositions"] >= 1
