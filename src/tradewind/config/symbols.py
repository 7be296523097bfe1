"""Symbol formats per market class: validation and normalization of configured symbols."""

from __future__ import annotations

import re

from tradewind.domain.market import MarketClass

__all__ = ["CRYPTO_QUOTE_ASSETS", "ISO_4217_CODES", "normalize_symbol"]

#: Active ISO 4217 currency codes, the precious metals (XAU, XAG, XPT, XPD) and CNH
#: (offshore yuan, quoted by every FX venue although it is not an ISO code).
_ISO_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNH CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR
    FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
    JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT
    MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG
    QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS
    TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XAG XAU XCD XCG XOF
    XPD XPF XPT YER ZAR ZMW ZWG
"""
ISO_4217_CODES: frozenset[str] = frozenset(_ISO_CODES.split())

#: Quote assets a compact crypto symbol may end in (`BTCUSDT` -> `BTC-USDT`); the longest
#: matching suffix wins (`ETHBUSD` -> `ETH-BUSD`, not `ETHB-USD`).
CRYPTO_QUOTE_ASSETS: tuple[str, ...] = (
    "USDT",
    "USDC",
    "FDUSD",
    "BUSD",
    "TUSD",
    "DAI",
    "USD",
    "EUR",
    "GBP",
    "JPY",
    "TRY",
    "BRL",
    "AUD",
    "BTC",
    "ETH",
    "BNB",
)
_QUOTES_LONGEST_FIRST = sorted(CRYPTO_QUOTE_ASSETS, key=len, reverse=True)

_PAIR = re.compile(r"^([A-Z0-9]{2,10})[-/_]([A-Z0-9]{2,10})$")
_COMPACT_FX = re.compile(r"^([A-Z]{3})([A-Z]{3})$")
# Exchange tickers: SPY, BRK.B, BF-B, VOD.L, 7203.T, UST10Y; a leading ^ marks an index.
_TICKER = re.compile(r"^\^?[A-Z0-9][A-Z0-9]{0,7}(?:[.\-][A-Z0-9]{1,2})?$")
# Futures: ESZ4, CL=F, BRN-202412.
_FUTURE = re.compile(r"^\^?[A-Z0-9][A-Z0-9]{0,9}(?:[.=\-][A-Z0-9]{1,6})?$")

_TICKER_HINT = "an exchange ticker such as SPY, BRK.B, TLT or ^VIX"
_FX_HINT = (
    "a currency pair of two ISO 4217 codes such as EUR-USD "
    "(EUR/USD, EUR_USD and EURUSD are accepted)"
)
_CRYPTO_HINT = (
    "a BASE-QUOTE pair such as BTC-USD or ETH-USDT (BTC/USD and BTCUSDT are accepted; "
    f"a symbol without a separator must end in one of {', '.join(CRYPTO_QUOTE_ASSETS)})"
)
_ASSET = re.compile(r"^[A-Z0-9]{2,10}$")
_ALNUM = re.compile(r"^[A-Z0-9]+$")


def normalize_symbol(symbol: str, market_class: MarketClass) -> str:
    """Return `symbol` in Tradewind's canonical form for `market_class`.

    Forex and crypto pairs become `BASE-QUOTE` (`EUR/USD`, `EUR_USD`, `EURUSD` ->
    `EUR-USD`); a crypto symbol without a separator splits off the longest quote asset
    of `CRYPTO_QUOTE_ASSETS` it ends in (`BTCUSDT` -> `BTC-USDT`); tickers are
    upper-cased (`brk.b` -> `BRK.B`).

    Raises:
        ValueError: the symbol has no valid form for the class; the message says which
            format was expected and, when it can tell, which class the symbol belongs to.
    """
    text = symbol.strip().upper()
    if market_class is MarketClass.FOREX:
        return _forex(symbol, text)
    if market_class is MarketClass.CRYPTO:
        return _crypto(symbol, text)
    if market_class is MarketClass.COMMODITIES:
        pair = _PAIR.match(text)
        if pair and pair.group(2) in ISO_4217_CODES:  # CFD style: XAU-USD, WTICO-USD
            return f"{pair.group(1)}-{pair.group(2)}"
        return _ticker(symbol, text, market_class, _TICKER)
    if market_class is MarketClass.FUTURES:
        return _ticker(symbol, text, market_class, _FUTURE)
    return _ticker(symbol, text, market_class, _TICKER)


def _forex(symbol: str, text: str) -> str:
    pair = _PAIR.match(text) or _COMPACT_FX.match(text)
    if pair is None:
        raise ValueError(f"symbol {symbol!r} is not valid for forex markets: expected {_FX_HINT}")
    base, quote = pair.group(1), pair.group(2)
    unknown = [code for code in (base, quote) if code not in ISO_4217_CODES]
    if unknown:
        hint = (
            " (it looks like a crypto pair: put it in a crypto market)" if _PAIR.match(text) else ""
        )
        raise ValueError(
            f"symbol {symbol!r} is not valid for forex markets: {', '.join(unknown)} "
            f"is not an ISO 4217 currency code; expected {_FX_HINT}{hint}"
        )
    if base == quote:
        raise ValueError(
            f"symbol {symbol!r} pairs {base} with itself: expected two different currencies"
        )
    return f"{base}-{quote}"


def _crypto(symbol: str, text: str) -> str:
    pair = _PAIR.match(text)
    if pair is not None:
        base, quote = pair.group(1), pair.group(2)
    else:
        base, quote = _split_compact_crypto(symbol, text)
    if base == quote:
        raise ValueError(
            f"symbol {symbol!r} pairs {base} with itself: expected two different assets"
        )
    return f"{base}-{quote}"


def _split_compact_crypto(symbol: str, text: str) -> tuple[str, str]:
    """`BTCUSDT` -> (`BTC`, `USDT`): the longest known quote suffix, when what it leaves
    is a valid base; anything else is refused rather than guessed."""
    quote = next((q for q in _QUOTES_LONGEST_FIRST if text.endswith(q)), None)
    if quote is None or text == quote or not _ALNUM.match(text):
        raise ValueError(
            f"symbol {symbol!r} is not valid for crypto markets: expected {_CRYPTO_HINT}"
        )
    base = text[: -len(quote)]
    if not _ASSET.match(base):
        raise ValueError(
            f"symbol {symbol!r} is ambiguous for crypto markets: after its quote asset "
            f"{quote} no base asset of 2 to 10 letters or digits is left; expected "
            f"{_CRYPTO_HINT}"
        )
    return base, quote


def _ticker(symbol: str, text: str, market_class: MarketClass, pattern: re.Pattern[str]) -> str:
    if pattern.match(text):
        if _looks_like_fx(text):
            raise ValueError(
                f"symbol {symbol!r} is not valid for {market_class} markets: it looks like a "
                f"forex pair, which belongs in a forex market; expected {_TICKER_HINT}"
            )
        return text
    hint = ""
    if _looks_like_fx(text):
        hint = "; it looks like a forex pair, which belongs in a forex market"
    elif _PAIR.match(text):
        hint = (
            "; it looks like a currency or crypto pair, which belongs in a forex or crypto market"
        )
    raise ValueError(
        f"symbol {symbol!r} is not valid for {market_class} markets: expected {_TICKER_HINT}{hint}"
    )


def _looks_like_fx(text: str) -> bool:
    pair = _PAIR.match(text) or _COMPACT_FX.match(text)
    if pair is None:
        return False
    return pair.group(1) in ISO_4217_CODES and pair.group(2) in ISO_4217_CODES
