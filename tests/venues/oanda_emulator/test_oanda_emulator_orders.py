"""Order lifecycle: market fills, limits rest and fill by bar, cancel, replace, refusals."""

from __future__ import annotations

from decimal import Decimal

from .rig import HOUR_MS, T0_MS, Rig, forex_market, rig, trade_hours


def test_market_order_fills_at_once_and_opens_a_trade(emu: Rig) -> None:
    answer = emu.order(
        type="MARKET", instrument="EUR_USD", units="10000", clientExtensions={"id": "m-1"}
    )
    assert answer.status_code == 201
    body = answer.json()
    create, fill = body["orderCreateTransaction"], body["orderFillTransaction"]
    assert create["type"] == "MARKET_ORDER"
    assert create["timeInForce"] == "FOK"
    assert fill["type"] == "ORDER_FILL"
    assert fill["orderID"] == create["id"]
    assert fill["units"] == "10000"
    assert fill["price"] == "1.04000"
    assert fill["tradeOpened"]["tradeID"] == fill["id"]
    assert fill["accountBalance"] == "100000.0000"
    assert body["relatedTransactionIDs"] == [create["id"], fill["id"]]
    assert body["lastTransactionID"] == fill["id"]
    order = emu.get("/orders/@m-1").json()["order"]
    assert order["state"] == "FILLED"
    assert order["tradeOpenedID"] == fill["id"]


def test_sell_reduces_the_oldest_trade_and_realizes_pl(emu: Rig) -> None:
    emu.order(type="MARKET", instrument="EUR_USD", units="10000")
    emu.bar(24, "1.04000", "1.04300", "1.04000", "1.04200")
    fill = emu.order(type="MARKET", instrument="EUR_USD", units="-4000").json()[
        "orderFillTransaction"
    ]
    assert fill["tradeReduced"]["units"] == "-4000"
    assert fill["pl"] == "8.0000"  # 4000 x 0.00200
    assert fill["accountBalance"] == "100008.0000"
    assert "tradeOpened" not in fill
    flip = emu.order(type="MARKET", instrument="EUR_USD", units="-10000").json()
    flip_fill = flip["orderFillTransaction"]
    assert [t["units"] for t in flip_fill["tradesClosed"]] == ["-6000"]
    assert flip_fill["tradeOpened"]["units"] == "-4000"
    position = emu.get("/positions/EUR_USD").json()["position"]
    assert position["long"]["units"] == "0"
    assert position["short"]["units"] == "-4000"


def test_limit_rests_then_fills_when_a_bar_trades_through(emu: Rig) -> None:
    created = emu.order(
        type="LIMIT",
        instrument="EUR_USD",
        units="5000",
        price="1.03800",
        clientExtensions={"id": "lim-1", "tag": "t"},
    ).json()
    order_id = created["orderCreateTransaction"]["id"]
    assert "orderFillTransaction" not in created
    pending = emu.get("/pendingOrders").json()["orders"]
    assert [o["id"] for o in pending] == [order_id]
    emu.bar(24, "1.04000", "1.04100", "1.03900", "1.04000")  # not low enough
    assert emu.get(f"/orders/{order_id}").json()["order"]["state"] == "PENDING"
    emu.bar(25, "1.04000", "1.04000", "1.03700", "1.03750")
    order = emu.get(f"/orders/{order_id}").json()["order"]
    assert order["state"] == "FILLED"
    fill = emu.get(f"/transactions/{order['fillingTransactionID']}").json()["transaction"]
    assert fill["price"] == "1.03800"
    assert fill["reason"] == "LIMIT_ORDER"
    assert fill["clientOrderID"] == "lim-1"


def test_cancel_by_id_and_by_client_id(emu: Rig) -> None:
    first = emu.order(type="LIMIT", instrument="EUR_USD", units="100", price="1.03000").json()
    emu.order(
        type="LIMIT",
        instrument="EUR_USD",
        units="100",
        price="1.03000",
        clientExtensions={"id": "c-2"},
    )
    by_id = emu.put(f"/orders/{first['orderCreateTransaction']['id']}/cancel")
    by_client = emu.put("/orders/@c-2/cancel")
    for answer in (by_id, by_client):
        assert answer.status_code == 200
        cancel = answer.json()["orderCancelTransaction"]
        assert cancel["type"] == "ORDER_CANCEL"
        assert cancel["reason"] == "CLIENT_REQUEST"
    assert emu.get("/pendingOrders").json()["orders"] == []
    again = emu.put("/orders/@c-2/cancel")
    assert again.status_code == 404
    assert again.json()["errorCode"] == "ORDER_DOESNT_EXIST"
    assert emu.put("/orders/999/cancel").json()["errorCode"] == "ORDER_DOESNT_EXIST"


