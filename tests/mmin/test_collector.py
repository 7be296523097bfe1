"""The multi-market collector over the bundled real data."""

from __future__ import annotations

import pytest

from tradewind.data.catalog import Catalog
from tradewind.data.schema import DataError
from tradewind.domain.market import MarketClass
from tradewind.mmin.collector import MultiMarketDataCollector
from tradewind.mmin.universe import default_universe


@pytest.fixture(scope="module")
def collector(tmp_path_factory):
    return MultiMarketDataCollector(Catalog(tmp_path_factory.mktemp("catalog")))


def test_collect_market_data_returns_the_last_bars_of_each_symbol(collector):
    frames = collector.collect_market_data("stocks", ["SPY", "XLK"], "1d", limit=100)
    assert set(frames) == {"SPY", "XLK"}
    assert all(len(f) == 100 for f in frames.values())
    assert frames["SPY"]["timestamp"].iloc[-1].strftime("%Y-%m-%d") == "2016-07-01"


def test_collect_all_markets_groups_every_daily_series_by_class(collector):
    everything = collector.collect_all_markets("1d", limit=50)
    assert MarketClass.CRYPTO in everything
    assert "TLT" in everything[MarketClass.BONDS]
    assert sum(len(v) for v in everything.values()) >= 25


def test_synchronized_data_aligns_calendars_and_marks_fresh_bars(collector):
    data = collector.synchronize(
        {"crypto": ["BTC-USD"], "equities": ["SPY"], "bonds": ["UST10Y"]},
        limit=None,
        start="2015-06-01",
        end="2015-06-30",
    )
    saturday = data.fresh.index[data.fresh.index.day_of_week == 5][0]
    assert data.fresh.at[saturday, "BTC-USD"]
    assert not data.fresh.at[saturday, "SPY"]
    assert data.closes.at[saturday, "SPY"] > 0  # carried forward within max staleness
    assert data.yield_columns == ("UST10Y",)
    trading = data.trading_rows()
    assert (trading.closes.index.day_of_week < 5).all()


def test_unknown_symbol_names_it(collector):
    with pytest.raises(DataError, match="NOPE"):
        collector.collect_market_data("equities", ["NOPE"])


def test_bad_limit_is_rejected(collector):
    with pytest.raises(DataError, match="limit"):
        collector.collect_market_data("equities", ["SPY"], limit=1)


def test_quality_metrics_report_coverage_and_gaps(collector):
    collector.collect_market_data("crypto", ["BTC-USD"], limit=None)
    quality = collector.get_quality_metrics()["BTC-USD"]
    assert 90 < quality["coverage_pct"] <= 100
    assert quality["rows"] == 1865


def test_default_universe_picks_the_best_covered_window():
    universe, end = default_universe(Catalog(include_bundled=True), "1d", 500)
    assert end is not None
    assert f"{end:%Y-%m-%d}" == "2016-07-01"
    assert len(universe) >= 5
    assert "VIX" in universe[MarketClass.VOLATILITY]
