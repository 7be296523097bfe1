"""Malformed configurations: each problem is named by field path, YAML line and expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradewind.config import BUILTIN_STRATEGIES, load_config

from ._helpers import issue_at, load_error, write

CRYPTO_OK = """\
markets:
  crypto:
    provider: sim
    symbols: [BTC-USD]
    risk_allocation_pct: 40
"""

CASES = [
    pytest.param(
        """\
        markets:
          crypto:
            provider: sim
            symbols: 5
            risk_allocation_pct: 40
        """,
        "markets.crypto.symbols",
        4,
        ["expected a list", "got 5 (integer)"],
        id="wrong-type-symbols",
    ),
    pytest.param(
        CRYPTO_OK
        + """\
  foo:
    provider: sim
    symbols: [SPY]
    risk_allocation_pct: 10
""",
        "markets.foo.market_class",
        6,
        ["unknown market 'foo'", "set market_class to one of crypto, forex, equities"],
        id="unknown-market-name",
    ),
    pytest.param(
        """\
        markets:
          crypto:
            provider: okx
            symbols: [BTC-USD]
            risk_allocation_pct: 40
        """,
        "markets.crypto.provider",
        3,
        [
            "unknown provider 'okx'",
            "expected one of sim, ccxt, oanda, alpaca, ib",
            "binance, coinbase, kraken (ccxt with that exchange), interactive_brokers (ib)",
            "provider: ccxt with exchange: <ccxt id>",
        ],
        id="unknown-provider",
    ),
    pytest.param(
        """\
        markets:
          equities:
            provider: oanda
            symbols: [SPY]
            risk_allocation_pct: 40
        """,
        "markets.equities.provider",
        3,
        ["'oanda' cannot serve equities markets", "expected one of sim, alpaca, ib"],
        id="provider-class-mismatch",
    ),
    pytest.param(
        """\
        markets:
          crypto:
            provider: sim
            symbols: [BTC-USD]
            risk_allocation_pct: -5
        """,
        "markets.crypto.risk_allocation_pct",
        5,
        ["expected a percent from 1 to 100", "got -5"],
        id="negative-allocation",
    ),
    pytest.param(
        """\
        markets:
          crypto:
            provider: sim
            symbols: [BTC-USD]
            risk_allocation_pct: 150
        """,
        "markets.crypto.risk_allocation_pct",
        5,
        ["expected a percent from 1 to 100", "got 150"],
        id="allocation-above-100",
    ),
    pytest.param(
        """\
        markets:
          crypto: {provider: sim, symbols: [BTC-USD], risk_allocation_pct: 60}
          equities: {provider: sim, symbols: [SPY], risk_allocation_pct: 50}
          forex: {provider: sim, symbols: [EUR-USD], risk_allocation_pct: 90, enabled: false}
        """,
        "markets",
        1,
        ["sums to 110%", "crypto 60%", "equities 50%", "expected at most 100%"],
        id="allocations-sum-above-100",
    ),
    pytest.param(
        CRYPTO_OK
        + """\
capital:
  min_allocation_pct: 60
  max_allocation_pct: 40
""",
        "capital.min_allocation_pct",
        7,
        ["min_allocation_pct 60 is above max_allocation_pct 40", "expected min <= max"],
        id="capital-min-above-max",
    ),
    pytest.param(
        CRYPTO_OK
        + """\
autonomous_scaling:
  min_leverage: 3
  max_leverage: 2
""",
        "autonomous_scaling.min_leverage",
        7,
        ["min_leverage 3 is above max_leverage 2"],
        id="leverage-min-above-max",
    ),
    pytest.param(
        CRYPTO_OK
        + """\
risk:
  global:
    drawdown_ladder: {warn: 0.9, reduce: 0.8, pause: 1.0}
