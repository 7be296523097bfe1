#!/usr/bin/env python3
"""Dashboard/API load check: clients polling and streaming `tradewind serve` while a
paper session writes the journal it serves.

1. A journal: a temporary copy of `--journal` (SQLite backup; the original is never
   written), else a new one filled by one paper session on `--config`. A viewer user and
   a bearer token are added to it (`tradewind.app.users`).
2. `tradewind serve --journal J --port P --config C` as a subprocess on 127.0.0.1; wait
   for /health and for the MMIN view it computes at start (so its CPU is not in A).
3. Phase A (no clients), before and again after B: paper sessions on `--config` (new
   runs in the same journal) in a child process: a warm-up run, then `--baseline-runs`
   timed runs. The baseline is both halves together (the machine is shared: a before /
   after difference shows other work on it).
4. Phase B: the same sessions, run back to back in a child process for about
   `--seconds`, while `--clients` clients hit the server until the seconds are over and
   the sessions are done: `--streams` of them hold /api/v1/events open and count
   `change` events, the rest (`--paths`) cycle through three JSON reads, the audit, the
   market tab (HTML, over a session cookie from a JSON login) and its positions fragment
   as fast as they are answered. Errors: answers other than 2xx, and exceptions.

Each phase also says who used the CPU meanwhile (/proc): the server, the clients (this
process), the session child and `other_cpu_s`, everything else on the machine.

Per session row (timed in the child through `TradingSession.run(on_row=...)`):
`row_ms`, the whole row (feeds, books, the engine's step, venue events, two journal
transactions with fsync); `decide_ms`, bar in -> orders out (`TradingSession.poll`:
feeds and books, plus `SessionLoop._decide`: the engine's step), timed by wrapping
those two methods in the child process only.

Usage: python bench/serve_bench.py [--clients 50] [--streams 10] [--seconds 60]
       [--journal PATH] [--config examples/backtest.yaml] [--baseline-runs 2]
       [--paths /api/v1/overview,...]
Prints one `RESULT {json}` line per measurement.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["main"]

HERE = Path(__file__).resolve().parent
DEFAULT_CONFIG = HERE.parent / "examples" / "backtest.yaml"
HOST = "127.0.0.1"
USER = "bench_viewer"
PASSWORD = "bench load check password"
POLLED = ("/api/v1/overview", "/api/v1/markets", "/api/v1/risk", "/api/v1/audit",
          "/markets/all", "/fragments/all/positions")  # fmt: skip
ROWS_TAG = "ROWS "


# -- the session child: paper runs in the journal, timed per row ----------------------


@dataclass(slots=True)
class RowClock:
    """Per row of a run: its wall time and the time spent deciding (`spent_s`, added
    to by the wrapped methods)."""

    spent_s: float = 0.0
    at: float = 0.0
    row_ms: list[float] = field(default_factory=list)
    decide_ms: list[float] = field(default_factory=list)

    def wrap(self, owner: type, name: str) -> None:
        """Add the time of every call of `owner.name` to `spent_s`."""
        original = getattr(owner, name)

        def timed(this: Any, *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(this, *args, **kwargs)
            finally:
                self.spent_s += time.perf_counter() - start

        setattr(owner, name, timed)

    def start(self) -> None:
        self.at, self.spent_s = time.perf_counter(), 0.0

    def on_row(self, t: int) -> None:
        now = time.perf_counter()
        if t > 0:  # row 0 also pays the run's start (operator, reconciliation)
            self.row_ms.append((now - self.at) * 1e3)
            self.decide_ms.append(self.spent_s * 1e3)
        self.at, self.spent_s = now, 0.0


def _session_child(config_path: Path, journal: str, runs: int, seconds: float) -> None:
    """Paper runs one after another: `runs` of them, or (with `seconds`) a warm-up and
    as many more as start before the seconds would be passed; prints the rows of the
    runs after the first (the warm-up) as one `ROWS {json}` line."""
    from tradewind.app.session import TradingSession
    from tradewind.app.session_loop import SessionLoop
    from tradewind.config import load_config
    from tradewind.data.catalog import Catalog

    began = time.monotonic()
    clock, timed = RowClock(), RowClock()
    clock.wrap(TradingSession, "poll")
    clock.wrap(SessionLoop, "_decide")
    config = load_config(config_path, apply_env=False)
    durations: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        while _another_run(durations, runs, seconds - (time.monotonic() - began)):
            session = TradingSession(config, Catalog(Path(scratch) / "catalog"), journal)
            clock.row_ms, clock.decide_ms = [], []
            clock.start()
            start = time.perf_counter()
            session.run(on_row=clock.on_row)
            durations.append(time.perf_counter() - start)
            if len(durations) > 1:  # the first run in the process is the warm-up
                timed.row_ms += clock.row_ms
                timed.decide_ms += clock.decide_ms
    summary = {"runs": len(durations) - 1, "run_s": durations[1:], "row_ms": timed.row_ms,
               "decide_ms": timed.decide_ms, "warmup_run_s": durations[0]}  # fmt: skip
    print(ROWS_TAG + json.dumps(summary), flush=True)


def _another_run(durations: list[float], runs: int, seconds_left: float) -> bool:
    if not runs:  # timed by seconds: a warm-up, a timed run, then while another fits
        return len(durations) < 2 or seconds_left > 1.1 * max(durations)
    return len(durations) < runs


def _child_command(config: Path, journal: str, *, runs: int = 0, seconds: float = 0) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--child", "--config", str(config),
            "--journal", journal, "--runs", str(runs), "--seconds", str(seconds)]  # fmt: skip


def _rows_of(stdout: str, stderr: str) -> dict[str, Any]:
    for line in reversed(stdout.splitlines()):
        if line.startswith(ROWS_TAG):
            return json.loads(line[len(ROWS_TAG) :])  # type: ignore[no-any-return]
    raise SystemExit(f"the session child printed no {ROWS_TAG.strip()} line:\n{stderr[-3000:]}")


# -- journal, user and server ----------------------------------------------------------


def _prepare_journal(source: str | None, config: Path, folder: Path) -> Path:
    target = folder / "journal.sqlite"
    if source is None:
        done = subprocess.run(_child_command(config, str(target), runs=1),
                              capture_output=True, text=True, check=False)  # fmt: skip
        _rows_of(done.stdout, done.stderr)
        return target
    path = Path(source.removeprefix("sqlite:///"))
    if not path.is_file():
        raise SystemExit(f"--journal {source}: no such SQLite file (a copy of it is served)")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def _add_user(journal: Path) -> str:
    from tradewind.app.journal_access import open_journal
    from tradewind.app.users import UserExistsError, add_user, issue_token, set_password

    with open_journal(journal, create=False) as opened:
        try:
            add_user(opened, USER, "viewer", PASSWORD)
        except UserExistsError:
            set_password(opened, USER, PASSWORD)
        return issue_token(opened, USER, "serve-bench")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _tradewind() -> str:
    beside = Path(sys.executable).parent / "tradewind"
    found = str(beside) if beside.exists() else shutil.which("tradewind")
    if found is None:
        raise SystemExit("the `tradewind` command is not installed (make setup)")
    return found


def _wait_ready(base_url: str, token: str, log: Path, server: subprocess.Popen[bytes]) -> float:
    """Seconds until /health answers and the MMIN view is computed (or failed)."""
    import httpx

    start = time.monotonic()
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, timeout=5) as client:
        while time.monotonic() - start < 180:
            if server.poll() is not None:
                raise SystemExit(f"tradewind serve exited:\n{log.read_text()[-3000:]}")
            try:
                if client.get("/health").status_code == 200:
                    status = client.get("/api/v1/mmin", headers=auth).json().get("status")
                    if status != "pending":
                        return time.monotonic() - start
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    raise SystemExit("tradewind serve was not ready within 180 s")


def _wal_mb(journal: Path) -> float:
    wal = journal.with_name(journal.name + "-wal")
    return round(wal.stat().st_size / 2**20, 1) if wal.exists() else 0.0


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of process `pid` so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_busy_s() -> float:
    """CPU seconds every process of the machine used so far (Linux /proc/stat)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = ticks[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class CpuSample:
    """CPU seconds so far: the machine, the server, this process (the clients) and its
    finished children (the session children), at monotonic `at`."""

    at: float
    machine_s: float
    server_s: float
    own_s: float
    children_s: float

    @classmethod
    def take(cls, server_pid: int) -> CpuSample:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return cls(time.monotonic(), _machine_busy_s(), _cpu_s(server_pid),
                   time.process_time(), children.ru_utime + children.ru_stime)  # fmt: skip

    def since(self, start: CpuSample) -> dict[str, float]:
        """Who used the CPU between `start` and this sample; `other_cpu_s` is every
        process not started by the bench (other work on the machine)."""
        split = {"wall_s": self.at - start.at, "server_cpu_s": self.server_s - start.server_s,
                 "clients_cpu_s": self.own_s - start.own_s,
                 "session_cpu_s": self.children_s - start.children_s}  # fmt: skip
        ours = sum(v for k, v in split.items() if k != "wall_s")
        split["other_cpu_s"] = max(0.0, self.machine_s - start.machine_s - ours)
        return {k: round(v, 1) for k, v in split.items()}


# -- the clients -----------------------------------------------------------------------


@dataclass(slots=True)
class Load:
    """What the clients saw: latencies by path, errors by kind, events by stream."""

    latency_ms: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    events: list[int] = field(default_factory=list)
    hello_ms: list[float] = field(default_factory=list)
    event_at: list[float] = field(default_factory=list)
    """When the first stream received each `change` event (monotonic seconds)."""
    login_ms: float = 0.0
    """The mean time of one JSON login (before the load: argon2id)."""

    def error(self, kind: str) -> None:
        self.errors[kind] += 1


@dataclass(frozen=True, slots=True)
class Poller:
    """One polling client: its HTTP client (holding its session cookie) and the bearer
    header it sends to the API."""

    client: Any
    bearer: dict[str, str]

    async def run(self, paths: list[str], offset: int, stop: asyncio.Event, load: Load) -> None:
        """Get `paths` in turn (from `offset`) until `stop`: the API with the bearer
        token, the pages over the session cookie only, as a browser."""
        k = offset
        while not stop.is_set():
            path = paths[k % len(paths)]
            k += 1
            headers = self.bearer if path.startswith("/api/") else None
            start = time.perf_counter()
            try:
                reply = await self.client.get(path, headers=headers)
            except Exception as exc:
                load.error(f"{path}: {type(exc).__name__}")
                continue
            load.latency_ms[path].append((time.perf_counter() - start) * 1e3)
            if not 200 <= reply.status_code < 300:
                load.error(f"{path}: HTTP {reply.status_code}")


async def _logged_in(base_url: str, token: str) -> Poller:
    import httpx

    client = httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(60.0))
    reply = await client.post("/api/v1/auth/login", json={"user": USER, "password": PASSWORD})
    if reply.status_code != 200 or "tw_session" not in client.cookies:
        await client.aclose()
        raise SystemExit(f"JSON login answered {reply.status_code}: {reply.text[:300]}")
    return Poller(client, {"Authorization": f"Bearer {token}"})


