"""Paper and advisory runs: the engine decides row by row over a feed, and every order
goes through its market's venue (`app.venue_routes`, `app.venue_bridge`).

Per row: poll each market's feed (a feed that raises pauses that market only; a silent
feed simply has no new bars); hand the new bars to bar-driven venues (the simulator)
and apply what the venues report (fills, cancels, rejects); let the compiled loop
decide on the row (`FILLS_AT_VENUE`: signals -> aggregation -> risk -> orders); journal
the new orders durably, then send them; apply what comes back; then journal the
row's risk decisions, signals (marked advisory in advisory mode), equity and the row
marker. A restart replays the same deterministic loop, venues included, up to the
marker without writing, re-journals whatever a crash cut short (duplicates are refused
by client order id and trade id) and carries on.

Signals: strategies are checked for look-ahead on start (on the recording); then each
row's books are filled from the bars the feeds delivered for that row
(`engine.stream_books`: streaming strategies, aggregation, stop and take levels and,
when configured, cross-market confirmation), at a cost per row independent of the
history. Over a replay of the recording this gives the backtest's books exactly. The
trailing correlations (risk's concentration rule, confirmation) and the scaling
engine's market conditions are still computed once over the recording.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tradewind.app.engine_setup import engine_spec_from_config
from tradewind.app.exchange_routes import ExchangeConnections
from tradewind.app.feed_health import PAUSE_PREFIX, STOP_PREFIX, FeedHealth
from tradewind.app.journal_access import open_journal
from tradewind.app.market_data import prepare_market_data
from tradewind.app.reconciliation_findings import ReconciliationReport
from tradewind.app.session_loop import SessionLoop
from tradewind.app.session_operator import SessionOperator
from tradewind.app.session_pace import Pace, WallClockPace
from tradewind.app.session_reconcile import (
    PeriodicReconciliation,
    reconcile_venues,
    venue_routes,
)
from tradewind.app.session_records import SessionRecords
from tradewind.app.session_rows import RowWriter
from tradewind.app.signal_decisions import LoopLog, outcome_counts, signal_decisions
from tradewind.app.venue_bridge import VenueBridge
from tradewind.app.venue_feed import VenueBarFeed
from tradewind.app.venue_routes import (
    MarketRoute,
    RouteContext,
    route_markets,
    routes_summary,
)
from tradewind.config import TradewindConfig
from tradewind.config.vocabulary import Provider
from tradewind.data.catalog import Catalog
from tradewind.domain.errors import TradewindError
from tradewind.domain.order_events import OrderEvent
from tradewind.engine.books import BookSet
from tradewind.engine.capital import CapitalDriver
from tradewind.engine.correlation import panel_correlations
from tradewind.engine.feeds import ReplayFeed, RowFeed
from tradewind.engine.inputs import kernel_inputs
from tradewind.engine.kernel import KIND_MARKET, STATUS_DENIED
from tradewind.engine.panel import MarketPanel, panel_from_aligned
from tradewind.engine.setup import EngineSpec
from tradewind.engine.state import KernelState
from tradewind.engine.stream_books import BookStream, open_book_stream
from tradewind.risk.ladder import initial_state_vector
from tradewind.risk.limits import LimitField
from tradewind.signals.confirmation import ConfirmationResult
from tradewind.store import Journal
from tradewind.store.errors import UnknownRunError
from tradewind.store.records import RunInfo
from tradewind.strategies.api import BarWindow
from tradewind.strategies.lookahead import require_causal

__all__ = ["SessionReport", "TradingSession"]

_UNRECONCILED = "reconciliation with the venue"
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
    venues: tuple[str, ...] = ()
    """Per market, the venue its orders went to and where its bars came from."""
    feed_events: tuple[dict[str, object], ...] = ()
    """Feed outages of this call: paused, retrying, retry failed, resumed (`app.feed_health`)."""
    live_bars: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Per market on a venue's live bars: bars delivered to its rows, and bars fetched
    ahead of the one waited for (backfilled after an outage or a late start)."""


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
        if mode not in ("paper", "advisory", "live"):
            raise TradewindError(f"session mode {mode!r}: expected paper, advisory or live")
        self.mode = mode
        self._config = config
        # One connection per venue for the whole session: every pass reuses it (a
        # socket venue such as IB refuses a second connection under one client id).
        self._connections = ExchangeConnections()
        self.has_live_data = any(
            m.provider is not Provider.SIM for m in config.enabled_markets.values()
        )
        """Whether a market's bars come from a venue (rows then run on past the catalog)."""
        prepared = prepare_market_data(config, catalog, beyond_data=self.has_live_data)
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
        # Trailing correlations use only rows before each decision, so computing them
        # over the recording once gives the decisions a live feed would give.
        self._correlations = panel_correlations(self.recording, self.spec)
        self._stream = self._book_stream()
        self.books: BookSet = self._stream.books
        """The books of the current pass, filled row by row from the delivered bars."""
        self._live_volume = np.full(self.recording.shape, np.nan)
        self._bar_time = np.zeros(self.recording.shape[1], dtype=np.int64)
        self.live = _empty_like(self.recording, self._live_volume)
        self.inputs = kernel_inputs(self.live, self.spec, self._correlations)
        self.market_limits = self.spec.limits.markets.copy()
        # refuses a provider without an adapter; the feeds share the run's connections
        context = RouteContext(connections=self._connections, live=mode == "live")
        routes = route_markets(config, self.spec, context)
        self.feeds = dict(feeds) if feeds is not None else self._route_feeds(routes)
        self._journal_target = journal
        self._run_id = run_id
        self.paused: dict[str, str] = {}
        self.feed_health = FeedHealth()
        """Feed outages: paused, retrying with backoff, resumed (journaled per step)."""
        self.feed_events: list[dict[str, object]] = []
        """Every feed transition of the last `run`."""
        self.venues = routes_summary(routes)
        self.venue_lines = [route.describe() for route in routes]
        self.accounts = {route.market: route.account_id() for route in routes}
        """Per market, the venue account its orders go to (None: the simulator)."""
        self.reconciliation: ReconciliationReport | None = None
        """The check of the venues that work orders themselves, at the last start."""
        self.event_log: list[tuple[str, OrderEvent]] = []
        """Every venue event of the last `run`, with its venue (the order path's log)."""

    # -- public -------------------------------------------------------------------

    def run(
        self,
        *,
        until_row: int | None = None,
        on_row: Callable[[int], None] | None = None,
        pace: Pace | None = None,
    ) -> SessionReport:
        """Process rows from where the journal left off to `until_row` (inclusive) or
        the end of the feeds; returns the report. Safe to call again after a crash.
        With `pace`, each new row waits for its instant on the pace's clock; with live
        data and no pace, for its instant on the wall clock."""
        if pace is None and self.has_live_data:
            pace = WallClockPace()
        n_rows = self.live.shape[0]
        last = n_rows - 1 if until_row is None else min(until_row, n_rows - 1)
        journal = open_journal(self._journal_target)
        operator: SessionOperator | None = None
        completed = False
        try:
            run_id, done_step = self._open_run(journal)
            loop = self._loop(journal, run_id)
            self.reconciliation = reconcile_venues(
                journal, run_id, loop.bridge.routes, resumed=done_step >= 0
            )
            if self.reconciliation is not None:
                self.block_unreconciled(self.reconciliation)
                loop.reconciliation = PeriodicReconciliation(
                    journal, run_id, venue_routes(loop.bridge.routes), self.reconciliation
                )
            self.feed_health, self.feed_events = FeedHealth(), []
            operator = loop.operator = self._operator(journal, run_id, loop)
            operator.start(done_step)
            self._wake_waits(operator, pace)
            for t in range(last + 1):
                if pace is not None and 2 * t + 1 > done_step:
                    pace.wait_for(t, self.live.timestamps)
                loop.row(t, done_step)
                if on_row is not None and 2 * t + 1 > done_step:
                    on_row(t)
            if last == n_rows - 1:
                loop.close_run(2 * n_rows, last)
                journal.finish_run(run_id, "finished", {"paused": self.paused})
            else:
                loop.save_capital_status(journal, last)
            self.event_log = loop.bridge.event_log
            report = self._report(journal, run_id, last, (done_step + 1) // 2 - 1, loop.state)
            completed = True
            return report
        finally:
            if operator is not None:
                operator.close(completed=completed)
            journal.close()
            self._connections.close()

    @property
    def market_names(self) -> tuple[str, ...]:
        """The session's markets, in the engine's order."""
        return tuple(market.name for market in self.spec.markets)

    def disable_market(self, name: str, reason: str) -> None:
        """Stop new entries in a market; its open positions are still managed (stops,
        exits) and its allocation no longer counts as reserved."""
        m = [market.name for market in self.spec.markets].index(name)
        self.market_limits[m, LimitField.DISABLED] = 1.0
        self.inputs.allocation[:, m] = 0.0
        self.paused.setdefault(name, reason)

    def block_unreconciled(self, report: ReconciliationReport) -> None:
        """Stop new entries in the markets `report` could not reconcile."""
        self.reconciliation = report
        for name in report.blocked:
            summary = report.market(name).summary
            self.disable_market(name, f"{_UNRECONCILED}: {summary}")
        for name, reason in list(self.paused.items()):
            if reason.startswith(_UNRECONCILED) and name not in report.blocked:
                self.enable_market(name)  # the findings were resolved

    def enable_market(self, name: str) -> None:
        """Let a disabled market trade again."""
        m = [market.name for market in self.spec.markets].index(name)
        self.market_limits[m, LimitField.DISABLED] = 0.0
        self.inputs.allocation[:, m] = self.spec.markets[m].allocation
        self.paused.pop(name, None)

    # -- steps --------------------------------------------------------------------

    def poll(self, t: int) -> None:
        """Row `t`'s bars from every feed, then the books' column `t` from them; a
        failing feed pauses its market only, and is retried with backoff until it
        answers and the market resumes."""
        live = self.live
        live.fresh[t] = False  # only what this pass's feeds deliver counts
        for blank in (live.open, live.high, live.low, live.close, self._live_volume):
            blank[t] = np.nan
        for name, feed in self.feeds.items():
            if not self.feed_health.due(name, t):
                continue
            try:
                row = feed.poll(t)
            except Exception as exc:  # any source failure pauses only this market
                self.disable_market(name, self.feed_health.failed(name, t, exc))
                continue
            if self.feed_health.is_down(name):
                self.feed_health.recovered(name, t)
                self.enable_market(name)
            cols = list(feed.symbols)
            live.fresh[t, cols] = row.fresh
            for target, values in ((live.open, row.open), (live.high, row.high),
                                   (live.low, row.low), (live.close, row.close)):  # fmt: skip
                target[t, cols] = np.where(row.fresh, values, np.nan)
            if row.volume is not None:
                self._live_volume[t, cols] = np.where(row.fresh, row.volume, np.nan)
            self._bar_time[cols] = live.timestamps[t] if row.bar_time is None else row.bar_time
        previous = live.mark[t - 1] if t > 0 else np.full(live.shape[1], np.nan)
        live.mark[t] = np.where(live.fresh[t], live.close[t], previous)
        prices = np.stack([live.open[t], live.high[t], live.low[t], live.close[t],
                           self._live_volume[t]])  # fmt: skip
        self._stream.advance(t, live.fresh[t], prices, self._bar_time)

    def _loop(self, journal: Journal, run_id: str) -> SessionLoop:
        """A fresh engine state, books, venues and order path for one pass over the rows."""
        self._stream = self._book_stream()
        self.books = self._stream.books
        state, risk = self._fresh_state()
        driver = self._capital_driver()
        books = driver.books if driver is not None else self.books
        records = SessionRecords(run_id, self.live, self.spec, books)
        writer = RowWriter(journal, run_id)
        bridge = VenueBridge(
            routes=route_markets(
                self._config,
                self.spec,
                RouteContext(run_id, self._connections, live=self.mode == "live"),
            ),
            records=records,
            inputs=self.inputs,
            books=books,
            sink=writer,
        )
        return SessionLoop(self, state, risk, driver, books, writer, records, bridge)

    def signal_rows(self, loop: SessionLoop, t: int, log: LoopLog) -> list[dict[str, object]]:
        """Row `t`'s signals as journal records, each with what the engine did with it."""
        s = self._stream.signals_at(t)
        advisory = self.mode == "advisory"
        markets = [m.name for m in self.spec.markets]
        at = [i for i in range(len(s.row)) if markets[int(s.market[i])] not in self.paused]
        if not at:
            return []
        decisions = signal_decisions(
            dataclasses.replace(self.books, signals=s),
            np.array(at, dtype=np.int64),
            log,
            loop.records.coid,
            self._confirmation,
            self.spec.correlation.confirm_required,
        )
        return [
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

    # -- helpers ------------------------------------------------------------------

    @property
    def _confirmation(self) -> ConfirmationResult | None:
        return self._stream.confirmation

    def _book_stream(self) -> BookStream:
        n_rows = self.recording.shape[0]
        return open_book_stream(n_rows, self.recording.symbols, self.spec, self.strategy_names,
                                self._correlations)  # fmt: skip

    def _report(
        self, journal: Journal, run_id: str, last: int, done_row: int, state: KernelState
    ) -> SessionReport:
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
            venues=tuple(self.venue_lines),
            feed_events=tuple(self.feed_events),
            live_bars=self._live_bars(last),
        )

    def _live_bars(self, last: int) -> dict[str, tuple[int, int]]:
        """Per market on a venue's live bars: bars delivered, and fetched ahead."""
        fresh = self.live.fresh[: last + 1]
        return {
            name: (int(fresh[:, list(feed.symbols)].sum()), feed.backfilled)
            for name, feed in self.feeds.items()
            if isinstance(feed, VenueBarFeed)
        }

    def _open_run(self, journal: Journal) -> tuple[str, int]:
        """The run to continue (and its last journal step) or a new one, chosen under
        the journal's start lock and leased to this process (a second session is
        refused by the lease, never started beside the first)."""
        with journal.starting_run():
            return self._pick_run(journal)

    def _pick_run(self, journal: Journal) -> tuple[str, int]:
        # the journal masks URL passwords; the venues are stored with the configuration
        config_doc = json.loads(self._config.model_dump_json()) | {"venues": self.venues}
        if self.mode == "live" and self._run_id is None:
            return self._new_live_run(journal, config_doc), -1
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
                    if not reason.startswith((PAUSE_PREFIX, STOP_PREFIX)):  # met again on replay
                        self.disable_market(name, reason)
                return info.run_id, int(saved.get("row", -1))  # the last journal step
        run_id = journal.start_run(self.mode, config_doc, run_id=self._run_id)
        return run_id, -1

    def _operator(self, journal: Journal, run_id: str, loop: SessionLoop) -> SessionOperator:
        """The control channel, order guard and notices around one pass."""
        from tradewind.app.notifications import Notifier

        target = self._journal_target
        in_memory = str(target) == ":memory:"
        rails = None
        if self.mode == "live":
            from tradewind.risk.rails import LiveRails

            limits = self._config.risk.global_
            rails = LiveRails(self._config.operator.rails, limits.daily_loss_limit_pct)
        return SessionOperator(
            config=self._config,
            journal=journal,
            run_id=run_id,
            mode=self.mode,
            loop=loop,
            journal_target=None if in_memory else str(target),
            acts_between_rows=bool(venue_routes(loop.bridge.routes)),
            notifier=Notifier.from_env(self._config.operator.notifications),
            rails=rails,
        )

    def _wake_waits(self, operator: SessionOperator, pace: Pace | None) -> None:
        """The session's waits (its pace, feeds waiting for bars) wake for commands."""
        if pace is not None and hasattr(pace, "sleep"):
            pace.sleep = operator.sleep
        for feed in self.feeds.values():
            if isinstance(feed, VenueBarFeed):
                feed.sleep_with(operator.sleep)

    def _new_live_run(self, journal: Journal, config_doc: dict[str, object]) -> str:
        """A live run never replays its rows through a venue: it starts anew (and
        reconciles with the venue first). A previous live run left running by a killed
        process is marked interrupted; one whose process still runs refuses the start
        (`WriterBusyError`: one live session per journal)."""
        previous = journal.latest_run(mode="live")
        if previous is not None and previous.status.value == "running":
            journal.acquire_writer(previous.run_id)  # busy while its process lives
            journal.finish_run(previous.run_id, "interrupted", {"ended": "process killed"})
        return journal.start_run(self.mode, config_doc)

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
            # Edges are not known ahead; the loop grows the logs before each row.
            capacity=4 * (3 * len(self.books.symbol) + 16),
            initial_cash=float(self.spec.initial_cash),
        )
        return state, initial_state_vector()

    def _route_feeds(self, routes: tuple[MarketRoute, ...]) -> dict[str, RowFeed]:
        """Each market's feed: its route's live feed, or a replay of the recording."""
        index = {s: i for i, s in enumerate(self.recording.symbols)}
        feeds: dict[str, RowFeed] = {}
        for market, route in zip(self.spec.markets, routes, strict=True):
            columns = [index[s] for s in market.symbols]
            live = route.feed
            feeds[market.name] = (
                ReplayFeed(self.recording, columns)
                if live is None
                else live(self.recording, columns)
            )
        return feeds

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


def _empty_like(recording: MarketPanel, volume: np.ndarray) -> MarketPanel:
    """A panel with the recording's rows and symbols and no bars yet (`volume` is the
    session's volume array, NaN until bars arrive)."""
    shape = recording.shape
    return dataclasses.replace(
        recording,
        open=np.full(shape, np.nan),
        high=np.full(shape, np.nan),
        low=np.full(shape, np.nan),
        close=np.full(shape, np.nan),
        mark=np.full(shape, np.nan),
        fresh=np.zeros(shape, dtype=bool),
        volume=volume,
    )


def _maybe_run(journal: Journal, run_id: str) -> RunInfo | None:
    try:
        return journal.run(run_id)
    except UnknownRunError:  # a new run with this id
        return None
