"""What a session does for an operator command, on the session's own thread.

SOFT: no new entries (the risk state's shutdown for every market, or the market
disabled); exits are still managed. HARD: cancel every working order in scope, close
every position at market, then no new orders until a resume. FREEZE: cancel every
working order in scope and send nothing more until a resume. RESUME: lift the stops in
scope (a global resume is the risk state's manual reset: drawdown and daily-loss halts
lift too) and give positions left unprotected by a FREEZE their stop-loss and
take-profit again. ENABLE / DISABLE: hot market switching.

New orders (flattening, protection) are journaled before they are sent; each command is
acknowledged in the journal with what was done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from tradewind.engine.flatten import cancel_working, flatten_books, market_books, protect_books
from tradewind.risk.codes import ShutdownCode
from tradewind.risk.ladder import apply_shutdown, manual_reset
from tradewind.store.control_records import ControlAction, ControlRecord

if TYPE_CHECKING:
    from tradewind.app.session_loop import SessionLoop

__all__ = ["OperatorActions"]

SETTLE_WAIT_S = 2.0
"""How long a HARD stop waits for cancels and flattening fills before acknowledging."""

_SHUTDOWN = {
    ControlAction.SOFT: ShutdownCode.SOFT,
    ControlAction.HARD: ShutdownCode.HARD,
    ControlAction.FREEZE: ShutdownCode.FREEZE,
}
_OPERATOR = "operator: "
"""Prefix of the pause reason of a market an operator command stopped or disabled."""


@dataclass(slots=True)
class OperatorActions:
    """Applies operator commands to one pass of a session (`SessionLoop`)."""

    loop: SessionLoop
    acknowledge: Callable[[ControlRecord, str], None]
    notify: Callable[[str, str, str | None], None] = lambda title, body, market: None
    row: int = 0
    """The last row the loop completed (orders added now are decided there)."""
    applied: list[tuple[int, bool]] = field(default_factory=list)
    """(id, standing) of the commands applied since the last journal step (the next
    marker's)."""

    def apply(
        self, records: list[ControlRecord], *, standing: bool = False, quiet: bool = False
    ) -> None:
        """Act on `records` in order. `standing`: in force at start (nothing to cancel
        or flatten yet: only the state they impose); `quiet`: a replay of what was
        acknowledged before (no new acknowledgment or notice)."""
        for record in records:
            outcome = self._one(record, standing=standing)
            self.applied.append((record.id, standing))
            if not (standing or quiet):
                self.acknowledge(record, outcome)
                command = record.command
                self.notify(
                    f"{command.action.value.upper()} {command.market or 'all markets'}",
                    f"{outcome} (by {command.user}: {command.reason or 'no reason given'})",
                    command.market,
                )

    def take_applied(self) -> list[tuple[int, bool]]:
        taken, self.applied = self.applied, []
        return taken

    # -- one command --------------------------------------------------------------

    def _one(self, record: ControlRecord, *, standing: bool) -> str:
        action, market = record.command.action, record.command.market
        if action is ControlAction.CONFIRM_LIVE:
            return "noted"
        if action is ControlAction.RESUME:
            return self._resume(market)
        if action in (ControlAction.ENABLE, ControlAction.DISABLE):
            return self._switch(market, enable=action is ControlAction.ENABLE)
        self._impose(action, market)
        if standing or action is ControlAction.SOFT:
            return f"{action.value} stop in force for {market or 'every market'}: no new entries"
        return self._cancel_and_flatten(market, flatten=action is ControlAction.HARD)

    def _impose(self, action: ControlAction, market: str | None) -> None:
        session = self.loop.session
        if market is None:
            apply_shutdown(self.loop.risk, int(_SHUTDOWN[action]))
        elif market in session.market_names:
            session.disable_market(market, f"{_OPERATOR}{action.value} stop")

    def _resume(self, market: str | None) -> str:
        session = self.loop.session
        if market is None:
            manual_reset(self.loop.risk)
            lifted = [m for m, why in session.paused.items() if why.startswith(_OPERATOR)]
        else:
            lifted = [market] if session.paused.get(market, "").startswith(_OPERATOR) else []
        for name in lifted:
            session.enable_market(name)
        protected = self._send_new(protect_books, self._mask(market))
        scope = market or "every market"
        return f"resumed {scope}; {protected} protective orders placed for unprotected positions"

    def _switch(self, market: str | None, *, enable: bool) -> str:
        session = self.loop.session
        names = list(session.market_names) if market is None else [market]
        for name in names:
            if enable and session.paused.get(name, "").startswith(_OPERATOR):
                session.enable_market(name)
            elif not enable:
                session.disable_market(name, f"{_OPERATOR}disabled")
        return f"{'enabled' if enable else 'disabled'} {', '.join(names)}"

    def _cancel_and_flatten(self, market: str | None, *, flatten: bool) -> str:
        loop, mask = self.loop, self._mask(market)
        started = time.monotonic()
        canceled = cancel_working(loop.state, mask, entries_only=False)
        loop.bridge.settle(loop.state, self.row)
        flattened, sent_ms = 0, (time.monotonic() - started) * 1000
        deadline = time.monotonic() + SETTLE_WAIT_S
        while True:
            if flatten and np.any(loop.state.pos[mask] != 0.0) and not self._flattening(mask):
                flattened += self._send_new(flatten_books, mask)
                sent_ms = (time.monotonic() - started) * 1000
            loop.bridge.settle(loop.state, self.row)
            if loop.bridge.working_in(mask) == 0 and not (flatten and self._open(mask)):
                break
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)
        self.loop.writer.write_through()
        left = loop.bridge.working_in(mask)
        open_books = int(np.count_nonzero(loop.state.pos[mask]))
        done = f"canceled {len(canceled)} working orders"
        if flatten:
            done += f", sent {flattened} closing orders; {open_books} positions still open"
        return f"{done}; {left} orders still working at the venue (all sent by {sent_ms:.0f} ms)"

    # -- helpers ------------------------------------------------------------------

    def _send_new(self, make: Callable[..., list[int]], mask: np.ndarray) -> int:
        """Add orders with `make`, journal them durably, then send them."""
        loop = self.loop
        loop.state.ensure_free(3 * len(loop.books.symbol) + 16)
        added = make(loop.state, loop.books, mask, self.row)
        if added:
            staged = loop.bridge.stage_new(loop.state)
            loop.writer.write_through()
            loop.bridge.send(staged, loop.state, self.row, at_open=False, control=True)
        return len(added)

    def _mask(self, market: str | None) -> np.ndarray:
        names = self.loop.session.market_names
        return market_books(self.loop.books, None if market is None else names.index(market))

    def _open(self, mask: np.ndarray) -> bool:
        return bool(np.any(self.loop.state.pos[mask] != 0.0))

    def _flattening(self, mask: np.ndarray) -> bool:
        """A closing order of a book in `mask` is still working."""
        pending = self.loop.state.pending[mask]
        return bool(np.any(pending >= 0))