async def _stream(base_url: str, token: str, index: int, stop: asyncio.Event, load: Load) -> None:
    import httpx

    timeout = httpx.Timeout(10.0, read=None)
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, timeout=timeout) as client:
        start = time.perf_counter()
        async with client.stream("GET", "/api/v1/events", headers=auth) as reply:
            if reply.status_code != 200:
                load.error(f"/api/v1/events: HTTP {reply.status_code}")
                return
            async for line in reply.aiter_lines():
                if line == "event: hello":
                    load.hello_ms.append((time.perf_counter() - start) * 1e3)
                elif line == "event: change":
                    load.events[index] += 1
                    if index == 0:
                        load.event_at.append(time.monotonic())
                if stop.is_set():
                    return


async def _guard_stream(*args: Any) -> None:
    load, stop = args[-1], args[-2]
    try:
        await _stream(*args)
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        if not stop.is_set():
            load.error(f"/api/v1/events: {type(exc).__name__}")


async def _phase_b(
    args: argparse.Namespace, base_url: str, token: str, server_pid: int
) -> tuple[Load, dict[str, Any], float]:
    """Clients for `args.seconds` and until the session child is done; the load, the
    child's rows (with the CPU split from the logins' end) and the clients' wall seconds."""
    n_streams = min(args.streams, args.clients)
    login_s = time.monotonic()
    pollers = [await _logged_in(base_url, token) for _ in range(args.clients - n_streams)]
    login_s = time.monotonic() - login_s
    cpu = CpuSample.take(server_pid)
    paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    load, stop = Load(events=[0] * n_streams), asyncio.Event()
    child = await asyncio.create_subprocess_exec(
        *_child_command(args.config, args.served_journal, seconds=args.seconds),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)  # fmt: skip
    began = time.monotonic()
    streams = [asyncio.create_task(_guard_stream(base_url, token, i, stop, load))
               for i in range(n_streams)]  # fmt: skip
    polls = [asyncio.create_task(p.run(paths, i, stop, load)) for i, p in enumerate(pollers)]
    out, err = await child.communicate()
    await asyncio.sleep(max(0.0, args.seconds - (time.monotonic() - began)))
    stop.set()
    wall_s = time.monotonic() - began
    if polls:
        await asyncio.wait(polls, timeout=30)
    for task in streams + polls:  # a stream waits for its next event: end it now
        task.cancel()
    await asyncio.gather(*streams, *polls, return_exceptions=True)
    for poller in pollers:
        await poller.client.aclose()
    rows = _rows_of(out.decode(), err.decode())
    rows["cpu"] = CpuSample.take(server_pid).since(cpu)
    load.login_ms = 1e3 * login_s / max(1, len(pollers))
    return load, rows, wall_s


