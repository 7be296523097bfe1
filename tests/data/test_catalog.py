"""Catalog: layout, write/load round trips, lookups, ingest with quarantine."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradewind.data.catalog import Catalog
from tradewind.data.ingest import NoValidRowsError, RejectedRowsError
from tradewind.data.schema import BAR_COLUMNS, DataError
from tradewind.domain.market import MarketClass, QuoteType

from ._bar_fixtures import make_bars, write_csv

XNYS_WEEK = ["2024-07-01", "2024-07-02", "2024-07-03", "2024-07-05", "2024-07-08"]


def test_catalog_creates_nothing_until_the_first_write(tmp_path: Path) -> None:
    root = tmp_path / "lazy"
    catalog = Catalog(root)
    assert catalog.entries()  # bundled data is visible
    assert not root.exists()
    catalog.write_bars(make_bars(XNYS_WEEK), market="equities", symbol="abc", timeframe="1d")
    assert (root / "market=equities" / "symbol=ABC" / "timeframe=1d" / "bars.parquet").is_file()
    assert (root / "market=equities" / "symbol=ABC" / "timeframe=1d" / "meta.json").is_file()


def test_root_defaults_to_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWIND_CATALOG_DIR", str(tmp_path / "from-env"))
    assert Catalog().root == tmp_path / "from-env"
    monkeypatch.delenv("TRADEWIND_CATALOG_DIR")
    assert Catalog().root == Path("tradewind-data") / "catalog"


def test_write_and_load_round_trip_keeps_values_and_adds_close_time(user_catalog: Catalog) -> None:
    frame = make_bars(XNYS_WEEK)
    entry = user_catalog.write_bars(frame, market="equities", symbol="ABC", timeframe="1d")
    assert entry.source == "user"
    assert entry.rows == 5
    assert entry.calendar == "XNYS"
    loaded = user_catalog.load_bars("ABC")
    assert list(loaded.columns) == list(BAR_COLUMNS)
    pd.testing.assert_frame_equal(
        loaded.drop(columns="close_time"), frame[loaded.columns.drop("close_time")]
    )
    # 2024-07-03 is an early close (13:00 New York = 17:00 UTC); others close 16:00 (20:00 UTC).
    closes = loaded["close_time"].dt.strftime("%m-%d %H:%M").tolist()
    assert closes == ["07-01 20:00", "07-02 20:00", "07-03 17:00", "07-05 20:00", "07-08 20:00"]


def test_load_bars_filters_by_start_and_end_inclusive(user_catalog: Catalog) -> None:
    user_catalog.write_bars(make_bars(XNYS_WEEK), market="equities", symbol="ABC", timeframe="1d")
    part = user_catalog.load_bars("ABC", start="2024-07-02", end=pd.Timestamp("2024-07-05"))
    assert part["timestamp"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-07-02",
        "2024-07-03",
        "2024-07-05",
    ]
    with pytest.raises(DataError, match="invalid date/time"):
        user_catalog.load_bars("ABC", start="next tuesday")


def test_load_arrays_returns_read_only_typed_arrays(catalog: Catalog) -> None:
    arrays = catalog.load_arrays("SPX", start="2008-10-13", end="2008-10-13")
    assert arrays.timestamp.dtype == np.int64
    assert arrays.close_time.dtype == np.int64
    for name in ("open", "high", "low", "close", "volume"):
        values = getattr(arrays, name)
        assert values.dtype == np.float64
        assert not values.flags.writeable
    assert len(arrays) == 1
    assert arrays.timestamp[0] == pd.Timestamp("2008-10-13", tz="UTC").value
    assert arrays.close[0] == 1003.349976


def test_load_many_reads_several_series_in_request_order(catalog: Catalog) -> None:
    frames = catalog.load_many(["VIX", "spx", "UST10Y"], start="2015-01-01", end="2015-01-31")
    assert list(frames) == ["VIX", "SPX", "UST10Y"]
    assert all(len(f) == 20 for f in frames.values())
    assert frames["UST10Y"]["open"].isna().all()


def test_ambiguous_symbol_lists_the_choices(catalog: Catalog) -> None:
    with pytest.raises(DataError, match="ambiguous") as error:
        catalog.load_bars("BTC-USD")
    assert "--timeframe 1d" in str(error.value)
    assert "--timeframe 1h" in str(error.value)
    assert len(catalog.load_bars("BTC-USD", timeframe="1h")) == 20_111


def test_unknown_symbol_lists_close_matches(catalog: Catalog) -> None:
    with pytest.raises(DataError, match=r"unknown symbol SPZ; close matches: .*SPX"):
        catalog.load_bars("SPZ")
    with pytest.raises(DataError, match="exists as crypto/1d, crypto/1h"):
        catalog.load_bars("BTC-USD", timeframe="4h")


def test_invalid_symbol_is_rejected(user_catalog: Catalog) -> None:
    with pytest.raises(DataError, match="write pairs with '-'"):
        user_catalog.write_bars(
            make_bars(XNYS_WEEK), market="forex", symbol="EUR/USD", timeframe="1d"
        )


def test_user_series_hides_bundled_series_with_same_key(catalog: Catalog) -> None:
    catalog.write_bars(make_bars(XNYS_WEEK), market="equities", symbol="SPX", timeframe="1d")
    spx = [e for e in catalog.entries() if e.symbol == "SPX"]
    assert len(spx) == 1
    assert spx[0].source == "user"
    assert len(catalog.load_bars("SPX")) == 5
    assert Catalog(catalog.root, include_bundled=False).entries()[0].symbol == "SPX"


def test_entries_filter_by_market(catalog: Catalog) -> None:
    forex = catalog.entries("fx")
    assert [e.symbol for e in forex] == ["EUR-USD"]
    assert all(e.market is MarketClass.FOREX for e in forex)


def test_ingest_frame_quarantines_bad_rows(user_catalog: Catalog) -> None:
    frame = make_bars(pd.date_range("2024-01-01", periods=30, freq="D"))
    frame.loc[[3, 17], "close"] = np.nan
    frame.loc[9, "volume"] = -1
    report = user_catalog.ingest(frame, market="crypto", symbol="TEST-USD", timeframe="1d")
    assert (report.accepted, report.rejected) == (27, 3)
    assert report.counts == {"non_finite_price": 2, "negative_volume": 1}
    assert report.quarantine_path is not None
    assert report.quarantine_path.is_file()
    assert "_quarantine/market=crypto/symbol=TEST-USD/timeframe=1d" in str(report.quarantine_path)
    quarantined = pd.read_parquet(report.quarantine_path)
    assert quarantined["row_number"].tolist() == [4, 10, 18]
    meta = json.loads((report.entry.path.parent / "meta.json").read_text())  # type: ignore[union-attr]
    assert meta["quarantined"] == {"non_finite_price": 2, "negative_volume": 1}
    assert meta["rows"] == 27
    assert "rejected" in report.summary()
    assert "non_finite_price" in report.summary()


def test_ingest_replaces_the_series_instead_of_merging(user_catalog: Catalog) -> None:
    first = make_bars(pd.date_range("2024-01-01", periods=10, freq="D"))
    second = make_bars(pd.date_range("2024-02-01", periods=4, freq="D"))
    user_catalog.ingest(first, market="crypto", symbol="X-USD", timeframe="1d")
    report = user_catalog.ingest(second, market="crypto", symbol="X-USD", timeframe="1d")
    assert report.replaced_rows == 10
    loaded = user_catalog.load_bars("X-USD")
    assert loaded["timestamp"].tolist() == second["timestamp"].tolist()


def test_ingest_with_nothing_valid_raises_and_keeps_the_quarantine(user_catalog: Catalog) -> None:
    frame = make_bars(pd.date_range("2024-01-01", periods=3, freq="D"))
    frame["close"] = -1.0
    with pytest.raises(
        NoValidRowsError, match="no valid rows to import: 3 of 3 rows rejected"
    ) as err:
        user_catalog.ingest(frame, market="crypto", symbol="NONE-USD", timeframe="1d")
    assert err.value.report.quarantine_path is not None
    assert err.value.report.quarantine_path.is_file()
    assert not user_catalog.entries()


def test_strict_ingest_stores_nothing_when_a_row_is_rejected(user_catalog: Catalog) -> None:
    frame = make_bars(pd.date_range("2024-01-01", periods=5, freq="D"))
    frame.loc[2, "volume"] = -5
    with pytest.raises(RejectedRowsError, match="1 of 5 rows rejected"):
        user_catalog.ingest(frame, market="crypto", symbol="S-USD", timeframe="1d", strict=True)
    assert not user_catalog.entries()


def test_ingest_csv_yield_series_accepts_negative_values(
    user_catalog: Catalog, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "bund.csv", "date,yield\n2020-03-02,-0.0061\n2020-03-03,-0.0058")
    report = user_catalog.ingest(
        path,
        market="bonds",
        symbol="DE10Y",
        timeframe="1d",
        quote_type=QuoteType.YIELD,
        columns={"close": "yield"},
    )
    assert report.accepted == 2
    assert report.entry is not None
    assert report.entry.quote_type is QuoteType.YIELD
    assert report.entry.fields == ("close",)


def test_write_bars_with_validate_rejects_bad_frames(user_catalog: Catalog) -> None:
    frame = make_bars(XNYS_WEEK)
    frame.loc[1, "high"] = 0.5
    with pytest.raises(DataError, match="invalid rows"):
        user_catalog.write_bars(
            frame, market="equities", symbol="BAD", timeframe="1d", validate=True
        )


def test_intraday_bars_outside_sessions_close_after_one_bar(user_catalog: Catalog) -> None:
    stamps = pd.to_datetime(["2024-07-05 13:30", "2024-07-06 14:00"], utc=True)  # Fri; Sat closed
    frame = make_bars(stamps)
    report = user_catalog.ingest(frame, market="equities", symbol="HOUR", timeframe="30m")
    assert report.bars_outside_calendar == 1
    loaded = user_catalog.load_bars("HOUR")
    assert (loaded["close_time"] - loaded["timestamp"]).tolist() == [pd.Timedelta("30min")] * 2


def test_span_of_a_window_agrees_with_the_bars_it_bounds(tmp_path) -> None:
    catalog = Catalog(tmp_path / "user")
    bars = catalog.load_bars("SPY", start="2015-01-01", end="2015-06-30")
    span = catalog.span("SPY", start="2015-01-01", end="2015-06-30")
    assert (span.first, span.last, span.bars) == (
        bars["timestamp"].iloc[0],
        bars["timestamp"].iloc[-1],
        len(bars),
    )
    assert catalog.span("SPY", start="2030-01-01").bars == 0
    assert catalog.span("SPY", start="2030-01-01").first is None
