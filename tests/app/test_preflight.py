"""The preflight finds what a run refuses, with the run's own words, before it starts;
the `tradewind init` configuration passes it over a window where every series trades."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tradewind.app.engine_setup import engine_spec_from_config
from tradewind.app.market_data import prepare_market_data
from tradewind.app.preflight import PreflightReport, SeriesWindow, preflight
from tradewind.config import ConfigError, default_template_text, load_config, load_config_text
from tradewind.data.calendars import get_calendar
from tradewind.data.catalog import Catalog
from tradewind.data.schema import DataError
from tradewind.strategies.errors import StrategyError

ROOT = Path(__file__).resolve().parents[2]

MARKET = """\
markets:
  crypto:
    provider: sim
    symbols: [{symbols}]
    strategies: [sma_cross]
    strategy_params:
      sma_cross: {params}
    risk_allocation_pct: 40
"""


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return Catalog(tmp_path_factory.mktemp("catalog"))  # empty user catalog: bundled only


def _config(symbols: str = "BTC-USD", params: str = "{fast: 10, slow: 50}"):
    text = MARKET.format(symbols=symbols, params=params)
    return load_config_text(text, source="t.yaml", apply_env=False)


@pytest.mark.parametrize("name", ["backtest.yaml", "multi_market.yaml", "capital.yaml"])
def test_the_examples_pass_with_a_window_for_every_enabled_symbol(
    name: str, bundled: Catalog
) -> None:
    config = load_config(ROOT / "examples" / name, apply_env=False)
    report = preflight(config, bundled)
    expected = [(m, s) for m, market in config.enabled_markets.items() for s in market.symbols]
    assert [(w.market, w.symbol) for w in report.windows] == expected
    assert all(w.bars > 0 for w in report.windows)


def test_an_unknown_symbol_is_reported_in_the_words_of_the_data_job(bundled: Catalog) -> None:
    config = _config(symbols="BTC-USD, DOGE-USD")
    with pytest.raises(ConfigError) as caught:
        preflight(config, bundled)
    (issue,) = caught.value.issues
    assert issue.field == "markets.crypto.symbols[1]"
    with pytest.raises(DataError) as run_refusal:
        prepare_market_data(config, bundled)
    assert issue.message == str(run_refusal.value)


def test_parameters_are_judged_by_the_code_that_builds_the_run(bundled: Catalog) -> None:
    config = _config(params="{fast: 50, slow: 30}")
    with pytest.raises(ConfigError) as caught:
        preflight(config, bundled)
    (issue,) = caught.value.issues
    assert issue.field == "markets.crypto.strategy_params.sma_cross"
    with pytest.raises(StrategyError) as run_refusal:
        engine_spec_from_config(config)
    assert issue.message == str(run_refusal.value)


def test_an_out_of_bounds_parameter_is_located_at_that_parameter(bundled: Catalog) -> None:
    config = _config(params="{fast: 0, slow: 30}")
    with pytest.raises(ConfigError) as caught:
        preflight(config, bundled)
    (issue,) = caught.value.issues
    assert issue.field == "markets.crypto.strategy_params.sma_cross.fast"
    assert "got 0" in issue.message


def test_lines_come_from_the_source_file(tmp_path: Path, bundled: Catalog) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(MARKET.format(symbols="BTC-USD", params="{fst: 5}"), encoding="utf-8")
    config = load_config(path, apply_env=False)
    with pytest.raises(ConfigError) as located:
        preflight(config, bundled, source=path, apply_env=False)
    assert str(located.value).startswith(f"{path}: markets.crypto.strategy_params.sma_cross.fst")
    assert located.value.issues[0].line == 7
    with pytest.raises(ConfigError) as unlocated:
        preflight(config, bundled)
    assert unlocated.value.issues[0].line is None


def test_without_a_catalog_only_the_strategies_are_checked() -> None:
    report = preflight(_config(symbols="NOPE-USD"), None)
    assert report.windows == ()
    with pytest.raises(ConfigError):
        preflight(_config(symbols="NOPE-USD", params="{slow: 1}"), None)


def _window(first: str, last: str) -> SeriesWindow:
    stamp = pd.Timestamp
    return SeriesWindow("m", "S", "1d", "user", stamp(first), stamp(last), 2, None, None)


def test_common_window_is_where_every_series_has_bars() -> None:
    report = PreflightReport(
        (_window("2018-01-01", "2019-06-30"), _window("2018-03-01", "2020-01-01")), ()
    )
    assert report.common_window == (pd.Timestamp("2018-03-01"), pd.Timestamp("2019-06-30"))
    apart = PreflightReport(
        (_window("2010-01-01", "2011-01-01"), _window("2012-01-01", "2013-01-01")), ()
    )
    assert apart.common_window is None


@pytest.fixture(scope="module")
def init_report(bundled: Catalog) -> tuple[object, PreflightReport]:
    config = load_config_text(default_template_text(), source="init", apply_env=False)
    return config, preflight(config, bundled)


def test_the_init_config_has_data_on_most_sessions_of_its_window_for_every_series(
    init_report, bundled: Catalog
) -> None:
    config, report = init_report
    start, end = config.data.start, config.data.end
    assert start is not None, "init must pin a window with data"
    assert end is not None, "init must pin a window with data"
    assert len(report.windows) == sum(len(m.symbols) for m in config.enabled_markets.values())
    for window in report.windows:
        market_class = config.markets[window.market].market_class
        entry = bundled.entry(window.symbol, market=market_class, timeframe=window.timeframe)
        sessions = len(get_calendar(entry.calendar).sessions(start, end))
        assert window.bars >= 0.9 * sessions, (window.symbol, window.bars, sessions)


def test_the_init_config_trades_only_split_adjusted_equities(init_report, bundled: Catalog) -> None:
    config, _ = init_report
    for market in config.enabled_markets.values():
        if market.market_class.value != "equities":
            continue
        for symbol in market.symbols:
            entry = bundled.entry(symbol, market=market.market_class, timeframe=market.timeframe)
            adjustment = entry.price_adjustment or ""
            assert adjustment.startswith("split"), (symbol, adjustment)


def test_a_short_selling_strategy_needs_a_margin_account(bundled: Catalog) -> None:
    config = _config(params="{fast: 10, slow: 50, allow_short: true}")
    with pytest.raises(ConfigError) as caught:
        preflight(config, bundled)
    (issue,) = caught.value.issues
    assert issue.field == "markets.crypto.strategy_params.sma_cross.allow_short"
    assert "a cash account cannot sell short" in issue.message
    margin = load_config_text(
        MARKET.format(symbols="BTC-USD", params="{fast: 10, slow: 50, allow_short: true}")
        + "risk:\n  global: {account: margin}\n",
        source="t.yaml",
        apply_env=False,
    )
    assert preflight(margin, bundled).windows


LIVE = """\
data: {{start: 2021-01-01, end: 2021-02-01}}
markets:
  crypto:
    provider: binance
    symbols: [{symbols}]
    strategies: [sma_cross]
    risk_allocation_pct: 40
"""


def test_a_market_on_an_exchange_may_start_where_its_stored_bars_end(bundled: Catalog) -> None:
    config = load_config_text(LIVE.format(symbols="BTC-USD"), source="t.yaml", apply_env=False)
    report = preflight(config, bundled, run="paper")  # its window bars arrive live
    assert [(w.symbol, w.bars) for w in report.windows] == [("BTC-USD", 0)]
    with pytest.raises(ConfigError, match="no enabled series has a bar"):
        preflight(config, bundled, run="backtest")  # a backtest has nothing to run on


def test_a_market_on_an_exchange_without_history_says_how_to_download_it(
    bundled: Catalog,
) -> None:
    config = load_config_text(LIVE.format(symbols="BTCUSDT"), source="t.yaml", apply_env=False)
    with pytest.raises(ConfigError) as caught:
        preflight(config, bundled, run="paper")
    (issue,) = caught.value.issues
    assert "tradewind data download --provider binance --symbols BTC-USDT" in issue.message
