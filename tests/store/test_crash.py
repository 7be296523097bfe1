"""Crash safety: a paper loop SIGKILLed at several points and restarted loses nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tradewind.domain.order_enums import OrderStatus
from tradewind.store import Journal, client_order_id

CHILD = Path(__file__).with_name("_crash_child.py")
TOTAL = 16
RUN = "paper-crash"
# (what the child printed, how many times in this run) before it is killed: right after
# an order was journaled, after a fill, after a state save, and during reconciliation.
KILL_AT = (("sent", 3), ("filled", 4), ("saved", 3), ("reconciled", 1))


def _run_until(target: str, marker: tuple[str, int] | None) -> list[str]:
    """Run the child; SIGKILL it once it printed the `marker` line the given number of
    times (None: let it finish)."""
    child = subprocess.Popen(
        [sys.executable, str(CHILD), target, RUN, str(TOTAL)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    lines: list[str] = []
    for line in child.stdout:
        lines.append(line.strip())
        if marker and sum(seen.startswith(marker[0]) for seen in lines) == marker[1]:
            child.send_signal(signal.SIGKILL)
            break
    child.stdout.close()
    _, errors = child.communicate(timeout=60)
    if marker is None:
        assert child.returncode == 0, errors
    else:
        assert child.returncode == -signal.SIGKILL, errors
    return lines


def _printed(lines: list[str], verb: str) -> list[int]:
    return [int(line.split()[1]) for line in lines if line.startswith(f"{verb} ")]


@pytest.mark.slow
def test_sigkill_at_several_points_loses_and_duplicates_nothing(journal_target: str) -> None:
    last_saved = 0
    for marker in (*KILL_AT, None):
        lines = _run_until(journal_target, marker)
        loaded = int(lines[0].split()[1])
        # the risk state saved before the kill is what the restart loaded (or one newer,
        # when the kill came after a save returned but before its line was printed)
        assert loaded in (last_saved, last_saved + 1), lines[:3]
        saved = _printed(lines, "saved")
        last_saved = saved[-1] if saved else loaded
        with Journal.open(journal_target, create=False) as journal:
            stored = {order.seq for order in journal.orders(RUN)}
        # every order that was "sent" was journaled before it was sent
        assert set(_printed(lines, "sent")) <= stored

    with Journal.open(journal_target, create=False) as journal:
        orders = journal.orders(RUN)
        fills = journal.fills(RUN)
        state = journal.load_risk_state(RUN)
        histories = [journal.order_history(order.client_order_id) for order in orders]
    assert [order.seq for order in orders] == list(range(1, TOTAL + 1))
    assert [fill.client_order_id for fill in fills] == [
        client_order_id(RUN, seq) for seq in range(1, TOTAL + 1)
    ]
    assert all(order.status is OrderStatus.FILLED for order in orders)
    assert all(order.filled_qty == Decimal("0.1") for order in orders)
    assert all(sum(status is OrderStatus.FILLED for _, status, _ in h) == 1 for h in histories)
    assert state is not None
    assert state["seq"] == TOTAL
    assert Decimal(state["high_water_mark"]) == max(
        Decimal(100_000 + (seq % 7) * 100 + seq) for seq in range(1, TOTAL + 1)
    )
