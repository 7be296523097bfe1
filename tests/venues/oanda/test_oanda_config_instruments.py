"""Settings are validated, instruments follow v20's grid, orders become v20 requests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from tradewind.domain.errors import DomainError
from tradewind.domain.identifiers import ClientOrderId, InstrumentId, StrategyId
from tradewind.domain.market import MarketClass
from tradewind.domain.order import Order
from tradewind.domain.order_enums import OrderSide, OrderType, TimeInForce
from tradewind.domain.secret import Secret
from tradewind.domain.venue_errors import VenueError
from tradewind.venues.oanda.config import PRACTICE_URL, OandaVenueConfig
from tradewind.venues.oanda.instruments import OandaInstruments
from tradewind.venues.oanda.requests import CAPABILITIES, order_request
from tradewind.venues.oanda.wire import Fields, V20Instrument

from .payloads import INSTRUMENTS


def _instruments() -> OandaInstruments:
    specs = [V20Instrument.parse(Fields(p, "OANDA", "x", "i")) for p in INSTRUMENTS["instruments"]]
    return OandaInstruments(specs, ["EUR_USD", "USD_JPY"], "OANDA")


def test_the_default_endpoint_is_practice_and_the_token_is_hidden() -> None:
    config = OandaVenueConfig(symbols=("EUR_USD",), token="abc")  # type: ignore[arg-type]
    assert config.base_url == PRACTICE_URL
    assert isinstance(config.token, Secret)
    assert "abc" not in repr(config)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("symbols", {"symbols": ("EUR/USD",)}),
        ("symbols", {"symbols": ()}),
        ("endpoint", {"endpoint": "http://127.0.0.1:1/v3"}),
        ("timeout_ms", {"timeout_ms": 0}),
        ("page_limit", {"page_limit": 5001}),
        ("account_id", {"account_id": "a b"}),
    ],
)
def test_bad_settings_are_refused_naming_the_field(field: str, kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {"symbols": ("EUR_USD",)}
    with pytest.raises(DomainError, match=field):
        OandaVenueConfig(**{**base, **kwargs})  # type: ignore[arg-type]


def test_an_instrument_takes_its_grid_from_display_and_units_precision() -> None:
    instruments = _instruments()
    eur = instruments.by_symbol("EUR_USD")
    assert eur is not None
    assert eur.id == InstrumentId("EUR-USD", "OANDA")
    assert (eur.price_tick, eur.lot_size, eur.min_quantity) == (
        Decimal("0.00001"),
        Decimal(1),
        Decimal(1),
    )
    assert (eur.base_currency, eur.quote_currency, eur.market_class) == (
        "EUR",
        "USD",
        MarketClass.FOREX,
    )
    assert instruments.symbol_of(eur.id) == "EUR_USD"


def test_a_configured_instrument_the_account_lacks_is_refused() -> None:
    spec = V20Instrument.parse(Fields(INSTRUMENTS["instruments"][0], "OANDA", "x", "i"))
    with pytest.raises(VenueError, match="unknown instrument GBP_USD"):
        OandaInstruments([spec], ["GBP_USD"], "OANDA")


def _order(kind: OrderType, side: OrderSide, tif: TimeInForce, **terms: str) -> Order:
    return Order(
        client_order_id=ClientOrderId("c-9"),
        strategy_id=StrategyId("s"),
        instrument_id=InstrumentId("EUR-USD", "OANDA"),
        side=side,
        order_type=kind,
        quantity=Decimal(1000),
        price=Decimal(terms["price"]) if "price" in terms else None,
        trigger_price=Decimal(terms["trigger"]) if "trigger" in terms else None,
        time_in_force=tif,
        created_at=datetime(2017, 1, 3, tzinfo=UTC),
    )


def test_orders_become_v20_requests_with_signed_units_and_our_client_id() -> None:
    eur = _instruments().by_symbol("EUR_USD")
    assert eur is not None
    market = order_request(
        _order(OrderType.MARKET, OrderSide.SELL, TimeInForce.GTC), "EUR_USD", eur
    )
    assert (market["type"], market["units"], market["timeInForce"]) == ("MARKET", "-1000", "FOK")
    assert market["clientExtensions"]["id"] == "c-9"
    assert "price" not in market
    limit = order_request(
        _order(OrderType.LIMIT, OrderSide.BUY, TimeInForce.DAY, price="1.05"), "EUR_USD", eur
    )
    assert (limit["type"], limit["price"], limit["timeInForce"]) == ("LIMIT", "1.05000", "GFD")
    stop = order_request(
        _order(OrderType.STOP, OrderSide.BUY, TimeInForce.GTC, trigger="1.1"), "EUR_USD", eur
    )
    assert (stop["type"], stop["price"], stop["units"]) == ("STOP", "1.10000", "1000")


def test_capabilities_are_the_ones_v20_has() -> None:
    assert {"market", "limit", "stop", "ioc", "fok", "day", "short", "modify"} == CAPABILITIES
    assert not {"stop_limit", "fractional", "reduce_only", "cancel_all", "partial_fills"} & (
        CAPABILITIES
    )
