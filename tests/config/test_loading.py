"""Valid configurations: the template, the example, defaults, normalization, env overrides."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest

from tradewind.config import (
    AggregationMethod,
    AlignmentPolicy,
    ConfigError,
    Provider,
    RunMode,
    ShutdownMode,
    TradewindConfig,
    default_template_text,
    dump_config,
    load_config,
    load_config_text,
)
from tradewind.domain.market import MarketClass
from tradewind.domain.timeframe import Timeframe

from ._helpers import VALID, issue_at, load, write
from .conftest import EXAMPLE


def test_template_loads_with_documented_defaults() -> None:
    text = default_template_text()
    assert text.count("\n#") > 20, "the template is commented"
    config = load_config_text(text, source="template")
    weights = config.capital.factor_weights
    assert (weights.sharpe, weights.win_rate, weights.profit_factor) == (0.30, 0.20, 0.20)
    assert (weights.opportunity_count, weights.correlation_diversity) == (0.15, 0.15)
    assert config.capital.min_allocation_pct == 5
    assert config.capital.max_allocation_pct == 50
    ladder = config.risk.global_.drawdown_ladder
    assert (ladder.warn, ladder.reduce, ladder.pause) == (0.8, 0.9, 1.0)
    assert config.risk.global_.shutdown_mode is ShutdownMode.SOFT
    assert config.risk.global_.daily_reset_time == time(0, 0)
    assert config.mmin.correlation_windows == [20, 50, 100, 200]
    scaling = config.autonomous_scaling
    assert (scaling.min_leverage, scaling.max_leverage, scaling.risk_free_rate) == (0.5, 2.0, 0.05)
    assert scaling.regime_allocations.CRISIS == 0.1
    assert scaling.regime_allocations.BULL_TRENDING == 1.0
    assert (scaling.win_rate_increase_above, scaling.win_rate_decrease_below) == (0.60, 0.45)
    assert scaling.min_trades_for_optimization == 20


def test_template_matches_model_defaults_for_every_section() -> None:
    config = load_config_text(default_template_text())
    defaults = TradewindConfig.model_validate({"markets": {"crypto": dict(_MINIMAL_MARKET)}})
    for section in ("risk", "capital", "mmin", "autonomous_scaling", "signal_aggregation"):
        assert getattr(config, section) == getattr(defaults, section), section
    # the template pins a window where the bundled data of its markets overlaps
    window = {"start": None, "end": None}
    assert config.data.model_copy(update=window) == defaults.data


_MINIMAL_MARKET = {"provider": "sim", "symbols": ["BTC-USD"], "risk_allocation_pct": 10}


def test_example_config_loads_six_markets() -> None:
    config = load_config(EXAMPLE)
    assert list(config.markets) == [
        "crypto",
        "forex",
        "equities",
        "commodities",
        "bonds",
        "volatility",
    ]
    assert config.markets["equities"].symbols == ["SPX", "MSFT", "JPM"]
    assert config.markets["bonds"].symbols == ["UST2Y", "UST10Y"]
    assert config.markets["forex"].timeframe == Timeframe.parse("1h")
    assert all(m.provider is Provider.SIM for m in config.markets.values())
    assert sum(m.risk_allocation_pct for m in config.enabled_markets.values()) <= 100
    alignment = config.data.alignment
    assert alignment.policy is AlignmentPolicy.FFILL
    assert alignment.max_staleness == timedelta(days=4)
    assert alignment.timeline == Timeframe.parse("1d")


def test_market_class_is_inferred_from_name_or_alias(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """\
        markets:
          stocks: {provider: alpaca, symbols: [brk.b, aapl], risk_allocation_pct: 30}
          fx: {provider: oanda, symbols: [EUR/USD, usdjpy, GBP_USD], risk_allocation_pct: 30}
          binance_spot:
            market_class: crypto
            provider: ccxt
            exchange: binance
            symbols: [btc/usdt]
            risk_allocation_pct: 30
        """,
    )
    assert config.markets["stocks"].market_class is MarketClass.EQUITIES
    assert config.markets["stocks"].symbols == ["BRK.B", "AAPL"]
    assert config.markets["fx"].market_class is MarketClass.FOREX
    assert config.markets["fx"].symbols == ["EUR-USD", "USD-JPY", "GBP-USD"]
    assert config.markets["binance_spot"].symbols == ["BTC-USDT"]
    assert config.markets["binance_spot"].exchange == "binance"


def test_yaml_scalars_follow_yaml_1_2(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """\
        markets:
          equities: {provider: sim, symbols: [ON, NO, Y], risk_allocation_pct: 30}
        risk:
          global:
            daily_reset_time: 17:00
            timezone: America/New_York
        """,
    )
    # YAML 1.1 would read ON/NO/Y as booleans and 17:00 as the integer 1020.
    assert config.markets["equities"].symbols == ["ON", "NO", "Y"]
    assert config.risk.global_.daily_reset_time == time(17, 0)


def test_enum_values_are_case_insensitive(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        VALID
        + "signal_aggregation:\n  method: weighted\nrisk:\n  global:\n    shutdown_mode: hard\n",
    )
    assert config.signal_aggregation.method is AggregationMethod.WEIGHTED
    assert config.risk.global_.shutdown_mode is ShutdownMode.HARD


def test_disabled_market_allocation_does_not_count(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        VALID
        + "  forex: {provider: sim, symbols: [EUR-USD], risk_allocation_pct: 90, enabled: false}\n",
    )
    assert list(config.enabled_markets) == ["crypto", "equities"]


def test_dump_round_trips(tmp_path: Path) -> None:
    config = load_config(EXAMPLE)
    again = load_config(write(tmp_path, dump_config(config), name="dumped.yaml"))
    assert again == config


def test_config_is_immutable() -> None:
    config = load_config(EXAMPLE)
    with pytest.raises(ValueError, match="frozen"):
        config.mode = RunMode.LIVE  # type: ignore[misc]


def test_env_override_wins_over_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWIND_RISK__GLOBAL__MAX_LEVERAGE", "3")
    monkeypatch.setenv("TRADEWIND_MARKETS__EQUITIES__ENABLED", "false")
    monkeypatch.setenv("TRADEWIND_MARKETS__CRYPTO__SYMBOLS", '["SOL-USD", "btc/usd"]')
    monkeypatch.setenv("TRADEWIND_MODE", "paper")
    monkeypatch.setenv("TRADEWIND_CCXT_API_KEY", "not-a-config-field")
    path = write(
        tmp_path,
        VALID + "mode: backtest\nrisk:\n  global:\n    account: margin\n    max_leverage: 1\n",
    )
    config = load_config(path)
    assert config.risk.global_.max_leverage == 3
    assert config.markets["equities"].enabled is False
    assert config.markets["crypto"].symbols == ["SOL-USD", "BTC-USD"]
    assert config.mode.value == "paper"
    untouched = load_config(path, apply_env=False)
    assert untouched.risk.global_.max_leverage == 1
    assert untouched.mode.value == "backtest"


def test_bad_env_value_names_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWIND_RISK__GLOBAL__MAX_LEVERAGE", "lots")
    monkeypatch.setenv("TRADEWIND_MARKETS__CRYPTO__SYMBOLS", "BTC-USD")
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, VALID))
    leverage = issue_at(caught.value, "risk.global.max_leverage")
    assert leverage.env_var == "TRADEWIND_RISK__GLOBAL__MAX_LEVERAGE"
    assert leverage.line is None
    assert "expected a number, got 'lots'" in leverage.message
    symbols = issue_at(caught.value, "markets.crypto.symbols")
    assert symbols.env_var == "TRADEWIND_MARKETS__CRYPTO__SYMBOLS"
    assert "JSON" in symbols.message
    assert "from environment variable TRADEWIND_RISK__GLOBAL__MAX_LEVERAGE" in str(caught.value)


def test_env_override_creating_a_market_is_attributed_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWIND_MARKETS__FUTURES__ENABLED", "true")
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, VALID))
    issue = issue_at(caught.value, "markets.futures.provider")
    assert issue.env_var == "TRADEWIND_MARKETS__FUTURES__ENABLED"


def test_env_override_with_typo_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWIND_RISK__GLOBL__MAX_LEVERAGE", "2")
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, VALID))
    issue = issue_at(caught.value, "risk.globl")
    assert issue.env_var == "TRADEWIND_RISK__GLOBL__MAX_LEVERAGE"
    assert "did you mean 'global'" in issue.message


def test_model_validate_reads_no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADEWIND_MODE", "live")
    config = TradewindConfig.model_validate({"markets": {"crypto": dict(_MINIMAL_MARKET)}})
    assert config.mode.value == "backtest"
