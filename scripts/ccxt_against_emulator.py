"""Drive the real ccxt `binance` client against a running `tradewind emulate binance`.

Starts nothing itself. Usage:

    tradewind emulate binance --port 8765 &
    python scripts/ccxt_against_emulator.py --url http://127.0.0.1:8765 [--requests 500]

Prints what each step did, the round-trip latency p50/p99 of N `fetch_time` calls and the
order throughput (limit order placed and canceled, per second). `--burst-429` also spends
request weight until the emulator answers 429 (the account is then banned for a while).
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any
from urllib.parse import urlsplit

import ccxt

__all__: list[str] = []


def point_at(exchange: Any, base_url: str) -> None:
    def rewrite(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: rewrite(v) for k, v in value.items()}
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            parts = urlsplit(value)
            return base_url.rstrip("/") + value[len(f"{parts.scheme}://{parts.netloc}") :]
        return value

    exchange.urls["api"] = rewrite(exchange.urls["api"])


def client(url: str, key: str, secret: str) -> Any:
    exchange = ccxt.binance({"apiKey": key, "secret": secret, "enableRateLimit": False})
    point_at(exchange, url)
    return exchange


def step(name: str, action: Any) -> Any:
    started = time.perf_counter()
    try:
        result = action()
    except ccxt.BaseError as exc:
        print(f"{name:<28} {type(exc).__name__}: {str(exc)[:100]}")
        return None
    print(f"{name:<28} ok in {(time.perf_counter() - started) * 1000:.1f} ms: {result}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", default="rehearsal-key")
    parser.add_argument("--secret", default="rehearsal-secret")
    parser.add_argument("--symbol", default="BTC/USDT")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--orders-seconds", type=float, default=3.0)
    parser.add_argument("--burst-429", action="store_true")
    args = parser.parse_args()
    ex, symbol = client(args.url, args.key, args.secret), args.symbol

    step("load_markets", lambda: sorted(ex.load_markets()))
    step("fetch_time", ex.fetch_time)
    step("fetch_ohlcv 1h x3", lambda: ex.fetch_ohlcv(symbol, "1h", limit=3))
    step("fetch_balance USDT", lambda: ex.fetch_balance()["USDT"])
    last = ex.fetch_ticker(symbol)["last"]
    step("market buy", lambda: ex.create_order(symbol, "market", "buy", 0.01)["status"])
    limit = step(
        "limit buy at half",
        lambda: ex.create_order(symbol, "limit", "buy", 0.01, round(last / 2, 2)),
    )
    if limit is not None:
        step("fetch_order", lambda: ex.fetch_order(limit["id"], symbol)["status"])
        step("cancel_order", lambda: ex.cancel_order(limit["id"], symbol)["status"])
    step("my trades", lambda: len(ex.fetch_my_trades(symbol)))
    step("wrong secret", lambda: client(args.url, args.key, "wrong").fetch_balance())
    latency(ex, args.requests)
    throughput(ex, symbol, round(last / 2, 2), args.orders_seconds)
    if args.burst_429:
        burst(ex)


def latency(ex: Any, n: int) -> None:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        ex.fetch_time()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"latency of {n} fetch_time: p50 {statistics.median(samples):.2f} ms, p99 {p99:.2f} ms")


def throughput(ex: Any, symbol: str, price: float, seconds: float) -> None:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        order = ex.create_order(symbol, "limit", "buy", 0.01, price)
        ex.cancel_order(order["id"], symbol)
        done += 1
    elapsed = time.perf_counter() - started
    print(
        f"order throughput: {done / elapsed:.1f} place+cancel pairs per second "
        f"({done} in {elapsed:.1f} s)"
    )


def burst(ex: Any) -> None:
    for i in range(1, 2000):
        try:
            ex.fetch_balance()
        except ccxt.DDoSProtection as exc:
            print(f"429 after {i} fetch_balance calls: {type(exc).__name__}")
            return
    print("no 429 after 2000 calls")


if __name__ == "__main__":
    main()
