#!/usr/bin/env python3
"""Venue benchmark: request latency, order round trips and throughput against the emulator.

Everything runs against the in-process Binance emulator (`app.emulator_commands.
start_emulator`, replaying the bundled BTCUSDT hours at speed 1, 127.0.0.1 only), a fresh
one per measurement so that each starts with an empty request-weight minute (Binance's
default: 6000 per rolling minute per key). A recorder wrapped around the emulator's
dialect and rate limiter logs every request: instant, path, HTTP status and weight.

1. Raw ccxt (rate limiting off): p50/p99 round trip of `fetch_time` (public) and
   `fetch_balance` (signed, `GET /api/v3/account`).
2. `CcxtVenue.submit` of a marketable (market) order until its `OrderFilled` is drained
   (`poll_interval_ms=0`, as sessions run it), in three modes: ccxt's rate limiting off;
   on with ccxt's in-process spacing; on with the shared `RateBudget` file (how sessions
   run it).
3. Resting limit orders submitted and canceled through the adapter for `--seconds`:
   one process with the shared budget; two processes with one API key sharing the budget
   file; and, as the control, two processes with only ccxt's in-process spacing each.
   Reported: orders/s, requests/s, weight/s, the most order requests in any 1 s, the
   statuses the emulator answered (429/418 counted) and the errors the adapter raised.

Usage: python bench/venue_bench.py [--n 200] [--round-trips 100] [--seconds 10] [--quick]
       [--throughput-only]
Prints one `RESULT {json}` line per measurement, then a table.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_UP, Decimal
from pathlib import Path
from typing import Any

__all__: list[str] = []

SYMBOL = "BTC/USDT"
ORDER_PATH = "/api/v3/order"
NOTIONAL_USDT = Decimal(12)  # per order; above the emulator's 5 USDT minimum notional
MODES = ("off", "ccxt", "budget")
IDLE_S = 0.5  # longer than any request's spacing (myTrades: cost 4 x 50 ms)
MODE_TEXT = {
    "off": "rate limiting off",
    "ccxt": "on: ccxt in-process spacing",
    "budget": "on: shared RateBudget file",
}


# -- the emulator and its recorder ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Seen:
    """One request as the emulator answered it (wall-clock seconds)."""

    at_s: float
    method: str
    path: str
    status: int
    weight: int


@dataclass(slots=True)
class Recorder:
    """Wraps the dialect's `handle` and rate limiter's `charge` to log every request."""

    dialect: Any
    limiter: Any
    seen: list[Seen] = field(default_factory=list)
    _weights: threading.local = field(default_factory=threading.local)

    def handle(self, request: Any) -> Any:
        self._weights.value = 0
        response = self.dialect.handle(request)
        weight = getattr(self._weights, "value", 0)
        self.seen.append(Seen(time.time(), request.method, request.path, response.status, weight))
        return response

    def fault_response(self, kind: Any, request: Any) -> Any:
        return self.dialect.fault_response(kind, request)

    def charge(self, key: str, weight: int) -> Any:
        decision = self.limiter.charge(key, weight)
        self._weights.value = weight if decision.allowed else 0
        return decision

    def used(self, key: str) -> int:
        return int(self.limiter.used(key))

    def between(self, start_s: float, end_s: float) -> list[Seen]:
        return [s for s in self.seen if start_s <= s.at_s <= end_s]


def start_recorded() -> tuple[Any, Recorder]:
    """A started Binance emulator on BTCUSDT with every request recorded."""
    from tradewind.app.emulator_commands import EmulateOptions, start_emulator

    running = start_emulator(EmulateOptions(exchange="binance", symbols="BTCUSDT"))
    dialect: Any = running.server.dialect
    recorder = Recorder(dialect, dialect.rate_limiter)
    dialect.rate_limiter = recorder
    running.server.dialect = recorder
    return running, recorder


def credentials() -> tuple[str, str]:
    """The key and secret the emulator accepts (its environment or its defaults)."""
    from tradewind.app.emulator_commands import DEFAULT_API_KEY, default_secret

    key = os.environ.get("TRADEWIND_EMULATOR_API_KEY") or DEFAULT_API_KEY
    return key, os.environ.get("TRADEWIND_EMULATOR_SECRET") or default_secret("binance")


# -- statistics -------------------------------------------------------------------------


def pcts_ms(samples_s: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples_s, n=100, method="inclusive")
    return {"p50_ms": round(cuts[49] * 1e3, 2), "p99_ms": round(cuts[98] * 1e3, 2)}


def statuses(seen: list[Seen]) -> dict[str, int]:
    return {str(k): v for k, v in sorted(Counter(s.status for s in seen).items())}


def most_in_one_second(instants_s: list[float]) -> int:
    """The most instants inside any window of 1 s."""
    ordered, best, left = sorted(instants_s), 0, 0
    for right, at in enumerate(ordered):
        while at - ordered[left] > 1.0:
            left += 1
        best = max(best, right - left + 1)
    return best


# -- 1. raw ccxt ------------------------------------------------------------------------


def raw_client(url: str) -> Any:
    import ccxt

    from tradewind.venues.ccxt.client import point_urls_at

    key, secret = credentials()
    exchange = ccxt.binance({"apiKey": key, "secret": secret, "enableRateLimit": False})
    exchange.options["fetchMarkets"] = {"types": ["spot"]}
    exchange.options["fetchCurrencies"] = False
    exchange.urls["api"] = point_urls_at(exchange.urls["api"], url)
    return exchange


def raw_latency(name: str, n: int) -> dict[str, Any]:
    running, recorder = start_recorded()
    try:
        exchange = raw_client(running.base_url)
        exchange.load_markets()
        call = getattr(exchange, name)
        for _ in range(10):
            call()  # warm-up: connection, signing, parsing
        samples, started = [], time.time()
        for _ in range(n):
            t0 = time.perf_counter()
            call()
            samples.append(time.perf_counter() - t0)
        seen = recorder.between(started, time.time())
    finally:
        running.stop()
    return {"measure": f"raw_{name}", "n": n, **pcts_ms(samples), "statuses": statuses(seen)}


# -- 2. order round trip through the adapter --------------------------------------------


def _off_exchange(config: Any) -> Any:
    from tradewind.venues.ccxt.client import build_exchange

    exchange = build_exchange(config)
    exchange.enableRateLimit = False
    return exchange


def connected_venue(url: str, mode: str, budget_dir: Path | None) -> Any:
    """A connected `CcxtVenue` on the emulator; mode "off", "ccxt" or "budget"."""
    from tradewind.venues.ccxt import CcxtVenue, CcxtVenueConfig, Secret
    from tradewind.venues.ccxt.client import build_exchange

    key, secret = credentials()
    config = CcxtVenueConfig(
        exchange_id="binance",
        symbols=(SYMBOL,),
        api_key=Secret(key),
        secret=Secret(secret),
        endpoint=url,
        rate_budget_dir=budget_dir if mode == "budget" else None,
    )
    factory = _off_exchange if mode == "off" else build_exchange
    venue = CcxtVenue(config, exchange_factory=factory, poll_interval_ms=0)
    venue.connect()
    return venue


@dataclass(frozen=True, slots=True)
class Prepared:
    """A connected venue with its burst's limit terms and order stamp (read untimed)."""

    venue: Any
    terms: dict[str, Any]
    created_at: datetime


