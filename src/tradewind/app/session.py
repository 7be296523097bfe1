"""Paper and advisory runs: the backtest engine stepped one row at a time over a feed,
with every order journaled durably before the next row can fill it.

Per row: poll each market's feed (a feed that raises pauses that market only; a silent
feed simply has no new bars), step the engine loop over the row, then journal what the
row produced: new orders (durable before the next row, where a market order fills),
fills (exactly once, keyed by trade id), status changes, signals (marked advisory in
advisory mode), equity, and the risk state with the row marker. A restart replays the
same deterministic loop up to the marker from the same inputs, re-journals whatever a
crash cut short (duplicates are refused by client order id and trade id) and carries on.

Signals: strategies are checked for look-ahead on start and then computed over the
data the feed knows; a replay knows its recording up front, a live feed grows one bar
at a time and the books are recomputed as it grows (the engine only reads row t's
targets at row t, so both give the same decisions).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tradewind.app.capital_journal import CapitalJournalCursor
from tradewind.app.engine_setup import engine_spec_from_config
from tradewind.app.journal_access import open_journal
from tradewind.app.journaling import JOURNAL_ORDER_STATUS, JOURNAL_ORDER_TYPE, SIM_VENUE
from tradewind.app.market_data import prepare_market_data
from tradewind.app.session_journal import SessionJournalCursor
from tradewind.app.signal_decisions import LoopLog, outcome_counts, signal_decisions
from tradewind.config import TradewindConfig
from tradewind.data.catalog import Catalog
from tradewind.domain.errors import TradewindError
from tradewind.engine.books import BookSet, build_books
from tradewind.engine.capital_driver import CapitalDriver
from tradewind.engine.correlation import confirm_books, panel_correlations
from tradewind.engine.feeds import ReplayFeed, RowFeed
from tradewind.engine.inputs import kernel_inputs, run_rows
from tradewind.engine.kernel import KIND_MARKET, STATUS_DENIED
from tradewind.engine.logs import KINDS, STATUSES
from tradewind.engine.panel import MarketPanel, panel_from_aligned
from tradewind.engine.setup import EngineSpec
from tradewind.engine.state import KernelState
from tradewind.risk.ladder import initial_state_vector
from tradewind.risk.limits import LimitField
from tradewind.risk.reasons import RiskReason
from tradewind.risk.state import RiskState
from tradewind.store import Journal
from tradewind.store.errors import DuplicateOrderError, UnknownRunError
from tradewind.store.records import RunInfo, client_order_id
from tradewind.strategies.api import BarWindow
from tradewind.strategies.lookahead import require_causal

__all__ = ["SessionReport", "TradingSession"]

_DIRECTION = np.array(["flat", "long", "short"], dtype=object)


@dataclass(slots=True)
class SessionReport:
    """What a session did: rows processed, orders, fills, paused markets and why."""

    run_id: str
    rows: int
    resumed_from_row: int | None
    orders: int
    fills: int
    paused: dict[str, str] = field(default_factory=dict)
    positions: dict[str, float] = field(default_factory=dict)
    final_equity: float = float("nan")
    market_orders: int = 0
    """Orders the signals made (the rest are protective stop-loss and take-profit orders)."""
    denied_orders: int = 0
    """Orders risk refused (they are journaled as rejected, nothing filled)."""
    signal_outcomes: dict[str, int] = field(default_factory=dict)
    """How many journaled signals had each outcome (`tradewind.app.signal_decisions`)."""


class TradingSession:
    """A paper or advisory run of `config` over market feeds, journaled row by row."""

    def __init__(
        self,
        config: TradewindConfig,
        catalog: Catalog,
        journal: str | Path,
        *,
        mode: str = "paper",
        feeds: Mapping[str, RowFeed] | None = None,
        run_id: str | None = None,
    ) -> None:
        if mode not in ("paper", "advisory"):
            raise TradewindError(f"session mode {mode!r}: expected paper or advisory")
        self.mode = mode
        self._config = config
        prepared = prepare_market_data(config, catalog)
        self.warnings = prepared.warnings
        keys = {(s.market, s.symbol): s.key for s in prepared.series}
        self.spec: EngineSpec = engine_spec_from_config(config, keys)
        self.recording = panel_from_aligned(prepared.panel)
        windows = {
            key: BarWindow.from_frame(self.recording.window_frame(key, frame))
            for key, frame in prepared.frames.items()
        }
        self._check_causal(windows)
        self._windows = windows
        self.strategy_names = tuple(
            dict.fromkeys(s.name for m in self.spec.markets for s in m.strategies)
        )
        # Both use only rows before each decision, so computing them over the recording
        # gives the decisions a live feed would give.
        correlations = panel_correlations(self.recording, self.spec)
        self.books: BookSet
        self.books, self._confirmation = confirm_books(
            build_books(self.recording, windows, self.spec.markets, self.strategy_names),
            self.recording,
            self.spec,
            correlations,
        )
        self.live = _empty_like(self.recording)
        self.inputs = kernel_inputs(self.live, self.spec, correlations)
        self.market_limits = self.spec.limits.markets.copy()
        self.feeds = dict(feeds) if feeds is not None else self._replay_feeds()
        self._journal_target = journal
        self._run_id = run_id
        self.paused: dict[str, str] = {}

    # -- public -------------------------------------------------------------------

    def run(
        self, *, until_row: int | None = None, on_row: Callable[[int], None] | None = None
    ) -> SessionReport:
        """Process rows from where the journal left off to `until_row` (inclusive) or
        the end of the feeds; returns the report. Safe to call again after a crash."""
        n_rows = self.live.shape[0]
        last = n_rows - 1 if until_row is None else min(until_row, n_rows - 1)
        journal = open_journal(self._journal_target)
        try:
            run_id, done_row = self._open_run(journal)
            state, risk = self._fresh_state()
            driver = self._capital_driver()
            books = driver.books if driver is not None else self.books

            def step(start: int, stop: int) -> None:
                run_rows(start, stop, self.live, self.spec, self.inputs, books,
                         len(self.strategy_names), self.market_limits, risk, state)  # fmt: skip

            def advance(start: int, stop: int) -> None:
                if driver is None:
                    step(start, stop)
                else:
                    driver.run_span(start, stop, step, state, self.market_limits)

            # What a crash or a failed write left of the row after the marker.
            cursor = SessionJournalCursor.read(journal, run_id, self.live.timestamps)
            capital_seen = CapitalJournalCursor()
            if done_row >= 0:
                for t in range(done_row + 1):
                    self._poll(t)
                advance(0, done_row + 1)
                if driver is not None:
                    capital_seen = CapitalJournalCursor.resumed(journal, run_id)
            for t in range(done_row + 1, last + 1):
                self._poll(t)
                counts = (state.n_orders, state.n_fills)
                opening = state.pos.copy()
                state.ensure_free(3 * len(self.books.symbol) + 16)
                advance(t, t + 1)
                self._journal_row(journal, run_id, t, state, risk, counts, opening, cursor)
                if driver is not None:
                    capital_seen.write(journal, run_id, driver, state)
                if on_row is not None:
                    on_row(t)
            if driver is not None:
                capital_seen.finish(journal, run_id, driver, state, last)
            if last == n_rows - 1:
                journal.finish_run(run_id, "finished", {"paused": self.paused})
            n = state.n_orders
            market = state.o_kind[:n] == KIND_MARKET
            return SessionReport(
                run_id=run_id,
                rows=last + 1,
                resumed_from_row=done_row if done_row >= 0 else None,
                orders=n,
                fills=state.n_fills,
                paused=dict(self.paused),
                positions=self._positions(state),
                final_equity=float(state.money[1]),
                market_orders=int(market.sum()),
                denied_orders=int((market & (state.o_status[:n] == STATUS_DENIED)).sum()),
                signal_outcomes=dict(outcome_counts(journal.signal_decisions(run_id))),
            )
        finally:
            journal.close()

    def disable_market(self, name: str, reason: str) -> None:
        """Stop new entries in a market; its open positions are still managed (stops,
        exits) and its allocation no longer counts as reserved."""
        m = [market.name for market in self.spec.markets].index(name)
        self.market_limits[m, LimitField.DISABLED] = 1.0
        self.inputs.allocation[:, m] = 0.0
        self.paused.setdefault(name, reason)

    def enable_market(self, name: str) -> None:
        """Let a disabled market trade again."""
        m = [market.name for market in self.spec.markets].index(name)
        self.market_limits[m, LimitField.DISABLED] = 0.0
        self.inputs.allocation[:, m] = self.spec.markets[m].allocation
        self.paused.pop(name, None)

    # -- steps --------------------------------------------------------------------

    def _poll(self, t: int) -> None:
        for name, feed in self.feeds.items():
            if name in self.paused and self.paused[name].startswith("feed failed"):
                continue
            try:
                row = feed.poll(t)
            except Exception as exc:  # any source failure pauses only this market
                self.disable_market(name, f"feed failed at row {t}: {type(exc).__name__}: {exc}")
                continue
            cols = list(feed.symbols)
            live = self.live
            live.fresh[t, cols] = row.fresh
            for target, values in ((live.open, row.open), (live.high, row.high),
                                   (live.low, row.low), (live.close, row.close)):  # fmt: skip
                target[t, cols] = np.where(row.fresh, values, np.nan)
        previous = self.live.mark[t - 1] if t > 0 else np.full(self.live.shape[1], np.nan)
        self.live.mark[t] = np.where(self.live.fresh[t], self.live.close[t], previous)

    def _journal_row(
        self,
        journal: Journal,
        run_id: str,
        t: int,
        state: KernelState,
        risk: np.ndarray,
        counts: tuple[int, int],
        opening: np.ndarray,
        cursor: SessionJournalCursor,
    ) -> None:
        """Journal what row `t` produced (`counts`: orders and fills before it; `opening`:
        book positions before it); after an interruption, only what `cursor` says is
        missing (orders and fills are refused as duplicates by their ids)."""
        ts = int(self.live.timestamps[t])
        advisory = self.mode == "advisory"
        decisions = []
        for i in range(counts[0], state.n_orders):
            record = self._order_record(state, i)
            with contextlib.suppress(DuplicateOrderError):
                journal.record_order(run_id, record)
            if state.o_kind[i] == 0:
                decisions.append(_decision(record, state, i, run_id))
        if decisions and t > cursor.decisions_through:
            journal.record_risk_decisions(run_id, decisions)
        for j in range(counts[1], state.n_fills):
            journal.apply_fill(run_id, self._fill_record(run_id, state, j))
        statuses = state.o_status[: state.n_orders]
        journaled = cursor.statuses[: state.n_orders]
        known = np.full(state.n_orders, -1, dtype=np.int64)
        known[: len(journaled)] = journaled
        new = statuses[len(journaled) :]
        # New orders were recorded as submitted (open) or rejected (denied).
        known[len(journaled) :] = np.where((new == 0) | (new == 3), new, -1)
        for changed in np.flatnonzero((statuses != known) & (statuses != 1)).tolist():
            status = STATUSES[statuses[changed]]
            if status != "open":
                journal.update_order_status(client_order_id(run_id, changed),
                                            JOURNAL_ORDER_STATUS[status], ts)  # fmt: skip
        if t > cursor.signals_through:
            log = LoopLog.of_row(state, t, counts, opening)
            self._journal_signals(journal, run_id, t, log, advisory)
        if t > cursor.equity_through:
            equity, cash = float(state.money[1]), float(state.money[0])
            journal.record_equity(run_id, [{"ts": ts, "equity": equity, "cash": cash,
                "gross_exposure": float(state.gross_out[t]), "net_exposure": equity - cash,
                "leverage": float(state.gross_out[t]) / equity, "drawdown": 0.0}])  # fmt: skip
        marker = RiskState.from_vector(risk).to_dict() | {"row": t, "paused": self.paused}
        journal.save_risk_state(run_id, ts, marker)
        cursor.statuses = statuses.copy()

    def _journal_signals(
        self, journal: Journal, run_id: str, t: int, log: LoopLog, advisory: bool
    ) -> None:
        s = self.books.signals
        markets = [m.name for m in self.spec.markets]
        at = [i for i in np.flatnonzero(s.row == t) if markets[int(s.market[i])] not in self.paused]
        if not at:
            return
        decisions = signal_decisions(
            self.books,
            np.array(at, dtype=np.int64),
            log,
            lambda seq: client_order_id(run_id, seq),
            self._confirmation,
            self.spec.correlation.confirm_required,
        )
        rows = [
            {
                "ts": int(self.live.timestamps[t]),
                "market": markets[int(s.market[i])],
                "symbol": self.live.symbols[int(s.symbol[i])],
                "strategy": self.strategy_names[int(s.strategy[i])],
                "direction": _DIRECTION[int(s.direction[i])],
                "strength": float(s.strength[i]),
                "confidence": float(s.confidence[i]),
                "stop": None if np.isnan(s.stop_price[i]) else float(s.stop_price[i]),
                "target": None if np.isnan(s.target_price[i]) else float(s.target_price[i]),
                "advisory": advisory,
                "decision": decision,
            }
            for i, decision in zip(at, decisions, strict=True)
        ]
        journal.record_signals(run_id, rows)

    # -- helpers ------------------------------------------------------------------

    def _order_record(self, state: KernelState, i: int) -> dict[str, object]:
        book = int(state.o_book[i])
        kind = KINDS[state.o_kind[i]]
        price = float(state.o_price[i])
        names = self.books.strategies[book]
        mask = int(state.o_contrib[i])
        return {
            "seq": i,
            "ts_created": int(self.live.timestamps[state.o_row[i]]),
            "market": self.spec.markets[int(self.books.market[book])].name,
            "symbol": self.live.symbols[int(self.books.symbol[book])],
            "side": "buy" if state.o_side[i] > 0 else "sell",
            "order_type": JOURNAL_ORDER_TYPE[kind],
            "quantity": float(state.o_req[i]),
            "price": price if kind == "take_profit" else None,
            "trigger_price": price if kind == "stop_loss" else None,
            "status": "rejected" if state.o_status[i] == 3 else "submitted",
            "strategies": ",".join(n for b, n in enumerate(names) if (mask >> b) & 1),
            "reason": RiskReason(int(state.o_reason[i])).name,
            "venue": SIM_VENUE,
        }

    def _fill_record(self, run_id: str, state: KernelState, j: int) -> dict[str, object]:
        i = int(state.f_order[j])
        book = int(state.o_book[i])
        qty = float(state.f_qty[j])
        coid = client_order_id(run_id, i)
        return {
            "trade_id": f"{coid}-F1",
            "venue": SIM_VENUE,
            "client_order_id": coid,
            "ts": int(self.live.timestamps[state.f_row[j]]),
            "market": self.spec.markets[int(self.books.market[book])].name,
            "symbol": self.live.symbols[int(self.books.symbol[book])],
            "side": "buy" if qty > 0 else "sell",
            "qty": abs(qty),
            "price": float(state.f_price[j]),
            "commission": float(state.f_fee[j]),
        }

    def _open_run(self, journal: Journal) -> tuple[str, int]:
        config_json = self._config.model_dump_json()  # the journal masks URL passwords
        latest = journal.latest_run(mode=self.mode) if self._run_id is None else None
        candidate = self._run_id or (latest.run_id if latest else None)
        if candidate is not None:
            info = (
                journal.run(candidate) if self._run_id is None else _maybe_run(journal, candidate)
            )
            if info is not None and info.status.value in ("running", "interrupted"):
                journal.resume_run(info.run_id)
                saved = journal.load_risk_state(info.run_id) or {}
                for name, reason in (saved.get("paused") or {}).items():
                    self.disable_market(name, reason)
                return info.run_id, int(saved.get("row", -1))
        run_id = journal.start_run(self.mode, config_json, run_id=self._run_id)
        return run_id, -1

    def _capital_driver(self) -> CapitalDriver | None:
        if self.spec.capital is None:
            return None
        return CapitalDriver(self.spec, self.recording, self.books, self._windows, self.inputs)

    def _fresh_state(self) -> tuple[KernelState, np.ndarray]:
        n_rows, n_symbols = self.live.shape
        state = KernelState.allocate(
            n_rows=n_rows,
            n_symbols=n_symbols,
            n_books=len(self.books.symbol),
            capacity=3 * int(self.books.edge.sum()) + 3 * len(self.books.symbol) + 16,
            initial_cash=float(self.spec.initial_cash),
        )
        return state, initial_state_vector()

    def _replay_feeds(self) -> dict[str, RowFeed]:
        index = {s: i for i, s in enumerate(self.recording.symbols)}
        return {
            m.name: ReplayFeed(self.recording, [index[s] for s in m.symbols])
            for m in self.spec.markets
        }

    def _check_causal(self, windows: Mapping[str, BarWindow]) -> None:
        for market in self.spec.markets:
            for strategy in market.strategies:
                for symbol in market.symbols:
                    require_causal(strategy.spec, windows[symbol], strategy.config,
                                   random_cuts=2)  # fmt: skip

    def _positions(self, state: KernelState) -> dict[str, float]:
        held: dict[str, float] = {}
        for n, symbol in enumerate(self.live.symbols):
            if state.sym_pos[n] != 0.0:
                held[symbol] = float(state.sym_pos[n])
        return held


def _decision(
    order: Mapping[str, object], state: KernelState, i: int, run_id: str
) -> dict[str, object]:
    """The risk decision behind market order `i` (approve, reduce or deny, and why)."""
    requested, approved = float(state.o_req[i]), float(state.o_ok[i])
    reason = RiskReason(int(state.o_reason[i]))
    action = "deny" if approved <= 0 else "reduce" if approved < requested else "approve"
    return {
        "ts": order["ts_created"],
        "market": order["market"],
        "symbol": order["symbol"],
        "strategies": order["strategies"],
        "requested_qty": requested,
        "approved_qty": approved,
        "action": action,
        "reason_code": int(reason),
        "reason": "" if reason is RiskReason.APPROVED else reason.text,
        "client_order_id": client_order_id(run_id, i),
    }


def _empty_like(recording: MarketPanel) -> MarketPanel:
    """A panel with the recording's rows and symbols and no bars yet."""
    shape = recording.shape
    return dataclasses.replace(
        recording,
        open=np.full(shape, np.nan),
        high=np.full(shape, np.nan),
        low=np.full(shape, np.nan),
        close=np.full(shape, np.nan),
        mark=np.full(shape, np.nan),
        fresh=np.zeros(shape, dtype=bool),
    )


def _maybe_run(journal: Journal, run_id: str) -> RunInfo | None:
    try:
        return journal.run(run_id)
    except UnknownRunError:  # a new run with this id
        return None
