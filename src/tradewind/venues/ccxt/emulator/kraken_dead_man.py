"""Kraken's dead man's switch, `POST /0/private/CancelAllOrdersAfter`, for the emulator.

`timeout` (whole seconds, 0 to 86399) starts or restarts a countdown for the api key;
when it runs out, every open order of that key is canceled (all pairs), as Kraken does.
`timeout=0` disarms it. The countdown runs on the emulator's WALL clock (it guards the
client's connection, not market time), on a daemon timer thread; the answer's
`currentTime` and `triggerTime` are wall-clock instants in Kraken's format
(`2023-03-24T17:41:56Z`), `triggerTime` "0" when disarmed. Countdowns are not saved by
`--state`: a restarted emulator starts with none armed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tradewind.venues.ccxt.emulator.kraken_wire import Call, KrakenError
from tradewind.venues.emulation import EmulatedMarket

__all__ = ["MAX_TIMEOUT_S", "DeadManSwitches"]

_log = logging.getLogger(__name__)

MAX_TIMEOUT_S = 86_399
"""Kraken wants the timeout below 86400 seconds."""


class DeadManSwitches:
    """One countdown per api key over `market`; `wall_clock` gives unix seconds."""

    def __init__(self, market: EmulatedMarket, wall_clock: Callable[[], float] = time.time) -> None:
        self.market = market
        self._wall_clock = wall_clock
        self._timers: dict[str, threading.Timer] = {}
        self._lock = threading.Lock()

    def cancel_all_orders_after(self, call: Call) -> Any:
        """The handler of `CancelAllOrdersAfter` (signed; `call.account` is the key)."""
        account = call.account
        if account is None:
            raise KrakenError("EAPI:Invalid key")
        timeout_s = _timeout_param(call.params.get("timeout"))
        now_s = self._wall_clock()
        self.arm(account, timeout_s)
        trigger = _iso_seconds(now_s + timeout_s) if timeout_s else "0"
        return {"currentTime": _iso_seconds(now_s), "triggerTime": trigger}

    def arm(self, account: str, timeout_s: int) -> None:
        """Restart the countdown of `account` at `timeout_s` seconds (0: disarm)."""
        with self._lock:
            previous = self._timers.pop(account, None)
            if previous is not None:
                previous.cancel()
            if timeout_s <= 0:
                return
            timer = threading.Timer(timeout_s, self._expire, args=(account,))
            timer.daemon = True
            timer.name = "kraken-dead-man"
            self._timers[account] = timer
            timer.start()

    def armed(self, account: str) -> bool:
        """Whether a countdown of `account` is running."""
        with self._lock:
            return account in self._timers

    def close(self) -> None:
        """Stop every countdown without canceling anything."""
        with self._lock:
            timers, self._timers = list(self._timers.values()), {}
        for timer in timers:
            timer.cancel()

    def _expire(self, account: str) -> None:
        with self._lock:
            current = self._timers.get(account)
            if current is None or current is not threading.current_thread():
                return  # re-armed or disarmed while this timer fired
            del self._timers[account]
        with self.market.atomic():
            count = sum(len(self.market.cancel_all(account, s)) for s in self.market.symbols)
        _log.info("dead man's switch expired: %d open order(s) canceled", count)


def _timeout_param(raw: Any) -> int:
    text = "" if raw is None else str(raw).strip()
    if not text.isdigit() or int(text) > MAX_TIMEOUT_S:
        raise KrakenError("EGeneral:Invalid arguments:timeout")
    return int(text)


def _iso_seconds(unix_s: float) -> str:
    return datetime.fromtimestamp(int(unix_s), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