# -- figures ---------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 3) if values else None


def _latency_result(load: Load, wall_s: float, args: argparse.Namespace) -> dict[str, Any]:
    every = [ms for samples in load.latency_ms.values() for ms in samples]
    gaps_ms = list(np.diff(load.event_at) * 1e3)  # the feed polls every 250 ms
    return {"measure": "serve_load", "clients": args.clients, "streams": len(load.events),
            "seconds": round(wall_s, 2), "requests": len(every),
            "requests_per_s": round(len(every) / wall_s, 1), "p50_ms": _pct(every, 50),
            "p95_ms": _pct(every, 95), "p99_ms": _pct(every, 99),
            "max_ms": round(max(every), 3) if every else None,
            "errors": sum(load.errors.values()), "error_kinds": dict(load.errors),
            "events_per_stream": load.events,
            "stream_hello_ms_max": _pct(load.hello_ms, 100),
            "event_gap_p50_ms": _pct(gaps_ms, 50), "event_gap_p90_ms": _pct(gaps_ms, 90),
            "login_ms_mean": round(load.login_ms, 1)}  # fmt: skip


def _path_results(load: Load) -> list[dict[str, Any]]:
    return [{"measure": "serve_path", "path": path, "requests": len(samples),
             "p50_ms": _pct(samples, 50), "p99_ms": _pct(samples, 99),
             "max_ms": round(max(samples), 3)}
            for path, samples in sorted(load.latency_ms.items())]  # fmt: skip


