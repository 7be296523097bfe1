"""alpaca-py against the Alpaca emulator: account, assets, clock, calendar, auth, limits."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from alpaca.common.exceptions import APIError
from alpaca.data.requests import StockBarsRequest
from alpaca.data.timeframe import TimeFrame
from alpaca.trading.client import TradingClient
from alpaca.trading.requests import GetAssetsRequest, GetCalendarRequest
from tests.venues.alpaca_emulator.rig import OPEN_MS, AlpacaRig, alpaca_rig, ms

from tradewind.venues.alpaca.emulator import (
    BUNDLED,
    DEFAULT_BALANCES,
    DEFAULT_CREDENTIALS,
    MARKET_SPEC,
    build_emulator,
    build_market,
)


def test_a_new_key_gets_a_usd_100000_margin_account(client: TradingClient) -> None:
    account = client.get_account()
    assert (account.cash, account.equity, account.currency) == ("100000", "100000", "USD")
    assert account.multiplier == "4"
    assert account.buying_power == "400000"
    assert account.regt_buying_power == "200000"
    assert account.shorting_enabled is True
    assert account.status.value == "ACTIVE"


def test_assets_list_the_bundled_equities_with_their_filters(client: TradingClient) -> None:
    assets = {a.symbol: a for a in client.get_all_assets()}
    assert set(assets) == {"AAPL", "MSFT"}
    aapl = assets["AAPL"]
    assert (aapl.exchange.value, aapl.asset_class.value, aapl.status.value) == (
        "NASDAQ",
        "us_equity",
        "active",
    )
    assert aapl.fractionable
    assert aapl.shortable
    assert aapl.marginable
    assert aapl.tradable
    assert (aapl.price_increment, aapl.min_trade_increment) == (0.01, 1e-9)


def test_an_asset_is_found_by_symbol_or_id_and_an_unknown_one_is_404(
    client: TradingClient,
) -> None:
    aapl = client.get_asset("AAPL")
    assert client.get_asset(aapl.id).symbol == "AAPL"
    with pytest.raises(APIError) as caught:
        client.get_asset("ZZZZ")
    assert caught.value.status_code == 404
    assert client.get_all_assets(GetAssetsRequest(asset_class="crypto")) == []


def test_the_clock_tells_the_session_from_the_market_clock(
    rig: AlpacaRig, client: TradingClient
) -> None:
    clock = client.get_clock()
    assert clock.is_open is True
    assert clock.timestamp == datetime.fromisoformat("2024-01-05T14:35:00+00:00")
    assert clock.next_close == datetime.fromisoformat("2024-01-05T21:00:00+00:00")
    assert clock.next_open == datetime.fromisoformat("2024-01-08T14:30:00+00:00")
    rig.market.advance_clock(ms("2024-01-06T12:00:00"))  # Saturday
    closed = client.get_clock()
    assert closed.is_open is False
    assert closed.next_open == datetime.fromisoformat("2024-01-08T14:30:00+00:00")
    assert closed.next_close == datetime.fromisoformat("2024-01-08T21:00:00+00:00")


def test_the_calendar_lists_nyse_sessions_with_early_closes(client: TradingClient) -> None:
    days = client.get_calendar(GetCalendarRequest(start=date(2023, 7, 1), end=date(2023, 7, 7)))
    assert [d.date for d in days] == [
        date(2023, 7, 3),
        date(2023, 7, 5),
        date(2023, 7, 6),
        date(2023, 7, 7),
    ]
    assert (days[0].open.hour, days[0].open.minute, days[0].close.hour) == (9, 30, 13)
    assert days[1].close.hour == 16


def test_wrong_credentials_are_refused_401_on_both_apis(rig: AlpacaRig) -> None:
    with pytest.raises(APIError) as caught:
        rig.trading(secret="wrong").get_account()
    assert caught.value.status_code == 401
    assert (caught.value.code, caught.value.message) == (40110000, "request is not authorized")
    request = StockBarsRequest(symbol_or_symbols="AAPL", timeframe=TimeFrame.Minute)
    with pytest.raises(APIError) as data_caught:
        rig.data(key="unknown").get_stock_bars(request)
    assert data_caught.value.status_code == 401


def test_past_the_rate_limit_alpaca_py_retries_then_raises_429() -> None:
    with alpaca_rig(requests_per_minute=3) as rig:
        client = rig.trading()
        for _ in range(3):
            client.get_clock()
        with pytest.raises(APIError) as caught:
            client.get_clock()
        assert caught.value.status_code == 429
        assert caught.value.code == 42910000
        assert rig.server.served()["/v2/clock"] == 3 + 4  # alpaca-py's three retries


def test_an_injected_429_is_retried_by_alpaca_py(rig: AlpacaRig, client: TradingClient) -> None:
    rig.faults.arm("http429", count=2, path_prefix="/v2/account")
    assert client.get_account().cash == "100000"
    assert rig.server.served()["/v2/account"] == 3


def test_an_injected_5xx_is_an_api_error(rig: AlpacaRig, client: TradingClient) -> None:
    rig.faults.arm("http5xx", path_prefix="/v2/clock")
    with pytest.raises(APIError) as caught:
        client.get_clock()
    assert caught.value.status_code == 503
    assert client.get_clock().is_open is True


def test_served_folds_ids_into_placeholders(rig: AlpacaRig, client: TradingClient) -> None:
    client.get_asset("AAPL")
    client.get_asset("MSFT")
    assert rig.server.served()["/v2/assets/{symbol}"] == 2


def test_the_uniform_surface_builds_a_loopback_server_over_the_bundle() -> None:
    assert set(BUNDLED) >= {
        "AAPL",
        "MSFT",
        "SPY",
        "DIA",
        "JPM",
        "XOM",
        "XLK",
        "XLF",
        "XLE",
        "EEM",
        "EFA",
    }
    assert all(b.market == "equities" and b.series == s for s, b in BUNDLED.items())
    assert DEFAULT_BALANCES == {"USD": 100000}
    assert (MARKET_SPEC.commission_bps, MARKET_SPEC.closed_market_orders) == (0, "queue")
    market = build_market()
    market.trade_bar("SPY", OPEN_MS, 470, 471, 469, 470.5, 1000, OPEN_MS + 60_000)
    with pytest.raises(ValueError, match="loopback"):
        build_emulator(market, DEFAULT_CREDENTIALS, host="0.0.0.0")
    server = build_emulator(market, DEFAULT_CREDENTIALS)
    base_url = server.start()
    try:
        key, secret = next(iter(DEFAULT_CREDENTIALS.items()))
        client = TradingClient(key, secret, paper=True, url_override=base_url)
        assert client.get_asset("SPY").exchange.value == "ARCA"
    finally:
        server.stop()
        server.stop()
