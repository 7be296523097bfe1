"""Settings of the simulated venue: fill model, commissions per market class, slippage."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from tradewind.domain.decimals import DecimalLike, to_decimal
from tradewind.domain.errors import DomainError
from tradewind.domain.market import MarketClass
from tradewind.domain.venue_reports import Balance
from tradewind.execution import CommissionModel, FillModel, commission_params

__all__ = ["CommissionSpec", "SimVenueConfig"]


@dataclass(frozen=True, slots=True)
class CommissionSpec:
    """One commission model and its parameters.

    Attributes:
        model: BPS, PER_SHARE, FX_SPREAD or NONE.
        bps: basis points of notional (BPS).
        per_unit: currency per unit/share/contract (PER_SHARE).
        min_per_order: minimum per fill (PER_SHARE).
        spread: full bid-ask spread in price units; half is paid per fill (FX_SPREAD).

    Raises:
        DomainError: a negative or non-finite parameter.
    """

    model: CommissionModel = CommissionModel.NONE
    bps: float = 0.0
    per_unit: float = 0.0
    min_per_order: float = 0.0
    spread: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "model", CommissionModel(self.model))
        self.params()

    def params(self) -> np.ndarray:
        """The float64 vector `tradewind.execution.commission` reads."""
        return commission_params(
            bps=self.bps,
            per_unit=self.per_unit,
            min_per_order=self.min_per_order,
            spread=self.spread,
        )


@dataclass(frozen=True, slots=True)
class SimVenueConfig:
    """How the simulated venue fills orders.

    Attributes:
        fill_model: NEXT_OPEN (market orders fill at the next bar's open) or
            THIS_CLOSE (at the close of the last bar, when submitted).
        slippage_bps: adverse slippage of market and stop fills, basis points.
        slip_limit_fills: also slip limit fills (take-profits) by `slippage_bps`, as
            the backtest loop's cost model does; off by default, where a limit fills at
            its limit (or a better open). Paper runs turn it on so that paper trades
            the backtest's fills.
        commission: the default commission model.
        commission_by_class: overrides per market class (e.g. FX_SPREAD for forex,
            PER_SHARE for equities).
        venue: the venue name in instrument ids and events.
        max_volume_share: off (None) by default. When set, a fraction in (0, 1]: the
            orders of one instrument together fill at most this share of a bar's
            volume (rounded down to the lot); the rest keeps working on later bars.
            A bar fed without a volume (NaN) caps nothing; a volume of 0 fills nothing.
        starting_balances: cash per currency code at the start; fills move the quote
            currency's balance (notional times multiplier) and commissions.
        trade_id_prefix: put before every trade id (`<prefix><venue>-<n>`); sessions use
            their run id, so runs that share a journal never reuse a trade id.

    Raises:
        DomainError: a negative or non-finite slippage, a volume share outside (0, 1],
            or a bad currency code or amount in `starting_balances`.
    """

    fill_model: FillModel = FillModel.NEXT_OPEN
    slippage_bps: float = 0.0
    slip_limit_fills: bool = False
    commission: CommissionSpec = field(default_factory=CommissionSpec)
    commission_by_class: Mapping[MarketClass, CommissionSpec] = field(default_factory=dict)
    venue: str = "SIM"
    max_volume_share: float | None = None
    starting_balances: Mapping[str, DecimalLike] = field(default_factory=dict)
    trade_id_prefix: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "fill_model", FillModel(self.fill_model))
        if not (math.isfinite(self.slippage_bps) and self.slippage_bps >= 0):
            raise DomainError(
                f"invalid slippage_bps {self.slippage_bps!r}: expected a finite value >= 0"
            )
        share = self.max_volume_share
        if share is not None and not (
            isinstance(share, int | float)
            and not isinstance(share, bool)
            and math.isfinite(share)
            and 0 < share <= 1
        ):
            raise DomainError(
                f"invalid max_volume_share {share!r}: expected None or a fraction in (0, 1]"
            )
        balances = {
            currency: Balance(
                currency, to_decimal(amount, field=f"starting_balances[{currency!r}]")
            ).total
            for currency, amount in dict(self.starting_balances).items()
        }
        object.__setattr__(self, "starting_balances", MappingProxyType(balances))

    def commission_for(self, market_class: MarketClass) -> CommissionSpec:
        """The commission spec of an instrument of `market_class`."""
        return self.commission_by_class.get(market_class, self.commission)
