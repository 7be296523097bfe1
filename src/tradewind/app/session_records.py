"""Journal records of a paper or advisory session's engine orders, fills and decisions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tradewind.app.journaling import JOURNAL_ORDER_TYPE
from tradewind.engine.books import BookSet
from tradewind.engine.kernel import STATUS_DENIED
from tradewind.engine.logs import KINDS
from tradewind.engine.panel import MarketPanel
from tradewind.engine.setup import EngineSpec
from tradewind.engine.state import KernelState
from tradewind.risk.reasons import RiskReason
from tradewind.store.records import client_order_id

__all__ = ["SessionRecords"]


@dataclass(frozen=True, slots=True)
class SessionRecords:
    """Builds journal records (plain dicts) from the engine state of one run."""

    run_id: str
    panel: MarketPanel
    spec: EngineSpec
    books: BookSet

    def coid(self, i: int) -> str:
        """The client order id of engine order `i`."""
        return client_order_id(self.run_id, i)

    def market_of(self, i: int, state: KernelState) -> str:
        book = int(state.o_book[i])
        return self.spec.markets[int(self.books.market[book])].name

    def symbol_of(self, i: int, state: KernelState) -> str:
        return str(self.panel.symbols[int(self.books.symbol[int(state.o_book[i])])])

    def strategies_of(self, i: int, state: KernelState) -> str:
        """The strategies behind engine order `i`, comma-separated."""
        names = self.books.strategies[int(state.o_book[i])]
        mask = int(state.o_contrib[i])
        return ",".join(n for b, n in enumerate(names) if (mask >> b) & 1)

    def order(self, state: KernelState, i: int, venue: str) -> dict[str, object]:
        """Engine order `i` as first journaled (submitted, or rejected by risk)."""
        kind = KINDS[state.o_kind[i]]
        price = float(state.o_price[i])
        return {
            "seq": i,
            "ts_created": int(self.panel.timestamps[state.o_row[i]]),
            "market": self.market_of(i, state),
            "symbol": self.symbol_of(i, state),
            "side": "buy" if state.o_side[i] > 0 else "sell",
            "order_type": JOURNAL_ORDER_TYPE[kind],
            "quantity": float(state.o_req[i]),
            "price": price if kind == "take_profit" else None,
            "trigger_price": price if kind == "stop_loss" else None,
            "status": "rejected" if state.o_status[i] == STATUS_DENIED else "submitted",
            "strategies": self.strategies_of(i, state),
            "reason": RiskReason(int(state.o_reason[i])).name,
            "venue": venue,
        }

    def decision(self, state: KernelState, i: int) -> dict[str, object]:
        """The risk decision behind market order `i` (approve, reduce or deny, and why)."""
        requested, approved = float(state.o_req[i]), float(state.o_ok[i])
        reason = RiskReason(int(state.o_reason[i]))
        action = "deny" if approved <= 0 else "reduce" if approved < requested else "approve"
        return {
            "ts": int(self.panel.timestamps[state.o_row[i]]),
            "market": self.market_of(i, state),
            "symbol": self.symbol_of(i, state),
            "strategies": self.strategies_of(i, state),
            "requested_qty": requested,
            "approved_qty": approved,
            "action": action,
            "reason_code": int(reason),
            "reason": "" if reason is RiskReason.APPROVED else reason.text,
            "client_order_id": self.coid(i),
        }

    def equity(self, state: KernelState, t: int) -> dict[str, object]:
        """Row `t`'s equity record."""
        equity, cash = float(state.money[1]), float(state.money[0])
        gross = float(state.gross_out[t])
        return {
            "ts": int(self.panel.timestamps[t]),
            "equity": equity,
            "cash": cash,
            "gross_exposure": gross,
            "net_exposure": equity - cash,
            "leverage": gross / equity if equity else float(np.nan),
            "drawdown": 0.0,
        }
