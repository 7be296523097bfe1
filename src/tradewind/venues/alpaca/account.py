"""An Alpaca account's money and positions, read from `GET /v2/account` and
`GET /v2/positions` (numbers arrive as strings and are read as `Decimal`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tradewind.domain.identifiers import Venue
from tradewind.domain.venue_reports import PositionReport
from tradewind.venues.alpaca.instruments import AlpacaInstruments
from tradewind.venues.alpaca.parsing import to_decimal

__all__ = ["AccountSummary", "account_summary_of", "position_reports"]


@dataclass(frozen=True, slots=True)
class AccountSummary:
    """An Alpaca account's money (USD): cash, equity and buying power."""

    cash: Decimal
    equity: Decimal
    buying_power: Decimal


def account_summary_of(row: Any) -> AccountSummary:
    """The summary of an account payload.

    Raises:
        VenueError: cash missing or not a number.
    """
    return AccountSummary(
        cash=to_decimal(row.get("cash"), "cash of the account"),
        equity=to_decimal(row.get("equity") or row.get("cash"), "equity of the account"),
        buying_power=to_decimal(
            row.get("buying_power") or row.get("cash"), "buying_power of the account"
        ),
    )


def position_reports(
    rows: Any, instruments: AlpacaInstruments, venue: Venue
) -> list[PositionReport]:
    """The positions of the configured symbols (signed: short < 0), in configuration
    order, with their average entry price.

    Raises:
        VenueError: a quantity or price missing or not a number (named).
    """
    reports = []
    for row in rows or []:
        instrument = instruments.by_symbol(str(row.get("symbol")))
        if instrument is None:
            continue
        qty = abs(to_decimal(row.get("qty"), f"qty of position {instrument.id}"))
        signed = -qty if str(row.get("side", "long")).lower() == "short" else qty
        avg = to_decimal(row.get("avg_entry_price"), f"avg_entry_price of position {instrument.id}")
        reports.append(
            PositionReport(
                venue=venue, instrument_id=instrument.id, quantity=signed, avg_open_price=avg
            )
        )
    return sorted(reports, key=lambda r: instruments.symbols.index(r.instrument_id.symbol))
