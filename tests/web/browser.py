"""Helpers of the dashboard's browser tests: Debian's chromium driven by Playwright
(never a browser download), logging in through the real form, watching the console for
errors and CSP violations, screenshots as test artifacts, and a fake running session
that keeps the seed's heartbeat fresh and acknowledges control commands."""

from __future__ import annotations

import copy
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Error,
    Page,
    sync_playwright,
)

from tradewind.app.journal_access import open_journal

__all__ = [
    "LAPTOP",
    "MISSING_BROWSER",
    "PHONE",
    "SCREENSHOTS",
    "ConsoleWatch",
    "FakeSession",
    "chromium_browser",
    "chromium_path",
    "log_in",
    "new_context",
    "screenshot",
    "wait_live",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
MISSING_BROWSER = "Debian chromium not found: apt-get install chromium"
LAPTOP: dict[str, Any] = {"viewport": {"width": 1366, "height": 900}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
# Chromium logs CSP violations as console errors already; this makes them explicit and
# catches the ones reported only as events. Init scripts are injected by the DevTools
# protocol, so the page's own CSP does not block this one.
_CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline"));
});
"""


def chromium_path() -> str:
    """Debian's chromium; fails (TRADEWIND_REQUIRE_BROWSER set, as in CI) or skips
    without it."""
    found = shutil.which("chromium")
    if found is None and Path("/usr/bin/chromium").is_file():
        found = "/usr/bin/chromium"
    if found is not None:
        return found
    if os.environ.get("TRADEWIND_REQUIRE_BROWSER"):
        pytest.fail(MISSING_BROWSER)
    pytest.skip(MISSING_BROWSER)


@contextmanager
def chromium_browser() -> Iterator[Browser]:
    """A headless chromium for the block (the system's, through `executable_path`)."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        try:
            yield browser
        finally:
            browser.close()


def new_context(browser: Browser, size: dict[str, Any]) -> BrowserContext:
    """A fresh context (no cookies) of `size` (LAPTOP or PHONE) whose waits give up
    after 5 s rather than Playwright's 30."""
    context = browser.new_context(**size)
    context.set_default_timeout(5_000)
    return context


class ConsoleWatch:
    """Collects every error-level console message, uncaught page error and CSP
    violation of the pages of a context (`attach`); `problems` lists them."""

    def __init__(self, context: BrowserContext) -> None:
        self.problems: list[str] = []
        context.add_init_script(_CSP_REPORTER)
        for page in context.pages:
            self._watch(page)
        context.on("page", self._watch)

    def _watch(self, page: Page) -> None:
        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.problems.append(f"{page.url}: console error: {message.text}")

        def on_page_error(error: Error) -> None:
            self.problems.append(f"{page.url}: uncaught {error.name}: {error.message}")

        page.on("console", on_console)
        page.on("pageerror", on_page_error)


def log_in(page: Page, base_url: str, user: str, password: str, path: str = "/markets/all") -> None:
    """Open `path`, which redirects to the login form, and log in through it."""
    page.goto(base_url + path)
    page.fill("input[name=user]", user)
    page.fill("input[name=password]", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(base_url + path)


def wait_live(page: Page) -> None:
    """Wait until the page's change stream said hello (live updates are on)."""
    page.wait_for_function(
        "() => { const s = document.getElementById('live-status');"
        " return s !== null && s.classList.contains('ok'); }",
        timeout=5_000,
    )


def screenshot(page: Page, test: str, name: str) -> Path:
    """Save a full-page screenshot as `test-artifacts/screenshots/<test>-<name>.png`."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{test}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class FakeSession:
    """The seed's paper session, still running: it beats every `beat_s` with the seed's
    markets block (whose marks a test may change) and, like a session's control gate,
    acknowledges each new control command `in force`, then `done: <action>`."""

    def __init__(self, journal_path: Path, run_id: str, *, beat_s: float = 1.0) -> None:
        self.run_id = run_id
        self._journal = open_journal(str(journal_path), create=False)
        (beat,) = [b for b in self._journal.heartbeats() if b.run_id == run_id]
        self._mode = beat.mode
        self._detail: dict[str, Any] = copy.deepcopy(beat.detail)
        commands = self._journal.control_commands()
        self._acked_through = commands[-1].id if commands else 0
        self._beat_s = beat_s
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-session", daemon=True)

    def __enter__(self) -> FakeSession:
        self.beat()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._journal.close()

    def set_mark(self, market: str, symbol: str, price: float) -> None:
        """Change one mark and beat at once (the new price is in the journal on return)."""
        with self._lock:
            self._detail["markets"][market]["marks"][symbol] = price
        self.beat()

    def beat(self) -> None:
        """Journal a heartbeat now."""
        with self._lock:
            self._journal.beat(self.run_id, self._mode, self._detail)

    def _run(self) -> None:
        next_beat = time.monotonic() + self._beat_s
        while not self._stop.wait(0.05):
            self._acknowledge_new()
            if time.monotonic() >= next_beat:
                self.beat()
                next_beat = time.monotonic() + self._beat_s

    def _acknowledge_new(self) -> None:
        with self._lock:
            for record in self._journal.control_commands(after_id=self._acked_through):
                self._journal.acknowledge_control(record.id, self.run_id, "in force")
                action = record.command.action.value
                self._journal.acknowledge_control(record.id, self.run_id, f"done: {action}")
                self._acked_through = record.id
