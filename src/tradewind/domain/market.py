"""Market classes and how prices in them are quoted."""

from __future__ import annotations

from enum import StrEnum


class MarketClass(StrEnum):
    """The asset class a market belongs to."""

    CRYPTO = "crypto"
    FOREX = "forex"
    EQUITIES = "equities"
    COMMODITIES = "commodities"
    BONDS = "bonds"
    VOLATILITY = "volatility"
    FUTURES = "futures"

    @classmethod
    def parse(cls, text: str) -> MarketClass:
        """Parse a class name or a common alias (`stocks`, `fx`, `rates`, ...).

        Raises:
            DomainError: the text names no market class.
        """
        from tradewind.domain.errors import DomainError

        key = text.strip().lower()
        found = _ALIASES.get(key)
        if found is None:
            try:
                return cls(key)
            except ValueError:
                expected = ", ".join(m.value for m in cls)
                raise DomainError(
                    f"unknown market class {text!r}: expected one of {expected}"
                ) from None
        return found


_ALIASES: dict[str, MarketClass] = {
    "stocks": MarketClass.EQUITIES,
    "stock": MarketClass.EQUITIES,
    "equity": MarketClass.EQUITIES,
    "etf": MarketClass.EQUITIES,
    "etfs": MarketClass.EQUITIES,
    "fx": MarketClass.FOREX,
    "currencies": MarketClass.FOREX,
    "commodity": MarketClass.COMMODITIES,
    "bond": MarketClass.BONDS,
    "rates": MarketClass.BONDS,
    "fixed_income": MarketClass.BONDS,
    "vol": MarketClass.VOLATILITY,
    "future": MarketClass.FUTURES,
}


class QuoteType(StrEnum):
    """What a series' values are: prices must be positive, yields need not be."""

    PRICE = "price"
    INDEX_LEVEL = "index_level"
    YIELD = "yield"

    @property
    def must_be_positive(self) -> bool:
        return self is not QuoteType.YIELD
