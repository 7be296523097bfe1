"""`tradewind data download` from OANDA, Alpaca and IB: against each broker's emulator
(in-process on 127.0.0.1, port 0, replaying the bundled data), plus the trading hours
that decide which bars a range should hold."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from tests.cli import run_cli

from tradewind.app.data_download import (
    RetryPolicy,
    SymbolDownload,
    download_history,
    download_request,
)
from tradewind.app.data_download_brokers import (
    BrokerCandles,
    open_broker_source,
    open_spans,
    resolve_broker_symbol,
)
from tradewind.app.data_download_pages import BarGrid
from tradewind.app.emulator_commands import EmulateOptions, RunningEmulator, start_emulator
from tradewind.data.bundled import bundled_catalog_root
from tradewind.data.catalog import Catalog
from tradewind.data.schema import DataError
from tradewind.domain.market import MarketClass
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.venue_errors import VenueError

HOUR_MS = 3_600_000
DAY_MS = 86_400_000
NO_WAIT = RetryPolicy(attempts=2, first_delay_s=0.0)
OANDA_TOKEN = "tradewind-oanda-emulator-token"
CREDENTIALS = {
    "TRADEWIND_OANDA_TOKEN": OANDA_TOKEN,
    "TRADEWIND_ALPACA_API_KEY": "rehearsal-key",
    "TRADEWIND_ALPACA_SECRET_KEY": "rehearsal-secret",
}
FRI_2017_01_06 = 1_483_660_800_000  # Friday 2017-01-06 00:00 UTC


def _ms(text: str) -> int:
    return int(pd.Timestamp(text, tz="UTC").value // 1_000_000)


# -- trading hours -----------------------------------------------------------------


def test_forex_weekend_hours_are_neither_expected_nor_asked_for() -> None:
    grid = BarGrid.of(Timeframe.parse("1h"))
    # Friday 2017-01-06 00:00 .. Monday 2017-01-09 00:00 UTC; FX closes Fri 22:00 UTC
    # (17:00 New York) and opens Sunday 22:00 UTC.
    span = (FRI_2017_01_06, FRI_2017_01_06 + 3 * DAY_MS)
    spans, expected = open_spans([span], grid, MarketClass.FOREX, page_bars=5000)
    assert expected == 22 + 2
    assert spans == [(FRI_2017_01_06, FRI_2017_01_06 + 3 * DAY_MS)]
    # Only the weekend missing (a rerun after Friday and Monday are stored): nothing.
    weekend = (FRI_2017_01_06 + 22 * HOUR_MS, FRI_2017_01_06 + 2 * DAY_MS + 22 * HOUR_MS)
    assert open_spans([weekend], grid, MarketClass.FOREX, page_bars=5000) == ([], 0)


def test_a_closed_stretch_longer_than_a_page_splits_the_span() -> None:
    grid = BarGrid.of(Timeframe.parse("1h"))
    span = (FRI_2017_01_06, FRI_2017_01_06 + 3 * DAY_MS)
    spans, expected = open_spans([span], grid, MarketClass.FOREX, page_bars=24)
    sunday_open = FRI_2017_01_06 + 2 * DAY_MS + 22 * HOUR_MS
    assert spans == [(FRI_2017_01_06, FRI_2017_01_06 + 22 * HOUR_MS), (sunday_open, span[1])]
    assert expected == 24


def test_equities_daily_bars_are_expected_on_exchange_sessions_only() -> None:
    grid = BarGrid.of(Timeframe.parse("1d"))
    # 2010-12-20 .. 2011-01-03: 10 weekdays, Christmas (observed Fri 24 Dec) closed.
    span = (_ms("2010-12-20"), _ms("2011-01-03"))
    spans, expected = open_spans([span], grid, MarketClass.EQUITIES, page_bars=1000)
    assert expected == 9
    assert spans == [(_ms("2010-12-20"), _ms("2010-12-31") + DAY_MS)]


def test_crypto_spans_are_kept_whole() -> None:
    grid = BarGrid.of(Timeframe.parse("1h"))
    span = (FRI_2017_01_06, FRI_2017_01_06 + 3 * DAY_MS)
    assert open_spans([span], grid, MarketClass.CRYPTO, page_bars=24) == ([span], 72)


# -- symbols ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("broker", "text", "listed", "resolved"),
    [
        ("oanda", "EUR_USD", "EUR_USD", ("EUR-USD", "EUR_USD", MarketClass.FOREX)),
        ("oanda", "eur-usd", "EUR_USD", ("EUR-USD", "EUR_USD", MarketClass.FOREX)),
        ("oanda", "EUR/USD", "EUR_USD", ("EUR-USD", "EUR_USD", MarketClass.FOREX)),
        ("alpaca", "aapl", "AAPL", ("AAPL", "AAPL", MarketClass.EQUITIES)),
        ("ib", "AAPL", "AAPL", ("AAPL", "AAPL", MarketClass.EQUITIES)),
        ("ib", "EUR.USD", "EUR.USD", ("EUR-USD", "EUR.USD", MarketClass.FOREX)),
        ("ib", "EUR-USD", "EUR.USD", ("EUR-USD", "EUR.USD", MarketClass.FOREX)),
    ],
)
def test_symbols_as_users_write_them_are_stored_under_ours_in_their_market(
    broker: str, text: str, listed: str, resolved: tuple[str, str, MarketClass]
) -> None:
    assert resolve_broker_symbol(broker, text, {listed: listed}) == resolved


def test_a_symbol_of_no_valid_form_is_refused_naming_the_option() -> None:
    with pytest.raises(DataError, match=r"--symbols EURO: .*oanda expects symbols such as EUR_USD"):
        resolve_broker_symbol("oanda", "EURO", {"EUR_USD": "EUR_USD"})


# -- against the emulators ----------------------------------------------------------


def _running(exchange: str, symbols: str, start: str) -> Iterator[RunningEmulator]:
    running = start_emulator(EmulateOptions(exchange=exchange, symbols=symbols, start=start))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def oanda() -> Iterator[RunningEmulator]:
    yield from _running("oanda", "EUR_USD", "2017-03-01")


@pytest.fixture(scope="module")
def alpaca() -> Iterator[RunningEmulator]:
    yield from _running("alpaca", "AAPL", "2010-06-01T21:00")


@pytest.fixture(scope="module")
def ib_fx() -> Iterator[RunningEmulator]:
    yield from _running("ib", "EUR.USD", "2017-03-01")


@pytest.fixture(scope="module")
def ib_stocks() -> Iterator[RunningEmulator]:
    yield from _running("ib", "AAPL", "2010-06-01")


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TRADEWIND_OANDA_ACCOUNT_ID", raising=False)


class _Counting:
    """A `CandleSource` that counts the candle requests sent through it."""

    def __init__(self, source: BrokerCandles) -> None:
        self.source = source
        self.requests = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.source, name)

    def fetch_ohlcv(self, symbol: str, timeframe: str, since_ms: int, limit: int, /) -> Any:
        self.requests += 1
        return self.source.fetch_ohlcv(symbol, timeframe, since_ms, limit)


def _download(
    root: Path, provider: str, url: str, symbols: str, timeframe: str, start: str, end: str
) -> tuple[list[SymbolDownload], int]:
    """The download's results and how many candle requests it sent."""
    request = download_request(
        provider=provider, exchange=None, endpoint=url, symbols=symbols,
        timeframe=timeframe, start=start, end=end, catalog_dir=root / "catalog",
    )  # fmt: skip
    assert request.broker is not None
    source = _Counting(open_broker_source(request.broker, request.symbols, request.endpoint))
    try:
        results = download_history(request, source=source, retry=NO_WAIT, sleep=lambda _: None)
    finally:
        source.close()
    return results, source.requests


