"""Child process for the crash tests: runs a paper session and SIGKILLs itself at the
point named on the command line (`row:N` after row N, `before:N` / `after:N` around
the N-th journal step write), or runs to the end (`none`). Test code: the kill hooks
wrap the journal from outside."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from tradewind.app.session import TradingSession
from tradewind.config import load_config
from tradewind.data.catalog import Catalog
from tradewind.store import Journal


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _kill_on_call(name: str, count: int, *, before: bool) -> None:
    original = getattr(Journal, name)
    calls = {"n": 0}

    def wrapper(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if before and calls["n"] == count:
            _die()
        result = original(self, *args, **kwargs)
        if not before and calls["n"] == count:
            _die()
        return result

    setattr(Journal, name, wrapper)


def main() -> None:
    config_path, catalog_dir, journal_path, point = sys.argv[1:5]
    kind, _, number = point.partition(":")
    on_row = None
    if kind == "row":
        stop_at = int(number)

        def on_row(t: int) -> None:
            if t == stop_at:
                _die()
    elif kind in ("before", "after"):  # around one journal step (one transaction)
        _kill_on_call("write_row", int(number), before=kind == "before")
    config = load_config(Path(config_path), apply_env=False)
    session = TradingSession(config, Catalog(catalog_dir), journal_path, mode="paper")
    report = session.run(on_row=on_row)
    print(f"DONE {report.run_id} {report.orders} {report.fills} {report.final_equity!r}")


if __name__ == "__main__":
    main()