def test_replace_cancels_and_creates_a_new_order(emu: Rig) -> None:
    old = emu.order(
        type="LIMIT",
        instrument="EUR_USD",
        units="100",
        price="1.03000",
        clientExtensions={"id": "r-1"},
    ).json()["orderCreateTransaction"]["id"]
    answer = emu.put(
        f"/orders/{old}",
        {"order": {"type": "LIMIT", "instrument": "EUR_USD", "units": "200", "price": "1.03500"}},
    )
    assert answer.status_code == 201
    body = answer.json()
    cancel, create = body["orderCancelTransaction"], body["orderCreateTransaction"]
    assert cancel["reason"] == "CLIENT_REQUEST_REPLACED"
    assert cancel["replacedByOrderID"] == create["id"]
    assert create["replacesOrderID"] == old
    assert create["reason"] == "REPLACEMENT"
    current = emu.get("/orders/@r-1").json()["order"]
    assert current["id"] == create["id"]
    assert current["units"] == "200"
    assert emu.get(f"/orders/{old}").json()["order"]["state"] == "CANCELLED"


def test_orders_listing_filters_by_state_and_pages_with_before_id(emu: Rig) -> None:
    ids = [
        emu.order(type="LIMIT", instrument="EUR_USD", units="10", price=f"1.0{30 + i}00").json()[
            "orderCreateTransaction"
        ]["id"]
        for i in range(3)
    ]
    emu.put(f"/orders/{ids[0]}/cancel")
    pending = emu.get("/orders").json()["orders"]
    assert [o["id"] for o in pending] == [ids[2], ids[1]]
    page = emu.get("/orders", state="ALL", count=1, beforeID=ids[2]).json()["orders"]
    assert [o["id"] for o in page] == [ids[1]]
    cancelled = emu.get("/orders", state="CANCELLED").json()["orders"]
    assert [o["id"] for o in cancelled] == [ids[0]]


def test_invalid_requests_are_rejected_with_a_reject_transaction(emu: Rig) -> None:
    cases = [
        ({"type": "MARKET", "instrument": "EUR_USD", "units": "0"}, "UNITS_INVALID"),
        ({"type": "MARKET", "instrument": "EUR_USD"}, "UNITS_MISSING"),
        ({"type": "MARKET", "instrument": "EUR_USD", "units": "1.5"}, "UNITS_PRECISION_EXCEEDED"),
        ({"type": "MARKET", "instrument": "XAU_USD", "units": "1"}, "INSTRUMENT_UNKNOWN"),
        ({"type": "LIMIT", "instrument": "EUR_USD", "units": "1"}, "PRICE_MISSING"),
        (
            {"type": "LIMIT", "instrument": "EUR_USD", "units": "1", "price": "1.033333"},
            "PRICE_PRECISION_EXCEEDED",
        ),
        (
            {"type": "MARKET", "instrument": "EUR_USD", "units": "1", "timeInForce": "GTC"},
            "TIME_IN_FORCE_INVALID",
        ),
        (
            {
                "type": "LIMIT",
                "instrument": "EUR_USD",
                "units": "1",
                "price": "1.03",
                "timeInForce": "GTD",
            },
            "TIME_IN_FORCE_GTD_TIMESTAMP_MISSING",
        ),
    ]
    for spec, code in cases:
        answer = emu.order(**spec)
        assert answer.status_code == 400, spec
        body = answer.json()
        assert body["errorCode"] == code
        assert body["orderRejectTransaction"]["rejectReason"] == code
        assert body["orderRejectTransaction"]["type"].endswith("_ORDER_REJECT")
    assert emu.http.post(emu.account + "/orders", content=b"{nope").status_code == 400


