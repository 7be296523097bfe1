"""A cash account's cut at the open, when a venue fills: which resting market buys the
cash no longer covers at the bar's open, and to what size.

In the backtest loop a buy that fills at an open which gapped above the decision's
price is cut to what the cash pays for (`engine.cash.open_fill_qty`, reason
INSUFFICIENT_CASH). When a venue fills instead (paper on the simulator), the same rule
runs before the bar's open is handed to the venue, over the resting market orders in
the loop's book order (sells add cash, buys spend it), and the caller modifies or
cancels the cut orders at the venue. A live venue enforces its own balance; this is for
bar-driven venues.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tradewind.engine.cash import open_fill_qty
from tradewind.engine.inputs import KernelInputs
from tradewind.engine.panel import MarketPanel
from tradewind.engine.state import KernelState
from tradewind.execution.costs import apply_slippage, commission

__all__ = ["CashCut", "cash_cuts_at_open"]


@dataclass(frozen=True, slots=True)
class CashCut:
    """Engine order `order` may fill only `qty` (0: not at all) at this open."""

    order: int
    qty: float


def cash_cuts_at_open(
    state: KernelState, inputs: KernelInputs, book_symbol: np.ndarray, panel: MarketPanel, t: int
) -> list[CashCut]:
    """The cuts row `t`'s open forces on resting market buys (none for a margin
    account: the caller checks `LimitField.CASH_ACCOUNT`)."""
    cash = float(state.money[0])
    cuts = []
    for k in np.flatnonzero(state.pending >= 0).tolist():  # books with a resting order
        i = int(state.pending[k])
        n = int(book_symbol[k])
        if not panel.fresh[t, n]:
            continue
        side = int(state.o_side[i])
        price = apply_slippage(side, float(panel.open[t, n]), float(inputs.slippage_bps[n]))
        scale = float(inputs.value_scale[t, n])
        model, params = int(inputs.commission_model[n]), inputs.commission_params[n]
        qty = float(state.o_ok[i])
        if side > 0:
            allowed = open_fill_qty(cash, qty, price, scale, float(inputs.lot[n]), model,
                                    params, float(inputs.min_notional[n]))  # fmt: skip
            if allowed < qty:
                qty = allowed
                cuts.append(CashCut(i, qty))
        signed = side * qty
        cash -= signed * price * scale + commission(model, signed, price, scale, params)
    return cuts
