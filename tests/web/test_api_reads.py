"""The REST API's reads over real HTTP against the seed's hand-computed figures
(`tests.monitor_seed`), and the 422/404 replies of invalid reads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.web.server_harness import VIEWER, Served

from tradewind.app.journal_access import open_journal

__all__: list[str] = []


@pytest.fixture
def client(served: Served) -> Iterator[httpx.Client]:
    """The viewer's bearer client, after the paper session beat again (venue states
    and `running` need a heartbeat at most 5 s old)."""
    with open_journal(str(served.seed.journal)) as journal:
        (beat,) = [b for b in journal.heartbeats() if b.run_id == served.seed.paper_run]
        journal.beat(beat.run_id, beat.mode, beat.detail)
    headers = {"Authorization": f"Bearer {served.tokens[VIEWER]}"}
    with httpx.Client(base_url=served.base_url, headers=headers, timeout=10) as opened:
        yield opened


def _get(client: httpx.Client, path: str, **params: Any) -> Any:
    reply = client.get(path, params=params or None)
    assert reply.status_code == 200, reply.text[:300]
    return reply.json()


def _by_name(markets: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {market["name"]: market for market in markets}


def test_the_overview_shows_every_market_with_its_class_and_the_shown_run(
    client: httpx.Client, served: Served
) -> None:
    overview = _get(client, "/api/v1/overview")

    assert [m["name"] for m in overview["markets"]] == ["crypto", "forex", "stocks"]
    assert overview["market_classes"] == ["crypto", "forex", "equities"]
    assert overview["run"]["run_id"] == served.seed.paper_run
    assert overview["run"]["running"] is True
    assert overview["risk"]["equity_usd"] == pytest.approx(served.seed.equity_usd)


def test_markets_report_the_seed_exposure_allocation_and_realized_pnl(
    client: httpx.Client, served: Served
) -> None:
    markets = _by_name(_get(client, "/api/v1/markets"))
    seed = served.seed

    for name, market in markets.items():
        assert market["exposure_usd"] == pytest.approx(seed.exposure_usd[name]), name
        assert market["allocation_usd"] == pytest.approx(seed.allocation_usd[name]), name
        assert market["allocation_pct"] == pytest.approx(seed.allocation_pct[name]), name
        assert market["realized_pnl_today"] == pytest.approx(seed.realized_today[name]), name


def test_markets_of_one_class_are_only_that_class(client: httpx.Client) -> None:
    crypto = _get(client, "/api/v1/markets", market_class="crypto")
    equities = _get(client, "/api/v1/markets", market_class="equities")

    assert [m["name"] for m in crypto] == ["crypto"]
    assert [m["name"] for m in equities] == ["stocks"]


def test_an_unknown_market_class_is_404_naming_the_known_ones(client: httpx.Client) -> None:
    reply = client.get("/api/v1/markets", params={"market_class": "bonds"})

    assert reply.status_code == 404
    assert "crypto, forex, equities" in reply.json()["error"]


def test_positions_through_markets_match_the_seed(client: httpx.Client, served: Served) -> None:
    markets = _get(client, "/api/v1/markets")

    found = {(p["market"], p["symbol"]): p for m in markets for p in m["positions"]}

    assert set(found) == set(served.seed.positions)
    for key, expected in served.seed.positions.items():
        position = found[key]
        assert position["side"] == expected.side, key
        for figure in ("qty", "entry_price", "current_price", "pnl", "pnl_pct", "notional_usd"):
            assert position[figure] == pytest.approx(getattr(expected, figure)), (key, figure)


def test_one_market_by_name_has_its_class_stop_signals_and_position(
    client: httpx.Client, served: Served
) -> None:
    stocks = _get(client, "/api/v1/markets/stocks")

    assert stocks["market_class"] == "equities"
    assert stocks["stop"] == "soft"
    signals = [(s["symbol"], s["direction"]) for s in stocks["signals"]]
    assert signals == served.seed.signals_newest_first["stocks"]
    assert [p["symbol"] for p in stocks["positions"]] == ["AAPL"]


def test_an_unknown_market_is_404(client: httpx.Client) -> None:
    reply = client.get("/api/v1/markets/bonds")

    assert reply.status_code == 404
    assert "bonds" in reply.json()["error"]


def test_signals_of_every_market_come_newest_first(client: httpx.Client) -> None:
    signals = _get(client, "/api/v1/signals")

    times = [s["ts"] for s in signals]
    assert times == sorted(times, reverse=True)
    assert len(signals) == 7


def test_risk_shows_the_daily_pnl_and_the_daily_loss_against_its_limit(
    client: httpx.Client, served: Served
) -> None:
    risk = _get(client, "/api/v1/risk")
    seed = served.seed

    assert risk["daily_pnl_usd"] == pytest.approx(seed.daily_pnl_usd)
    assert risk["daily_loss_pct"] == pytest.approx(seed.daily_loss_pct)
    assert risk["daily_loss_limit_pct"] == pytest.approx(3.0)
    assert risk["equity_usd"] == pytest.approx(seed.equity_usd)
    assert risk["ladder"] == pytest.approx(seed.ladder)


def test_venues_show_each_market_state_and_latency(client: httpx.Client, served: Served) -> None:
    venues = {v["market"]: v for v in _get(client, "/api/v1/venues")}

    assert {m: v["state"] for m, v in venues.items()} == served.seed.venue_states
    assert {m: v["latency_ms"] for m, v in venues.items()} == served.seed.latency_ms
    assert venues["stocks"]["reason"] == "connection refused"


def test_runs_list_both_runs_newest_first_with_their_headline_figures(
    client: httpx.Client, served: Served
) -> None:
    runs = _get(client, "/api/v1/runs")
    seed = served.seed

    assert [r["run_id"] for r in runs] == [seed.paper_run, seed.backtest_run]
    backtest = runs[1]
    assert backtest["status"] == "finished"
    assert backtest["return_pct"] == pytest.approx(seed.backtest_return_pct)
    assert backtest["max_drawdown_pct"] == pytest.approx(seed.backtest_max_drawdown_pct)
    assert (runs[0]["orders"], runs[0]["fills"]) == (8, 8)


def test_runs_compare_puts_the_asked_runs_side_by_side(
    client: httpx.Client, served: Served
) -> None:
    seed = served.seed

    comparison = _get(client, "/api/v1/runs/compare", run=[seed.backtest_run, seed.paper_run])

    assert [r["run_id"] for r in comparison["runs"]] == [seed.backtest_run, seed.paper_run]
    rows = dict(comparison["rows"])
    assert rows["mode"] == ["backtest", "paper"]
    assert rows["return %"] == ["10.00", "-1.00"]


def test_runs_compare_with_one_run_is_422_naming_run(client: httpx.Client) -> None:
    reply = client.get("/api/v1/runs/compare", params={"run": "bt-seed-0001"})

    assert reply.status_code == 422
    assert reply.json()["fields"][0]["field"] == "run"


def test_the_audit_shows_the_seed_commands_newest_first_with_their_acks(
    client: httpx.Client, served: Served
) -> None:
    entries = _get(client, "/api/v1/audit")

    seeded = [e for e in entries if e["user"] in ("alice", "bob")]
    assert [(e["action"], e["market"]) for e in seeded] == [
        ("disable", "forex"),
        ("soft", "stocks"),
    ]
    stop = seeded[1]
    assert (stop["reason"], stop["source"]) == ("earnings", "cli")
    assert [a["outcome"] for a in stop["acks"]] == ["in force", "done: soft stop"]
    assert {a["run_id"] for a in stop["acks"]} == {served.seed.paper_run}
    assert seeded[0]["acks"] == []


def test_equity_defaults_to_the_shown_run(client: httpx.Client) -> None:
    points = _get(client, "/api/v1/equity")

    assert [(p["equity_usd"], p["drawdown_pct"]) for p in points] == [(100_000.0, 0.0),
                                                                       (99_000.0, 1.0)]  # fmt: skip


def test_equity_of_the_backtest_has_its_points_and_drawdown(
    client: httpx.Client, served: Served
) -> None:
    points = _get(client, "/api/v1/equity", run_id=served.seed.backtest_run)

    assert len(points) == served.seed.backtest_points
    assert points[-1]["equity_usd"] == pytest.approx(1_100_000.0)
    assert max(p["drawdown_pct"] for p in points) == pytest.approx(5.0)
    assert [p["time_s"] for p in points] == sorted(p["time_s"] for p in points)


def test_equity_of_an_unknown_run_is_404(client: httpx.Client) -> None:
    reply = client.get("/api/v1/equity", params={"run_id": "no-such-run"})

    assert reply.status_code == 404
    assert "no-such-run" in reply.json()["error"]


def test_sessions_show_the_running_paper_session(client: httpx.Client, served: Served) -> None:
    sessions = _get(client, "/api/v1/sessions")

    assert [(s["run_id"], s["mode"], s["running"], s["row"]) for s in sessions] == [
        (served.seed.paper_run, "paper", True, 1)
    ]


def test_me_names_the_viewer(client: httpx.Client) -> None:
    assert _get(client, "/api/v1/me") == {"user": VIEWER, "role": "viewer", "via": "token"}


def test_the_openapi_document_lists_the_api_paths(client: httpx.Client) -> None:
    paths = _get(client, "/api/v1/openapi.json")["paths"]

    for path in ("/api/v1/overview", "/api/v1/markets", "/api/v1/markets/{name}",
                 "/api/v1/risk", "/api/v1/venues", "/api/v1/runs", "/api/v1/runs/compare",
                 "/api/v1/audit", "/api/v1/equity", "/api/v1/sessions", "/api/v1/events",
                 "/api/v1/controls", "/api/v1/promotions", "/api/v1/auth/login"):  # fmt: skip
        assert path in paths, path
    assert not any(p.startswith(("/markets", "/fragments", "/ui/")) for p in paths)


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/v1/runs", {"limit": "0"}, "limit"),
        ("/api/v1/audit", {"limit": "many"}, "limit"),
        ("/api/v1/markets", {"market_class": "x" * 33}, "market_class"),
    ],
)
def test_an_invalid_query_is_422_naming_the_field(
    client: httpx.Client, path: str, params: dict[str, str], field: str
) -> None:
    reply = client.get(path, params=params)

    assert reply.status_code == 422
    assert [f["field"] for f in reply.json()["fields"]] == [field]
