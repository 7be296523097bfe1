"""The dashboard in a real browser (Debian's chromium through Playwright) over the
seeded journal: logging in and out, the seed's figures on every tab, no console errors
or CSP violations, live updates within a second, and the phone layout.

Screenshots go to test-artifacts/screenshots/ (laptop and phone size of every tab)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page
from tests.web.browser import (
    LAPTOP,
    PHONE,
    ConsoleWatch,
    FakeSession,
    chromium_browser,
    log_in,
    new_context,
    screenshot,
    wait_live,
)
from tests.web.server_harness import OPERATOR, PASSWORDS, Served

__all__: list[str] = []

pytestmark = pytest.mark.slow
TABS = ("crypto", "forex", "equities", "all")


@dataclass(frozen=True, slots=True)
class TabFigures:
    """What a tab must show, as the page formats it."""

    positions: dict[str, tuple[str, str, str, str, str]]  # symbol -> side, qty, entry, current, P&L
    venues: dict[str, str]  # market -> connection badge
    stages: dict[str, str]  # market -> stage
    strategy_badges: dict[str, str]  # strategy -> its state badge
    signals: list[tuple[str, str, str]]  # symbol, direction, confidence (newest first)


CRYPTO = TabFigures(
    positions={"BTC-USD": ("long", "0.5", "20,000.00", "21,000.00", "+500.00")},
    venues={"crypto": "connected"},
    stages={"crypto": "paper"},
    strategy_badges={"momentum_v1": "active", "trend_following_v1": "active"},
    signals=[("ETH-USD", "flat", "0.55"), ("ETH-USD", "long", "0.70"), ("BTC-USD", "long", "0.80")],
)
FOREX = TabFigures(
    positions={"EUR-USD": ("short", "1,000", "1.10000", "1.08000", "+20.00")},
    venues={"forex": "degraded"},
    stages={"forex": "advisory"},
    strategy_badges={"mean_reversion_v2": "disabled"},  # the seed disables forex
    signals=[("EUR-USD", "short", "0.65")],
)
STOCKS = TabFigures(
    positions={"AAPL": ("long", "10", "150.00", "155.00", "+50.00")},
    venues={"stocks": "down"},
    stages={"stocks": "advisory"},
    strategy_badges={"sma_cross": "soft"},  # the seed's soft stop on stocks
    signals=[("AAPL", "long", "0.75"), ("MSFT", "flat", "0.50"), ("MSFT", "long", "0.90")],
)
ALL = TabFigures(
    positions=CRYPTO.positions | FOREX.positions | STOCKS.positions,
    venues=CRYPTO.venues | FOREX.venues | STOCKS.venues,
    stages=CRYPTO.stages | FOREX.stages | STOCKS.stages,
    strategy_badges=CRYPTO.strategy_badges | FOREX.strategy_badges | STOCKS.strategy_badges,
    signals=[],  # checked as the union below: equal times across markets have no order
)
FIGURES = {"crypto": CRYPTO, "forex": FOREX, "equities": STOCKS, "all": ALL}
LABELS = {"crypto": "CRYPTO", "forex": "FOREX", "equities": "STOCKS", "all": "ALL MARKETS"}


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with chromium_browser() as browser:
        yield browser


@pytest.fixture(scope="module")
def session(served: Served) -> Iterator[FakeSession]:
    """The seed's paper session keeps beating, so the venue states stay as seeded."""
    with FakeSession(served.seed.journal, served.seed.paper_run) as fake:
        yield fake


@pytest.fixture(scope="module")
def laptop(chromium: Browser, served: Served, session: FakeSession) -> Iterator[Page]:
    """The operator, logged in at laptop size."""
    context = new_context(chromium, LAPTOP)
    page = context.new_page()
    log_in(page, served.base_url, OPERATOR, PASSWORDS[OPERATOR])
    yield page
    context.close()


def _cells(page: Page, row: str) -> list[str]:
    return [text.strip() for text in page.locator(row).first.locator("td").all_inner_texts()]


def _wait_chart(page: Page) -> int:
    handle = page.wait_for_function(
        "() => { const el = document.querySelector('[data-equity-url][data-points]');"
        " return el && el.dataset.points; }",
        timeout=5_000,
    )
    return int(handle.json_value())