def _stored(root: Path, market: str, symbol: str, timeframe: str) -> pd.DataFrame:
    return Catalog(root / "catalog", include_bundled=False).load_bars(
        symbol, market=market, timeframe=timeframe
    )


def _bundled(market: str, symbol: str, timeframe: str, start: str, end: str) -> pd.DataFrame:
    bars = Catalog(bundled_catalog_root(), include_bundled=False).load_bars(
        symbol, market=market, timeframe=timeframe
    )
    inside = (bars["timestamp"] >= pd.Timestamp(start, tz="UTC")) & (
        bars["timestamp"] < pd.Timestamp(end, tz="UTC")
    )
    return bars[inside].reset_index(drop=True)


def _assert_same_bars(stored: pd.DataFrame, source: pd.DataFrame) -> None:
    assert list(stored["timestamp"]) == list(source["timestamp"])
    for column in ("open", "high", "low", "close"):
        assert stored[column].tolist() == pytest.approx(source[column].tolist(), abs=1e-9)
    # OANDA's volume is a tick count: the bundled fractional volume arrives whole.
    assert stored["volume"].tolist() == pytest.approx(source["volume"].tolist(), abs=1.0)


def test_oanda_hourly_bars_equal_the_bundled_source_and_a_rerun_fetches_nothing(
    oanda: RunningEmulator, tmp_path: Path
) -> None:
    [result], requests = _download(
        tmp_path, "oanda", oanda.base_url, "EUR/USD", "1h", "2017-01-01", "2017-01-15"
    )
    source = _bundled("forex", "EUR-USD", "1h", "2017-01-01", "2017-01-15")
    _assert_same_bars(_stored(tmp_path, "forex", "EUR-USD", "1h"), source)
    assert (result.symbol, result.venue_symbol, result.rows_written) == (
        "EUR-USD", "EUR_USD", len(source),
    )  # fmt: skip
    assert result.expected == len(source) == 240  # two FX weeks, weekends not counted
    assert requests == 1
    [again], requests = _download(
        tmp_path, "oanda", oanda.base_url, "EUR_USD", "1h", "2017-01-01", "2017-01-15"
    )
    assert (requests, again.expected, again.rows_written) == (0, 0, 0)
    assert "up to date, nothing fetched; 240 already present" in again.summary()


