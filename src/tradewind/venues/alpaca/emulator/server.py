"""The toolkit's loopback server with Alpaca's request counts.

`AlpacaServer.served()` gives the request counts with order ids and symbols folded
(`/v2/orders/{id}`). PATCH (order replace) and bodiless 204 answers (`DELETE
/v2/orders/{id}`) are the toolkit server's own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from tradewind.venues.emulation import EmulatorServer

__all__ = ["AlpacaServer"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_FOLDED = (
    (re.compile(r"^/v2/orders/[^/]+$"), "/v2/orders/{id}"),
    (re.compile(r"^/v2/positions/[^/]+$"), "/v2/positions/{symbol}"),
    (re.compile(r"^/v2/assets/[^/]+$"), "/v2/assets/{symbol}"),
    (re.compile(r"^/v2/stocks/(?!bars$|trades/|quotes/|bars/)[^/]+/"), "/v2/stocks/{symbol}/"),
)


class AlpacaServer(EmulatorServer):
    """An `EmulatorServer` whose request counts fold ids and symbols into placeholders."""

    def served(self) -> Mapping[str, int]:
        """Requests served so far by path, ids and symbols folded into placeholders."""
        with self._lock:
            raw = Counter(self.requests)
        folded: Counter[str] = Counter()
        for path, count in raw.items():
            folded[_fold(path)] += count
        return dict(folded)


def _fold(path: str) -> str:
    for pattern, replacement in _FOLDED:
        if pattern.search(path):
            return pattern.sub(replacement, path)
    return _UUID.sub("{id}", path)
