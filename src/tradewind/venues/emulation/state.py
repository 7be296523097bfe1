"""Optional JSON persistence of a replay emulator (`--state FILE`).

Saved on a clean stop: the replay clock (start, speed, anchor wall time) and the market's
accounts, orders, trades and counters; bars are not saved, the price path rebuilds them.
On start, `restore_state` replays the path up to the saved market instant with no orders
in the book, then puts the saved orders back; the next `feed.sync()` trades the bars that
closed while the emulator was down (so a client backfills them) and works the orders.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tradewind.venues.emulation.market import EmulatedMarket
from tradewind.venues.emulation.replay import ReplayClock, ReplayFeed

__all__ = ["EmulatorState", "load_state", "restore_state", "save_state"]

_FORMAT = 1


@dataclass(frozen=True, slots=True)
class EmulatorState:
    """What a restarted emulator continues from."""

    start_ms: int
    speed: float
    anchor_wall_s: float
    market: dict[str, Any]

    def clock(self) -> ReplayClock:
        """The saved replay clock: market time continues from the wall clock."""
        return ReplayClock(self.start_ms, self.speed, self.anchor_wall_s)


def save_state(path: Path | str, clock: ReplayClock, market: EmulatedMarket) -> None:
    """Write the state atomically (a temporary file renamed over `path`)."""
    target = Path(path)
    data = {
        "format": _FORMAT,
        "clock": {
            "start_ms": clock.start_ms,
            "speed": clock.speed,
            "anchor_wall_s": clock.anchor_wall_s,
        },
        "market": market.export_state(),
    }
    temporary = target.with_name(target.name + ".tmp")
    temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(temporary, target)


def load_state(path: Path | str) -> EmulatorState | None:
    """The saved state, or None when the file does not exist.

    Raises ValueError naming the file and what was expected when it is unreadable.
    """
    source = Path(path)
    if not source.exists():
        return None
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
        if data.get("format") != _FORMAT:
            raise ValueError(f"format {data.get('format')!r}")
        clock = data["clock"]
        return EmulatorState(
            int(clock["start_ms"]),
            float(clock["speed"]),
            float(clock["anchor_wall_s"]),
            data["market"],
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(
            f"state file {source}: expected an emulator state (format {_FORMAT}), got: {exc}"
        ) from None


def restore_state(state: EmulatorState, market: EmulatedMarket, feed: ReplayFeed) -> None:
    """Rebuild the bars up to the saved instant, then restore accounts and orders."""
    feed.sync(until_ms=int(state.market["now_ms"]))
    market.import_state(state.market)
