"""Candles against the bundled EUR-USD hourly series: H1 as stored, H4 / D aggregated."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

import tradewind
from tradewind.venues.emulation import EmulatedMarket

from .rig import HOUR_MS, Rig, forex_market, rig

_PARQUET = (
    Path(tradewind.__file__).parent
    / "data/bundled/catalog/market=forex/symbol=EUR-USD/timeframe=1h/bars.parquet"
)
_ROWS = 610  # through Monday 2017-02-06 08:00 UTC: a trading day is forming


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    return pd.read_parquet(_PARQUET)


def _market_until(frame: pd.DataFrame, rows: int) -> EmulatedMarket:
    market = forex_market()
    for row in frame.iloc[:rows].itertuples():
        open_ms = int(row.timestamp.value // 1_000_000)
        market.trade_bar(
            "EUR_USD",
            open_ms,
            str(row.open),
            str(row.high),
            str(row.low),
            str(row.close),
            str(row.volume),
            close_time_ms=open_ms + HOUR_MS,
        )
    return market


@pytest.fixture(scope="module")
def emu(bundled: pd.DataFrame) -> Iterator[Rig]:
    with rig(_market_until(bundled, _ROWS)) as started:
        yield started


def _candles(emu: Rig, **params: object) -> list[dict[str, object]]:
    answer = emu.http.get("/v3/instruments/EUR_USD/candles", params=params)
    assert answer.status_code == 200, answer.text
    candles: list[dict[str, object]] = answer.json()["candles"]
    return candles


def _mid(candle: dict[str, object], key: str) -> Decimal:
    return Decimal(candle["mid"][key])  # type: ignore[index]


def test_h1_candles_are_the_bundled_rows(emu: Rig, bundled: pd.DataFrame) -> None:
    candles = _candles(emu, granularity="H1", count=100)
    rows = bundled.iloc[_ROWS - 100 : _ROWS]
    assert len(candles) == 100
    for candle, row in zip(candles, rows.itertuples(), strict=True):
        stamp = row.timestamp.strftime("%Y-%m-%dT%H:%M:%S.000000000Z")
        assert candle["time"] == stamp
        assert candle["complete"] is True
        for key, value in (("o", row.open), ("h", row.high), ("l", row.low), ("c", row.close)):
            assert abs(_mid(candle, key) - Decimal(str(value))) <= Decimal("0.000005")


def test_h4_and_daily_candles_aggregate_on_17h_new_york(emu: Rig, bundled: pd.DataFrame) -> None:
    frame = bundled.iloc[:_ROWS].set_index("timestamp")
    local = frame.tz_convert("America/New_York")
    day_key = (local.index - pd.Timedelta(hours=17)).normalize()
    daily = local.groupby(day_key).agg(
        {"open": "first", "high": "max", "low": "min", "close": "last"}
    )
    candles = _candles(emu, granularity="D", count=10)
    expected = daily.iloc[-10:]
    for candle, (day, row) in zip(candles, expected.iterrows(), strict=True):
        start = (day + pd.Timedelta(hours=17)).tz_convert("UTC")
        assert candle["time"] == start.strftime("%Y-%m-%dT%H:%M:%S.000000000Z")
        assert abs(_mid(candle, "h") - Decimal(str(row.high))) <= Decimal("0.000005")
        assert abs(_mid(candle, "l") - Decimal(str(row.low))) <= Decimal("0.000005")
        assert abs(_mid(candle, "o") - Decimal(str(row.open))) <= Decimal("0.000005")
    h4 = _candles(emu, granularity="H4", count=20)
    hours = {c["time"][11:13] for c in h4}  # type: ignore[index]
    assert hours <= {"22", "02", "06", "10", "14", "18"}  # 17:00 EST + 4 h steps, in UTC


def test_forming_candle_is_incomplete_and_last(emu: Rig) -> None:
    candles = _candles(emu, granularity="D", count=3)
    assert [c["complete"] for c in candles] == [True, True, False]


def test_from_with_count_pages_forward_and_include_first_false_skips_it(emu: Rig) -> None:
    first = _candles(emu, granularity="H1", **{"from": "2017-01-10T00:00:00Z", "count": 3})
    assert [c["time"][:13] for c in first] == ["2017-01-10T00", "2017-01-10T01", "2017-01-10T02"]  # type: ignore[index]
    after = _candles(
        emu,
        granularity="H1",
        includeFirst="false",
        **{"from": "2017-01-10T00:00:00.000000000Z", "count": 2},
    )
    assert [c["time"][:13] for c in after] == ["2017-01-10T01", "2017-01-10T02"]  # type: ignore[index]
    ranged = _candles(
        emu, granularity="H1", **{"from": "2017-01-10T00:00:00Z", "to": "2017-01-10T05:00:00Z"}
    )
    assert len(ranged) == 5


def test_bid_and_ask_sit_half_the_spread_around_mid(emu: Rig) -> None:
    (candle,) = _candles(emu, granularity="H1", count=1, price="MBA")
    mid, bid, ask = (Decimal(candle[k]["c"]) for k in ("mid", "bid", "ask"))  # type: ignore[index]
    assert ask - mid == mid - bid == Decimal("0.00007")


def test_bad_candle_parameters_are_400(emu: Rig) -> None:
    url = "/v3/instruments/EUR_USD/candles"
    assert emu.http.get(url, params={"granularity": "H7"}).status_code == 400
    assert emu.http.get(url, params={"granularity": "M1"}).status_code == 400  # finer than data
    assert emu.http.get(url, params={"granularity": "H1", "count": 5001}).status_code == 400
    assert emu.http.get("/v3/instruments/XAU_USD/candles").status_code == 400
    future = emu.http.get(url, params={"granularity": "H1", "from": "2030-01-01T00:00:00Z"})
    assert future.status_code == 400


def test_daily_alignment_and_timezone_move_the_daily_open(emu: Rig) -> None:
    utc = _candles(emu, granularity="D", count=3, dailyAlignment=0, alignmentTimezone="UTC")
    assert all(c["time"][11:] == "00:00:00.000000000Z" for c in utc)  # type: ignore[index]
    weekly = _candles(emu, granularity="W", count=2)
    # weeks open Friday 17:00 New York (22:00 UTC in winter)
    assert [c["time"][:16] for c in weekly] == ["2017-01-27T22:00", "2017-02-03T22:00"]  # type: ignore[index]
    assert (
        emu.http.get(
            "/v3/instruments/EUR_USD/candles", params={"granularity": "D", "dailyAlignment": 24}
        ).status_code
        == 400
    )
