"""Drive an OANDA v20 REST endpoint (the Tradewind emulator, or a practice account) with
plain httpx, written from the v20 reference only: no Tradewind imports.

Steps: accounts, summary, instruments, candles, pricing, a market order, a limit order,
query it by @clientID, cancel it, trades, positions, transactions (pages and sinceid)
and a bad token (must be 401). Prints each step and its latency; exits 1 on a failed step.

Usage (start the emulator in one shell, run the script in another):

    python -c "import time; from tradewind.venues.emulation import EmulatedMarket as M; \
from tradewind.venues.oanda.emulator import BUNDLED as B, MARKET_SPEC as S, \
DEFAULT_CREDENTIALS as C, build_emulator; s = B['EUR_USD']; \
m = M({'EUR_USD': s.spec}, S, hours={'EUR_USD': s.hours}); \
[m.trade_bar('EUR_USD', 1483405200000 + i * 3600000, 1.04, 1.045, 1.035, 1.04, 1e8) \
for i in range(30)]; srv = build_emulator(m, C, port=8081); print(srv.start()); \
time.sleep(3600)"
    python scripts/oanda_against_emulator.py --url http://127.0.0.1:8081
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx

DEFAULT_TOKEN = "tradewind-oanda-emulator-token"  # the emulator's made-up default token


class StepFailedError(Exception):
    """A step whose answer was not what the v20 reference says."""


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailedError(message)


def ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    expect(
        response.status_code == status,
        f"{response.request.method} {response.request.url.path}: expected HTTP {status}, "
        f"got {response.status_code} {response.text[:200]}",
    )
    body: dict[str, Any] = response.json()
    return body


class Run:
    """The steps against one account; each returns a one-line summary."""

    def __init__(self, http: httpx.Client, account: str | None) -> None:
        self.http = http
        self.account = account or ""
        self.client_id = f"script-{uuid.uuid4().hex[:8]}"
        self.limit_id = ""
        self.mid = Decimal(0)

    @property
    def base(self) -> str:
        return f"/v3/accounts/{self.account}"

    def accounts(self) -> str:
        ids = [a["id"] for a in ok(self.http.get("/v3/accounts"))["accounts"]]
        expect(bool(ids), "no account for this token")
        self.account = self.account or ids[0]
        expect(self.account in ids, f"account {self.account} is not one of {ids}")
        return f"{len(ids)} account(s), using {self.account}"

    def summary(self) -> str:
        account = ok(self.http.get(self.base + "/summary"))["account"]
        for field in ("balance", "NAV", "marginAvailable", "currency"):
            expect(field in account, f"summary: missing {field}")
        return f"balance {account['balance']} {account['currency']}, NAV {account['NAV']}"

    def instruments(self) -> str:
        body = ok(self.http.get(self.base + "/instruments", params={"instruments": "EUR_USD"}))
        (eur_usd,) = body["instruments"]
        expect(eur_usd["pipLocation"] == -4, "EUR_USD pipLocation: expected -4")
        return f"EUR_USD displayPrecision {eur_usd['displayPrecision']}"

    def candles(self) -> str:
        params: dict[str, str | int] = {"granularity": "H1", "count": 5, "price": "MBA"}
        candles = ok(self.http.get("/v3/instruments/EUR_USD/candles", params=params))["candles"]
        expect(len(candles) > 0, "no candles")
        for candle in candles:
            expect(all(k in candle for k in ("mid", "bid", "ask", "time")), "candle fields")
            expect(candle["bid"]["c"] <= candle["ask"]["c"], "bid above ask")
        return (
            f"{len(candles)} H1 candles, last {candles[-1]['time']} close {candles[-1]['mid']['c']}"
        )

    def pricing(self) -> str:
        body = ok(self.http.get(self.base + "/pricing", params={"instruments": "EUR_USD"}))
        (price,) = body["prices"]
        bid, ask = Decimal(price["bids"][0]["price"]), Decimal(price["asks"][0]["price"])
        expect(bid <= ask, "bid above ask")
        self.mid = (bid + ask) / 2
        return f"bid {bid} ask {ask} tradeable {price['tradeable']}"

    def market_order(self) -> str:
        order = {"type": "MARKET", "instrument": "EUR_USD", "units": "100"}
        body = ok(self.http.post(self.base + "/orders", json={"order": order}), 201)
        expect("orderCreateTransaction" in body, "no orderCreateTransaction")
        if "orderFillTransaction" in body:
            fill = body["orderFillTransaction"]
            trade_id = fill["tradeOpened"]["tradeID"]
            return f"filled {fill['units']} at {fill['price']} (trade {trade_id})"
        cancel = body.get("orderCancelTransaction")
        expect(cancel is not None, "neither filled nor cancelled")
        return f"cancelled {cancel['reason']} (market closed?)"  # type: ignore[index]

    def limit_order(self) -> str:
        price = (self.mid * Decimal("0.98")).quantize(Decimal("0.00001"))
        order = {
            "type": "LIMIT",
            "instrument": "EUR_USD",
            "units": "100",
            "price": str(price),
            "timeInForce": "GTC",
            "clientExtensions": {"id": self.client_id, "tag": "tradewind-script"},
        }
        body = ok(self.http.post(self.base + "/orders", json={"order": order}), 201)
        self.limit_id = body["orderCreateTransaction"]["id"]
        expect("orderFillTransaction" not in body, "a limit 2% below the market filled")
        return f"order {self.limit_id} resting at {price}"

    def query_order(self) -> str:
        order = ok(self.http.get(f"{self.base}/orders/@{self.client_id}"))["order"]
        expect(order["id"] == self.limit_id, f"@clientID found order {order['id']}")
        expect(order["state"] == "PENDING", f"state {order['state']}")
        return f"@{self.client_id} -> order {order['id']} {order['state']}"

    def cancel_order(self) -> str:
        body = ok(self.http.put(f"{self.base}/orders/{self.limit_id}/cancel"))
        reason = body["orderCancelTransaction"]["reason"]
        expect(reason == "CLIENT_REQUEST", f"cancel reason {reason}")
        again = self.http.put(f"{self.base}/orders/{self.limit_id}/cancel")
        expect(again.status_code == 404, f"second cancel: expected 404, got {again.status_code}")
        return f"cancelled ({reason}); second cancel 404 {again.json().get('errorCode')}"

    def trades(self) -> str:
        trades = ok(self.http.get(self.base + "/openTrades"))["trades"]
        return f"{len(trades)} open trade(s)"

    def positions(self) -> str:
        positions = ok(self.http.get(self.base + "/openPositions"))["positions"]
        units = {p["instrument"]: (p["long"]["units"], p["short"]["units"]) for p in positions}
        return f"open positions (long, short): {units}"

    def transactions(self) -> str:
        pages = ok(self.http.get(self.base + "/transactions", params={"pageSize": 100}))
        last = int(pages["lastTransactionID"])
        since = ok(
            self.http.get(self.base + "/transactions/sinceid", params={"id": max(last - 5, 0)})
        )
        ids = [int(t["id"]) for t in since["transactions"]]
        expect(ids == sorted(ids) and (not ids or ids[-1] == last), "sinceid out of order")
        return f"{pages['count']} in {len(pages['pages'])} page(s); last id {last}"

    def bad_token(self) -> str:
        answer = self.http.get("/v3/accounts", headers={"Authorization": "Bearer not-a-real-token"})
        expect(answer.status_code == 401, f"expected 401, got {answer.status_code}")
        return f"401 {answer.json().get('errorMessage')}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="e.g. http://127.0.0.1:8081")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--account", default=None, help="default: the token's first account")
    args = parser.parse_args(argv)
    headers = {
        "Authorization": f"Bearer {args.token}",
        "Accept-Datetime-Format": "RFC3339",
        "Content-Type": "application/json",
    }
    failed = 0
    with httpx.Client(base_url=args.url.rstrip("/"), headers=headers, timeout=10.0) as http:
        run = Run(http, args.account)
        steps: list[tuple[str, Callable[[], str]]] = [
            ("accounts", run.accounts),
            ("summary", run.summary),
            ("instruments", run.instruments),
            ("candles", run.candles),
            ("pricing", run.pricing),
            ("market order", run.market_order),
            ("limit order", run.limit_order),
            ("query order", run.query_order),
            ("cancel order", run.cancel_order),
            ("trades", run.trades),
            ("positions", run.positions),
            ("transactions", run.transactions),
            ("bad token", run.bad_token),
        ]
        for name, step in steps:
            started = time.perf_counter()
            try:
                outcome, mark = step(), "ok  "
            except (StepFailedError, httpx.HTTPError, KeyError, ValueError) as exc:
                outcome, mark = f"{type(exc).__name__}: {exc}", "FAIL"
                failed += 1
            elapsed_ms = (time.perf_counter() - started) * 1000
            print(f"{mark} {name:<13} {elapsed_ms:7.1f} ms  {outcome}")
    print(f"{len(steps) - failed}/{len(steps)} steps passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