def test_an_anonymous_visit_logs_in_through_the_form_and_lands_on_the_asked_page(
    chromium: Browser, served: Served, session: FakeSession, request: pytest.FixtureRequest
) -> None:
    context = new_context(chromium, LAPTOP)
    page = context.new_page()
    page.goto(served.base_url + "/markets/crypto")
    assert page.url == served.base_url + "/login?next=/markets/crypto"

    page.fill("input[name=user]", OPERATOR)
    page.fill("input[name=password]", "not the password")
    page.click("form[action='/login'] button[type=submit]")
    assert page.locator(".error[role=alert]").inner_text() == "wrong user name or password"
    assert page.url.startswith(served.base_url + "/login")
    screenshot(page, request.node.name, "wrong-password")

    page.fill("input[name=user]", OPERATOR)
    page.fill("input[name=password]", PASSWORDS[OPERATOR])
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(served.base_url + "/markets/crypto")
    assert page.locator(".tab.active").inner_text() == "[ CRYPTO ]"
    context.close()


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_shows_the_seed_figures(
    laptop: Page, served: Served, tab: str, request: pytest.FixtureRequest
) -> None:
    expected = FIGURES[tab]
    laptop.goto(f"{served.base_url}/markets/{tab}")
    assert laptop.locator(".tab.active").inner_text() == f"[ {LABELS[tab]} ]"
    assert laptop.locator("#p-summary h2").inner_text() == LABELS[tab]

    shown = laptop.locator("#p-positions tr[data-symbol]")
    assert sorted(shown.evaluate_all("rows => rows.map(r => r.dataset.symbol)")) == sorted(
        expected.positions
    )
    for symbol, (side, qty, entry, current, pnl) in expected.positions.items():
        cells = _cells(laptop, f"#p-positions tr[data-symbol='{symbol}']")
        assert cells[1:7] == [symbol, side, qty, entry, current, pnl], symbol
    for market, state in expected.venues.items():
        badge = laptop.locator(f"#p-venues tr[data-market='{market}'] .badge")
        assert badge.inner_text() == state, market
    for market, stage in expected.stages.items():
        assert laptop.locator(f"[data-stage='{market}']").inner_text() == stage, market
    for strategy, state in expected.strategy_badges.items():
        row = laptop.locator("#p-strategies tr", has_text=strategy)
        assert row.locator(".badge").inner_text() == state, strategy
    signals = [
        (cells[2], cells[4], cells[5])
        for cells in (
            [c.strip() for c in row.locator("td").all_inner_texts()]
            for row in laptop.locator("#p-signals tbody tr").all()
        )
    ]  # fmt: skip
    if tab == "all":
        assert sorted(signals) == sorted(CRYPTO.signals + FOREX.signals + STOCKS.signals)
    else:
        assert signals == expected.signals
    daily_loss = laptop.locator("#p-risk [data-figure='daily-loss']").inner_text()
    assert daily_loss == "1.00% / 3.00%"
    assert _wait_chart(laptop) > 0
    screenshot(laptop, "test_each_tab_shows_the_seed_figures", f"laptop-{tab}")


def test_all_markets_totals_the_three_markets(laptop: Page, served: Served) -> None:
    laptop.goto(served.base_url + "/markets/all")
    summary = {
        name: laptop.locator(f"#p-summary [data-figure='{name}']").inner_text()
        for name in ("equity", "daily-pnl", "exposure", "positions", "realized-today")
    }
    # Exposure 10,500 + 1,080 + 1,550; realized today 199.50 + 0 + 198.00.
    assert summary == {
        "equity": "99,000.00",
        "daily-pnl": "-1,000.00",
        "exposure": "13,130.00",
        "positions": "3",
        "realized-today": "+397.50",
    }
    exposures = {
        market: laptop.locator(f"#p-exposure tr[data-market='{market}'] [data-figure='exposure']")
        .inner_text()
        for market in ("crypto", "forex", "stocks")
    }  # fmt: skip
    assert exposures == {"crypto": "10,500.00", "forex": "1,080.00", "stocks": "1,550.00"}


def _pages_to_visit(served: Served) -> list[str]:
    seed = served.seed
    return [
        *(f"/markets/{tab}" for tab in TABS),
        "/runs",
        f"/runs/{seed.backtest_run}",
        f"/runs/{seed.paper_run}",
        "/audit",
    ]


def test_no_page_logs_a_console_error_or_a_csp_violation(
    chromium: Browser, served: Served, session: FakeSession
) -> None:
    context = new_context(chromium, LAPTOP)
    watch = ConsoleWatch(context)
    page = context.new_page()
    log_in(page, served.base_url, OPERATOR, PASSWORDS[OPERATOR])
    visited = []
    for path in _pages_to_visit(served):
        response = page.goto(served.base_url + path)
        assert response is not None, path
        assert response.status == 200, path
        if page.locator("[data-equity-url]").count():
            _wait_chart(page)
        if page.locator("body[data-live]").count():
            wait_live(page)
        visited.append(path)
    context.close()
    assert watch.problems == []
    assert len(visited) == 8