def test_oanda_resume_fetches_only_the_missing_tail(oanda: RunningEmulator, tmp_path: Path) -> None:
    _download(tmp_path, "oanda", oanda.base_url, "EUR_USD", "1h", "2017-01-02", "2017-01-04")
    [result], _ = _download(
        tmp_path, "oanda", oanda.base_url, "EUR_USD", "1h", "2017-01-02", "2017-01-10"
    )
    assert (result.already_present, result.first_ms) == (48, _ms("2017-01-04"))
    source = _bundled("forex", "EUR-USD", "1h", "2017-01-02", "2017-01-10")
    _assert_same_bars(_stored(tmp_path, "forex", "EUR-USD", "1h"), source)


def test_oanda_refuses_a_bad_token_naming_the_variables_not_the_token(
    oanda: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWIND_OANDA_TOKEN", "not-the-token")
    with pytest.raises(VenueError) as caught:
        _download(tmp_path, "oanda", oanda.base_url, "EUR_USD", "1h", "2017-01-02", "2017-01-04")
    assert not caught.value.retryable
    assert "TRADEWIND_OANDA_TOKEN" in str(caught.value)
    assert oanda.base_url in str(caught.value)
    assert "not-the-token" not in str(caught.value)


def test_oanda_unknown_instrument_is_refused_naming_it(
    oanda: RunningEmulator, tmp_path: Path
) -> None:
    with pytest.raises(DataError, match="--symbols GBP_JPY: oanda has no instrument 'GBP_JPY'"):
        _download(tmp_path, "oanda", oanda.base_url, "GBP_JPY", "1h", "2017-01-02", "2017-01-04")


def test_alpaca_daily_bars_close_at_the_session_close_as_the_bundled_ones(
    alpaca: RunningEmulator, tmp_path: Path
) -> None:
    [result], _ = _download(
        tmp_path, "alpaca", alpaca.base_url, "aapl", "1d", "2010-01-01", "2010-04-01"
    )
    source = _bundled("equities", "AAPL", "1d", "2010-01-01", "2010-04-01")
    stored = _stored(tmp_path, "equities", "AAPL", "1d")
    _assert_same_bars(stored, source)
    assert list(stored["close_time"]) == list(source["close_time"])  # 21:00 / 20:00 UTC
    assert result.expected == len(source) == 61  # XNYS sessions: no weekends, no holidays


def test_alpaca_resume_and_a_complete_rerun(alpaca: RunningEmulator, tmp_path: Path) -> None:
    _download(tmp_path, "alpaca", alpaca.base_url, "AAPL", "1d", "2010-02-01", "2010-03-01")
    [result], _ = _download(
        tmp_path, "alpaca", alpaca.base_url, "AAPL", "1d", "2010-01-01", "2010-04-01"
    )
    assert (result.already_present, result.rows_written) == (19, 61 - 19)
    [again], requests = _download(
        tmp_path, "alpaca", alpaca.base_url, "AAPL", "1d", "2010-01-01", "2010-04-01"
    )
    assert (requests, again.rows_written) == (0, 0)


def test_alpaca_bad_keys_are_refused_naming_the_variables(
    alpaca: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWIND_ALPACA_SECRET_KEY", "wrong-secret")
    with pytest.raises(VenueError) as caught:
        _download(tmp_path, "alpaca", alpaca.base_url, "AAPL", "1d", "2010-01-01", "2010-02-01")
    assert "TRADEWIND_ALPACA_SECRET_KEY" in str(caught.value)
    assert "wrong-secret" not in str(caught.value)


def test_alpaca_unknown_symbol_is_refused_naming_it(
    alpaca: RunningEmulator, tmp_path: Path
) -> None:
    with pytest.raises(DataError, match="--symbols ZZZZ: alpaca has no instrument 'ZZZZ'"):
        _download(
            tmp_path, "alpaca", alpaca.base_url, "AAPL,ZZZZ", "1d", "2010-01-01", "2010-02-01"
        )
    assert not (tmp_path / "catalog" / "market=equities").exists()


def _ib_url(running: RunningEmulator) -> str:
    return "tcp://" + running.base_url.split("://", 1)[1]


def test_ib_forex_pair_is_stored_as_forex_and_equals_the_bundled_source(
    ib_fx: RunningEmulator, tmp_path: Path
) -> None:
    [result], _ = _download(
        tmp_path, "interactive_brokers", _ib_url(ib_fx), "EUR-USD", "1h", "2017-01-01",
        "2017-01-15",
    )  # fmt: skip
    source = _bundled("forex", "EUR-USD", "1h", "2017-01-01", "2017-01-15")
    _assert_same_bars(_stored(tmp_path, "forex", "EUR-USD", "1h"), source)
    assert (result.venue_symbol, result.expected) == ("EUR.USD", 240)


def test_ib_stock_daily_bars_are_stored_as_equities(
    ib_stocks: RunningEmulator, tmp_path: Path
) -> None:
    _download(tmp_path, "ib", _ib_url(ib_stocks), "AAPL", "1d", "2010-01-01", "2010-02-01")
    [again], _ = _download(
        tmp_path, "ib", _ib_url(ib_stocks), "AAPL", "1d", "2010-01-01", "2010-04-01"
    )
    source = _bundled("equities", "AAPL", "1d", "2010-01-01", "2010-04-01")
    stored = _stored(tmp_path, "equities", "AAPL", "1d")
    _assert_same_bars(stored, source)
    assert list(stored["close_time"]) == list(source["close_time"])
    assert again.already_present == 19


def test_ib_unknown_symbol_is_refused_naming_it(ib_stocks: RunningEmulator, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="--symbols ZZZZ: ib has no instrument 'ZZZZ'"):
        _download(tmp_path, "ib", _ib_url(ib_stocks), "AAPL,ZZZZ", "1d", "2010-01-01", "2010-02-01")


def test_ib_unreachable_socket_is_retried_then_names_the_endpoint(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        url = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(VenueError, match=f"gave up after 2 attempts\\); check --endpoint {url}"):
        _download(tmp_path, "ib", url, "AAPL", "1d", "2010-01-01", "2010-02-01")


def test_the_cli_downloads_from_oanda_and_prints_the_summary(
    oanda: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    args: Sequence[str] = (
        "data", "download", "--provider", "oanda", "--endpoint", oanda.base_url,
        "--symbols", "EUR/USD", "--timeframe", "1d", "--start", "2017-01-02",
        "--end", "2017-01-09", "--catalog", str(tmp_path),
    )  # fmt: skip
    result = run_cli(list(args), monkeypatch, capsys)
    assert result.code == 0, result.err
    assert "EUR-USD (oanda EUR_USD, 1d): 6 rows written, 2017-01-02 .. 2017-01-08" in result.out
    assert len(Catalog(tmp_path, include_bundled=False).load_bars(
        "EUR-USD", market="forex", timeframe="1d"
    )) == 6  # fmt: skip
