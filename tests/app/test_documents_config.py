"""The documents' markets on providers without an adapter yet: each refusal names the
provider as configured and as the documents spell it, and says what to do instead."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli import run_cli

from tradewind.app.venue_choice import ADAPTER_PROVIDERS, provider_problem
from tradewind.config import MarketConfig, Provider

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
    ("market_class", "provider", "symbol", "named"),
    [
        ("equities", "interactive_brokers", "AAPL", "provider 'ib' (interactive_brokers)"),
        ("equities", "ib", "AAPL", "provider 'ib' (interactive_brokers)"),
        ("forex", "oanda", "EUR_USD", "provider 'oanda'"),
        ("equities", "alpaca", "SPY", "provider 'alpaca'"),
    ],
)
def test_forex_and_stocks_brokers_are_refused_as_not_in_this_version_yet(
    market_class: str, provider: str, symbol: str, named: str
) -> None:
    problem = provider_problem("stocks", _market(market_class, provider, symbol))
    assert problem.startswith(f"{named} has no venue adapter")
    assert "forex and stocks adapters (oanda, alpaca, ib) are not in this version yet" in problem
    assert "market 'stocks' cannot paper-trade" in problem
    assert "never replaced by the simulator" in problem
    assert "`provider: sim`" in problem
    assert "`tradewind backtest`" in problem


def test_a_market_on_a_ccxt_exchange_has_an_adapter() -> None:
    assert Provider.CCXT in ADAPTER_PROVIDERS
    assert provider_problem("crypto", _market("crypto", "binance", "BTCUSDT")) == ""


def test_the_simulator_has_an_adapter() -> None:
    assert provider_problem("crypto", _market("crypto", "sim", "BTC-USD")) == ""


def test_paper_trading_the_documents_example_refuses_the_markets_without_adapters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    journal = tmp_path / "j.sqlite"
    code, out, err = run_cli(
        ["paper", "--config", str(DOCUMENTS), "--journal", str(journal)], monkeypatch, capsys
    )
    output = out + err
    assert code == 2, output
    assert "markets.stocks.provider" in output
    assert "'ib' (interactive_brokers) has no venue adapter" in output
    assert "markets.forex.provider" in output
    assert "not in this version yet" in output
    assert "Traceback" not in output
    assert not journal.exists()  # refused before anything was written
