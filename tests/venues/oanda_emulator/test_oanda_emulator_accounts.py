"""Auth, accounts, summary figures, instruments, datetime formats, routing errors, limits."""

from __future__ import annotations

import httpx

from tradewind.venues.oanda.emulator import DEFAULT_ACCOUNT, DEFAULT_TOKEN

from .rig import Rig, forex_market, rig, trade_hours


def test_missing_or_wrong_token_is_refused_with_401(emu: Rig) -> None:
    bare = httpx.get(emu.server.base_url + "/v3/accounts")
    wrong = httpx.get(
        emu.server.base_url + "/v3/accounts", headers={"Authorization": "Bearer nope"}
    )
    for answer in (bare, wrong):
        assert answer.status_code == 401
        assert answer.json() == {"errorMessage": "Insufficient authorization to perform request."}


def test_token_lists_its_accounts(emu: Rig) -> None:
    answer = emu.http.get("/v3/accounts")
    assert answer.status_code == 200
    assert answer.json() == {"accounts": [{"id": DEFAULT_ACCOUNT, "tags": []}]}


def test_one_token_may_hold_several_accounts_and_not_others() -> None:
    second = "101-001-0000000-002"
    other = "101-001-0000009-001"
    credentials = {DEFAULT_TOKEN: f"{DEFAULT_ACCOUNT},{second}", "other-token": other}
    with rig(credentials=credentials) as emu:
        ids = [a["id"] for a in emu.http.get("/v3/accounts").json()["accounts"]]
        assert ids == [DEFAULT_ACCOUNT, second]
        assert emu.http.get(f"/v3/accounts/{second}/summary").status_code == 200
        assert emu.http.get(f"/v3/accounts/{other}/summary").status_code == 403
        assert emu.http.get("/v3/accounts/101-001-0000000-999/summary").status_code == 404
        malformed = emu.http.get("/v3/accounts/not-an-account/summary")
        assert malformed.status_code == 400
        assert malformed.json()["errorMessage"] == "Invalid value specified for 'accountID'"


def test_new_account_summary_shows_the_starting_balance_in_decimal_strings(emu: Rig) -> None:
    answer = emu.get("/summary").json()
    account = answer["account"]
    assert account["currency"] == "USD"
    assert account["balance"] == "100000.0000"
    assert account["NAV"] == "100000.0000"
    assert account["marginUsed"] == "0.0000"
    assert account["marginAvailable"] == "100000.0000"
    assert account["openTradeCount"] == 0
    assert answer["lastTransactionID"] == "2"  # CREATE and TRANSFER_FUNDS


def test_open_trade_moves_unrealized_pl_nav_and_margin(emu: Rig) -> None:
    emu.order(type="MARKET", instrument="EUR_USD", units="10000")
    emu.bar(24, "1.04000", "1.04200", "1.03900", "1.04100")
    account = emu.get("").json()["account"]
    assert account["unrealizedPL"] == "10.0000"  # 10000 x (1.04100 - 1.04000)
    assert account["NAV"] == "100010.0000"
    assert account["positionValue"] == "10410.0000"
    assert account["marginUsed"] == "208.2000"  # 2% of the position value
    assert account["marginAvailable"] == "99801.8000"
    assert len(account["trades"]) == 1
    assert len(account["positions"]) == 1


def test_instruments_describe_eur_usd_as_v20_does(emu: Rig) -> None:
    answer = emu.get("/instruments", instruments="EUR_USD").json()
    (eur_usd,) = answer["instruments"]
    assert eur_usd["name"] == "EUR_USD"
    assert eur_usd["pipLocation"] == -4
    assert eur_usd["displayPrecision"] == 5
    assert eur_usd["tradeUnitsPrecision"] == 0
    assert eur_usd["minimumTradeSize"] == "1"
    assert eur_usd["marginRate"] == "0.02"
    assert emu.get("/instruments", instruments="XAU_USD").status_code == 400


def test_times_are_rfc3339_with_nanoseconds_or_unix_on_request(emu: Rig) -> None:
    rfc = emu.get("/pricing", instruments="EUR_USD").json()["time"]
    unix = emu.http.get(
        emu.account + "/pricing",
        params={"instruments": "EUR_USD"},
        headers={"Accept-Datetime-Format": "UNIX"},
    ).json()["time"]
    assert rfc == "2017-01-04T01:00:00.000000000Z"
    assert unix == "1483491600.000000000"


def test_unknown_paths_are_404_and_wrong_methods_405(emu: Rig) -> None:
    assert emu.http.get("/v3/nothing").status_code == 404
    assert emu.http.delete(emu.account + "/orders").status_code == 405


def test_requests_past_the_per_second_limit_get_429() -> None:
    from tradewind.venues.oanda.emulator import PerSecondLimiter

    market = forex_market()
    trade_hours(market, 2)
    with rig(market) as emu:
        emu.server.dialect.per_second = PerSecondLimiter(limit=5)  # type: ignore[attr-defined]
        statuses = [emu.http.get("/v3/accounts").status_code for _ in range(7)]
        assert statuses[:5] == [200] * 5
        assert statuses[5:] == [429, 429]
