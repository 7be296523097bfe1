"""Drive ib_async against a running IB emulator (`tradewind emulate ib`) or a paper TWS.

Starts nothing itself and imports nothing from Tradewind. Usage:

    tradewind emulate ib --port 7497 &
    python scripts/ib_against_emulator.py --port 7497 [--host 127.0.0.1] [--client-id 17]
        [--symbol AAPL] [--timeout 10]

Steps: connect, managed accounts, current time, contract details, daily bars, a market
data snapshot, a market buy of 1 and a limit buy far below the market, open trades, cancel
the limit, executions, positions, account values, and an order for an unknown symbol
(which must be refused with error 200). Prints each step with its latency and exits 1
when any step fails.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from ib_async import IB, Contract, LimitOrder, MarketOrder, Stock, Trade

__all__: list[str] = []


class Steps:
    """Runs named steps, printing the outcome and latency of each; remembers failures."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def run(self, name: str, action: Callable[[], Any], show: Callable[[Any], str] = str) -> Any:
        started = time.perf_counter()
        try:
            result = action()
        except Exception as exc:  # a failed step is reported and the run goes on
            self._print("FAIL", name, started, f"{type(exc).__name__}: {exc}")
            self.failed.append(name)
            return None
        self._print("ok", name, started, show(result))
        return result

    @staticmethod
    def _print(outcome: str, name: str, started: float, text: str) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        print(f"{outcome:<4} {name:<28} {elapsed_ms:8.1f} ms  {text[:150]}")


def _wait(ib: IB, done: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout_s} s")
        ib.sleep(0.05)


def _qualified(ib: IB, symbol: str) -> Contract:
    [contract] = ib.qualifyContracts(Stock(symbol, "SMART", "USD"))
    if not isinstance(contract, Contract) or not contract.conId:
        raise RuntimeError(f"{symbol}: no contract")
    return contract


def _bars(ib: IB, contract: Contract) -> list[Any]:
    bars = ib.reqHistoricalData(contract, "", "1 M", "1 day", "TRADES", True, 1)
    if not bars:
        raise RuntimeError("no daily bars in the last month")
    return list(bars)


def _snapshot(ib: IB, contract: Contract) -> Any:
    [ticker] = ib.reqTickers(contract)
    return ticker


def _market_buy(ib: IB, contract: Contract, timeout_s: float) -> Trade:
    trade = ib.placeOrder(contract, MarketOrder("BUY", 1, orderRef="rehearsal-mkt"))
    _wait(ib, lambda: trade.orderStatus.status not in ("PendingSubmit",), timeout_s, "ack")
    return trade


def _limit_buy(ib: IB, contract: Contract, price: float, timeout_s: float) -> Trade:
    order = LimitOrder("BUY", 1, round(price, 2), tif="GTC", orderRef="rehearsal-lmt")
    trade = ib.placeOrder(contract, order)
    _wait(ib, lambda: trade.orderStatus.status in ("Submitted", "PreSubmitted"), timeout_s, "ack")
    return trade


def _cancel(ib: IB, trade: Trade, timeout_s: float) -> str:
    ib.cancelOrder(trade.order)
    _wait(ib, lambda: trade.orderStatus.status == "Cancelled", timeout_s, "cancel")
    return trade.orderStatus.status


def _unknown_symbol(ib: IB, timeout_s: float) -> str:
    codes: list[int] = []
    ib.errorEvent += lambda _req, code, _msg, _contract: codes.append(code)
    contract = Stock("NOSUCHSYM", "SMART", "USD")
    contract.conId = 1
    trade = ib.placeOrder(contract, MarketOrder("BUY", 1))
    _wait(ib, lambda: 200 in codes, timeout_s, "error 200")
    return f"refused: error 200, order {trade.orderStatus.status}"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="the emulator's (TWS) port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--client-id", type=int, default=17)
    parser.add_argument("--symbol", default="AAPL")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per step")
    args = parser.parse_args()
    ib = IB()
    steps = Steps()
    timeout = args.timeout
    connected = steps.run(
        "connect",
        lambda: ib.connect(args.host, args.port, clientId=args.client_id, timeout=timeout),
        lambda _: f"server version {ib.client.serverVersion()}",
    )
    if connected is None:
        print("cannot go on without a connection")
        return 1
    try:
        steps.run("managed accounts", ib.managedAccounts, ", ".join)
        steps.run("current time", ib.reqCurrentTime)
        contract = steps.run(
            "contract details",
            lambda: _qualified(ib, args.symbol),
            lambda c: f"{c.symbol} conId {c.conId} on {c.primaryExchange}",
        )
        if contract is not None:
            _trade(ib, steps, contract, timeout)
        steps.run(
            "positions",
            ib.reqPositions,
            lambda ps: ", ".join(f"{p.contract.symbol} {p.position}" for p in ps) or "none",
        )
        steps.run("account values", lambda: _account(ib), str)
        steps.run("unknown symbol", lambda: _unknown_symbol(ib, timeout))
    finally:
        ib.disconnect()
    if steps.failed:
        print(f"{len(steps.failed)} step(s) failed: {', '.join(steps.failed)}")
        return 1
    print("all steps passed")
    return 0


def _trade(ib: IB, steps: Steps, contract: Contract, timeout_s: float) -> None:
    bars = steps.run(
        "daily bars (1 M)",
        lambda: _bars(ib, contract),
        lambda b: f"{len(b)} bars, last close {b[-1].close} on {b[-1].date}",
    )
    steps.run(
        "market data snapshot",
        lambda: _snapshot(ib, contract),
        lambda t: f"bid {t.bid} ask {t.ask} last {t.last} close {t.close}",
    )
    steps.run(
        "market buy 1",
        lambda: _market_buy(ib, contract, timeout_s),
        lambda t: f"order {t.order.orderId} {t.orderStatus.status} filled {t.orderStatus.filled}",
    )
    reference = float(bars[-1].close) if bars else 100.0
    limit = steps.run(
        "limit buy 1 (far below)",
        lambda: _limit_buy(ib, contract, reference * 0.5, timeout_s),
        lambda t: f"order {t.order.orderId} {t.orderStatus.status} @ {t.order.lmtPrice}",
    )
    steps.run(
        "open trades",
        lambda: ib.reqAllOpenOrders(),
        lambda ts: ", ".join(f"{t.order.orderId}:{t.order.orderRef}" for t in ts) or "none",
    )
    if limit is not None:
        steps.run("cancel limit", lambda: _cancel(ib, limit, timeout_s))
    steps.run(
        "executions",
        ib.reqExecutions,
        lambda fs: (
            f"{len(fs)} fills"
            + (f", latest {fs[-1].execution.execId} {fs[-1].execution.orderRef}" if fs else "")
        ),
    )


def _account(ib: IB) -> str:
    wanted = ("NetLiquidation", "TotalCashValue", "BuyingPower")
    values = {v.tag: v.value for v in ib.accountValues() if v.tag in wanted}
    missing = [tag for tag in wanted if tag not in values]
    if missing:
        raise RuntimeError(f"account values missing {missing}")
    return ", ".join(f"{tag} {values[tag]}" for tag in wanted)


if __name__ == "__main__":
    sys.exit(main())