def test_the_runs_page_compares_the_runs_ticked(
    chromium: Browser, served: Served, session: FakeSession, request: pytest.FixtureRequest
) -> None:
    context = new_context(chromium, LAPTOP)
    watch = ConsoleWatch(context)
    page = context.new_page()
    log_in(page, served.base_url, OPERATOR, PASSWORDS[OPERATOR], "/runs")
    for run_id in (served.seed.backtest_run, served.seed.paper_run):
        page.check(f"tr[data-run='{run_id}'] input[name=run]")
    with page.expect_navigation() as navigation:
        page.click("text=Compare selected")
    response = navigation.value
    screenshot(page, request.node.name, "compare")
    assert response is not None
    assert response.status == 200, page.locator("main").inner_text()
    headers = page.locator("#comparison thead th code").all_inner_texts()
    assert sorted(headers) == sorted([served.seed.backtest_run, served.seed.paper_run])
    context.close()
    assert watch.problems == []


def test_a_new_mark_reaches_the_open_page_within_a_second(
    laptop: Page, served: Served, session: FakeSession
) -> None:
    laptop.goto(served.base_url + "/markets/all")
    wait_live(laptop)
    laptop.evaluate("() => { window.twNoReload = true; }")
    pnl = "#p-positions tr[data-symbol='BTC-USD'] [data-figure='pnl']"
    assert laptop.locator(pnl).inner_text() == "+500.00"
    try:
        started = time.perf_counter()
        session.set_mark("crypto", "BTC-USD", 22_000.0)  # 0.5 x (22,000 - 20,000)
        laptop.wait_for_function(
            "(sel) => { const el = document.querySelector(sel);"
            " return el !== null && el.textContent.trim() === '+1,000.00'; }",
            arg=pnl,
            timeout=5_000,
        )
        elapsed_ms = (time.perf_counter() - started) * 1000
    finally:
        session.set_mark("crypto", "BTC-USD", 21_000.0)
    print(f"RESULT live update {elapsed_ms:.0f} ms")
    assert laptop.evaluate("() => window.twNoReload === true")  # no reload: a live swap
    assert elapsed_ms < 1_500
    laptop.wait_for_function(
        "(sel) => document.querySelector(sel).textContent.trim() === '+500.00'",
        arg=pnl,
        timeout=5_000,
    )


_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.parentElement && el.parentElement.closest(".scroll")) { continue; }
    const box = el.getBoundingClientRect();
    if (box.width > 0 && (box.right > width + 1 || box.left < -1)) {
      out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + "." + el.className
               + " right=" + Math.round(box.right));
    }
  }
  return out.slice(0, 10);
}"""
_TAB_ROWS = "() => new Set([...document.querySelectorAll('.tabs .tab')].map(t => t.offsetTop)).size"


def test_at_phone_width_the_tabs_wrap_and_nothing_overflows_but_scroll_boxes(
    chromium: Browser, served: Served, session: FakeSession, request: pytest.FixtureRequest
) -> None:
    context = new_context(chromium, PHONE)
    page = context.new_page()
    log_in(page, served.base_url, OPERATOR, PASSWORDS[OPERATOR])
    for tab in TABS:
        page.goto(f"{served.base_url}/markets/{tab}")
        _wait_chart(page)
        assert page.evaluate("() => window.innerWidth") == 390
        assert page.evaluate(_TAB_ROWS) > 1, tab
        assert page.evaluate(_OVERFLOW) == [], tab
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390, tab
        screenshot(page, request.node.name, f"phone-{tab}")
    context.close()


def test_logging_out_ends_the_session(
    chromium: Browser, served: Served, session: FakeSession
) -> None:
    context = new_context(chromium, LAPTOP)
    page = context.new_page()
    log_in(page, served.base_url, OPERATOR, PASSWORDS[OPERATOR])
    page.click("form[action='/logout'] button")
    page.wait_for_url(served.base_url + "/login")
    assert page.locator("form[action='/login']").count() == 1
    page.goto(served.base_url + "/markets/all")
    assert page.url == served.base_url + "/login?next=/markets/all"
    assert context.cookies() == [] or all(c["name"] != "tw_session" for c in context.cookies())
    context.close()