""",
        "risk.global.drawdown_ladder.warn",
        8,
        ["expected warn < reduce < pause", "warn 0.9, reduce 0.8"],
        id="ladder-not-increasing",
    ),
    pytest.param(
        """\
        markets:
          crypto:
            provider: sim
            symbols: [BTC-USD]
            strategies: [sma_cross, sma_cros]
            risk_allocation_pct: 40
        """,
        "markets.crypto.strategies[1]",
        5,
        [
            "unknown strategy 'sma_cros'",
            "did you mean 'sma_cross'",
            ", ".join(sorted(BUILTIN_STRATEGIES)),
        ],
        id="unknown-strategy",
    ),
    pytest.param(
        """\
        markets:
          equities:
            provider: sim
            symbols:
              - SPY
              - EUR/USD
            risk_allocation_pct: 40
        """,
        "markets.equities.symbols[1]",
        6,
        ["'EUR/USD' is not valid for equities markets", "forex pair", "exchange ticker"],
        id="fx-pair-in-equities",
    ),
    pytest.param(
        """\
        markets:
          forex:
            provider: sim
            symbols: [EUR-USD, BTC-USD]
            risk_allocation_pct: 40
        """,
        "markets.forex.symbols[1]",
        4,
        ["BTC is not an ISO 4217 currency code", "crypto market", "EUR-USD"],
        id="crypto-in-forex",
    ),
    pytest.param(
        """\
        markets:
          forex:
            provider: sim
            symbols: [SPY]
            risk_allocation_pct: 40
        """,
        "markets.forex.symbols[0]",
        4,
        ["'SPY' is not valid for forex markets", "two ISO 4217 codes"],
        id="ticker-in-forex",
    ),
    pytest.param(
        """\
        markets:
          crypto:
            provider: sim
            symbols: [BTC-USD]
            timeframe: 1x
            risk_allocation_pct: 40
        """,
        "markets.crypto.timeframe",
        5,
        ["invalid timeframe '1x'", "1h, 4h, 1d"],
        id="bad-timeframe",
    ),
    pytest.param(
        CRYPTO_OK
        + """\
risk:
  global:
    timezone: Mars/Olympus_Mons
""",
        "risk.global.timezone",
        8,
        ["unknown time zone 'Mars/Olympus_Mons'", "IANA"],
        id="bad-timezone",
    ),
    pytest.param(
        CRYPTO_OK
        + """\
risk:
  global:
    daily_reset_time: "25:00"
""",
        "risk.global.daily_reset_time",
        8,
        ["invalid time '25:00'", "HH:MM"],
        id="bad-reset-time",
    ),
    pytest.param(
        CRYPTO_OK + "market: {}\n",
        "market",
        6,
        ["unknown field 'market'", "did you mean 'markets'"],
        id="unknown-top-level-key",
    ),
    pytest.param(
        """\
        markets:
          crypto:
            provider: sim
            symbols: [BTC-USD]
            enabeld: true
            risk_allocation_pct: 40
        """,
        "markets.crypto.enabeld",
        5,
        [
            "unknown field 'enabeld'",
            "did you mean 'enabled'",
            "expected one of enabled, market_class",
        ],
        id="typo-in-market",
    ),
    pytest.param(
        """\
        markets:
          crypto:
            provider: sim
            symbols: [BTC-USD]
        """,
        "markets.crypto.risk_allocation_pct",
        2,
        ["required field is missing"],
        id="missing-required-field",
    ),
    pytest.param(
        CRYPTO_OK + "mmin:\n  cross_market_signals_required: 2\n",
        "mmin.cross_market_signals_required",
        7,
        ["only 0 are enabled besides", "expected at most 0"],
        id="confirmation-needs-more-markets",
    ),
    pytest.param(
        CRYPTO_OK
        + """\
risk:
  global: {account: margin, max_leverage: 2}
  markets:
    crypto: {max_leverage: 3}
""",
        "risk.markets.crypto.max_leverage",
        9,
        ["max_leverage 3 for 'crypto' is above the global max_leverage 2"],
        id="market-leverage-above-global",
    ),
    pytest.param(
        CRYPTO_OK
        + """\
risk:
  global: {max_leverage: 2}
