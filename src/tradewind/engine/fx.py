"""Account-currency conversion: FX rates for instruments quoted in another currency.

An instrument quoted in currency Q is valued in the account currency B at the last
known rate of the pair `Q-B` (or 1 / `B-Q`) in the run's own data, row by row; there
is no look-ahead (the rate is the mark of the pair at that row).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from tradewind.domain.errors import TradewindError
from tradewind.engine.panel import MarketPanel

__all__ = ["FxError", "value_scale"]


class FxError(TradewindError):
    """An instrument's quote currency cannot be converted with the data at hand."""


def value_scale(
    panel: MarketPanel,
    multiplier: np.ndarray,
    quote_currencies: Mapping[str, str],
    base_currency: str,
) -> np.ndarray:
    """T x N factors turning price x quantity into the account currency.

    Raises:
        FxError: a symbol is quoted in a currency for which the panel holds neither
            `Q-BASE` nor `BASE-Q`.
    """
    rows = panel.shape[0]
    scale = np.repeat(np.asarray(multiplier, dtype=np.float64)[None, :], rows, axis=0)
    column = {symbol: i for i, symbol in enumerate(panel.symbols)}
    for n, symbol in enumerate(panel.symbols):
        quote = quote_currencies.get(symbol, base_currency)
        if quote == base_currency:
            continue
        direct, inverse = f"{quote}-{base_currency}", f"{base_currency}-{quote}"
        if direct in column:
            rate = panel.mark[:, column[direct]]
        elif inverse in column:
            rate = 1.0 / panel.mark[:, column[inverse]]
        else:
            raise FxError(
                f"{symbol} is quoted in {quote} but the run has no {direct} or {inverse} "
                f"data to value it in {base_currency}: add one of them to a market, or set "
                f"the market's quote_currency: {base_currency} to value {quote} at par"
            )
        scale[:, n] *= rate
    return scale
