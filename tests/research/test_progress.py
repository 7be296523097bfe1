"""The progress bar shows on terminals only and is silent when quiet or piped."""

from __future__ import annotations

import io

from rich.console import Console

from tradewind.research import run_progress


def _console(*, terminal: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=terminal, width=100), buffer


def test_progress_renders_on_a_terminal() -> None:
    console, buffer = _console(terminal=True)

    with run_progress(1_000, "backtest SPX", console=console) as advance:
        for _ in range(10):
            advance(100)

    assert "backtest SPX" in buffer.getvalue()


def test_progress_is_silent_when_not_a_terminal() -> None:
    console, buffer = _console(terminal=False)

    with run_progress(1_000, "backtest", console=console) as advance:
        advance(500)

    assert buffer.getvalue() == ""


def test_progress_is_silent_when_quiet() -> None:
    console, buffer = _console(terminal=True)

    with run_progress(1_000, "backtest", quiet=True, console=console) as advance:
        advance(500)

    assert buffer.getvalue() == ""
