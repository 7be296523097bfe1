"""A plain position book and a keyword wrapper around `check_order` for the risk tests."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tradewind.risk import LimitField, RiskReason, StateCode, check_order
from tradewind.risk.check import AccountExposure, ProposedOrder, RiskRules

N_FIELDS = len(LimitField)


def no_limits(rows: int | None = None) -> np.ndarray:
    shape = N_FIELDS if rows is None else (rows, N_FIELDS)
    limits: np.ndarray = np.full(shape, np.nan)
    return limits


@dataclass
class Book:
    """Positions of a few instruments, each in one market and owned by one strategy."""

    instrument_market: list[int]
    instrument_strategy: list[int]
    n_markets: int
    n_strategies: int
    equity: float = 100_000.0
    qty: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.qty = np.zeros(len(self.instrument_market))

    def notional(self, prices: np.ndarray) -> np.ndarray:
        values: np.ndarray = np.abs(self.qty) * prices
        return values

    def gross(self, prices: np.ndarray) -> float:
        return float(self.notional(prices).sum())

    def market_gross(self, prices: np.ndarray) -> np.ndarray:
        out = np.zeros(self.n_markets)
        np.add.at(out, self.instrument_market, self.notional(prices))
        return out

    def strategy_gross(self, prices: np.ndarray) -> np.ndarray:
        out = np.zeros(self.n_strategies)
        np.add.at(out, self.instrument_strategy, self.notional(prices))
        return out

    def open_counts(self) -> tuple[int, np.ndarray, np.ndarray]:
        is_open = self.qty != 0
        markets = np.zeros(self.n_markets, dtype=np.int64)
        strategies = np.zeros(self.n_strategies, dtype=np.int64)
        np.add.at(markets, np.asarray(self.instrument_market)[is_open], 1)
        np.add.at(strategies, np.asarray(self.instrument_strategy)[is_open], 1)
        return int(is_open.sum()), markets, strategies

    def check(
        self,
        instrument: int,
        side: int,
        qty: float,
        prices: np.ndarray,
        *,
        limits_global: np.ndarray,
        limits_market: np.ndarray,
        limits_strategy: np.ndarray,
        market_budget: np.ndarray | None = None,
        state: int = StateCode.ACTIVE,
        state_reason: int = 0,
        lot_size: float = 1.0,
        min_notional: float = 0.0,
        in_trading_hours: bool = True,
        corr_exposure: float = np.nan,
        cash_qty: float = np.nan,
    ) -> tuple[float, RiskReason]:
        n_open, open_market, open_strategy = self.open_counts()
        order = ProposedOrder(
            side_sign=side,
            qty=qty,
            price=float(prices[instrument]),
            multiplier=1.0,
            position_qty=float(self.qty[instrument]),
            is_entry=False,
            in_trading_hours=in_trading_hours,
            market_index=self.instrument_market[instrument],
            strategy_index=self.instrument_strategy[instrument],
            lot_size=lot_size,
            min_notional=min_notional,
            corr_exposure=corr_exposure,
            cash_qty=cash_qty,
        )
        account = AccountExposure(
            equity=self.equity,
            gross=self.gross(prices),
            market_gross=self.market_gross(prices),
            market_budget=(
                market_budget if market_budget is not None else np.full(self.n_markets, np.nan)
            ),
            strategy_gross=self.strategy_gross(prices),
            open_global=n_open,
            open_market=open_market,
            open_strategy=open_strategy,
        )
        rules = RiskRules(
            int(state), int(state_reason), limits_global, limits_market, limits_strategy
        )
        approved, reason = check_order(order, account, rules)
        return approved, RiskReason(reason)

    def apply(self, instrument: int, side: int, qty: float) -> None:
        self.qty[instrument] += side * qty
