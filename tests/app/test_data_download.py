"""`download_history`: an exchange's candles into the catalog, resumable, validated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tradewind.app.data_download import (
    DownloadInterrupted,
    DownloadProgress,
    DownloadRequest,
    RetryPolicy,
    SymbolDownload,
    download_history,
    download_request,
)
from tradewind.app.data_download_pages import BarGrid, fetch_span, missing_spans
from tradewind.app.data_download_request import resolve_symbol
from tradewind.data.catalog import Catalog
from tradewind.data.schema import DataError
from tradewind.domain.timeframe import Timeframe
from tradewind.domain.venue_errors import VenueError

from ._fake_exchange import HOUR_MS, T0_MS, FakeExchange, hourly_candles

N_BARS = 100
# The clock stands 30 minutes into the 101st hour: candle 100 (index) is still forming.
NOW_MS = T0_MS + N_BARS * HOUR_MS + HOUR_MS // 2
NO_WAIT = RetryPolicy(attempts=3, first_delay_s=0.5)


def _iso(ms: int) -> str:
    return pd.Timestamp(ms, unit="ms", tz="UTC").isoformat()


def _request(
    root: Path, *, start_ms: int = T0_MS, end_ms: int | None = None, symbols: str = "BTCUSDT"
) -> DownloadRequest:
    return download_request(
        provider="binance",
        exchange=None,
        endpoint=None,
        symbols=symbols,
        timeframe="1h",
        start=_iso(start_ms),
        end=None if end_ms is None else _iso(end_ms),
        catalog_dir=root,
    )


def _fake(n: int = N_BARS + 1) -> FakeExchange:
    return FakeExchange({"BTC/USDT": hourly_candles(n)}, NOW_MS)


def _download(root: Path, fake: FakeExchange, **kwargs: Any) -> list[SymbolDownload]:
    request = _request(root, **kwargs)
    return download_history(request, source=fake, retry=NO_WAIT, sleep=lambda _: None)


def _stored(root: Path, symbol: str = "BTC-USDT") -> pd.DataFrame:
    catalog = Catalog(root, include_bundled=False)
    return catalog.load_bars(symbol, market="crypto", timeframe="1h")


def _as_rows(bars: pd.DataFrame) -> list[list[Any]]:
    opens = pd.DatetimeIndex(bars["timestamp"]).as_unit("ms").asi8
    values = bars[["open", "high", "low", "close", "volume"]].to_numpy()
    return [[int(t), *map(float, v)] for t, v in zip(opens, values, strict=True)]


def test_downloaded_rows_equal_the_source_candles_row_by_row(tmp_path: Path) -> None:
    fake = _fake()
    [result] = _download(tmp_path, fake, end_ms=T0_MS + 60 * HOUR_MS)
    assert _as_rows(_stored(tmp_path)) == fake.candles["BTC/USDT"][:60]
    assert (result.symbol, result.venue_symbol, result.rows_written) == ("BTC-USDT", "BTC/USDT", 60)
    assert (result.first_ms, result.last_ms) == (T0_MS, T0_MS + 59 * HOUR_MS)
    assert "60 rows written, 2024-01-01 00:00 .. 2024-01-03 11:00" in result.summary()
    assert len(fake.requests) == 3  # 24 + 24 + 12 candles, pages of at most 24


def test_the_candle_still_forming_on_the_venue_clock_is_not_written(tmp_path: Path) -> None:
    fake = _fake()
    [result] = _download(tmp_path, fake)  # no --end: up to the venue's clock
    stored = _as_rows(_stored(tmp_path))
    assert stored == fake.candles["BTC/USDT"][:N_BARS]
    assert stored[-1][0] == T0_MS + (N_BARS - 1) * HOUR_MS  # closed at NOW - 30 min
    assert result.expected == N_BARS


def test_paging_never_yields_a_candle_that_has_not_closed_on_the_venue_clock() -> None:
    fake = _fake()
    grid = BarGrid.of(Timeframe.parse("1h"))
    span = (T0_MS, T0_MS + 200 * HOUR_MS)  # reaches past the venue's clock
    pages = list(fetch_span(fake, "BTC/USDT", "1h", grid, span, lambda: NOW_MS))
    candles = [c for page in pages for c in page]
    assert candles == fake.candles["BTC/USDT"][:N_BARS]  # not the one forming at NOW
    assert [len(p) for p in pages] == [24, 24, 24, 24, 4]


def test_resume_asks_only_for_the_missing_tail(tmp_path: Path) -> None:
    fake = _fake()
    _download(tmp_path, fake, end_ms=T0_MS + 40 * HOUR_MS)
    fake.requests.clear()
    [result] = _download(tmp_path, fake, end_ms=T0_MS + 90 * HOUR_MS)
    assert min(since for _, _, since, _ in fake.requests) == T0_MS + 40 * HOUR_MS
    assert (result.rows_written, result.already_present) == (50, 40)
    assert _as_rows(_stored(tmp_path)) == fake.candles["BTC/USDT"][:90]


def test_a_second_run_fetches_and_writes_nothing(tmp_path: Path) -> None:
    fake = _fake()
    _download(tmp_path, fake, end_ms=T0_MS + 48 * HOUR_MS)
    before = (tmp_path / "market=crypto/symbol=BTC-USDT/timeframe=1h/bars.parquet").stat()
    fake.requests.clear()
    [result] = _download(tmp_path, fake, end_ms=T0_MS + 48 * HOUR_MS)
    after = (tmp_path / "market=crypto/symbol=BTC-USDT/timeframe=1h/bars.parquet").stat()
    assert fake.requests == []
    assert (result.rows_written, result.already_present, result.expected) == (0, 48, 0)
    assert "up to date, nothing fetched; 48 already present" in result.summary()
    assert after.st_mtime_ns == before.st_mtime_ns


def test_head_gap_and_tail_are_filled_without_refetching_stored_bars(tmp_path: Path) -> None:
    fake = _fake()
    _download(tmp_path, fake, start_ms=T0_MS + 20 * HOUR_MS, end_ms=T0_MS + 30 * HOUR_MS)
    _download(tmp_path, fake, start_ms=T0_MS + 50 * HOUR_MS, end_ms=T0_MS + 60 * HOUR_MS)
    fake.requests.clear()
    [result] = _download(tmp_path, fake, end_ms=T0_MS + 80 * HOUR_MS)
    starts = [since for _, _, since, _ in fake.requests]
    assert starts == [T0_MS, T0_MS + 30 * HOUR_MS, T0_MS + 60 * HOUR_MS]
    assert (result.rows_written, result.already_present) == (60, 20)
    assert _as_rows(_stored(tmp_path)) == fake.candles["BTC/USDT"][:80]


def test_ctrl_c_keeps_what_was_fetched_and_a_rerun_completes(tmp_path: Path) -> None:
    fake = _fake()
    fake.interrupt_at_request = 3  # Ctrl-C while the third page is asked for
    request = _request(tmp_path, end_ms=T0_MS + 90 * HOUR_MS)
    with pytest.raises(DownloadInterrupted) as stopped:
        download_history(request, source=fake, retry=NO_WAIT, sleep=lambda _: None, flush_rows=30)
    [partial] = stopped.value.results
    assert partial.interrupted
    assert partial.rows_written == 48
    assert _as_rows(_stored(tmp_path)) == fake.candles["BTC/USDT"][:48]
    [result] = _download(tmp_path, fake, end_ms=T0_MS + 90 * HOUR_MS)
    assert (result.rows_written, result.already_present) == (42, 48)
    assert _as_rows(_stored(tmp_path)) == fake.candles["BTC/USDT"][:90]


def test_ctrl_c_on_the_second_symbol_reports_both(tmp_path: Path) -> None:
    fake = FakeExchange(
        {"BTC/USDT": hourly_candles(20), "ETH/USDT": hourly_candles(20, seed=3)}, NOW_MS
    )
    fake.interrupt_at_request = 2  # BTC takes one request; ETH's first is interrupted
    request = _request(tmp_path, symbols="BTCUSDT,ETHUSDT", end_ms=T0_MS + 20 * HOUR_MS)
    with pytest.raises(DownloadInterrupted) as stopped:
        download_history(request, source=fake, sleep=lambda _: None)
    done, cut = stopped.value.results
    assert (done.symbol, done.rows_written, done.interrupted) == ("BTC-USDT", 20, False)
    assert (cut.symbol, cut.rows_written, cut.interrupted) == ("ETH-USDT", 0, True)


def test_a_bad_candle_is_refused_naming_symbol_time_and_rule(tmp_path: Path) -> None:
    fake = _fake()
    bad = fake.candles["BTC/USDT"][30]
    bad[2], bad[3] = bad[3] * 0.9, bad[2]  # high below low
    request = _request(tmp_path, end_ms=T0_MS + 60 * HOUR_MS)
    with pytest.raises(DataError) as refused:
        download_history(request, source=fake, retry=NO_WAIT, sleep=lambda _: None, flush_rows=24)
    text = str(refused.value)
    assert "BTC-USDT" in text
    assert "2024-01-02 06:00 UTC" in text
    assert "high_below_low" in text
    assert "expected high at or above low" in text
    assert _as_rows(_stored(tmp_path)) == fake.candles["BTC/USDT"][:24]  # earlier flush kept


def test_a_retryable_failure_is_retried_with_backoff(tmp_path: Path) -> None:
    fake = _fake()
    fake.failures = [VenueError("down", retryable=True), VenueError("down", retryable=True)]
    waits: list[float] = []
    request = _request(tmp_path, end_ms=T0_MS + 10 * HOUR_MS)
    [result] = download_history(request, source=fake, retry=NO_WAIT, sleep=waits.append)
    assert waits == [0.5, 1.0]
    assert result.rows_written == 10


def test_an_unreachable_exchange_gives_up_after_the_retries(tmp_path: Path) -> None:
    fake = _fake()
    fake.failures = [VenueError("fakex (http://127.0.0.1:9) unreachable", retryable=True)] * 3
    request = _request(tmp_path, end_ms=T0_MS + 10 * HOUR_MS)
    with pytest.raises(VenueError, match=r"127\.0\.0\.1:9.*gave up after 3 attempts"):
        download_history(request, source=fake, retry=NO_WAIT, sleep=lambda _: None)


def test_a_refusal_is_not_retried(tmp_path: Path) -> None:
    fake = _fake()
    fake.failures = [VenueError("fakex refused the request")]
    request = _request(tmp_path, end_ms=T0_MS + 10 * HOUR_MS)
    with pytest.raises(VenueError, match="refused"):
        download_history(request, source=fake, retry=NO_WAIT, sleep=lambda _: None)
    assert len(fake.requests) == 1


def test_progress_counts_fetched_against_expected(tmp_path: Path) -> None:
    seen: list[DownloadProgress] = []
    request = _request(tmp_path, end_ms=T0_MS + 30 * HOUR_MS)
    download_history(request, source=_fake(), progress=seen.append, sleep=lambda _: None)
    assert [(p.fetched, p.expected) for p in seen] == [(0, 30), (24, 30), (30, 30)]


def test_several_symbols_each_get_their_series(tmp_path: Path) -> None:
    fake = FakeExchange(
        {"BTC/USDT": hourly_candles(20), "ETH/USDT": hourly_candles(20, seed=3)}, NOW_MS
    )
    results = _download(tmp_path, fake, symbols="btc/usdt, ETH-USDT", end_ms=T0_MS + 20 * HOUR_MS)
    assert [r.symbol for r in results] == ["BTC-USDT", "ETH-USDT"]
    assert _as_rows(_stored(tmp_path, "ETH-USDT")) == fake.candles["ETH/USDT"]


@pytest.mark.parametrize("written", ["BTCUSDT", "BTC/USDT", "btc-usdt", "BTC_USDT"])
def test_symbols_as_users_write_them_resolve_to_the_venue_pair(written: str) -> None:
    assert resolve_symbol(written, {"BTC/USDT": "BTCUSDT"}, "binance") == ("BTC-USDT", "BTC/USDT")


def test_an_unknown_symbol_is_refused_with_close_matches() -> None:
    with pytest.raises(
        DataError, match=r"--symbols BTC/USDX: binance has no spot market.*BTC/USDT"
    ):
        resolve_symbol("BTC/USDX", {"BTC/USDT": "BTCUSDT"}, "binance")


def test_a_timeframe_the_exchange_does_not_offer_names_the_option(tmp_path: Path) -> None:
    fake = FakeExchange({"BTC/USDT": []}, NOW_MS, timeframes=("1m", "1d"))
    with pytest.raises(DataError, match=r"--timeframe 1h: fakex does not offer it.*1m, 1d"):
        _download(tmp_path, fake)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"provider": "oanda", "exchange": "binance"}, "--exchange binance: conflicts"),
        (
            {"provider": "interactive_brokers", "endpoint": "http://127.0.0.1:7497"},
            "--endpoint 'http://127.0.0.1:7497': expected .* tcp://HOST:PORT",
        ),
        ({"provider": "alpaca", "endpoint": "tcp://127.0.0.1:8080"}, "--endpoint .*: expected"),
        ({"provider": "ccxt"}, "--provider ccxt needs --exchange"),
        ({"provider": "ccxt", "exchange": "binanse"}, "--exchange 'binanse'.*binance"),
        ({"provider": "kraken", "exchange": "binance"}, "--exchange binance: conflicts"),
        ({"provider": "yahoo"}, "--provider 'yahoo': unknown"),
        ({"endpoint": "127.0.0.1:8080"}, "--endpoint '127.0.0.1:8080': expected"),
        ({"endpoint": "http://127.0.0.1:8080/api"}, "without a path"),
        ({"start": "yesterday-ish"}, "--start 'yesterday-ish': expected a date"),
        ({"end": "2023-12-31"}, "--end 2023-12-31: expected an instant after --start"),
        ({"timeframe": "1M"}, "--timeframe 1M: downloads need a fixed-length timeframe"),
        ({"timeframe": "hourly"}, "--timeframe: invalid timeframe 'hourly'"),
        ({"symbols": " , "}, "--symbols ' , ': expected one or more symbols"),
    ],
)
def test_bad_options_are_refused_naming_the_option(options: dict[str, str], message: str) -> None:
    settings = {"provider": "binance", "exchange": None, "endpoint": None, "symbols": "BTCUSDT",
                "timeframe": "1h", "start": "2024-01-01", "end": None} | options  # fmt: skip
    with pytest.raises(DataError, match=message):
        download_request(**settings)  # type: ignore[arg-type]


def test_request_reads_dates_as_utc_and_names_the_exchange() -> None:
    request = download_request(
        provider="ccxt", exchange="Kraken", endpoint="http://127.0.0.1:8080/", symbols="a,b,a",
        timeframe="1H", start="2024-01-01", end="2024-01-02T01:00+01:00",
    )  # fmt: skip
    assert (request.exchange_id, request.endpoint) == ("kraken", "http://127.0.0.1:8080")
    assert request.symbols == ("a", "b")
    assert str(request.timeframe) == "1h"
    assert (request.start_ms, request.end_ms) == (T0_MS, T0_MS + 24 * HOUR_MS)


def test_missing_spans_cover_head_gaps_and_tail_on_the_bar_grid() -> None:
    grid = BarGrid.of(Timeframe.parse("1h"))
    present = np.array([2, 3, 6], dtype=np.int64) * HOUR_MS
    spans = missing_spans(present, HOUR_MS // 2, 9 * HOUR_MS, grid)
    assert spans == [(HOUR_MS, 2 * HOUR_MS), (4 * HOUR_MS, 6 * HOUR_MS), (7 * HOUR_MS, 9 * HOUR_MS)]
    assert missing_spans(np.arange(0, 9) * HOUR_MS, 0, 9 * HOUR_MS, grid) == []


def test_weekly_bars_open_on_mondays() -> None:
    grid = BarGrid.of(Timeframe.parse("1w"))
    monday = T0_MS  # 2024-01-01 was a Monday
    assert grid.ceil(monday) == monday
    assert grid.ceil(monday + 1) == monday + 7 * 24 * HOUR_MS
