"""The dashboard's controls in a real browser (Debian's chromium through Playwright):
a control goes from the form through its confirmation page to the journal and the
audit; another open page sees it live; promotions pass the gate or are refused; a
viewer gets no controls and a forged control is forbidden."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from tests.web.browser import (
    LAPTOP,
    ConsoleWatch,
    FakeSession,
    chromium_browser,
    log_in,
    new_context,
    screenshot,
    wait_live,
)
from tests.web.server_harness import OPERATOR, PASSWORDS, VIEWER, Served

from tradewind.app.journal_access import open_journal
from tradewind.store import ControlAction, ControlCommand, ControlRecord, PromotionRecord

__all__: list[str] = []

pytestmark = pytest.mark.slow
BADGE = "#p-strategies tr[data-market='{}'] .badge"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with chromium_browser() as browser:
        yield browser


@pytest.fixture(scope="module")
def session(served: Served) -> Iterator[FakeSession]:
    """The seed's paper session: beating, and acknowledging every control command."""
    with FakeSession(served.seed.journal, served.seed.paper_run) as fake:
        yield fake


@pytest.fixture(scope="module")
def operator(chromium: Browser, served: Served, session: FakeSession) -> Iterator[BrowserContext]:
    """The operator's browser, logged in (its pages share the session)."""
    context = new_context(chromium, LAPTOP)
    log_in(context.new_page(), served.base_url, OPERATOR, PASSWORDS[OPERATOR])
    yield context
    context.close()


@pytest.fixture
def actor(operator: BrowserContext) -> Iterator[Page]:
    page = operator.new_page()
    yield page
    page.close()


@pytest.fixture
def watcher(operator: BrowserContext, served: Served) -> Iterator[Page]:
    """A second tab on ALL MARKETS, left open (marked, to tell a live swap from a reload)."""
    page = operator.new_page()
    page.goto(served.base_url + "/markets/all")
    wait_live(page)
    page.evaluate("() => { window.twNoReload = true; }")
    yield page
    page.close()


def _open_all_markets(page: Page, served: Served) -> None:
    page.goto(served.base_url + "/markets/all")
    wait_live(page)
    # The controls panel is swapped whole on every control change (the acks of the last
    # command may still be on their way): let them land before typing a reason.
    page.wait_for_timeout(300)  # three polls of the change feed (poll_ms=100)


def _commands(served: Served) -> list[ControlRecord]:
    with open_journal(str(served.seed.journal), create=False) as journal:
        return journal.control_commands()


def _promotions(served: Served) -> list[PromotionRecord]:
    with open_journal(str(served.seed.journal), create=False) as journal:
        return journal.promotions()


def _send_control(page: Page, served: Served, market: str, action: str, reason: str) -> int:
    """Ask for `action` on `market` from ALL MARKETS and confirm it; the command's number."""
    _open_all_markets(page, served)
    form = page.locator(f"form.control[data-scope='{market}']")
    form.locator("input[name=reason]").fill(reason)
    form.locator(f"button[value='{action}']").click()
    page.wait_for_url(served.base_url + "/ui/controls/confirm")
    assert page.locator("h1").inner_text() == f"Confirm: {action.upper()} market {market}"
    page.click("#confirm")
    page.wait_for_url(served.base_url + "/ui/controls")
    found = re.fullmatch(r"Command (\d+) journaled", page.locator("h1").inner_text())
    assert found is not None, page.locator("main").inner_text()
    return int(found.group(1))


def _wait_text(page: Page, selector: str, text: str) -> None:
    page.wait_for_function(
        "([sel, text]) => { const el = document.querySelector(sel);"
        " return el !== null && el.textContent.trim() === text; }",
        arg=[selector, text],
    )


def test_a_soft_stop_from_the_form_is_confirmed_journaled_and_audited(
    operator: BrowserContext, actor: Page, served: Served, request: pytest.FixtureRequest
) -> None:
    watch = ConsoleWatch(operator)
    reason = "browser test: soft stop crypto"
    _open_all_markets(actor, served)
    form = actor.locator("form.control[data-scope='crypto']")
    form.locator("input[name=reason]").fill(reason)
    form.locator("button[value='soft']").click()
    actor.wait_for_url(served.base_url + "/ui/controls/confirm")
    assert actor.locator("h1").inner_text() == "Confirm: SOFT market crypto"
    assert reason in actor.locator("main").inner_text()
    screenshot(actor, request.node.name, "confirm")

    actor.click("#confirm")
    actor.wait_for_url(served.base_url + "/ui/controls")
    title = actor.locator("h1").inner_text()
    found = re.fullmatch(r"Command (\d+) journaled", title)
    assert found is not None, title
    number = int(found.group(1))
    lines = actor.locator("ul.lines li").all_inner_texts()
    assert any(line.startswith(f"run {served.seed.paper_run}: done: soft") for line in lines)
    screenshot(actor, request.node.name, "journaled")

    actor.goto(served.base_url + "/audit")
    cells = actor.locator(f"#audit tr[data-command='{number}'] td").all_inner_texts()
    assert [c.strip() for c in cells[2:7]] == ["soft", "crypto", OPERATOR, "api", reason]
    (record,) = [r for r in _commands(served) if r.id == number]
    command = record.command
    assert (command.action.value, command.market, command.user, command.source, command.reason) == (
        "soft", "crypto", OPERATOR, "api", reason
    )  # fmt: skip
    assert watch.problems == []


