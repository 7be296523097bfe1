from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewind.domain import (
    DomainError,
    Instrument,
    InstrumentId,
    MarketClass,
    PriceRounding,
    QuoteType,
)


def btc(**overrides: object) -> Instrument:
    fields: dict[str, object] = {
        "id": InstrumentId("BTC-USD", "SIM"),
        "market_class": MarketClass.CRYPTO,
        "base_currency": "BTC",
        "quote_currency": "USD",
        "price_tick": Decimal("0.01"),
        "lot_size": Decimal("0.001"),
        "min_quantity": Decimal("0.002"),
        "min_notional": Decimal("10"),
    }
    fields.update(overrides)
    return Instrument(**fields)  # type: ignore[arg-type]


# -- construction ---------------------------------------------------------------


def test_precision_is_derived_from_tick_and_lot() -> None:
    inst = btc(price_tick=Decimal("0.050"), lot_size=Decimal("0.001"))
    assert (inst.price_precision, inst.size_precision) == (2, 3)


def test_given_precision_below_tick_decimals_is_rejected() -> None:
    with pytest.raises(DomainError, match="needs at least 2 decimals"):
        btc(price_precision=1)


def test_given_precision_above_tick_decimals_is_kept() -> None:
    assert btc(price_precision=8).round_price("100.004") == Decimal("100.00000000")


def test_calendar_defaults_to_market_class_calendar() -> None:
    assert btc().calendar == "24/7"
    assert btc(market_class=MarketClass.FUTURES).calendar == "CMES"
    assert btc(calendar="XNYS").calendar == "XNYS"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("price_tick", Decimal(0), "invalid price_tick 0 for BTC-USD.SIM: expected a value > 0"),
        ("lot_size", Decimal("-1"), "invalid lot_size -1 .*expected a value > 0"),
        ("min_notional", Decimal("-5"), "invalid min_notional -5 .*expected a value >= 0"),
        ("multiplier", Decimal(0), "invalid multiplier 0"),
        ("price_tick", float("nan"), "expected a finite number"),
        ("quote_currency", "U S D", "invalid quote_currency"),
        ("quote_type", "percent", "invalid quote_type 'percent'"),
        ("market_class", "moon", "unknown market class"),
    ],
)
def test_invalid_fields_are_rejected_with_the_field_named(
    field: str, value: object, message: str
) -> None:
    with pytest.raises(DomainError, match=message):
        btc(**{field: value})


def test_float_fields_are_converted_without_binary_noise() -> None:
    inst = btc(price_tick=0.1, lot_size=0.001)
    assert inst.price_tick == Decimal("0.1")
    assert inst.lot_size == Decimal("0.001")


# -- factory defaults -------------------------------------------------------------


def test_for_symbol_crypto_defaults() -> None:
    inst = Instrument.for_symbol("BTC-USD", "crypto")
    assert inst.id == InstrumentId("BTC-USD", "SIM")
    assert (inst.base_currency, inst.quote_currency) == ("BTC", "USD")
    assert (inst.price_tick, inst.lot_size) == (Decimal("0.01"), Decimal("0.00001"))
    assert inst.calendar == "24/7"


def test_for_symbol_forex_defaults_and_jpy_tick() -> None:
    eur = Instrument.for_symbol("EURUSD", MarketClass.FOREX, venue="OANDA")
    assert (eur.base_currency, eur.quote_currency) == ("EUR", "USD")
    assert (eur.price_tick, eur.lot_size, eur.calendar) == (Decimal("0.00001"), Decimal(1), "FX")
    jpy = Instrument.for_symbol("USD/JPY", "fx")
    assert jpy.price_tick == Decimal("0.001")


