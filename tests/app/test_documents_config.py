"""The documents' markets: every provider has an adapter, and a broker market without its
credentials is refused before a paper run writes anything, naming the variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli import run_cli

from tradewind.app.venue_choice import ADAPTER_PROVIDERS, credentials_problem, provider_problem
from tradewind.config import MarketConfig, Provider
from tradewind.config.secrets import Secrets

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = ROOT / "examples" / "documents_markets.yaml"


@pytest.fixture(autouse=True)
def _clean_environment(clean_environment: None) -> None:
    """Every test here runs in `clean_environment` (tests/conftest.py)."""


def _market(market_class: str, provider: str, symbol: str) -> MarketConfig:
    return MarketConfig.model_validate(
        {
            "market_class": market_class,
            "provider": provider,
            "symbols": [symbol],
            "risk_allocation_pct": 10,
        }
    )


@pytest.mark.parametrize(
    ("market_class", "provider", "symbol"),
    [
        ("equities", "interactive_brokers", "AAPL"),
        ("equities", "ib", "AAPL"),
        ("forex", "oanda", "EUR_USD"),
        ("equities", "alpaca", "SPY"),
    ],
)
def test_forex_and_stocks_brokers_have_adapters(
    market_class: str, provider: str, symbol: str
) -> None:
    assert provider_problem("stocks", _market(market_class, provider, symbol)) == ""


def test_every_provider_has_an_adapter() -> None:
    assert set(Provider) == ADAPTER_PROVIDERS


@pytest.mark.parametrize(
    ("market_class", "provider", "symbol", "variables"),
    [
        ("forex", "oanda", "EUR_USD", "TRADEWIND_OANDA_TOKEN"),
        ("equities", "alpaca", "AAPL", "TRADEWIND_ALPACA_API_KEY, TRADEWIND_ALPACA_SECRET_KEY"),
    ],
)
def test_a_broker_market_without_credentials_names_the_variables(
    market_class: str, provider: str, symbol: str, variables: str
) -> None:
    market = _market(market_class, provider, symbol)
    problem = credentials_problem("forex", market, Secrets())
    assert f"set {variables} in the environment or .env" in problem
    assert credentials_problem("forex", _market("equities", "ib", "AAPL"), Secrets()) == ""


def test_a_market_on_a_ccxt_exchange_has_an_adapter() -> None:
    assert Provider.CCXT in ADAPTER_PROVIDERS
    assert provider_problem("crypto", _market("crypto", "binance", "BTCUSDT")) == ""


def test_the_simulator_has_an_adapter() -> None:
    assert provider_problem("crypto", _market("crypto", "sim", "BTC-USD")) == ""


def test_paper_trading_the_documents_example_without_credentials_is_refused_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = tmp_path / "j.sqlite"
    code, out, err = run_cli(
        ["paper", "--config", str(DOCUMENTS), "--journal", str(journal)], monkeypatch, capsys
    )
    output = out + err
    assert code == 2, output
    assert "markets.forex.provider" in output
    assert "TRADEWIND_OANDA_TOKEN" in output
    assert "Traceback" not in output
    assert not journal.exists()  # refused before anything was written
