"""The emulator's contracts: IB contract fields for each market symbol, and lookup by request.

A market symbol with a dot (`EUR.USD`) is a forex pair on IDEALPRO (secType CASH, symbol
EUR, currency USD); any other is a US stock on SMART (primary exchange from a small table,
else NASDAQ). conIds are the real ones for the bundled symbols, else a stable number
derived from the symbol.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from tradewind.venues.emulation import SymbolSpec
from tradewind.venues.ib.emulator.wire import FieldReader

__all__ = [
    "ContractQuery",
    "IbContract",
    "contract_details_fields",
    "contract_fields",
    "contracts_for",
    "find_contracts",
    "parse_contract",
]

# Real conIds and primary exchanges of the bundled symbols (public reference data).
_STOCKS: Mapping[str, tuple[int, str, str]] = {
    "AAPL": (265598, "NASDAQ", "APPLE INC"),
    "MSFT": (272093, "NASDAQ", "MICROSOFT CORP"),
    "SPY": (756733, "ARCA", "SPDR S&P 500 ETF TRUST"),
    "DIA": (73128548, "ARCA", "SPDR DJIA TRUST"),
    "JPM": (1520593, "NYSE", "JPMORGAN CHASE & CO"),
    "XOM": (13977, "NYSE", "EXXON MOBIL CORP"),
    "XLK": (4215235, "ARCA", "TECHNOLOGY SELECT SECT SPDR"),
    "XLF": (4215210, "ARCA", "FINANCIAL SELECT SECTOR SPDR"),
    "XLE": (4215217, "ARCA", "ENERGY SELECT SECTOR SPDR"),
    "EEM": (27684070, "ARCA", "ISHARES MSCI EMERGING MARKETS"),
    "EFA": (27684033, "ARCA", "ISHARES MSCI EAFE ETF"),
}
_FOREX: Mapping[str, int] = {"EUR.USD": 12087792}
_STOCK_HOURS = "America/New_York"
_STOCK_EXCHANGES = "SMART,AMEX,NYSE,CBOE,PHLX,ISE,CHX,ARCA,NASDAQ,BATS,IEX"
_STOCK_ORDER_TYPES = "LMT,MKT,STP,STPLMT,ACTIVETIM,AD,ALERT,ALLOC,DAY,GTC,IOC,FOK,OCA"
_FOREX_ORDER_TYPES = "LMT,MKT,STP,STPLMT,ACTIVETIM,AD,ALERT,ALLOC,DAY,GTC,IOC,FOK"


@dataclass(frozen=True, slots=True)
class IbContract:
    """One tradable contract as TWS describes it, and the market symbol behind it."""

    market_symbol: str
    con_id: int
    symbol: str
    sec_type: str
    exchange: str
    primary_exchange: str
    currency: str
    local_symbol: str
    trading_class: str
    long_name: str
    min_tick: Decimal
    size_increment: Decimal
    min_size: Decimal

    @property
    def is_forex(self) -> bool:
        return self.sec_type == "CASH"


@dataclass(frozen=True, slots=True)
class ContractQuery:
    """The contract fields of a request (empty strings and 0 mean "any")."""

    con_id: int
    symbol: str
    sec_type: str
    exchange: str
    primary_exchange: str
    currency: str
    local_symbol: str

    def matches(self, contract: IbContract) -> bool:
        if self.con_id:
            return self.con_id == contract.con_id
        if self.local_symbol and self.local_symbol.upper() != contract.local_symbol.upper():
            return False
        if not self.local_symbol and self.symbol.upper() != contract.symbol.upper():
            return False
        if self.sec_type and self.sec_type.upper() != contract.sec_type:
            return False
        if self.currency and self.currency.upper() != contract.currency:
            return False
        exchange = self.exchange.upper()
        venues = ("IDEALPRO",) if contract.is_forex else _STOCK_EXCHANGES.split(",")
        if exchange and exchange not in venues:
            return False
        primary = self.primary_exchange.upper()
        return not primary or primary == contract.primary_exchange


def parse_contract(reader: FieldReader) -> ContractQuery:
    """The 12 contract fields ib_async sends in a request (conId ... tradingClass)."""
    con_id = reader.integer()
    symbol = reader.text()
    sec_type = reader.text()
    reader.skip(4)  # lastTradeDateOrContractMonth, strike, right, multiplier
    exchange = reader.text()
    primary = reader.text()
    currency = reader.text()
    local_symbol = reader.text()
    reader.skip(1)  # tradingClass
    return ContractQuery(con_id, symbol, sec_type, exchange, primary, currency, local_symbol)


def contracts_for(symbols: Mapping[str, SymbolSpec]) -> dict[str, IbContract]:
    """The IB contract of every market symbol."""
    return {name: _contract(name, spec) for name, spec in symbols.items()}


def _contract(name: str, spec: SymbolSpec) -> IbContract:
    if "." in name:
        base, quote = name.split(".", 1)
        con_id = _FOREX.get(name) or _derived_con_id(name)
        return IbContract(
            name, con_id, base, "CASH", "IDEALPRO", "", quote, name, name,
            f"European Monetary Union Euro / {quote}" if base == "EUR" else name,
            spec.price_tick, spec.lot, spec.min_qty,
        )  # fmt: skip
    con_id, primary, long_name = _STOCKS.get(name, (_derived_con_id(name), "NASDAQ", name))
    return IbContract(
        name, con_id, name, "STK", "SMART", primary, spec.quote, name, name, long_name,
        spec.price_tick, spec.lot, spec.min_qty,
    )  # fmt: skip


def _derived_con_id(name: str) -> int:
    return 900_000_000 + zlib.crc32(name.encode()) % 90_000_000


def contract_fields(contract: IbContract, *, with_exchange: bool = True) -> list[object]:
    """conId, symbol, secType, lastTrade, strike, right, multiplier, [exchange,] currency,
    localSymbol, tradingClass: the contract block of most TWS messages."""
    head: list[object] = [contract.con_id, contract.symbol, contract.sec_type, "", 0.0, "", ""]
    exchange: list[object] = [contract.exchange] if with_exchange else []
    return [*head, *exchange, contract.currency, contract.local_symbol, contract.trading_class]


def contract_details_fields(req_id: int, contract: IbContract) -> list[object]:
    """A contractDetails message (id 10) as decoder.py reads it at server version 178."""
    forex = contract.is_forex
    hours = "20240101:1715-20240102:1700" if forex else "20240102:0930-20240102:1600"
    return [
        10, req_id, contract.symbol, contract.sec_type, "", 0.0, "", contract.exchange,
        contract.currency, contract.local_symbol,
        contract.local_symbol if forex else "NMS", contract.trading_class,
        contract.con_id, contract.min_tick,
        "", _FOREX_ORDER_TYPES if forex else _STOCK_ORDER_TYPES,
        "IDEALPRO" if forex else _STOCK_EXCHANGES, 1, 0, contract.long_name,
        contract.primary_exchange, "", "", "", "",
        "US/Eastern" if forex else _STOCK_HOURS, hours, hours, "", "",
        0,  # secIdList
        1, "", "", "26" if not forex else "239", "", "" if forex else "COMMON",
        contract.min_size, contract.size_increment, contract.size_increment,
    ]  # fmt: skip


def find_contracts(contracts: Iterable[IbContract], query: ContractQuery) -> Sequence[IbContract]:
    """The contracts a request's fields select."""
    return [c for c in contracts if query.matches(c)]