def test_disabling_and_enabling_forex_updates_an_open_page_without_reload(
    actor: Page, watcher: Page, served: Served, request: pytest.FixtureRequest
) -> None:
    # The seed disabled forex: enable it, disable it, enable it again.
    assert watcher.locator(BADGE.format("forex")).inner_text() == "disabled"
    for action, badge in (("enable", "active"), ("disable", "disabled"), ("enable", "active")):
        _send_control(actor, served, "forex", action, f"browser test: {action} forex")
        _wait_text(watcher, BADGE.format("forex"), badge)
    assert watcher.evaluate("() => window.twNoReload === true")
    screenshot(watcher, request.node.name, "forex-enabled")


def test_a_promotion_to_operator_is_refused_without_evidence_and_journaled_with_an_override(
    operator: BrowserContext, actor: Page, served: Served, request: pytest.FixtureRequest
) -> None:
    watch = ConsoleWatch(operator)
    before = len(_promotions(served))
    _review_promotion(actor, served, "crypto", "operator", reason="", override=False)
    assert "the gate will refuse it" in actor.locator("main").inner_text()
    with actor.expect_navigation() as refused:
        actor.click("#confirm")
    assert refused.value is not None
    assert refused.value.status == 409
    assert actor.locator("h1").inner_text() == "Refused"
    assert actor.locator("[data-decision]").inner_text().strip() != ""
    screenshot(actor, request.node.name, "refused")
    assert len(_promotions(served)) == before

    reason = "browser test: override the evidence"
    _review_promotion(actor, served, "crypto", "operator", reason=reason, override=True)
    assert "this promotion overrides them" in actor.locator("main").inner_text()
    with actor.expect_navigation() as done:
        actor.click("#confirm")
    assert done.value is not None
    assert done.value.status == 200
    assert actor.locator("h1").inner_text() == "Done"
    last = _promotions(served)[-1]
    assert (last.market, last.from_stage, last.to_stage, last.override, last.user, last.reason) == (
        "crypto", "paper", "operator", True, OPERATOR, reason
    )  # fmt: skip
    actor.goto(served.base_url + "/markets/all")
    assert actor.locator("[data-stage='crypto']").inner_text() == "operator"
    # Only the refusal's own status line may be in the console.
    assert [p for p in watch.problems if "status of 409" not in p] == []


def _review_promotion(
    page: Page, served: Served, market: str, to: str, *, reason: str, override: bool
) -> None:
    _open_all_markets(page, served)
    form = page.locator("form.promote")
    form.locator("select[name=market]").select_option(market)
    form.locator("select[name=to]").select_option(to)
    form.locator("input[name=reason]").fill(reason)
    form.locator("input[name=override]").set_checked(override)
    form.locator("button[type=submit]").click()
    page.wait_for_url(served.base_url + "/ui/promote/confirm")
    assert page.locator("h1").inner_text() == f"Confirm: {market} from paper to {to}"


def test_the_viewer_sees_no_controls_and_a_forged_control_is_forbidden(
    chromium: Browser, served: Served, session: FakeSession, request: pytest.FixtureRequest
) -> None:
    context = new_context(chromium, LAPTOP)
    page = context.new_page()
    log_in(page, served.base_url, VIEWER, PASSWORDS[VIEWER])
    assert page.locator("#p-controls").count() == 0
    assert page.locator("form[action^='/ui/']").count() == 0
    screenshot(page, request.node.name, "viewer")
    csrf = page.locator("meta[name=csrf-token]").get_attribute("content")
    assert csrf
    forged: dict[str, str | float | bool] = {
        "csrf_token": csrf,
        "action": "hard",
        "market": "crypto",
        "reason": "forged by the viewer",
    }
    for path in ("/ui/controls", "/ui/controls/confirm"):
        reply = page.request.post(served.base_url + path, form=forged)
        assert reply.status == 403, path
        assert "has role &#39;viewer&#39;: this needs role &#39;operator&#39;" in reply.text(), path
    context.close()
    assert all(r.command.reason != "forged by the viewer" for r in _commands(served))


def test_a_control_journaled_elsewhere_reaches_the_open_page_within_a_second(
    watcher: Page, served: Served
) -> None:
    assert watcher.locator(BADGE.format("stocks")).inner_text() == "soft"  # the seed's stop
    with open_journal(str(served.seed.journal), create=False) as journal:
        started = time.perf_counter()
        journal.issue_control(
            ControlCommand(action=ControlAction.FREEZE, market="stocks", user="alice",
                           reason="live update test", source="cli")
        )  # fmt: skip
        _wait_text(watcher, BADGE.format("stocks"), "freeze")
        elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"RESULT live update (control) {elapsed_ms:.0f} ms")
    assert watcher.evaluate("() => window.twNoReload === true")
    assert elapsed_ms < 1_500
