"""`tradewind config check` refuses what a run would refuse (symbols missing from the
catalog, strategy parameters a strategy rejects, a window without data), lists every
problem at once with its field and line, and shows each series' data window."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradewind.data.catalog import Catalog

from ._helpers import write
from ._run_cli import run_cli

#: Three problems at once; line numbers below refer to this text.
BROKEN = """\
markets:
  crypto:
    provider: sim
    symbols: [BTC-USD, DOGE-USD]
    strategies: [sma_cross, momentum_v1]
    strategy_params:
      sma_cross:
        fst: 5
        slow: 30
      momentum_v1: {lookback: 0}
    risk_allocation_pct: 40
"""


def test_check_lists_every_problem_a_run_would_hit_with_field_and_line(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(tmp_path, BROKEN)
    result = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert f"{path}: 3 problems in the configuration" in result.err
    assert "markets.crypto.symbols[1] (line 4): unknown symbol DOGE-USD" in result.err
    assert (
        "markets.crypto.strategy_params.sma_cross.fst (line 8): unknown parameter 'fst' "
        "(did you mean 'fast'?); expected one of fast, slow" in result.err
    )
    assert "markets.crypto.strategy_params.momentum_v1.lookback (line 10): " in result.err
    assert "got 0" in result.err
    assert "OK" not in result.out


def test_fast_not_below_slow_is_refused_at_the_strategy_parameters(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(
        tmp_path,
        """\
        markets:
          crypto:
            provider: sim
            symbols: [BTC-USD]
            strategies: [sma_cross]
            strategy_params:
              sma_cross: {fast: 50, slow: 30}
            risk_allocation_pct: 40
        """,
    )
    result = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert "markets.crypto.strategy_params.sma_cross (line 7): " in result.err
    assert "fast (50) must be below slow (30)" in result.err


def test_what_check_refuses_backtest_refuses_too(tmp_path: Path, monkeypatch, capsys) -> None:
    path = write(
        tmp_path, BROKEN.replace("fst: 5", "fast: 5").replace("lookback: 0", "lookback: 5")
    )
    checked = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    ran = run_cli(["backtest", "--config", str(path)], monkeypatch, capsys)
    assert (checked.code, ran.code) == (2, 2), checked.err + ran.err
    assert "markets.crypto.symbols[1] (line 4): unknown symbol DOGE-USD" in checked.err
    assert "unknown symbol DOGE-USD" in ran.err


def test_a_series_without_bars_in_the_window_is_noted_as_left_out(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(
        tmp_path,
        """\
        data: {start: 2019-01-01, end: 2019-06-30}
        markets:
          crypto: {provider: sim, symbols: [BTC-USD], risk_allocation_pct: 40}
          equities: {provider: sim, symbols: [SPY], risk_allocation_pct: 40}
        """,
    )
    result = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert result.code == 0, result.err
    spy = Catalog(tmp_path / "none").entry("SPY", market="equities", timeframe="1d")
    assert "markets.equities: SPY has no bars within the window 2019-01-01 to 2019-06-30" in (
        result.out
    )
    assert f"(its data: {spy.first.date()} to {spy.last.date()}); a run leaves it out" in (
        result.out
    )
    assert "no span where every series has bars" in result.out


def test_a_window_where_no_series_has_bars_is_refused_by_check_and_backtest(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(
        tmp_path,
        """\
        markets:
          equities: {provider: sim, symbols: [SPY, MSFT], risk_allocation_pct: 40}
        data:
          start: 2030-01-01
        """,
    )
    checked = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert checked.code == 2, checked.err
    assert "data (line 3): no enabled series has a bar within data.start..data.end" in checked.err
    assert "(2030-01-01 to open)" in checked.err
    spy = Catalog(tmp_path / "none").entry("SPY", market="equities", timeframe="1d")
    assert f"SPY {spy.first.date()} to {spy.last.date()}" in checked.err
    ran = run_cli(["backtest", "--config", str(path)], monkeypatch, capsys)
    assert ran.code == 2, ran.err
    assert "data (line 3): no enabled series has a bar within data.start..data.end" in ran.err


def test_check_shows_each_series_window_and_notes_partial_coverage(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(
        tmp_path,
        """\
        data: {start: 2017-01-01, end: 2017-12-31}
        markets:
          crypto: {provider: sim, symbols: [BTC-USD, ETH-USD], risk_allocation_pct: 40}
        """,
    )
    result = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert result.code == 0, result.err
    eth = Catalog(tmp_path / "none").entry("ETH-USD", market="crypto", timeframe="1d")
    rows = {line.split()[1]: line.split() for line in result.out.splitlines() if "bundled" in line}
    assert rows["BTC-USD"][4:6] == ["2017-01-01", "2017-12-31"]
    assert rows["ETH-USD"][4] == str(eth.first.date())
    assert f"ETH-USD has bars only from {eth.first.date()} to 2017-12-31" in result.out
    assert f"every series has bars from {eth.first.date()} to 2017-12-31" in result.out
    assert f"OK {path} is valid" in result.out


def test_parameters_of_a_strategy_the_market_does_not_run_get_a_note(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(
        tmp_path,
        """\
        markets:
          crypto:
            provider: sim
            symbols: [BTC-USD]
            strategies: [sma_cross]
            strategy_params: {breakout_v1: {entry_window: 30}}
            risk_allocation_pct: 40
        """,
    )
    result = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert result.code == 0, result.err
    assert "markets.crypto.strategy_params.breakout_v1: the market does not run" in result.out


def _user_catalog(root: Path) -> Path:
    stamps = pd.date_range("2020-01-01", "2020-03-31", freq="D", tz="UTC")
    close = 1.0 + np.arange(len(stamps)) / 100
    frame = pd.DataFrame(
        {
            "timestamp": stamps,
            "open": close,
            "high": close,
            "low": close,
            "close": close,
            "volume": 1.0,
        }
    )
    Catalog(root).write_bars(frame, market="crypto", symbol="DOGE-USD", timeframe="1d")
    return root


def test_catalog_option_checks_symbols_against_the_users_catalog(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    catalog = _user_catalog(tmp_path / "mine")
    path = write(
        tmp_path,
        """\
        data: {start: 2020-01-01, end: 2020-01-31}
        markets:
          crypto: {provider: sim, symbols: [DOGE-USD, BTC-USD], risk_allocation_pct: 40}
        """,
    )
    without = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert without.code == 2
    assert "markets.crypto.symbols[0] (line 3): unknown symbol DOGE-USD" in without.err
    result = run_cli(["config", "check", str(path), "--catalog", str(catalog)], monkeypatch, capsys)
    assert result.code == 0, result.err
    doge = next(line for line in result.out.splitlines() if "DOGE-USD" in line and "user" in line)
    assert doge.split()[4:7] == ["2020-01-01", "2020-01-31", "31"]


def test_a_symbol_from_an_environment_override_names_the_variable(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    path = write(
        tmp_path,
        textwrap.dedent(
            """\
            markets:
              crypto: {provider: sim, symbols: [BTC-USD], risk_allocation_pct: 40}
            """
        ),
    )
    monkeypatch.setenv("TRADEWIND_MARKETS__CRYPTO__SYMBOLS", '["BTC-USD", "NOPE-USD"]')
    result = run_cli(["config", "check", str(path)], monkeypatch, capsys)
    assert result.code == 2, result.err
    assert (
        "markets.crypto.symbols[1] (from environment variable "
        "TRADEWIND_MARKETS__CRYPTO__SYMBOLS): unknown symbol NOPE-USD" in result.err
    )
    assert run_cli(["config", "check", "--no-env", str(path)], monkeypatch, capsys).code == 0


@pytest.mark.parametrize("command", [["config", "check", "--help"], ["config", "--help"]])
def test_check_help_mentions_the_catalog_option_and_the_run_checks(
    command: list[str], monkeypatch, capsys
) -> None:
    result = run_cli(command, monkeypatch, capsys)
    assert result.code == 0
    assert "Check a configuration file as a run would, before running it." in result.out
    if "check" in command:
        assert "--catalog" in result.out
