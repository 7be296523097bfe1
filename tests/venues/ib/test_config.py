"""`IbVenueConfig`: validated settings, the endpoint form and the environment."""

from __future__ import annotations

import pytest

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import InstrumentId
from tradewind.domain.market import MarketClass
from tradewind.venues.ib import IbVenueConfig


def test_defaults_point_at_tws_paper_on_loopback() -> None:
    config = IbVenueConfig(symbols=("AAPL",))
    assert (config.host, config.port, config.client_id) == ("127.0.0.1", 7497, 1)
    assert config.venue == "IB"
    assert config.market_class is MarketClass.EQUITIES


def test_an_endpoint_overrides_host_and_port() -> None:
    config = IbVenueConfig(symbols=("AAPL",), endpoint="tws://127.0.0.1:4002")
    assert (config.host, config.port, config.endpoint) == (
        "127.0.0.1",
        4002,
        "tws://127.0.0.1:4002",
    )


@pytest.mark.parametrize("endpoint", ["http://127.0.0.1", "tws://127.0.0.1:1/path", "nonsense"])
def test_an_endpoint_without_host_and_port_is_refused(endpoint: str) -> None:
    with pytest.raises(DomainError, match="endpoint"):
        IbVenueConfig(symbols=("AAPL",), endpoint=endpoint)


def test_forex_symbols_are_pairs_and_stock_symbols_tickers() -> None:
    forex = IbVenueConfig(symbols=("EUR.USD",), market_class=MarketClass.FOREX)
    assert forex.instrument_id("EUR.USD") == InstrumentId("EUR-USD", "IB")
    assert IbVenueConfig(symbols=("BRK.B",)).instrument_id("BRK.B") == InstrumentId("BRK.B", "IB")
    with pytest.raises(DomainError, match="symbols"):
        IbVenueConfig(symbols=("EUR.USD",))
    with pytest.raises(DomainError, match="symbols"):
        IbVenueConfig(symbols=("AAPL",), market_class=MarketClass.FOREX)


@pytest.mark.parametrize(
    ("field", "value"), [("port", 0), ("client_id", -1), ("timeout_ms", 0), ("account", "DU 1")]
)
def test_out_of_range_settings_name_the_field(field: str, value: object) -> None:
    with pytest.raises(DomainError, match=field):
        IbVenueConfig(symbols=("AAPL",), **{field: value})  # type: ignore[arg-type]


def test_a_market_class_ib_is_not_adapted_for_is_refused() -> None:
    with pytest.raises(DomainError, match="equities or forex"):
        IbVenueConfig(symbols=("AAPL",), market_class=MarketClass.CRYPTO)


def test_the_environment_sets_host_port_client_id_and_account() -> None:
    env = {"TRADEWIND_IB_HOST": "10.0.0.5", "TRADEWIND_IB_PORT": "4002",
           "TRADEWIND_IB_CLIENT_ID": "7", "TRADEWIND_IB_ACCOUNT": "DU123"}  # fmt: skip
    config = IbVenueConfig.from_environment(("AAPL",), environ=env)
    assert (config.host, config.port, config.client_id, config.account) == (
        "10.0.0.5", 4002, 7, "DU123",
    )  # fmt: skip
    with pytest.raises(DomainError, match="TRADEWIND_IB_PORT"):
        IbVenueConfig.from_environment(("AAPL",), environ={"TRADEWIND_IB_PORT": "x"})
