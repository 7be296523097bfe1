"""The emulator's messages decode field for field with ib_async's own Decoder (v178)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ib_async.decoder import Decoder
from tests.venues.ib_emulator.rig import make_market

from tradewind.venues.emulation import (
    NewOrder,
    OrderType,
    Side,
    TimeInForce,
)
from tradewind.venues.ib.emulator.contracts import contract_details_fields, contracts_for
from tradewind.venues.ib.emulator.messages import (
    OrderView,
    completed_order,
    open_order,
)
from tradewind.venues.ib.emulator.orders import IbIdentity, parse_place_order
from tradewind.venues.ib.emulator.wire import encode_message, format_field


class _Recorder:
    """A wrapper stand-in recording what the decoder calls."""

    def __init__(self) -> None:
        self.calls: dict[str, tuple[Any, ...]] = {}

    def __getattr__(self, name: str) -> Any:
        return lambda *args: self.calls.__setitem__(name, args)


def _decode(fields: list[object]) -> dict[str, tuple[Any, ...]]:
    recorder = _Recorder()
    Decoder(recorder, 178).interpret([format_field(f) for f in fields])  # type: ignore[arg-type]
    return recorder.calls


def _view(status: str = "Submitted") -> OrderView:
    market = make_market()
    market.add_account("DU0000001")
    market.set_last_price("AAPL", Decimal(100))
    new = NewOrder("AAPL", Side.SELL, OrderType.STOP_LIMIT, Decimal(7), Decimal("95.5"),
                   Decimal(96), TimeInForce.GTC, "ib/3/41/my-ref")  # fmt: skip
    order = market.place_order("DU0000001", new).order
    contract = contracts_for(market.symbols)["AAPL"]
    return OrderView(order, contract, IbIdentity(3, 41, "my-ref"), "DU0000001", status)


def test_open_order_fields_line_up_to_the_last_one() -> None:
    _, contract, order, state = _decode(open_order(_view()))["openOrder"]
    assert (order.orderId, order.clientId, order.permId, order.orderRef) == (41, 3, 1, "my-ref")
    assert (order.action, order.totalQuantity, order.orderType) == ("SELL", 7, "STP LMT")
    assert (order.lmtPrice, order.auxPrice, order.tif) == (95.5, 96, "GTC")
    assert (state.status, state.commissionCurrency) == ("Submitted", "USD")
    assert contract.conId == 265598


def test_completed_order_fields_line_up_to_the_last_one() -> None:
    _, order, state = _decode(completed_order(_view("Cancelled"), 1_325_601_180_000))[
        "completedOrder"
    ]
    assert (order.permId, order.orderRef, order.filledQuantity) == (1, "my-ref", 0)
    assert (state.status, state.completedStatus) == ("Cancelled", "Cancelled by Trader")
    assert state.completedTime == "20120103 14:33:00 UTC"


def test_contract_details_fields_line_up() -> None:
    contract = contracts_for(make_market().symbols)["EUR.USD"]
    req_id, details = _decode(contract_details_fields(5, contract))["contractDetails"]
    assert (req_id, details.contract.localSymbol, details.minTick) == (5, "EUR.USD", 0.00005)
    assert (details.minSize, details.sizeIncrement) == (1, 1)


def test_a_message_is_length_prefixed_and_nul_terminated() -> None:
    assert encode_message([49, 1, Decimal("1.50")]) == b"\x00\x00\x00\x0949\x001\x001.5\x00"


def test_place_order_is_read_as_ib_async_writes_it() -> None:
    from ib_async import Client, LimitOrder, Stock

    sent: list[str] = []
    client = Client(_Recorder())  # type: ignore[arg-type]
    client._serverVersion = 178
    client.connState = Client.CONNECTED
    client.sendMsg = sent.append  # type: ignore[method-assign]
    order = LimitOrder("BUY", 12, 99.25, tif="IOC", orderRef="ref-1", outsideRth=True)
    client.placeOrder(8, Stock("AAPL", "SMART", "USD"), order)
    request = parse_place_order(sent[0].split("\0")[:-1])
    assert (request.order_id, request.action, request.total_quantity) == (8, "BUY", 12)
    assert (request.lmt_price, request.tif, request.order_ref) == (Decimal("99.25"), "IOC", "ref-1")
    assert request.outside_rth
    assert request.transmit
    assert not request.what_if
    order.whatIf = True
    client.placeOrder(9, Stock("AAPL", "SMART", "USD"), order)
    assert parse_place_order(sent[1].split("\0")[:-1]).what_if
