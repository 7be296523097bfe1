"""Drive the real alpaca-py clients against a running Alpaca emulator (`tradewind emulate alpaca`).

Starts nothing itself and imports nothing from Tradewind. Usage:

    tradewind emulate alpaca --port 8766 &
    python scripts/alpaca_against_emulator.py --url http://127.0.0.1:8766 [--symbol AAPL]

Steps: account, clock, assets, daily bars, a market and a far-away limit order, get by
id and by client order id, cancel, positions, FILL activities, and a request with wrong
credentials (which must be refused 401). Prints each step with its latency and exits 1
when any step fails. The default key pair is the emulator's made-up rehearsal pair.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from alpaca.common.exceptions import APIError
from alpaca.data.historical import StockHistoricalDataClient
from alpaca.data.requests import StockBarsRequest
from alpaca.data.timeframe import TimeFrame
from alpaca.trading.client import TradingClient
from alpaca.trading.requests import LimitOrderRequest, MarketOrderRequest

__all__: list[str] = []


class Steps:
    """Runs named steps, printing each outcome and latency; remembers failures."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def run(self, name: str, action: Callable[[], Any], show: Callable[[Any], str] = str) -> Any:
        started = time.perf_counter()
        try:
            result = action()
        except Exception as exc:  # a failed step is reported, the run goes on
            elapsed_ms = (time.perf_counter() - started) * 1000
            print(f"FAIL {name:<26} {elapsed_ms:8.1f} ms  {type(exc).__name__}: {str(exc)[:160]}")
            self.failed.append(name)
            return None
        elapsed_ms = (time.perf_counter() - started) * 1000
        print(f"ok   {name:<26} {elapsed_ms:8.1f} ms  {show(result)[:160]}")
        return result


def _refused(client: TradingClient) -> str:
    try:
        client.get_account()
    except APIError as exc:
        if exc.status_code in (401, 403):
            return f"refused {exc.status_code}: {exc.message}"
        raise
    raise RuntimeError("wrong credentials were accepted")


def _bars(data: StockHistoricalDataClient, symbol: str, clock: Any) -> list[Any]:
    end = clock.timestamp if clock is not None else None
    start = end - timedelta(days=30) if end is not None else None
    request = StockBarsRequest(
        symbol_or_symbols=symbol, timeframe=TimeFrame.Day, start=start, end=end
    )
    answer = data.get_stock_bars(request)
    bars = answer.get(symbol, []) if isinstance(answer, dict) else answer.data.get(symbol, [])
    if not bars:
        raise RuntimeError(f"no daily bars for {symbol} in the 30 days before {end}")
    return list(bars)


def _limit_price(data: StockHistoricalDataClient, symbol: str, clock: Any) -> float:
    bars = _bars(data, symbol, clock)
    return round(float(bars[-1].close) * 0.5, 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", required=True, help="the emulator's base URL")
    parser.add_argument("--key", default="rehearsal-key")
    parser.add_argument("--secret", default="rehearsal-secret")
    parser.add_argument("--symbol", default="AAPL")
    args = parser.parse_args()
    symbol = args.symbol
    trading = TradingClient(args.key, args.secret, paper=True, url_override=args.url)
    data = StockHistoricalDataClient(args.key, args.secret, url_override=args.url)
    steps = Steps()
    steps.run(
        "account",
        trading.get_account,
        lambda a: f"cash {a.cash} equity {a.equity} buying power {a.buying_power}",
    )
    clock = steps.run(
        "clock",
        trading.get_clock,
        lambda c: f"{c.timestamp} open={c.is_open} next open {c.next_open}",
    )
    steps.run("assets", trading.get_all_assets, lambda assets: ", ".join(a.symbol for a in assets))
    steps.run(
        "bars (1Day, 30 days)",
        lambda: _bars(data, symbol, clock),
        lambda bars: f"{len(bars)} bars, last close {bars[-1].close} at {bars[-1].timestamp}",
    )
    market = steps.run(
        "market buy 1",
        lambda: trading.submit_order(
            MarketOrderRequest(symbol=symbol, qty=1, side="buy", time_in_force="day")
        ),
        lambda o: f"{o.id} {o.status.value} filled {o.filled_qty} @ {o.filled_avg_price}",
    )
    client_id = f"rehearsal-{uuid.uuid4().hex[:12]}"
    limit = steps.run(
        "limit buy 1 (far below)",
        lambda: trading.submit_order(
            LimitOrderRequest(
                symbol=symbol,
                qty=1,
                side="buy",
                time_in_force="gtc",
                limit_price=_limit_price(data, symbol, clock),
                client_order_id=client_id,
            )
        ),
        lambda o: f"{o.id} {o.status.value} limit {o.limit_price}",
    )
    if market is not None:
        steps.run(
            "get order by id",
            lambda: trading.get_order_by_id(market.id),
            lambda o: f"{o.id} {o.status.value}",
        )
    steps.run(
        "get order by client id",
        lambda: trading.get_order_by_client_id(client_id),
        lambda o: f"{o.client_order_id} -> {o.id}",
    )
    if limit is not None:
        steps.run(
            "cancel limit", lambda: trading.cancel_order_by_id(limit.id), lambda _: "204 no content"
        )
        steps.run("limit reads canceled", lambda: _status(trading, limit.id, "canceled"))
    steps.run(
        "positions",
        trading.get_all_positions,
        lambda ps: (
            ", ".join(f"{p.symbol} {p.qty} @ {p.avg_entry_price}" for p in ps)
            or "none (the market order may wait for the open)"
        ),
    )
    steps.run(
        "activities (FILL)",
        lambda: trading.get("/account/activities", {"activity_types": "FILL"}),
        lambda acts: f"{len(acts)} fills" + (f", latest {acts[0]['id']}" if acts else ""),
    )
    wrong = TradingClient(args.key, "not-the-secret", paper=True, url_override=args.url)
    steps.run("wrong credentials", lambda: _refused(wrong))
    if steps.failed:
        print(f"{len(steps.failed)} step(s) failed: {', '.join(steps.failed)}")
        return 1
    print("all steps passed")
    return 0


def _status(trading: TradingClient, order_id: Any, expected: str) -> str:
    order = trading.get_order_by_id(order_id)
    status = str(order["status"] if isinstance(order, dict) else order.status.value)
    if status != expected:
        raise RuntimeError(f"order {order_id}: expected status {expected}, got {status}")
    return status


if __name__ == "__main__":
    sys.exit(main())
