"""A paper-trading loop that test_crash.py SIGKILLs at several points and restarts.

Usage: python _crash_child.py JOURNAL RUN_ID TOTAL_ORDERS

Each order is journaled, then "sent" (a line on stdout, printed only after the journal
returned), then its fill comes back from the simulated venue and is applied, then the
risk state is saved. On start the loop resumes the run and reconciles: the venue
re-reports the fill of every order it received, and `apply_fill` must ignore repeats.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tradewind.store import (
    FillRecord,
    Journal,
    OrderRecord,
    UnknownRunError,
    client_order_id,
)

T0 = datetime(2024, 1, 2, tzinfo=UTC)


def venue_fill(run_id: str, seq: int) -> FillRecord:
    coid = client_order_id(run_id, seq)
    return FillRecord(
        trade_id=f"SIM-{coid}",
        venue="SIM",
        client_order_id=coid,
        ts=T0 + timedelta(minutes=seq, seconds=1),
        market="crypto",
        symbol="BTC-USD",
        side="buy",
        qty=Decimal("0.1"),
        price=Decimal(40000 + seq),
    )


def equity_after(seq: int) -> Decimal:
    return Decimal(100_000 + (seq % 7) * 100 + seq)


def main(target: str, run_id: str, total: int) -> None:
    journal = Journal.open(target)
    try:
        journal.resume_run(run_id)
    except UnknownRunError:
        journal.start_run("paper", {"test": "crash"}, run_id=run_id)
    state = journal.load_risk_state(run_id) or {"high_water_mark": "0", "seq": 0}
    print(f"loaded {state['seq']} {state['high_water_mark']}", flush=True)
    repeats = sum(
        not journal.apply_fill(run_id, venue_fill(run_id, o.seq)) for o in journal.orders(run_id)
    )
    print(f"reconciled repeats={repeats}", flush=True)
    seq = journal.next_order_seq(run_id)
    while seq <= total:
        journal.record_order(
            run_id,
            OrderRecord(
                seq=seq,
                ts_created=T0 + timedelta(minutes=seq),
                market="crypto",
                symbol="BTC-USD",
                side="buy",
                order_type="market",
                quantity=Decimal("0.1"),
                strategies="crash_test",
            ),
        )
        print(f"sent {seq}", flush=True)
        journal.apply_fill(run_id, venue_fill(run_id, seq))
        print(f"filled {seq}", flush=True)
        high = max(Decimal(state["high_water_mark"]), equity_after(seq))
        state = {"high_water_mark": str(high), "seq": seq, "trading_state": "ACTIVE"}
        journal.save_risk_state(run_id, T0 + timedelta(minutes=seq), state)
        print(f"saved {seq} {high}", flush=True)
        seq += 1
    journal.finish_run(run_id)
    journal.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
