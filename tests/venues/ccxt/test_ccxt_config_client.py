"""Config hides credentials; the client is built with rate limiting and the endpoint."""

from __future__ import annotations

import logging

import pytest

from tradewind.domain.errors import DomainError
from tradewind.venues.ccxt.client import build_exchange, point_urls_at
from tradewind.venues.ccxt.config import CcxtVenueConfig, Secret


def _config(**overrides: object) -> CcxtVenueConfig:
    settings: dict[str, object] = {"exchange_id": "binance", "symbols": ("BTC/USDT",)}
    settings.update(overrides)
    return CcxtVenueConfig(**settings)  # type: ignore[arg-type]


def test_the_config_repr_never_shows_credentials() -> None:
    config = _config(api_key="AKIA-visible?", secret="s3cr3t", password="pp")
    text = repr(config) + str(config.secret)
    assert "AKIA-visible?" not in text
    assert "s3cr3t" not in text
    assert "pp'" not in text
    assert isinstance(config.api_key, Secret)
    assert config.has_credentials
    assert config.venue == "BINANCE"


def test_the_client_gets_rate_limiting_timeout_and_credentials() -> None:
    exchange = build_exchange(_config(api_key="k", secret="s", timeout_ms=2_500))
    assert exchange.enableRateLimit
    assert exchange.timeout == 2_500
    assert (exchange.apiKey, exchange.secret) == ("k", "s")
    assert exchange.options["fetchMarkets"] == {"types": ["spot"]}


def test_the_endpoint_replaces_scheme_and_host_of_every_api_url_keeping_paths() -> None:
    exchange = build_exchange(_config(endpoint="http://127.0.0.1:8765"))
    urls = exchange.urls["api"]
    assert urls["public"] == "http://127.0.0.1:8765/api/v3"
    assert urls["sapi"] == "http://127.0.0.1:8765/sapi/v1"
    assert point_urls_at({"a": ["wss://x.y/ws"]}, "http://h:1") == {"a": ["ws://h:1/ws"]}


def test_the_wire_log_never_emits_debug_records_with_headers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    exchange = build_exchange(_config(api_key="KEY-IN-HEADER", secret="s"))
    with caplog.at_level(logging.DEBUG):
        exchange.logger.debug("GET %s", {"X-MBX-APIKEY": "KEY-IN-HEADER"})
    assert "KEY-IN-HEADER" not in caplog.text


@pytest.mark.parametrize(
    ("overrides", "match"),
    [({"exchange_id": "Binance!"}, "exchange_id"), ({"symbols": ()}, "symbols"),
     ({"endpoint": "127.0.0.1:80"}, "endpoint"), ({"endpoint": "http://h/api"}, "endpoint"),
     ({"timeout_ms": 0}, "timeout_ms")],
)  # fmt: skip
def test_bad_settings_are_refused_naming_the_field(
    overrides: dict[str, object], match: str
) -> None:
    with pytest.raises(DomainError, match=match):
        _config(**overrides)


def test_an_unknown_exchange_id_is_refused() -> None:
    with pytest.raises(DomainError, match="unknown ccxt exchange id"):
        build_exchange(_config(exchange_id="nosuchexchange"))
