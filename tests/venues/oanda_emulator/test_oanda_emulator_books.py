"""Trades, positions and transactions: listing, closing, paging, since an id."""

from __future__ import annotations

from urllib.parse import urlsplit

from .rig import Rig


def _open_long(emu: Rig, units: str, client_id: str | None = None) -> str:
    spec = {"type": "MARKET", "instrument": "EUR_USD", "units": units}
    if client_id:
        spec["tradeClientExtensions"] = {"id": client_id}  # type: ignore[assignment]
    fill = emu.order(**spec).json()["orderFillTransaction"]
    trade_id: str = fill["tradeOpened"]["tradeID"]
    return trade_id


def test_trades_list_open_trades_newest_first_and_get_by_client_id(emu: Rig) -> None:
    first = _open_long(emu, "100")
    second = _open_long(emu, "200", client_id="my-trade")
    trades = emu.get("/openTrades").json()["trades"]
    assert [t["id"] for t in trades] == [second, first]
    assert emu.get("/trades/@my-trade").json()["trade"]["id"] == second
    assert emu.get("/trades/999").status_code == 404


def test_closing_part_of_a_trade_then_all_of_it(emu: Rig) -> None:
    trade_id = _open_long(emu, "1000")
    emu.bar(24, "1.04000", "1.04200", "1.04000", "1.04100")
    part = emu.put(f"/trades/{trade_id}/close", {"units": "400"})
    assert part.status_code == 200
    body = part.json()
    assert body["orderCreateTransaction"]["reason"] == "TRADE_CLOSE"
    assert body["orderFillTransaction"]["tradeReduced"]["tradeID"] == trade_id
    assert body["orderFillTransaction"]["pl"] == "0.4000"
    rest = emu.put(f"/trades/{trade_id}/close").json()
    assert [t["tradeID"] for t in rest["orderFillTransaction"]["tradesClosed"]] == [trade_id]
    trade = emu.get(f"/trades/{trade_id}").json()["trade"]
    assert trade["state"] == "CLOSED"
    assert trade["realizedPL"] == "1.0000"
    assert trade["averageClosePrice"] == "1.04100"
    closed = emu.get("/trades", state="CLOSED").json()["trades"]
    assert [t["id"] for t in closed] == [trade_id]
    assert emu.put(f"/trades/{trade_id}/close").status_code == 404


def test_closing_a_position_closes_every_trade_of_the_side(emu: Rig) -> None:
    _open_long(emu, "100")
    _open_long(emu, "300")
    answer = emu.put("/positions/EUR_USD/close", {"longUnits": "ALL"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["longOrderCreateTransaction"]["longPositionCloseout"]["units"] == "ALL"
    assert len(body["longOrderFillTransaction"]["tradesClosed"]) == 2
    assert emu.get("/openPositions").json()["positions"] == []
    assert [p["instrument"] for p in emu.get("/positions").json()["positions"]] == ["EUR_USD"]
    nothing = emu.put("/positions/EUR_USD/close", {"shortUnits": "ALL"})
    assert nothing.status_code == 400
    assert nothing.json()["errorCode"] == "CLOSEOUT_POSITION_DOESNT_EXIST"


def test_transactions_pages_point_at_id_ranges_that_read_them_all(emu: Rig) -> None:
    for _ in range(3):
        _open_long(emu, "10")  # 2 transactions each, after CREATE and TRANSFER_FUNDS
    pages = emu.get("/transactions", pageSize=3).json()
    assert pages["count"] == 8
    assert pages["pageSize"] == 3
    assert pages["lastTransactionID"] == "8"
    seen = []
    for url in pages["pages"]:
        parts = urlsplit(url)
        assert parts.hostname == "127.0.0.1"
        answer = emu.http.get(parts.path + "?" + parts.query)
        seen += [t["id"] for t in answer.json()["transactions"]]
    assert seen == [str(i) for i in range(1, 9)]
    fills = emu.get("/transactions", type="ORDER_FILL").json()
    assert fills["count"] == 3


def test_transactions_since_an_id_and_by_range(emu: Rig) -> None:
    _open_long(emu, "10")
    since = emu.get("/transactions/sinceid", id="2").json()
    assert [t["type"] for t in since["transactions"]] == ["MARKET_ORDER", "ORDER_FILL"]
    assert emu.get("/transactions/sinceid", id="4").json()["transactions"] == []
    assert emu.get("/transactions/sinceid", id="9").status_code == 400
    ranged = emu.get("/transactions/idrange", **{"from": "1", "to": "2"}).json()
    assert [t["type"] for t in ranged["transactions"]] == ["CREATE", "TRANSFER_FUNDS"]
    assert emu.get("/transactions/77").status_code == 404