def prepared(venue: Any) -> Prepared:
    return Prepared(venue, limit_terms(venue), venue.server_time())


def new_order(venue: Any, coid: str, created_at: datetime, **terms: Any) -> Any:
    """A SUBMITTED order of the venue's one instrument (side, type, quantity, price)."""
    from tradewind.domain.identifiers import ClientOrderId, StrategyId
    from tradewind.domain.order import Order
    from tradewind.domain.order_events import OrderSubmitted

    instrument = venue.session.instruments.all[0]
    order = Order(
        client_order_id=ClientOrderId(coid),
        strategy_id=StrategyId("bench"),
        instrument_id=instrument.id,
        created_at=created_at,
        **terms,
    )
    order.apply(OrderSubmitted(client_order_id=order.client_order_id, ts=created_at))
    return order


def fill_round_trip(venue: Any, order: Any) -> float:
    """Seconds the submit took; returns once the order's `OrderFilled` was drained."""
    from tradewind.domain.order_events import OrderFilled

    t0 = time.perf_counter()
    venue.submit(order)
    submitted = time.perf_counter() - t0
    for _ in range(100):
        events = venue.drain_events()
        if any(isinstance(e, OrderFilled) for e in events):
            return submitted
    raise SystemExit(f"order {order.client_order_id}: no fill after 100 drains")


