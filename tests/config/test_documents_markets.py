"""The product documents' market config is accepted as written and normalized: provider
names (binance, interactive_brokers, ...), native symbols (BTCUSDT, EUR_USD), timeframes
(1H), the `stocks` market name, and a market's `endpoint:` (a venue base URL)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tests.cli import run_cli

from tradewind.config import ConfigError, Provider, dump_config, load_config
from tradewind.domain.market import MarketClass
from tradewind.domain.timeframe import Timeframe

from ._helpers import issue_at, load, load_error, write
from .conftest import REPO

DOCUMENTS = REPO / "examples" / "documents_markets.yaml"


def _market(body: str, name: str = "crypto") -> str:
    return f"markets:\n  {name}:\n{body}    risk_allocation_pct: 20\n"


@pytest.mark.parametrize("exchange", ["binance", "coinbase", "kraken", "Binance"])
def test_a_ccxt_exchange_as_provider_becomes_ccxt_with_that_exchange(
    tmp_path: Path, exchange: str
) -> None:
    config = load(tmp_path, _market(f"    provider: {exchange}\n    symbols: [BTCUSDT]\n"))
    market = config.markets["crypto"]
    assert market.provider is Provider.CCXT
    assert market.exchange == exchange.lower()
    assert market.symbols == ["BTC-USDT"]


def test_an_alias_with_the_same_exchange_written_is_accepted(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        _market("    provider: kraken\n    exchange: kraken\n    symbols: [BTC-USD]\n"),
    )
    assert (config.markets["crypto"].provider, config.markets["crypto"].exchange) == (
        Provider.CCXT,
        "kraken",
    )


def test_an_alias_with_a_different_exchange_is_a_clear_error(tmp_path: Path) -> None:
    error = load_error(
        tmp_path,
        _market("    provider: binance\n    exchange: kraken\n    symbols: [BTCUSDT, XUSD]\n"),
    )
    issue = issue_at(error, "markets.crypto.exchange")
    assert issue.line == 4
    assert "exchange 'kraken' disagrees with provider 'binance'" in issue.message
    assert "expected exchange binance or no exchange" in issue.message
    # the other fields are still checked and reported together
    assert issue_at(error, "markets.crypto.symbols[1]").line == 5


def test_interactive_brokers_becomes_ib_and_stocks_is_the_equities_class(
    tmp_path: Path,
) -> None:
    config = load(
        tmp_path,
        _market("    provider: interactive_brokers\n    symbols: [aapl, SPY]\n", name="stocks"),
    )
    market = config.markets["stocks"]
    assert market.provider is Provider.IB
    assert market.exchange is None
    assert market.market_class is MarketClass.EQUITIES
    assert market.symbols == ["AAPL", "SPY"]


def test_a_provider_alias_from_the_environment_is_normalized_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADEWIND_MARKETS__CRYPTO__PROVIDER", "coinbase")
    config = load(tmp_path, _market("    provider: sim\n    symbols: [BTC-USD]\n"))
    assert (config.markets["crypto"].provider, config.markets["crypto"].exchange) == (
        Provider.CCXT,
        "coinbase",
    )


def test_an_alias_that_serves_another_class_is_refused_as_its_provider(tmp_path: Path) -> None:
    error = load_error(tmp_path, _market("    provider: binance\n    symbols: [SPY]\n", "stocks"))
    issue = issue_at(error, "markets.stocks.provider")
    assert "'ccxt' cannot serve equities markets" in issue.message


def test_a_misspelled_alias_suggests_the_documents_name(tmp_path: Path) -> None:
    error = load_error(tmp_path, _market("    provider: binanse\n    symbols: [BTCUSDT]\n"))
    assert "did you mean 'binance'?" in issue_at(error, "markets.crypto.provider").message


def test_documents_timeframes_and_forex_pairs_are_normalized(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        _market(
            "    provider: oanda\n    symbols: [EUR_USD, GBP_USD]\n    timeframe: 1H\n", "forex"
        ),
    )
    assert config.markets["forex"].symbols == ["EUR-USD", "GBP-USD"]
    assert config.markets["forex"].timeframe == Timeframe.parse("1h")
    assert str(config.markets["forex"].timeframe) == "1h"


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("HTTP://LocalHost:8765/", "http://localhost:8765"),
        ("https://testnet.binance.vision/", "https://testnet.binance.vision"),
        ("http://[::1]:8765", "http://[::1]:8765"),
    ],
)
def test_an_endpoint_is_accepted_and_normalized(tmp_path: Path, written: str, stored: str) -> None:
    body = f"    provider: binance\n    endpoint: {written}\n    symbols: [BTCUSDT]\n"
    assert load(tmp_path, _market(body)).markets["crypto"].endpoint == stored


def test_no_endpoint_means_the_venues_own_address(tmp_path: Path) -> None:
    config = load(tmp_path, _market("    provider: binance\n    symbols: [BTCUSDT]\n"))
    assert config.markets["crypto"].endpoint is None


@pytest.mark.parametrize(
    ("written", "fragment"),
    [
        ("ftp://127.0.0.1:21", "expected an http or https base URL with a host"),
        ("127.0.0.1:8765", "expected an http or https base URL with a host"),
        ("http://", "expected an http or https base URL with a host"),
        ("http://127.0.0.1:99999", "expected an http or https base URL"),
        ("http://127.0.0.1:8765/?x=1", "no /path, ?query or #fragment"),
        ("https://testnet.binance.vision/api", "the venue's API paths are kept"),
        ("'http://a b'", "expected an http or https base URL"),
        ("http://trader@127.0.0.1:8765", "contains credentials"),
    ],
)
def test_an_invalid_endpoint_names_the_field_and_what_was_expected(
    tmp_path: Path, written: str, fragment: str
) -> None:
    body = f"    provider: binance\n    endpoint: {written}\n    symbols: [BTCUSDT]\n"
    issue = issue_at(load_error(tmp_path, _market(body)), "markets.crypto.endpoint")
    assert issue.line == 4
    assert fragment in issue.message


def test_an_endpoint_with_a_password_is_refused_without_showing_it(tmp_path: Path) -> None:
    body = "    provider: binance\n    endpoint: https://bob:hunter2@127.0.0.1\n"
    error = load_error(tmp_path, _market(body + "    symbols: [BTCUSDT]\n"))
    issue = issue_at(error, "markets.crypto.endpoint")
    assert "password" in issue.message or "credentials" in issue.message
    assert "hunter2" not in str(error)
    assert all(i.field == "markets.crypto.endpoint" for i in error.issues)


def test_an_endpoint_on_the_simulator_is_an_error(tmp_path: Path) -> None:
    body = "    provider: sim\n    endpoint: http://127.0.0.1:8765\n    symbols: [BTC-USD]\n"
    issue = issue_at(load_error(tmp_path, _market(body)), "markets.crypto.endpoint")
    assert issue.line == 4
    assert "endpoint is unused with provider 'sim'" in issue.message


def test_an_endpoint_override_from_the_environment_applies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, _market("    provider: binance\n    symbols: [BTCUSDT]\n"))
    monkeypatch.setenv("TRADEWIND_MARKETS__CRYPTO__ENDPOINT", "http://127.0.0.1:8765/")
    assert load_config(path).markets["crypto"].endpoint == "http://127.0.0.1:8765"
    assert load_config(path, apply_env=False).markets["crypto"].endpoint is None


def test_an_endpoint_override_with_credentials_names_the_variable_not_the_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, _market("    provider: binance\n    symbols: [BTCUSDT]\n"))
    monkeypatch.setenv("TRADEWIND_MARKETS__CRYPTO__ENDPOINT", "http://bob:hunter2@127.0.0.1")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    issue = issue_at(caught.value, "markets.crypto.endpoint")
    assert issue.env_var == "TRADEWIND_MARKETS__CRYPTO__ENDPOINT"
    assert "contains credentials" in issue.message
    assert "hunter2" not in str(caught.value)


def test_the_documents_example_validates_as_written() -> None:
    raw = yaml.safe_load(DOCUMENTS.read_text(encoding="utf-8"))["markets"]
    assert raw["crypto"]["provider"] == "binance"
    assert raw["crypto"]["symbols"] == ["BTCUSDT", "ETHUSDT"]
    assert raw["stocks"]["provider"] == "interactive_brokers"
    config = load_config(DOCUMENTS)
    crypto, forex, stocks = (config.markets[n] for n in ("crypto", "forex", "stocks"))
    assert (crypto.provider, crypto.exchange, crypto.symbols) == (
        Provider.CCXT,
        "binance",
        ["BTC-USDT", "ETH-USDT"],
    )
    assert (str(crypto.timeframe), str(forex.timeframe), str(stocks.timeframe)) == (
        "5m",
        "1h",
        "1d",
    )
    assert (forex.provider, forex.symbols) == (Provider.OANDA, ["EUR-USD", "GBP-USD"])
    assert (stocks.provider, stocks.market_class) == (Provider.IB, MarketClass.EQUITIES)
    assert stocks.symbols == ["AAPL", "MSFT", "SPY"]
    assert [m.risk_allocation_pct for m in config.markets.values()] == [20, 15, 25]


def test_the_normalized_documents_example_loads_back_equal(tmp_path: Path) -> None:
    config = load_config(DOCUMENTS)
    assert load_config(write(tmp_path, dump_config(config), name="dumped.yaml")) == config


def test_config_show_prints_the_documents_example_normalized(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRADEWIND_MARKETS__CRYPTO__ENDPOINT", "http://127.0.0.1:8765")
    code, out, err = run_cli(["config", "show", str(DOCUMENTS)], monkeypatch, capsys)
    assert code == 0, err
    markets = yaml.safe_load(out)["markets"]
    assert {k: markets["crypto"][k] for k in ("provider", "exchange", "endpoint")} == {
        "provider": "ccxt",
        "exchange": "binance",
        "endpoint": "http://127.0.0.1:8765",
    }
    assert markets["crypto"]["symbols"] == ["BTC-USDT", "ETH-USDT"]
    assert (markets["forex"]["symbols"], markets["forex"]["timeframe"]) == (
        ["EUR-USD", "GBP-USD"],
        "1h",
    )
    assert (markets["stocks"]["provider"], markets["stocks"]["market_class"]) == (
        "ib",
        "equities",
    )


def test_paper_fills_default_to_simulated_and_may_go_to_an_emulator(tmp_path: Path) -> None:
    body = "    provider: binance\n    symbols: [BTCUSDT]\n"
    assert load(tmp_path, _market(body)).markets["crypto"].paper_fills.value == "simulated"
    at_emulator = body + "    endpoint: http://127.0.0.1:8765\n    paper_fills: venue\n"
    market = load(tmp_path, _market(at_emulator)).markets["crypto"]
    assert (market.paper_fills.value, market.endpoint) == ("venue", "http://127.0.0.1:8765")


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("    paper_fills: venue\n", "needs an endpoint"),
        ("    endpoint: https://api.binance.com\n    paper_fills: venue\n", "production"),
    ],
)
def test_paper_fills_at_the_venue_need_a_test_endpoint(
    tmp_path: Path, extra: str, expected: str
) -> None:
    error = load_error(tmp_path, _market("    provider: binance\n    symbols: [BTCUSDT]\n" + extra))
    assert expected in issue_at(error, "markets.crypto.paper_fills").message


def test_interactive_brokers_is_reached_at_a_tcp_socket(tmp_path: Path) -> None:
    body = "    provider: interactive_brokers\n    endpoint: tcp://127.0.0.1:7497\n"
    config = load(tmp_path, _market(body + "    symbols: [AAPL]\n", "stocks"))
    assert config.markets["stocks"].endpoint == "tcp://127.0.0.1:7497"


@pytest.mark.parametrize(
    ("provider", "written", "fragment"),
    [
        ("interactive_brokers", "http://127.0.0.1:7497", "expected tcp://HOST:PORT"),
        ("alpaca", "tcp://127.0.0.1:8765", "expected an http or https URL"),
    ],
)
def test_an_endpoint_of_the_wrong_kind_for_the_provider_is_an_error(
    tmp_path: Path, provider: str, written: str, fragment: str
) -> None:
    body = f"    provider: {provider}\n    endpoint: {written}\n    symbols: [AAPL]\n"
    issue = issue_at(load_error(tmp_path, _market(body, "stocks")), "markets.stocks.endpoint")
    assert fragment in issue.message


def test_paper_orders_are_never_sent_to_a_live_ib_port(tmp_path: Path) -> None:
    body = (
        "    provider: ib\n    endpoint: tcp://127.0.0.1:7496\n    paper_fills: venue\n"
        "    symbols: [AAPL]\n"
    )
    issue = issue_at(load_error(tmp_path, _market(body, "stocks")), "markets.stocks.paper_fills")
    assert "production address" in issue.message
