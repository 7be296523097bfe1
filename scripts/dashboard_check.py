"""What `scripts/rehearse_dashboard.sh` checks against a running `tradewind serve`: the API
refuses anonymous callers, answers a bearer token (TRADEWIND_REHEARSAL_TOKEN, never
printed), streams changes, refuses a viewer's control; prints what each market shows.

Usage: python scripts/dashboard_check.py BASE_URL   (exit 1 if a check fails)
"""

from __future__ import annotations

import os
import sys
import time

import httpx


def _check(ok: bool, what: str) -> None:
    print(f"  {'ok ' if ok else 'FAILED'} {what}")
    if not ok:
        sys.exit(1)


def main(base_url: str) -> None:
    token = os.environ["TRADEWIND_REHEARSAL_TOKEN"]
    with httpx.Client(base_url=base_url, timeout=10) as anonymous:
        health = anonymous.get("/health")
        _check(health.status_code == 200, f"/health without credentials: {health.status_code}")
        refused = anonymous.get("/api/v1/overview")
        code = refused.status_code
        _check(code == 401, f"/api/v1/overview without credentials: {code}")
        page = anonymous.get("/markets/all")
        where = page.headers.get("location")
        _check(page.status_code == 303, f"a page without a session: {page.status_code} to {where}")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, timeout=10, headers=headers) as client:
        started = time.perf_counter()
        overview = client.get("/api/v1/overview")
        elapsed_ms = 1000 * (time.perf_counter() - started)
        code = overview.status_code
        _check(code == 200, f"/api/v1/overview with a bearer token: {code} in {elapsed_ms:.0f} ms")
        view = overview.json()
        run = view["run"] or {}
        print(f"  run shown: {run.get('mode')} {run.get('run_id')} ({run.get('status')})")
        for market in view["markets"]:
            venue = market["venue"]
            print(
                f"  [{market['market_class'].upper()}] {market['name']}: venue {venue['venue']} "
                f"{venue['state']}, last bar {venue['last_bar']}, {len(market['positions'])} open "
                f"positions, realized today {market['realized_pnl_today']:+,.2f}, exposure "
                f"{market['exposure_usd']:,.2f} of {market['allocation_usd'] or 0:,.2f}"
            )
        runs = client.get("/api/v1/runs").json()
        print(f"  runs in the journal: {len(runs)}")
        control = client.post("/api/v1/controls", json={"action": "soft", "reason": "rehearsal"})
        _check(control.status_code == 403, f"a viewer's SOFT stop: {control.status_code} (refused)")
        invalid = client.get("/api/v1/runs", params={"limit": 0})
        field = invalid.json().get("fields", [{}])[0].get("field")
        _check(invalid.status_code == 422, f"an invalid request: 422 naming {field!r}")
        with client.stream("GET", "/api/v1/events") as stream:
            first = next(stream.iter_lines())
            _check(first.startswith("retry:"), "the live change stream (Server-Sent Events) opens")


if __name__ == "__main__":
    main(sys.argv[1])