def round_trips(mode: str, n: int, idle_s: float) -> dict[str, Any]:
    """`n` market orders, each submitted `idle_s` after the previous one's fill."""
    from tradewind.domain.order_enums import OrderSide, OrderType

    running, recorder = start_recorded()
    try:
        with tempfile.TemporaryDirectory() as budget_dir:
            venue = connected_venue(running.base_url, mode, Path(budget_dir))
            quantity = quantity_for(venue, last_price(venue))
            created_at = venue.server_time()
            submit_s, total_s, started = [], [], 0.0
            for i in range(n + 3):  # the first 3 are warm-up
                side = OrderSide.BUY if i % 2 == 0 else OrderSide.SELL
                order = new_order(
                    venue, f"rt-{mode}-{i}", created_at,
                    side=side, order_type=OrderType.MARKET, quantity=quantity,
                )  # fmt: skip
                if i == 3:
                    started = time.time()
                time.sleep(idle_s)
                t0 = time.perf_counter()
                submitted = fill_round_trip(venue, order)
                if i >= 3:
                    submit_s.append(submitted)
                    total_s.append(time.perf_counter() - t0)
            seen = recorder.between(started, time.time())
    finally:
        running.stop()
    return {
        "measure": "order_round_trip",
        "mode": mode,
        "idle_s": idle_s,
        "n": n,
        **pcts_ms(total_s),
        "submit_p50_ms": pcts_ms(submit_s)["p50_ms"],
        "requests_per_order": round(len(seen) / n, 2),
        "weight_per_order": round(sum(s.weight for s in seen) / n, 2),
        "paths": dict(Counter(f"{s.method} {s.path}" for s in seen)),
        "statuses": statuses(seen),
    }


# -- 3. throughput of resting limits within the rate limits -----------------------------


def last_price(venue: Any) -> Decimal:
    return Decimal(repr(float(venue.session.exchange.fetch_ticker(SYMBOL)["last"])))


def quantity_for(venue: Any, price: Decimal) -> Decimal:
    """Whole lots worth about `NOTIONAL_USDT` at `price`."""
    lot = Decimal(venue.session.instruments.all[0].lot_size)
    return lot * (NOTIONAL_USDT / price / lot).to_integral_value(ROUND_UP)


def limit_terms(venue: Any) -> dict[str, Any]:
    """Buy-limit terms at half the last price (never fills at speed 1)."""
    from tradewind.domain.order_enums import OrderSide, OrderType

    price = venue.session.instruments.all[0].round_price(last_price(venue) / 2)
    return {
        "side": OrderSide.BUY,
        "order_type": OrderType.LIMIT,
        "quantity": quantity_for(venue, price),
        "price": price,
    }


