"""The emulated v20 venue's state: the market, its instruments and every account's ledger.

Tokens map to the accounts they may use. An account's ledger opens on first use with the
market's starting balance in the home currency; when the market already holds orders or
trades for it (a restored `--state`), the ledger is rebuilt from them (see `rebuild`).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from decimal import Decimal

from tradewind.venues.emulation import EmulatedMarket
from tradewind.venues.oanda.emulator.instruments import InstrumentInfo
from tradewind.venues.oanda.emulator.ledger import AccountLedger
from tradewind.venues.oanda.emulator.restore import first_instant, rebuild
from tradewind.venues.oanda.emulator.wire import OandaError

__all__ = ["Books"]


class Books:
    """Market, instruments and ledgers; `tokens` maps a token to its account ids."""

    def __init__(
        self,
        market: EmulatedMarket,
        instruments: Mapping[str, InstrumentInfo],
        tokens: Mapping[str, Sequence[str]],
        currency: str = "USD",
    ) -> None:
        self.market = market
        self.instruments = dict(instruments)
        self.tokens = {t: tuple(a) for t, a in tokens.items()}
        self.currency = currency
        self._ledgers: dict[str, AccountLedger] = {}
        self._lock = threading.Lock()

    def accounts_of(self, token: str) -> tuple[str, ...]:
        return self.tokens.get(token, ())

    def owner_known(self, account_id: str) -> bool:
        return any(account_id in accounts for accounts in self.tokens.values())

    def info(self, instrument: str, name: str = "instrument") -> InstrumentInfo:
        """The instrument's reference data; raises OandaError 400 naming the parameter."""
        info = self.instruments.get(instrument)
        if info is None:
            raise OandaError(400, f"Invalid value specified for '{name}'")
        return info

    def ledger(self, account_id: str) -> AccountLedger:
        """The account's ledger, opened (and caught up with the market) on first use."""
        with self._lock:
            ledger = self._ledgers.get(account_id)
            if ledger is None:
                ledger = self._open(account_id)
                self._ledgers[account_id] = ledger
            return ledger

    def sync(self, account_id: str, now_ms: int) -> AccountLedger:
        """The account's ledger after booking what the market did since the last request."""
        ledger = self.ledger(account_id)
        with self.market.atomic():
            ledger.sync(self.market, now_ms)
        return ledger

    def _open(self, account_id: str) -> AccountLedger:
        market = self.market
        with market.atomic():
            fresh = not market.has_account(account_id)
            market.add_account(account_id)
            deposit = self._deposit(account_id) if fresh else self._restored_deposit(account_id)
            created_ms = first_instant(market, account_id)
            ledger = AccountLedger(account_id, self.currency, self.instruments, created_ms, deposit)
            if not fresh:
                rebuild(ledger, market)
            return ledger

    def _deposit(self, account_id: str) -> Decimal:
        for balance in self.market.balances(account_id):
            if balance.asset == self.currency:
                return balance.free + balance.locked
        return Decimal(0)

    def _restored_deposit(self, account_id: str) -> Decimal:
        # What the account started with: its home balance minus the cash its trades moved.
        cash = self._deposit(account_id)
        for trade in self.market.trades(account_id):
            signed = trade.quote_qty if trade.side.value == "BUY" else -trade.quote_qty
            cash += signed + trade.commission
        return cash
