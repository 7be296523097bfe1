"""Kill -9 campaign: is a paper run that is SIGKILLed and resumed, again and again, journaled
exactly as an uninterrupted run?

    python scripts/kill_campaign.py --backend sqlite|postgres --kills 200 --seed 1
        [--config FILE] [--days N] [--kills-per-journal K] [--pg-url URL] [--two-writers]

First one uninterrupted `tradewind paper` run gives the reference digest (and how long
start-up and a row take). Then, journal after journal (fresh each time), the same paper
run is started and SIGKILLed K times at random instants, drawn over start-up (before the
process holds the run's writer lease), replay (a resumed process holding the lease but
not yet past the journaled rows) and steady state (rows being journaled), then run to
the end; its digest, orders and fills are compared with the reference.

`--two-writers` instead starts a second paper process on a journal the first is
writing: the second must exit 2 naming the writer lease, and the journal must equal the
reference.

Prints a table (kill points per phase, mismatches) and exits 1 on any digest mismatch,
lost or duplicated order or fill, or failed process. PostgreSQL: `--pg-url` or
TRADEWIND_TEST_PG_URL (each journal is a fresh schema, dropped afterwards).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from tradewind.store import Journal
from tradewind.store.models import Base, RiskStateRow

POLL_S = 0.005
PHASES = ("start-up", "replay", "steady")
CONFIG_TEMPLATE = """\
config_version: 1
base_currency: USD
mode: backtest
data:
  start: 2015-01-01
  end: {end}
  alignment: {{policy: ffill, max_staleness: 4d, timeline: 1d}}
markets:
  crypto:
    provider: sim
    symbols: [BTC-USD]
    strategies: [sma_cross, momentum_v1]
    strategy_params:
      sma_cross: {{fast: 5, slow: 20}}
    timeframe: 1d
    risk_allocation_pct: 50
  equities:
    provider: sim
    symbols: [SPY, XLK]
    strategies: [sma_cross, mean_reversion_v2]
    timeframe: 1d
    risk_allocation_pct: 40
execution:
  sizing: {{mode: fraction, value: 0.1}}
  commission: {{model: bps, bps: 5}}
  slippage_bps: 2
  stop_loss_pct: 5
risk:
  global: {{max_exposure_pct: 100, max_leverage: 1.0, max_open_positions: 10,
           max_position_size_pct: 20, max_drawdown_pct: 30, daily_loss_limit_pct: 5}}
backtest:
  initial_cash: 100000
  fill_model: next_open
  journal: journal.sqlite
"""


# --two-writers: one market over five years of daily bars, so that the first writer is
# still writing rows when the second has finished its start-up and looks for the run.
TWO_WRITERS_CONFIG = """\
config_version: 1
base_currency: USD
mode: backtest
data:
  start: 2014-12-01
  end: 2020-01-15
  alignment: {policy: ffill, max_staleness: 4d, timeline: 1d}
markets:
  crypto:
    provider: sim
    symbols: [BTC-USD]
    strategies: [sma_cross, momentum_v1]
    timeframe: 1d
    risk_allocation_pct: 50
execution:
  sizing: {mode: fraction, value: 0.1}
  commission: {model: bps, bps: 5}
  stop_loss_pct: 5
backtest:
  initial_cash: 100000
  fill_model: next_open
  journal: journal.sqlite