def burst(ready: Prepared, tag: str, seconds: float, go: Any = None) -> dict[str, Any]:
    """Submit and cancel resting limits for `seconds` (once `go` is set, when given)."""
    from tradewind.domain.order_events import OrderAccepted, OrderCanceled
    from tradewind.domain.venue_errors import VenueError

    venue, terms, created_at = ready.venue, ready.terms, ready.created_at
    if go is not None:
        go.wait()
    waits_ms: list[float] = []
    budget = venue.session.budget
    if budget is not None:
        acquire = budget.acquire

        def timed_acquire(cost: float = 1.0) -> float:
            waits_ms.append(acquire(cost))
            return waits_ms[-1]

        budget.acquire = timed_acquire  # count the waits each process spends in the budget
    kinds: Counter[str] = Counter()
    pairs, errors, started = 0, 0, time.time()
    while time.time() - started < seconds:
        order = new_order(venue, f"{tag}-{pairs}", created_at, **terms)
        try:
            venue.submit(order)
            venue.cancel(order.client_order_id)
        except VenueError:
            errors += 1
        kinds.update(type(e).__name__ for e in venue.drain_events())
        pairs += 1
    ended = time.time()
    return {
        "tag": tag,
        "pairs": pairs,
        "accepted": kinds[OrderAccepted.__name__],
        "canceled": kinds[OrderCanceled.__name__],
        "other_events": sum(kinds.values())
        - kinds[OrderAccepted.__name__]
        - kinds[OrderCanceled.__name__],
        "errors": errors,
        "budget_wait_ms": round(sum(w for w in waits_ms if w > 0), 1),
        "start_s": started,
        "end_s": ended,
    }


def burst_worker(url: str, mode: str, budget_dir: str, tag: str, seconds: float, ready: Any,
                 go: Any, out: Any) -> None:  # fmt: skip
    """One process of the two-process burst (spawned; reports through `out`).

    Says `ready` once connected and prepared; `burst` waits for `go`."""
    venue = prepared(connected_venue(url, mode, Path(budget_dir)))
    ready.put(tag)
    out.put(burst(venue, tag, seconds, go))


def throughput(processes: int, mode: str, seconds: float) -> dict[str, Any]:
    running, recorder = start_recorded()
    try:
        with tempfile.TemporaryDirectory() as budget_dir:
            if processes == 1:
                venue = prepared(connected_venue(running.base_url, mode, Path(budget_dir)))
                results = [burst(venue, "solo", seconds)]
            else:
                results = _spawned(running.base_url, mode, budget_dir, processes, seconds)
    finally:
        running.stop()
    start_s, end_s = min(r["start_s"] for r in results), max(r["end_s"] for r in results)
    seen = recorder.between(start_s, end_s)
    elapsed = end_s - start_s
    orders = [s.at_s for s in seen if s.path == ORDER_PATH and s.method in ("POST", "DELETE")]
    return {
        "measure": "order_throughput",
        "processes": processes,
        "mode": mode,
        "seconds": round(elapsed, 2),
        "orders_per_s": round(sum(r["pairs"] for r in results) / elapsed, 1),
        "requests_per_s": round(len(seen) / elapsed, 1),
        "weight_per_s": round(sum(s.weight for s in seen) / elapsed, 1),
        "most_order_requests_in_1s": most_in_one_second(orders),
        "paths": dict(Counter(f"{s.method} {s.path}" for s in seen)),
        "statuses": statuses(seen),
        "adapter_errors": sum(r["errors"] for r in results),
        "per_process": [{k: v for k, v in r.items() if not k.endswith("_s")} for r in results],
    }


