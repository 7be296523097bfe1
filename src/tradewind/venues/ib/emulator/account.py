"""The account as TWS reports it: values in USD, portfolio lines and positions.

Cash is the market's USD balance less the IB commissions the emulator charges on top of
the market (see `IbBook.extra_commission_usd`); positions are the market's net positions
(average cost, without commissions) marked at the last price. Margin figures use the
market's `margin_leverage` (1 for a cash account): BuyingPower = leverage x NetLiquidation
- GrossPositionValue; InitMarginReq = MaintMarginReq = GrossPositionValue / leverage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tradewind.venues.emulation import EmulatedMarket
from tradewind.venues.ib.emulator.contracts import IbContract, contract_fields

__all__ = [
    "AccountSnapshot",
    "PortfolioLine",
    "account_snapshot",
    "account_value_messages",
    "portfolio_message",
    "position_message",
]

_CENT = Decimal("0.01")
_ZERO = Decimal(0)
SUMMARY_TAGS = (
    "AccountType",
    "NetLiquidation",
    "TotalCashValue",
    "SettledCash",
    "AccruedCash",
    "BuyingPower",
    "EquityWithLoanValue",
    "GrossPositionValue",
    "InitMarginReq",
    "MaintMarginReq",
    "AvailableFunds",
    "ExcessLiquidity",
    "Cushion",
    "Leverage",
    "UnrealizedPnL",
    "RealizedPnL",
)
__all__ += ["SUMMARY_TAGS"]


@dataclass(frozen=True, slots=True)
class PortfolioLine:
    """One open position marked to the last price (quote currency USD)."""

    contract: IbContract
    qty: Decimal
    market_price: Decimal
    market_value: Decimal
    avg_cost: Decimal
    unrealized_pnl: Decimal
    realized_pnl: Decimal


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """Account values (tag -> value in USD, as text) and the portfolio."""

    values: Mapping[str, str]
    lines: tuple[PortfolioLine, ...]


def account_snapshot(
    market: EmulatedMarket,
    account: str,
    contracts: Mapping[str, IbContract],
    extra_commission_usd: Decimal,
) -> AccountSnapshot:
    """Everything reqAccountUpdates / reqAccountSummary / reqPositions report."""
    usd = sum((b.free + b.locked for b in market.balances(account) if b.asset == "USD"), _ZERO)
    cash = usd - extra_commission_usd
    lines = []
    realized_total = _ZERO
    for symbol, state in sorted(market.positions(account).items()):
        realized_total += state.realized_pnl
        if state.qty == 0 or symbol not in contracts:
            continue
        price = market.last_price(symbol) or state.avg_price
        lines.append(
            PortfolioLine(
                contracts[symbol],
                state.qty,
                price,
                state.qty * price,
                state.avg_price,
                state.unrealized_pnl(price),
                state.realized_pnl,
            )
        )
    gross = sum((abs(line.market_value) for line in lines), _ZERO)
    net_liq = cash + sum((line.market_value for line in lines), _ZERO)
    leverage = market.config.margin_leverage or Decimal(1)
    margin = gross / leverage
    values: dict[str, Decimal] = {
        "NetLiquidation": net_liq,
        "TotalCashValue": cash,
        "SettledCash": cash,
        "AccruedCash": _ZERO,
        "BuyingPower": max(_ZERO, leverage * net_liq - gross),
        "EquityWithLoanValue": net_liq,
        "GrossPositionValue": gross,
        "InitMarginReq": margin,
        "MaintMarginReq": margin,
        "AvailableFunds": net_liq - margin,
        "ExcessLiquidity": net_liq - margin,
        "Cushion": (net_liq - margin) / net_liq if net_liq > 0 else _ZERO,
        "Leverage": gross / net_liq if net_liq > 0 else _ZERO,
        "UnrealizedPnL": sum((line.unrealized_pnl for line in lines), _ZERO),
        "RealizedPnL": realized_total,
    }
    text = {"AccountType": "INDIVIDUAL", **{k: _money(v) for k, v in values.items()}}
    return AccountSnapshot(text, tuple(lines))


def _money(value: Decimal) -> str:
    return format(value.quantize(_CENT, rounding=ROUND_HALF_UP), "f")


def _currency(tag: str) -> str:
    return "" if tag in ("AccountType", "Cushion", "Leverage") else "USD"


def account_value_messages(snapshot: AccountSnapshot, account: str) -> list[list[object]]:
    """updateAccountValue (id 6) per tag, plus AccountCode and Currency."""
    messages: list[list[object]] = [
        [6, 2, "AccountCode", account, "", account],
        [6, 2, "Currency", "USD", "USD", account],
    ]
    for tag, value in snapshot.values.items():
        messages.append([6, 2, tag, value, _currency(tag), account])
    messages.append([6, 2, "CashBalance", snapshot.values["TotalCashValue"], "USD", account])
    return messages


def portfolio_message(line: PortfolioLine, account: str) -> list[object]:
    """updatePortfolio (id 7): the contract block carries the primary exchange."""
    block = contract_fields(line.contract, with_exchange=False)
    primary = line.contract.primary_exchange or line.contract.exchange
    block = [*block[:7], primary, *block[7:]]
    return [
        7, 8, *block, line.qty, line.market_price, _money(line.market_value), line.avg_cost,
        _money(line.unrealized_pnl), _money(line.realized_pnl), account,
    ]  # fmt: skip


def position_message(line: PortfolioLine, account: str) -> list[object]:
    """position (id 61)."""
    return [61, 3, account, *contract_fields(line.contract), line.qty, line.avg_cost]