"""


@dataclass(slots=True)
class Snapshot:
    """What a journal holds for the run: digest, order and fill ids, rows per table."""

    digest: str
    orders: list[str]
    fills: list[str]
    tables: dict[str, int]


@dataclass(slots=True)
class Timing:
    """Seconds from spawn to the writer lease and to the first marker, and per row."""

    lease_s: float
    first_row_s: float
    row_s: float


@dataclass(slots=True)
class Tally:
    kills: Counter[str] = field(default_factory=Counter)
    journals: int = 0
    mismatches: int = 0
    lost_orders: int = 0
    lost_fills: int = 0
    extra_orders: int = 0
    extra_fills: int = 0
    failures: list[str] = field(default_factory=list)
    table_diffs: Counter[str] = field(default_factory=Counter)


class Backend:
    """Fresh journals of one backend."""

    def __init__(self, name: str, workdir: Path, pg_url: str) -> None:
        self.name = name
        self.workdir = workdir
        self.pg_url = pg_url

    @contextmanager
    def fresh(self) -> Iterator[str]:
        """A new, empty (migrated) journal target, removed afterwards."""
        if self.name == "sqlite":
            directory = Path(tempfile.mkdtemp(prefix="journal-", dir=self.workdir))
            target = str(directory / "journal.sqlite")
            try:
                Journal.open(target).close()
                yield target
            finally:
                shutil.rmtree(directory, ignore_errors=True)
            return
        schema = f"kill_{uuid.uuid4().hex[:12]}"
        admin = create_engine(make_url(self.pg_url).set(drivername="postgresql+psycopg"))
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = make_url(self.pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
        target = url.render_as_string(hide_password=False)
        try:
            Journal.open(target).close()
            yield target
        finally:
            with admin.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()


class Watcher:
    """Polls a journal from outside: the latest marker id and who holds the lease."""

    def __init__(self, target: str, run_id: str) -> None:
        self._journal = Journal.open(target)
        self._run_id = run_id

    def marker(self) -> int:
        with self._journal.engine.connect() as connection:
            return int(connection.scalar(select(func.max(RiskStateRow.state_id))) or 0)

    def holder_pid(self) -> int | None:
        info = self._journal.recorded_writer(self._run_id)
        return None if info is None else info.pid

    def close(self) -> None:
        self._journal.close()


def paper(tradewind: str, config: Path, target: str, catalog: Path) -> subprocess.Popen[bytes]:
    command = [tradewind, "paper", "--config", str(config), "--journal", target,
               "--catalog", str(catalog)]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def snapshot(target: str, run_id: str) -> Snapshot:
    with Journal.open(target, create=False) as journal:
        orders = [o.client_order_id.removeprefix(run_id) for o in journal.orders(run_id)]
        fills = [f.trade_id.removeprefix(run_id) for f in journal.fills(run_id)]
        tables = {}
        with journal.engine.connect() as connection:
            for table in Base.metadata.sorted_tables:
                if "run_id" in table.c and table.name != "runs":
                    tables[table.name] = int(
                        connection.scalar(
                            select(func.count()).select_from(table).where(table.c.run_id == run_id)
                        )
                        or 0
                    )
        return Snapshot(journal.digest(run_id), orders, fills, tables)


def reference(
    args: argparse.Namespace, backend: Backend, tradewind: str
) -> tuple[str, Snapshot, Timing]:
    """One uninterrupted run: its run id, what it journaled and how long its parts took."""
    with backend.fresh() as target:
        start = time.monotonic()
        child = paper(tradewind, args.config, target, args.catalog)
        lease_s = first_s = None
        journal = Journal.open(target)
        try:
            while child.poll() is None:
                now = time.monotonic() - start
                with journal.engine.connect() as connection:
                    if (
                        lease_s is None
                        and connection.exec_driver_sql("SELECT count(*) FROM runs").scalar()
                    ):
                        lease_s = now
                    if first_s is None and connection.scalar(
                        select(func.count(RiskStateRow.state_id))
                    ):
                        first_s = now
                time.sleep(POLL_S)
        finally:
            journal.close()
        total_s = time.monotonic() - start
        _, errors = child.communicate()
        if child.returncode != 0:
            sys.exit(f"the reference run failed ({child.returncode}): {errors.decode()[-2000:]}")
        with Journal.open(target, create=False) as opened:
            run_id = opened.runs()[0].run_id
        shot = snapshot(target, run_id)
    rows = max(shot.tables.get("risk_state", 1), 1)
    lease_s = lease_s or 0.5 * total_s
    first_s = first_s or lease_s
    return run_id, shot, Timing(lease_s, first_s, max((total_s - first_s) / rows, 1e-3))


def kill_once(
    rng: random.Random, child: subprocess.Popen[bytes], watcher: Watcher, timing: Timing,
    resumed: bool, rows_left: int,
) -> str | None:  # fmt: skip
    """Kill `child` in a randomly drawn phase; returns the phase it was in when killed
    (None when it finished first)."""
    phases = PHASES if resumed else ("start-up", "steady")
    phase = rng.choice(phases if rows_left > 3 else phases[:-1])
    start, marker0 = time.monotonic(), watcher.marker()
    deadline = start + rng.uniform(0.0, timing.lease_s)
    replay_delay = rng.uniform(0.0, 0.05)
    rows_to_pass = rng.randint(1, max(rows_left - 3, 1))
    within_row_s = rng.uniform(0.0, timing.row_s)  # to land inside a row's writes too
    held_since: float | None = None
    passed_at: float | None = None
    while child.poll() is None:
        now = time.monotonic()
        held = watcher.holder_pid() == child.pid
        advanced = watcher.marker() - marker0
        if held and held_since is None:
            held_since = now
        if advanced >= rows_to_pass and passed_at is None:
            passed_at = now
        due = (
            (phase == "start-up" and now >= deadline)
            or (phase == "replay" and held_since is not None and now - held_since >= replay_delay)
            or (phase == "steady" and passed_at is not None and now - passed_at >= within_row_s)
        )
        if due:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            if advanced > 0:
                return "steady"
            return "replay" if held and resumed else "start-up"
        time.sleep(POLL_S)
    return None


def trial(
    args: argparse.Namespace,
    backend: Backend,
    tradewind: str,
    run_id: str,
    ref: Snapshot,
    timing: Timing,
    rng: random.Random,
    kills: int,
    tally: Tally,
) -> int:
    """One fresh journal: up to `kills` kills and resumes (fewer when the run ends before
    a kill), then the run to the end, compared; returns how many kills there were."""
    killed = 0
    rows_total = ref.tables.get("risk_state", 1)
    with backend.fresh() as target:
        watcher = Watcher(target, run_id)
        try:
            finished = False
            for _ in range(kills):
                done = watcher.marker()
                child = paper(tradewind, args.config, target, args.catalog)
                phase = kill_once(rng, child, watcher, timing, done > 0, rows_total - done)
                if phase is not None:
                    tally.kills[phase] += 1
                    killed += 1
                    continue
                if child.returncode != 0:
                    tally.failures.append(_failure(child))
                finished = True  # the run ended before its kill: a rerun would start anew
                break
        finally:
            watcher.close()
        if not finished:
            child = paper(tradewind, args.config, target, args.catalog)
            child.wait()
            if child.returncode != 0:
                tally.failures.append(_failure(child))
        got = snapshot(target, run_id)
    tally.journals += 1
    tally.mismatches += got.digest != ref.digest
    tally.lost_orders += len(set(ref.orders) - set(got.orders))
    tally.lost_fills += len(set(ref.fills) - set(got.fills))
    tally.extra_orders += (
        len(got.orders) - len(set(got.orders)) + len(set(got.orders) - set(ref.orders))
    )
    tally.extra_fills += len(got.fills) - len(set(got.fills)) + len(set(got.fills) - set(ref.fills))
    for table, count in got.tables.items():
        if count != ref.tables.get(table, 0):
            tally.table_diffs[f"{table} {count - ref.tables.get(table, 0):+d}"] += 1
    return killed


def two_writers(
    args: argparse.Namespace, backend: Backend, tradewind: str, run_id: str, ref: Snapshot
) -> list[str]:
    """Problems found when a second process joins a run being written (empty: none)."""
    problems = []
    with backend.fresh() as target:
        watcher = Watcher(target, run_id)
        first = paper(tradewind, args.config, target, args.catalog)
        try:  # the second starts once the first holds the lease and is writing rows
            while first.poll() is None and watcher.marker() == 0:
                time.sleep(POLL_S)
        finally:
            watcher.close()
        if first.poll() is not None:
            return ["the first writer finished before the second started (a longer --config)"]
        second = paper(tradewind, args.config, target, args.catalog)
        _, errors = second.communicate(timeout=300)
        message = errors.decode().strip()
        print(f"second writer: exit {second.returncode}: {message[-400:]}")
        if second.returncode != 2 or "already being written" not in message:
            problems.append(
                f"the second writer exited {second.returncode}, not 2 with the lease message"
            )
        first.communicate(timeout=600)
        if first.returncode != 0:
            problems.append(f"the first writer failed: exit {first.returncode}")
        with Journal.open(target, create=False) as journal:
            runs = [run.run_id for run in journal.runs()]
        if runs != [run_id]:
            problems.append(f"the journal holds runs {runs}, expected only {run_id}")
        if snapshot(target, run_id).digest != ref.digest:
            problems.append("the journal differs from the single-writer run (digest)")
    return problems


def _failure(child: subprocess.Popen[bytes]) -> str:
    errors = child.stderr.read().decode() if child.stderr is not None else ""
    return f"exit {child.returncode}: {errors.strip()[-300:]}"


def report(
    args: argparse.Namespace, ref: Snapshot, timing: Timing, tally: Tally, elapsed_s: float
) -> bool:
    """Print the campaign's table; True when everything matched."""
    print(f"\nkill campaign: backend {args.backend}, seed {args.seed}, {tally.journals} journals, "
          f"{sum(tally.kills.values())} kills in {elapsed_s:.0f} s")  # fmt: skip
    print(f"reference: digest {ref.digest[:16]}, {len(ref.orders)} orders, {len(ref.fills)} "
          f"fills, {ref.tables.get('risk_state', 0)} rows; start-up {timing.lease_s:.2f} s, "
          f"{timing.row_s * 1000:.1f} ms per row")  # fmt: skip
    print(f"{'phase':<10} {'kills':>6}")
    for phase in PHASES:
        print(f"{phase:<10} {tally.kills[phase]:>6}")
    rows = [
        ("journals with a digest mismatch", tally.mismatches),
        ("lost orders", tally.lost_orders),
        ("lost fills", tally.lost_fills),
        ("duplicated or unexpected orders", tally.extra_orders),
        ("duplicated or unexpected fills", tally.extra_fills),
        ("failed processes", len(tally.failures)),
    ]
    for label, count in rows:
        print(f"{label:<34} {count:>6}")
    for diff, count in tally.table_diffs.most_common():
        print(f"  rows differing from the reference: {diff} (in {count} journals)")
    for failure in tally.failures[:5]:
        print(f"  failed: {failure}")
    return all(count == 0 for _, count in rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), required=True)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--kills-per-journal", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--config", type=Path, help="paper config (default: a small one)")
    parser.add_argument("--days", type=int, default=365, help="window of the default config")
    parser.add_argument("--pg-url", default=os.environ.get("TRADEWIND_TEST_PG_URL", ""))
    parser.add_argument("--workdir", type=Path, help="scratch directory (default: a temp dir)")
    parser.add_argument("--two-writers", action="store_true")
    args = parser.parse_args(argv)
    if args.backend == "postgres" and not args.pg_url:
        parser.error("--backend postgres needs --pg-url or TRADEWIND_TEST_PG_URL")
    if args.kills < 0 or args.kills_per_journal < 1:
        parser.error("--kills must be >= 0 and --kills-per-journal >= 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kill-campaign-"))
    workdir.mkdir(parents=True, exist_ok=True)
    args.catalog = workdir / "catalog"
    if args.config is None and args.two_writers:
        args.config = workdir / "two-writers.yaml"
        args.config.write_text(TWO_WRITERS_CONFIG, encoding="utf-8")
    elif args.config is None:
        import pandas as pd

        end = str((pd.Timestamp("2015-01-01") + pd.Timedelta(days=args.days - 1)).date())
        args.config = workdir / "paper.yaml"
        args.config.write_text(CONFIG_TEMPLATE.format(end=end), encoding="utf-8")
    tradewind = shutil.which("tradewind", path=str(Path(sys.executable).parent)) or "tradewind"
    backend = Backend(args.backend, workdir, args.pg_url)
    started = time.monotonic()
    run_id, ref, timing = reference(args, backend, tradewind)
    if args.two_writers:
        problems = two_writers(args, backend, tradewind, run_id, ref)
        for problem in problems:
            print(f"two writers: {problem}")
        print("two writers: " + ("FAILED" if problems else "ok (second refused, journal intact)"))
        return 1 if problems else 0
    rng = random.Random(args.seed)
    tally = Tally()
    left = args.kills
    while left > 0:
        kills = min(args.kills_per_journal, left)
        left -= trial(args, backend, tradewind, run_id, ref, timing, rng, kills, tally)
        print(f"journal {tally.journals}: {sum(tally.kills.values())} kills so far, "
              f"{tally.mismatches} mismatching journals", flush=True)  # fmt: skip
    ok = report(args, ref, timing, tally, time.monotonic() - started)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