def test_for_symbol_equity_defaults_and_overrides() -> None:
    spy = Instrument.for_symbol("SPY", "stocks")
    assert (spy.base_currency, spy.quote_currency, spy.calendar) == ("SPY", "USD", "XNYS")
    assert (spy.price_tick, spy.lot_size) == (Decimal("0.01"), Decimal(1))
    vix = Instrument.for_symbol(
        "VIX", "volatility", quote_type=QuoteType.INDEX_LEVEL, lot_size="0.5"
    )
    assert vix.lot_size == Decimal("0.5")
    assert vix.quote_type is QuoteType.INDEX_LEVEL


def test_for_symbol_understands_ccxt_settlement_suffix() -> None:
    perp = Instrument.for_symbol("BTC/USDT:USDT", "crypto", venue="BINANCE")
    assert (perp.base_currency, perp.quote_currency) == ("BTC", "USDT")
    assert str(perp.id) == "BTC/USDT:USDT.BINANCE"


def test_for_symbol_without_derivable_currencies_asks_for_them() -> None:
    with pytest.raises(DomainError, match="pass base_currency and quote_currency"):
        Instrument.for_symbol("A-B-C", "crypto")
    inst = Instrument.for_symbol("A-B-C", "crypto", base_currency="A", quote_currency="C")
    assert inst.quote_currency == "C"


# -- rounding ---------------------------------------------------------------------


def test_round_price_modes() -> None:
    inst = btc()
    assert inst.round_price("100.005") == Decimal("100.01")
    assert inst.round_price("100.004") == Decimal("100.00")
    assert inst.round_price("100.009", PriceRounding.DOWN) == Decimal("100.00")
    assert inst.round_price("100.001", "up") == Decimal("100.01")


def test_round_price_on_non_decimal_tick() -> None:
    inst = btc(price_tick=Decimal("0.25"))
    assert inst.round_price("10.37") == Decimal("10.25")
    assert inst.round_price("10.38") == Decimal("10.50")
    assert str(inst.round_price(10)) == "10.00"


def test_round_price_of_float_uses_its_shortest_repr() -> None:
    # 1.005 is stored as 1.00499999999999989... but means 1.005.
    assert btc().round_price(1.005) == Decimal("1.01")


def test_round_price_rejects_unknown_mode_and_non_finite() -> None:
    with pytest.raises(DomainError, match="invalid rounding 'sideways'"):
        btc().round_price(1, "sideways")
    with pytest.raises(DomainError, match="finite"):
        btc().round_price(float("inf"))


def test_round_qty_rounds_down_to_lot() -> None:
    inst = btc()
    assert inst.round_qty("0.0019") == Decimal("0.001")
    assert inst.round_qty(0.0001) == Decimal("0.000")
    with pytest.raises(DomainError, match="expected a value >= 0"):
        inst.round_qty(-1)


def test_make_price_rejects_non_positive_prices_but_yields_may_be_negative() -> None:
    with pytest.raises(DomainError, match="expected a value > 0"):
        btc().make_price("0.001")
    bond_yield = btc(quote_type=QuoteType.YIELD, price_tick=Decimal("0.001"))
    assert bond_yield.make_price("-0.0514") == Decimal("-0.051")


def test_make_qty_is_round_qty() -> None:
    assert btc().make_qty("1.23456") == Decimal("1.234")


# -- order checks -------------------------------------------------------------------


def test_check_order_quantity_below_lot_size() -> None:
    with pytest.raises(
        DomainError, match=r"^invalid quantity 0.0001 for BTC-USD.SIM: below lot size 0.001$"
    ):
        btc().check_order(Decimal("0.0001"), Decimal(50_000))