def _spawned(url: str, mode: str, budget_dir: str, processes: int, seconds: float) -> list[Any]:
    context = multiprocessing.get_context("spawn")
    ready, out, go = context.Queue(), context.Queue(), context.Event()
    workers = [
        context.Process(
            target=burst_worker,
            args=(url, mode, budget_dir, f"p{i}", seconds, ready, go, out),
        )
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    for _ in workers:
        ready.get(timeout=120)
    go.set()
    results = [out.get(timeout=seconds + 120) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    return results


# -- the spacing ccxt asks for ----------------------------------------------------------


def order_spacing() -> dict[str, float]:
    """ccxt's `rateLimit` and the cost of an order request: the spacing's ceiling."""
    import ccxt

    exchange = ccxt.binance()
    cost = exchange.api["private"]["post"]["order"]
    cost = float(cost["cost"] if isinstance(cost, dict) else cost)
    return {
        "rate_limit_ms": float(exchange.rateLimit),
        "order_cost": cost,
        "max_order_requests_per_s": round(1000.0 / (exchange.rateLimit * cost), 1),
    }


# -- main -------------------------------------------------------------------------------


def emit(result: dict[str, Any]) -> dict[str, Any]:
    print("RESULT " + json.dumps(result), flush=True)
    return result


def print_rows(header: list[str], rows: list[list[Any]], left: int = 1) -> None:
    """A plain text table; the first `left` columns aligned left, the rest right."""
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        pairs = enumerate(zip(row, widths, strict=True))
        print("  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in pairs))


def table(raw: list[Any], trips: list[Any], bursts: list[Any], spacing: dict[str, Any]) -> None:
    print("\nRound trips (ms)")
    rows: list[list[Any]] = [
        [f"raw ccxt {r['measure'][4:]}", "off", "", r["n"], r["p50_ms"], r["p99_ms"], "", "",
         _limited(r)]
        for r in raw
    ]  # fmt: skip
    rows += [
        [
            "adapter submit -> fill drained", MODE_TEXT[r["mode"]],
            f"idle {r['idle_s']} s" if r["idle_s"] else "back to back", r["n"], r["p50_ms"],
            r["p99_ms"], r["submit_p50_ms"], f"{r['requests_per_order']:g} / "
            f"{r['weight_per_order']:g}", _limited(r),
        ]
        for r in trips
    ]  # fmt: skip
    print_rows(
        ["request", "rate limiting", "pace", "n", "p50", "p99", "submit p50", "req / weight",
         "429/418"], rows, left=3,
    )  # fmt: skip
    print(
        f"\nThroughput: resting limits submitted and canceled (ccxt spacing: rateLimit "
        f"{spacing['rate_limit_ms']:g} ms x cost; at most {spacing['max_order_requests_per_s']:g}"
        " order requests/s; emulator limit 6000 weight/min = 100/s)"
    )
    rows = [
        [
            r["processes"], MODE_TEXT[r["mode"]][4:], r["seconds"], r["orders_per_s"],
            " / ".join(str(p["pairs"]) for p in r["per_process"]), r["requests_per_s"],
            r["weight_per_s"], r["most_order_requests_in_1s"], _limited(r),
            r["adapter_errors"],
        ]
        for r in bursts
    ]  # fmt: skip
    print_rows(
        ["procs", "spacing", "s", "orders/s", "orders per proc", "req/s", "weight/s",
         "max order req in 1 s", "429/418", "errors"], rows, left=2,
    )  # fmt: skip


def _limited(result: dict[str, Any]) -> int:
    return sum(result["statuses"].get(code, 0) for code in ("429", "418"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="requests per raw latency")
    parser.add_argument("--round-trips", type=int, default=100, help="orders per mode")
    parser.add_argument("--seconds", type=float, default=10.0, help="per throughput burst")
    parser.add_argument(
        "--throughput-only", action="store_true", help="skip parts 1 and 2 (e.g. --seconds 70)"
    )
    parser.add_argument("--quick", action="store_true", help="--n 50 --round-trips 20 --seconds 3")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.round_trips, args.seconds = 50, 20, 3.0
    # fetch_balance weighs 20 and an order round trip about 31: stay inside one minute's 6000
    if not 10 <= args.n <= 250 or not 5 <= args.round_trips <= 150 or args.seconds <= 0:
        parser.error("expected 10 <= --n <= 250, 5 <= --round-trips <= 150, --seconds > 0")
    spacing = emit({"measure": "ccxt_spacing", **order_spacing()})
    raw: list[dict[str, Any]] = []
    trips: list[dict[str, Any]] = []
    if not args.throughput_only:
        raw = [emit(raw_latency(name, args.n)) for name in ("fetch_time", "fetch_balance")]
        trips = [emit(round_trips(mode, args.round_trips, 0.0)) for mode in MODES]
        trips += [emit(round_trips(mode, args.round_trips // 2, IDLE_S)) for mode in MODES]
    bursts = [
        emit(throughput(1, "budget", args.seconds)),
        emit(throughput(2, "budget", args.seconds)),
        emit(throughput(2, "ccxt", args.seconds)),
    ]
    table(raw, trips, bursts, spacing)


if __name__ == "__main__":
    main()