def test_a_client_id_of_a_pending_order_cannot_be_reused(emu: Rig) -> None:
    spec = {
        "type": "LIMIT",
        "instrument": "EUR_USD",
        "units": "1",
        "price": "1.03000",
        "clientExtensions": {"id": "dup"},
    }
    assert emu.order(**spec).status_code == 201
    again = emu.order(**spec)
    assert again.status_code == 400
    assert again.json()["errorCode"] == "CLIENT_ORDER_ID_ALREADY_EXISTS"


def test_market_order_while_the_market_is_closed_is_cancelled_market_halted() -> None:
    market = forex_market()
    friday_16_utc = T0_MS + 3 * 24 * HOUR_MS + 15 * HOUR_MS  # Friday 2017-01-06 16:00 UTC
    trade_hours(market, 6, start_ms=friday_16_utc)  # the last bars run past 22:00 UTC
    with rig(market) as emu:
        assert not market.is_open("EUR_USD")
        price = emu.get("/pricing", instruments="EUR_USD").json()["prices"][0]
        assert price["tradeable"] is False
        answer = emu.order(type="MARKET", instrument="EUR_USD", units="100")
        assert answer.status_code == 201
        body = answer.json()
        assert "orderFillTransaction" not in body
        assert body["orderCancelTransaction"]["reason"] == "MARKET_HALTED"
        assert emu.get("/openTrades").json()["trades"] == []


def test_market_order_beyond_the_margin_is_cancelled_insufficient_margin(emu: Rig) -> None:
    answer = emu.order(type="MARKET", instrument="EUR_USD", units="6000000")  # > 50 x NAV
    assert answer.status_code == 201
    assert answer.json()["orderCancelTransaction"]["reason"] == "INSUFFICIENT_MARGIN"


def test_unmarketable_ioc_limit_is_cancelled_at_once(emu: Rig) -> None:
    answer = emu.order(
        type="LIMIT", instrument="EUR_USD", units="100", price="1.03000", timeInForce="IOC"
    ).json()
    assert answer["orderCancelTransaction"]["reason"] in (
        "TIME_IN_FORCE_EXPIRED",
        "INSUFFICIENT_LIQUIDITY",
    )


def test_gtd_limit_expires_at_its_time(emu: Rig) -> None:
    created = emu.order(
        type="LIMIT",
        instrument="EUR_USD",
        units="100",
        price="1.03000",
        timeInForce="GTD",
        gtdTime="2017-01-04T02:30:00Z",
    ).json()["orderCreateTransaction"]
    emu.bar(24, "1.04000", "1.04100", "1.03900", "1.04000")
    assert emu.get(f"/orders/{created['id']}").json()["order"]["state"] == "PENDING"
    emu.bar(25, "1.04000", "1.04100", "1.03900", "1.04000")  # closes at 03:00
    order = emu.get(f"/orders/{created['id']}").json()["order"]
    assert order["state"] == "CANCELLED"
    cancel = emu.get(f"/transactions/{order['cancellingTransactionID']}").json()["transaction"]
    assert cancel["reason"] == "TIME_IN_FORCE_EXPIRED"


def test_stop_order_triggers_and_fills_at_its_price(emu: Rig) -> None:
    created = emu.order(type="STOP", instrument="EUR_USD", units="100", price="1.04200").json()
    order_id = created["orderCreateTransaction"]["id"]
    emu.bar(24, "1.04000", "1.04300", "1.03900", "1.04250")
    order = emu.get(f"/orders/{order_id}").json()["order"]
    assert order["state"] == "FILLED"
    fill = emu.get(f"/transactions/{order['fillingTransactionID']}").json()["transaction"]
    assert Decimal(fill["price"]) == Decimal("1.04200")
    assert fill["reason"] == "STOP_ORDER"


def test_market_if_touched_buy_triggers_when_the_price_falls_to_it(emu: Rig) -> None:
    created = emu.order(
        type="MARKET_IF_TOUCHED", instrument="EUR_USD", units="100", price="1.03800"
    ).json()
    order_id = created["orderCreateTransaction"]["id"]
    assert created["orderCreateTransaction"]["type"] == "MARKET_IF_TOUCHED_ORDER"
    emu.bar(24, "1.04000", "1.04300", "1.03900", "1.04250")  # never down to 1.038
    assert emu.get(f"/orders/{order_id}").json()["order"]["state"] == "PENDING"
    emu.bar(25, "1.04000", "1.04000", "1.03700", "1.03750")
    assert emu.get(f"/orders/{order_id}").json()["order"]["state"] == "FILLED"
