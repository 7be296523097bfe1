"""The engine's side of capital management, behind one interface.

`CapitalDriver` runs the capital router and the autonomous scaling engine inside a run
(budgets per market at each rebalance, a size for each entry, every decision kept for
the journal); `CapitalRecord` is what it decided, for the journal and the reports.
Inside: `driver` (the interface), `record` (the decision record), `history` (per-strategy
returns and entries the router reads) and `conditions` (per-symbol market conditions the
scaling engine reads). Import from this package, not from its modules.
"""

from tradewind.engine.capital.driver import CapitalDriver
from tradewind.engine.capital.record import CapitalRecord

__all__ = ["CapitalDriver", "CapitalRecord"]
