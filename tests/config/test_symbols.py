"""Symbol formats per market class."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tradewind.config import normalize_symbol
from tradewind.config.symbols import CRYPTO_QUOTE_ASSETS, ISO_4217_CODES
from tradewind.domain.market import MarketClass

FX = MarketClass.FOREX
CRYPTO = MarketClass.CRYPTO


@pytest.mark.parametrize(
    ("symbol", "market_class", "expected"),
    [
        ("EUR-USD", FX, "EUR-USD"),
        ("EUR/USD", FX, "EUR-USD"),
        ("eurusd", FX, "EUR-USD"),
        ("XAU_USD", FX, "XAU-USD"),
        ("EUR_USD", FX, "EUR-USD"),
        ("BTC/USDT", CRYPTO, "BTC-USDT"),
        ("1inch-usd", CRYPTO, "1INCH-USD"),
        ("BTCUSDT", CRYPTO, "BTC-USDT"),
        ("ethusdt", CRYPTO, "ETH-USDT"),
        ("ETHBTC", CRYPTO, "ETH-BTC"),
        ("BTCUSD", CRYPTO, "BTC-USD"),
        ("SOLFDUSD", CRYPTO, "SOL-FDUSD"),
        ("ETHBUSD", CRYPTO, "ETH-BUSD"),  # longest quote first, not ETHB-USD
        ("BTCTUSD", CRYPTO, "BTC-TUSD"),
        ("1INCHUSDT", CRYPTO, "1INCH-USDT"),
        ("SHIB1000USDC", CRYPTO, "SHIB1000-USDC"),
        ("BTC_USDT", CRYPTO, "BTC-USDT"),
        ("BRK.B", MarketClass.EQUITIES, "BRK.B"),
        ("^GSPC", MarketClass.EQUITIES, "^GSPC"),
        ("^VIX", MarketClass.VOLATILITY, "^VIX"),
        ("UST10Y", MarketClass.BONDS, "UST10Y"),
        ("WTI", MarketClass.COMMODITIES, "WTI"),
        ("xau/usd", MarketClass.COMMODITIES, "XAU-USD"),
        ("CL=F", MarketClass.FUTURES, "CL=F"),
        ("ESZ4", MarketClass.FUTURES, "ESZ4"),
    ],
)
def test_valid_symbols_are_normalized(
    symbol: str, market_class: MarketClass, expected: str
) -> None:
    assert normalize_symbol(symbol, market_class) == expected


@pytest.mark.parametrize(
    ("symbol", "market_class", "fragment"),
    [
        ("EUR-USD", MarketClass.EQUITIES, "forex pair"),
        ("EURUSD", MarketClass.BONDS, "forex pair"),
        ("BTC-USD", MarketClass.EQUITIES, "crypto market"),
        ("BTC-USD", FX, "BTC is not an ISO 4217 currency code"),
        ("SPY", FX, "two ISO 4217 codes"),
        ("USD-USD", FX, "with itself"),
        ("BTC", CRYPTO, "BASE-QUOTE"),
        ("USDT", CRYPTO, "BASE-QUOTE"),
        ("BTCXYZ", CRYPTO, "must end in one of USDT, USDC"),
        ("XUSD", CRYPTO, "ambiguous"),
        ("ABCDEFGHIJKUSDT", CRYPTO, "ambiguous"),
        ("ETHETH", CRYPTO, "with itself"),
        ("S P Y", MarketClass.EQUITIES, "exchange ticker"),
        ("", MarketClass.EQUITIES, "exchange ticker"),
    ],
)
def test_invalid_symbols_say_what_was_expected(
    symbol: str, market_class: MarketClass, fragment: str
) -> None:
    with pytest.raises(ValueError, match=r"expected|itself") as caught:
        normalize_symbol(symbol, market_class)
    assert fragment in str(caught.value)
    assert repr(symbol) in str(caught.value)


def test_crypto_hint_says_compact_exchange_symbols_are_accepted() -> None:
    with pytest.raises(ValueError, match="BTCUSDT are accepted"):
        normalize_symbol("BTC", CRYPTO)


def test_the_quote_asset_list_is_documented_and_longest_match_wins() -> None:
    assert {"USDT", "USDC", "FDUSD", "BUSD", "TUSD", "USD", "BTC", "ETH"} <= set(
        CRYPTO_QUOTE_ASSETS
    )
    for quote in CRYPTO_QUOTE_ASSETS:
        assert normalize_symbol(f"ZZ{quote}", CRYPTO) == f"ZZ-{quote}"


_CODES = sorted(ISO_4217_CODES)


@given(
    base=st.sampled_from(_CODES),
    quote=st.sampled_from(_CODES),
    separator=st.sampled_from(["-", "/", "_", ""]),
    lower=st.booleans(),
)
def test_any_pair_of_iso_codes_normalizes_to_base_dash_quote(
    base: str, quote: str, separator: str, lower: bool
) -> None:
    text = f"{base}{separator}{quote}"
    text = text.lower() if lower else text
    if base == quote:
        with pytest.raises(ValueError, match="with itself"):
            normalize_symbol(text, FX)
        return
    normalized = normalize_symbol(text, FX)
    assert normalized == f"{base}-{quote}"
    assert normalize_symbol(normalized, FX) == normalized