@pytest.mark.parametrize(
    ("quantity", "price", "message"),
    [
        ("0", "100", "invalid quantity 0 for BTC-USD.SIM: expected a value > 0"),
        ("0.0015", "50000", "not a multiple of lot size 0.001"),
        ("0.001", "50000", "below min quantity 0.002"),
        ("0.002", "100.005", "invalid price 100.005 for BTC-USD.SIM: not a multiple of tick 0.01"),
        ("0.002", "0", "invalid price 0 .*expected a value > 0"),
        ("0.002", "100", r"notional 0.200 USD below min notional 10 USD"),
    ],
)
def test_check_order_rejections(quantity: str, price: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        btc().check_order(Decimal(quantity), Decimal(price))


def test_check_order_accepts_valid_order_and_skips_notional_without_price() -> None:
    inst = btc()
    inst.check_order(Decimal("0.002"), Decimal("50000.01"))
    inst.check_order("0.002")


def test_notional_respects_multiplier() -> None:
    es = btc(multiplier=Decimal(50), lot_size=Decimal(1), min_quantity=0, min_notional=0)
    assert es.notional(2, "5000.25") == Decimal("500025.00")
    with pytest.raises(DomainError, match="notional 250"):
        btc(
            multiplier=Decimal(50),
            lot_size=Decimal(1),
            min_quantity=0,
            min_notional=Decimal(1000),
        ).check_order(1, 5)


# -- properties ----------------------------------------------------------------------

ticks = st.sampled_from(
    [Decimal(t) for t in ("0.01", "0.05", "0.25", "0.00001", "0.001", "1", "5", "0.5")]
)
lots = st.sampled_from([Decimal(t) for t in ("0.00001", "0.001", "1", "100", "0.5", "0.25")])
prices = st.decimals(min_value=Decimal("-1e6"), max_value=Decimal("1e7"), allow_nan=False, places=8)
quantities = st.decimals(min_value=Decimal(0), max_value=Decimal("1e9"), allow_nan=False, places=8)
modes = st.sampled_from(list(PriceRounding))


def _inst(tick: Decimal, lot: Decimal = Decimal(1)) -> Instrument:
    return btc(price_tick=tick, lot_size=lot, quote_type=QuoteType.YIELD, min_quantity=0)


@given(tick=ticks, value=prices, mode=modes)
def test_round_price_is_an_exact_tick_multiple_and_idempotent(
    tick: Decimal, value: Decimal, mode: PriceRounding
) -> None:
    inst = _inst(tick)
    rounded = inst.round_price(value, mode)
    assert rounded % tick == 0
    assert inst.round_price(rounded, mode) == rounded
    assert inst.round_price(inst.round_price(value)) == inst.round_price(value)


@given(tick=ticks, value=prices)
def test_round_price_nearest_is_within_half_a_tick(tick: Decimal, value: Decimal) -> None:
    assert abs(_inst(tick).round_price(value) - value) <= tick / 2


@given(tick=ticks, value=prices)
def test_round_price_down_never_above_and_up_never_below(tick: Decimal, value: Decimal) -> None:
    inst = _inst(tick)
    down, up = inst.round_price(value, "down"), inst.round_price(value, "up")
    assert down <= value <= up
    assert up - down in (0, tick)


@given(tick=ticks, value=prices)
def test_make_price_round_trips_through_text(tick: Decimal, value: Decimal) -> None:
    inst = _inst(tick)
    price = inst.make_price(value)
    assert inst.make_price(str(price)) == price
    assert str(inst.make_price(str(price))) == str(price)
    assert -price.as_tuple().exponent == inst.price_precision  # type: ignore[operator]


@given(lot=lots, value=quantities)
def test_round_qty_never_increases_and_is_a_lot_multiple(lot: Decimal, value: Decimal) -> None:
    inst = _inst(Decimal("0.01"), lot)
    qty = inst.round_qty(value)
    assert 0 <= qty <= value
    assert value - qty < lot
    assert qty % lot == 0
    assert inst.round_qty(qty) == qty


@given(lot=lots, value=quantities.filter(lambda q: q > 0))
def test_rounded_quantity_passes_the_lot_checks(lot: Decimal, value: Decimal) -> None:
    inst = _inst(Decimal("0.01"), lot)
    qty = inst.round_qty(value)
    if qty >= lot:
        inst.check_order(qty)
    else:
        with pytest.raises(DomainError, match=r"expected a value > 0|below lot size"):
            inst.check_order(value)