def _session_result(phase: str, rows: dict[str, Any]) -> dict[str, Any]:
    row_ms, decide_ms = rows["row_ms"], rows["decide_ms"]
    cpu: dict[str, float] = rows.get("cpu", {})
    return {"measure": "session_rows", "phase": phase, "runs": rows["runs"],
            "rows": len(row_ms), "rows_per_s": round(1e3 * len(row_ms) / sum(row_ms), 1),
            "row_p50_ms": _pct(row_ms, 50), "row_p99_ms": _pct(row_ms, 99),
            "decide_p50_ms": _pct(decide_ms, 50), "decide_p99_ms": _pct(decide_ms, 99),
            "run_s": [round(s, 3) for s in rows["run_s"]]} | cpu  # fmt: skip


def _ratio(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    keys = ("row_p50_ms", "row_p99_ms", "decide_p50_ms", "decide_p99_ms")
    out: dict[str, Any] = {"measure": "session_load_ratio"}
    for key in keys:
        out[key] = round(b[key] / a[key], 2) if a[key] and b[key] else None
    out["rows_per_s"] = round(b["rows_per_s"] / a["rows_per_s"], 2)
    return out


def _note(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _emit(result: dict[str, Any]) -> None:
    print("RESULT " + json.dumps(result), flush=True)


# -- main ------------------------------------------------------------------------------


def _start_server(args: argparse.Namespace, journal: Path, log: Path) -> tuple[Any, str]:
    port = _free_port()
    command = [_tradewind(), "serve", "--journal", str(journal), "--host", HOST,
               "--port", str(port), "--config", str(args.config),
               "--reports", str(log.parent / "reports")]  # fmt: skip
    with log.open("wb") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    return server, f"http://{HOST}:{port}"


def _stop_server(server: subprocess.Popen[bytes], log: Path) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    if len(lines) > 1:  # more than the line saying where it listens
        print("serve log (last lines):\n" + "\n".join(lines[-20:]), file=sys.stderr)


def _baseline(args: argparse.Namespace, server_pid: int, phase: str) -> dict[str, Any]:
    """Phase A: `--baseline-runs` timed paper runs (after a warm-up), no clients."""
    _note(f"phase A ({phase}): {args.baseline_runs} + 1 runs")
    start = CpuSample.take(server_pid)
    command = _child_command(args.config, args.served_journal, runs=args.baseline_runs + 1)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    rows = _rows_of(done.stdout, done.stderr)
    rows["cpu"] = CpuSample.take(server_pid).since(start)
    return rows


def _measure(args: argparse.Namespace, base_url: str, token: str, server_pid: int) -> None:
    before = _baseline(args, server_pid, "before")
    _note(f"phase B: {args.clients} clients for {args.seconds:g} s with sessions")
    load, loaded, wall_s = asyncio.run(_phase_b(args, base_url, token, server_pid))
    after = _baseline(args, server_pid, "after")
    result = _latency_result(load, wall_s, args)
    result |= loaded["cpu"] | {"wal_mb": _wal_mb(Path(args.served_journal))}
    _emit(result)
    for line in _path_results(load):
        _emit(line)
    both = {"runs": before["runs"] + after["runs"], "run_s": before["run_s"] + after["run_s"],
            "row_ms": before["row_ms"] + after["row_ms"],
            "decide_ms": before["decide_ms"] + after["decide_ms"]}  # fmt: skip
    quiet = _session_result("no clients", both)
    _emit(_session_result("no clients, before", before))
    _emit(_session_result("no clients, after", after))
    _emit(quiet)
    _emit(loaded_result := _session_result(f"{args.clients} clients", loaded))
    _emit(_ratio(quiet, loaded_result))


def _run(args: argparse.Namespace, scratch: Path) -> None:
    _note("journal: " + (f"a copy of {args.journal}" if args.journal else "one paper run"))
    journal = _prepare_journal(args.journal, args.config, scratch)
    args.served_journal = str(journal)
    token = _add_user(journal)
    log = scratch / "serve.log"
    server, base_url = _start_server(args, journal, log)
    try:
        ready_s = _wait_ready(base_url, token, log, server)
        _emit({"measure": "serve_start", "ready_s": round(ready_s, 2)})
        _measure(args, base_url, token, server.pid)
    finally:
        _stop_server(server, log)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--streams", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--journal", default=None, help="an existing SQLite journal (copied)")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    parser.add_argument("--baseline-runs", type=int, default=2)
    parser.add_argument("--paths", default=",".join(POLLED), help="what the pollers get")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _session_child(args.config, args.journal, args.runs, args.seconds)
        return
    if not 0 <= args.streams <= args.clients or args.clients < 1:
        raise SystemExit("--clients must be >= 1 and --streams between 0 and --clients")
    args.config = args.config.resolve()
    with tempfile.TemporaryDirectory(prefix="serve-bench-") as scratch:
        _run(args, Path(scratch))


if __name__ == "__main__":
    main()
