"""Stop-limits through the real ccxt classes against each exchange's emulator: Kraken
and Coinbase list no order types on their markets, yet declare `stop_limit` (ccxt sends
them and the emulators work them), and a trigger on the winning side of the market goes
out as a take-profit (Kraken `take-profit-limit`, Coinbase `STOP_UP` for a sell),
which waits for the market to come up to it (or down, for a buy)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from tests.contract.ccxt_exchange_harness import EmulatedExchangeHarness
from tests.contract.ccxt_harness import BINANCE, CcxtHarness
from tests.contract.coinbase_harness import COINBASE, CoinbaseHarness
from tests.contract.kraken_harness import KRAKEN, KrakenHarness
from tests.contract.support import BUY, SELL, apply_all, away, fills, make_order, status

from tradewind.domain.order_enums import OrderStatus, OrderType
from tradewind.ports.capabilities import VenueCapability
from tradewind.venues.ccxt.requests import capabilities_of

STOP_LIMIT = VenueCapability.STOP_LIMIT.value
HARNESSES: dict[str, tuple[Callable[[], EmulatedExchangeHarness], str]] = {
    "binance": (CcxtHarness, BINANCE.key),
    "kraken": (KrakenHarness, KRAKEN.key),
    "coinbase": (CoinbaseHarness, COINBASE.key),
}


@pytest.fixture(params=sorted(HARNESSES))
def rig(request: pytest.FixtureRequest) -> Iterator[tuple[EmulatedExchangeHarness, str]]:
    factory, key = HARNESSES[request.param]
    built = factory()
    yield built, key
    built.close()


@pytest.mark.parametrize("exchange_id", ["kraken", "coinbase"])
def test_kraken_and_coinbase_declare_stop_limit_though_no_order_types_are_listed(
    exchange_id: str,
) -> None:
    assert STOP_LIMIT in capabilities_of({}, {}, frozenset(), exchange_id)


def test_another_exchange_listing_no_order_types_declares_no_stop_limit() -> None:
    assert STOP_LIMIT not in capabilities_of({}, {}, frozenset(), "bitstamp")
    assert STOP_LIMIT not in capabilities_of({}, {}, frozenset({"STOP_LOSS_LIMIT"}), "binance")


def test_a_trigger_on_the_winning_side_rests_as_a_take_profit_and_fills_within_its_limit(
    rig: tuple[EmulatedExchangeHarness, str],
) -> None:
    harness, key = rig
    p = harness.start_price
    held = make_order(harness, "tp-held", BUY, 2)
    harness.venue.submit(held)
    harness.move_market(harness.primary, p, p, p, p)
    apply_all([held], harness.drain())
    assert held.status is OrderStatus.FILLED
    sell = make_order(
        harness,
        "tp-sell",
        SELL,
        2,
        OrderType.STOP_LIMIT,
        price=away(harness, "1.04"),
        trigger=away(harness, "1.05"),
    )
    buy = make_order(
        harness,
        "tp-buy",
        BUY,
        1,
        OrderType.STOP_LIMIT,
        price=away(harness, "0.96"),
        trigger=away(harness, "0.95"),
    )
    for order in (sell, buy):
        harness.venue.submit(order)
    resting = harness.market.open_orders(key)
    assert sorted((o.side.value, o.take_profit, o.stop_price, o.price) for o in resting) == [
        ("BUY", True, Decimal("95"), Decimal("96")),
        ("SELL", True, Decimal("105"), Decimal("104")),
    ]
    harness.move_market(harness.primary, p, p + 4, p - 4, p)
    apply_all([sell, buy], harness.drain())
    assert (status(sell), status(buy)) == (OrderStatus.ACCEPTED, OrderStatus.ACCEPTED)
    harness.move_market(harness.primary, p, Decimal(107), p, Decimal(106))
    up = harness.drain()
    apply_all([sell, buy], up)
    assert [f.client_order_id for f in fills(up)] == [sell.client_order_id]
    assert all(f.last_price >= Decimal(104) for f in fills(up))
    harness.move_market(harness.primary, Decimal(106), Decimal(106), Decimal(93), Decimal(94))
    down = harness.drain()
    apply_all([buy], down)
    assert [f.client_order_id for f in fills(down)] == [buy.client_order_id]
    assert all(f.last_price <= Decimal(96) for f in fills(down))
    assert (status(sell), status(buy)) == (OrderStatus.FILLED, OrderStatus.FILLED)