""",
        "risk.global.max_leverage",
        7,
        ["max_leverage 2 needs a margin account", "set risk.global.account: margin"],
        id="leverage-needs-a-margin-account",
    ),
    pytest.param(
        CRYPTO_OK + "risk:\n  markets:\n    cryptoo: {max_open_positions: 2}\n",
        "risk.markets.cryptoo",
        8,
        ["market 'cryptoo' is not configured", "did you mean 'crypto'"],
        id="risk-for-unknown-market",
    ),
    pytest.param(
        """\
        markets:
          crypto: {provider: sim, symbols: [BTC-USD], risk_allocation_pct: 10}
          equities: {provider: sim, symbols: [SPY], risk_allocation_pct: 10}
          forex: {provider: sim, symbols: [EUR-USD], risk_allocation_pct: 10}
        capital:
          min_allocation_pct: 40
          max_allocation_pct: 50
        """,
        "capital.min_allocation_pct",
        6,
        ["min_allocation_pct 40% for each of 3 enabled markets needs 120%"],
        id="allocation-floor-too-high",
    ),
    pytest.param(
        """\
        markets:
          crypto: {provider: sim, symbols: [BTC-USD], risk_allocation_pct: 10, enabled: false}
        """,
        "markets",
        1,
        ["no market is enabled", "configured: crypto"],
        id="no-enabled-market",
    ),
    pytest.param(
        CRYPTO_OK + "capital:\n  factor_weights: {sharpe: 0.5}\n",
        "capital.factor_weights",
        7,
        ["factor weights sum to 1.2", "expected a sum of 1"],
        id="factor-weights-do-not-sum-to-one",
    ),
    pytest.param(
        """\
        markets:
          crypto:
            provider: ccxt
            symbols: [BTC-USDT]
            risk_allocation_pct: 40
        """,
        "markets.crypto.exchange",
        2,
        ["provider 'ccxt' needs an exchange", "binance"],
        id="ccxt-without-exchange",
    ),
    pytest.param(
        """\
        markets:
          forex:
            provider: sim
            symbols: [EUR/USD, EURUSD]
            risk_allocation_pct: 40
        """,
        "markets.forex.symbols[1]",
        4,
        ["'EURUSD' repeats EUR-USD"],
        id="duplicate-symbol-after-normalization",
    ),
    pytest.param(
        CRYPTO_OK + "data:\n  start: 2024-01-01\n  end: 2023-01-01\n",
        "data.start",
        7,
        ["start 2024-01-01 is after end 2023-01-01"],
        id="data-start-after-end",
    ),
    pytest.param(
        """\
        markets:
          My-Market:
            market_class: crypto
            provider: sim
            symbols: [BTC-USD]
            risk_allocation_pct: 40
        """,
        "markets.My-Market",
        2,
        ["invalid market name 'My-Market'", "lowercase"],
        id="invalid-market-name",
    ),
    pytest.param(
        CRYPTO_OK + "base_currency: XYZ\n",
        "base_currency",
        6,
        ["unknown currency 'XYZ'"],
        id="unknown-base-currency",
    ),
    pytest.param(
        CRYPTO_OK + "signal_aggregation:\n  method: majority\n",
        "signal_aggregation.method",
        7,
        ["expected 'CONSENSUS', 'WEIGHTED', 'PRIORITY' or 'INDEPENDENT'", "got 'majority'"],
        id="unknown-aggregation-method",
    ),
]


@pytest.mark.parametrize(("text", "field", "line", "fragments"), CASES)
def test_malformed_config_names_field_line_and_expectation(
    tmp_path: Path, text: str, field: str, line: int, fragments: list[str]
) -> None:
    error = load_error(tmp_path, text)
    issue = issue_at(error, field)
    assert issue.line == line, str(issue)
    for fragment in fragments:
        assert fragment in issue.message
    assert f"{field} (line {line}): " in str(error)
    assert "Traceback" not in str(error)


def test_every_problem_is_listed_in_line_order(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """\
        mode: paperr
        markets:
          crypto:
            provider: sim
            symbols: 5
            risk_allocation_pct: 400
        """,
    )
    assert [(i.field, i.line) for i in error.issues] == [
        ("mode", 1),
        ("markets.crypto.symbols", 5),
        ("markets.crypto.risk_allocation_pct", 6),
    ]
    assert "3 problems" in str(error).splitlines()[0]
    assert "did you mean 'paper'" in issue_at(error, "mode").message


def test_secret_in_yaml_is_refused_and_points_to_the_environment(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """\
        markets:
          crypto:
            provider: ccxt
            exchange: binance
            symbols: [BTC-USDT]
            risk_allocation_pct: 40
            api_key: sk-live-do-not-leak
        """,
    )
    issue = issue_at(error, "markets.crypto.api_key")
    assert issue.line == 7
    assert "TRADEWIND_CCXT_API_KEY" in issue.message
    assert len(error.issues) == 1, "no second 'unknown field' report for the same key"
    assert "sk-live-do-not-leak" not in str(error)


@pytest.mark.parametrize(
    ("market", "provider", "key", "variable"),
    [
        ("crypto", "ccxt\n    exchange: kraken", "password", "TRADEWIND_CCXT_PASSWORD"),
        ("crypto", "ccxt\n    exchange: kraken", "secret", "TRADEWIND_CCXT_SECRET"),
        ("equities", "alpaca", "secret_key", "TRADEWIND_ALPACA_SECRET_KEY"),
        ("forex", "oanda", "token", "TRADEWIND_OANDA_TOKEN"),
    ],
)
def test_secret_kinds_map_to_their_provider_variables(
    tmp_path: Path, market: str, provider: str, key: str, variable: str
) -> None:
    symbol = {"crypto": "BTC-USD", "equities": "SPY", "forex": "EUR-USD"}[market]
    error = load_error(
        tmp_path,
        f"markets:\n  {market}:\n    provider: {provider}\n    symbols: [{symbol}]\n"
        f"    risk_allocation_pct: 10\n    {key}: hunter2\n",
    )
    issue = issue_at(error, f"markets.{market}.{key}")
    assert f"set {variable} in the environment or in .env" in issue.message
    assert "hunter2" not in str(error)


def test_secret_outside_a_market_lists_the_credential_variables(tmp_path: Path) -> None:
    error = load_error(tmp_path, CRYPTO_OK + "risk:\n  password: hunter2\n")
    issue = issue_at(error, "risk.password")
    assert issue.line == 7
    assert "never read from the configuration file" in issue.message
    assert "TRADEWIND_CCXT_API_KEY" in issue.message
    assert "TRADEWIND_OANDA_TOKEN" in issue.message


def test_nested_secret_anywhere_is_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, CRYPTO_OK + "data:\n  broker_token: abc\n")
    assert issue_at(error, "data.broker_token").line == 7


def test_duplicate_key_is_refused(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """\
        markets:
          crypto: {provider: sim, symbols: [BTC-USD], risk_allocation_pct: 40}
          crypto: {provider: sim, symbols: [ETH-USD], risk_allocation_pct: 40}
        """,
    )
    issue = issue_at(error, "markets.crypto")
    assert issue.line == 3
    assert "duplicate key 'crypto' (first at line 2)" in issue.message


def test_yaml_syntax_error_reports_line_and_column(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        """\
        markets:
          crypto:
            provider: sim
           symbols: [BTC-USD]
        """,
    )
    (issue,) = error.issues
    assert issue.line == 4
    assert issue.column is not None
    assert issue.message.startswith("invalid YAML")
    assert "line 4, column" in str(error)


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty_file_is_an_error(tmp_path: Path, text: str) -> None:
    error = load_error(tmp_path, text)
    assert "the file is empty" in str(error)
    assert "markets" in str(error)


def test_non_mapping_root_is_an_error(tmp_path: Path) -> None:
    error = load_error(tmp_path, "- crypto\n- forex\n")
    assert "expected a mapping of sections" in str(error)
    assert "got a list" in str(error)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    from tradewind.config import ConfigError

    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.yaml")


def test_several_documents_are_refused(tmp_path: Path) -> None:
    error = load_error(tmp_path, CRYPTO_OK + "---\nmode: live\n")
    assert "expected a single document" in str(error)


def test_extended_strategy_set_is_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        markets:
          crypto:
            provider: sim
            symbols: [BTC-USD]
            strategies: [my_plugin]
            risk_allocation_pct: 40
        signal_aggregation:
          weights: {my_plugin: 2.0}
        """,
    )
    config = load_config(path, known_strategies=[*BUILTIN_STRATEGIES, "my_plugin"])
    assert config.markets["crypto"].strategies == ["my_plugin"]
    assert config.signal_aggregation.weights == {"my_plugin": 2.0}
