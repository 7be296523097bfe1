"""The ground truth of a synthetic market plan: regimes, lead-lag pairs, breaks, groups."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from tradewind.data.synthetic.grids import BarGrid
from tradewind.data.synthetic.plan_records import SymbolDraft, SymbolPlan
from tradewind.data.synthetic.spec import REGIME_PARAMS, SyntheticSpec
from tradewind.data.synthetic.truth import (
    CalendarGroupTruth,
    CorrelationBreak,
    LeadLagPair,
    RegimeSpan,
    SymbolTruth,
    SyntheticTruth,
    VolatilityModel,
)
from tradewind.domain.calendar_codes import CALENDAR_24_7

__all__ = ["market_truth"]


def _utc(ns: int) -> datetime:
    # Bar times are whole seconds (timeframes are whole minutes).
    return datetime.fromtimestamp(ns // 1_000_000_000, tz=UTC)


def market_truth(
    spec: SyntheticSpec,
    plans: tuple[SymbolPlan, ...],
    drafts: list[SymbolDraft],
    grids: dict[str, BarGrid],
    factors: dict[str, int],
    followers: list[int],
    broken: list[int],
    regime_spans: list[tuple[str, int, int]],
) -> SyntheticTruth:
    """What the plan put into the market, to be compared with what analysis finds."""
    master = grids[CALENDAR_24_7]
    step_ns = spec.tf.seconds * 1_000_000_000
    first_ns = int(master.timestamp[0])
    a, b = spec.garch_alpha, spec.garch_beta
    persistence = a + b
    half_life = float(np.log(0.5) / np.log(persistence)) if 0 < persistence < 1 else 0.0
    return SyntheticTruth(
        spec=spec,
        master_calendar=CALENDAR_24_7,
        start_time=_utc(first_ns),
        end_time=_utc(first_ns + spec.n_bars * step_ns),
        regimes=_regime_truth(regime_spans, first_ns, step_ns),
        lead_lag=_lead_lag_truth(plans, drafts, followers),
        breaks=_break_truth(drafts, grids, factors, broken),
        symbols=_symbol_truth(plans, grids),
        groups=_group_truth(plans, drafts, grids, factors),
        volatility=VolatilityModel("garch11", a, b, half_life),
    )


def _regime_truth(
    regime_spans: list[tuple[str, int, int]], first_ns: int, step_ns: int
) -> tuple[RegimeSpan, ...]:
    params = {p.label: p for p in REGIME_PARAMS}
    return tuple(
        RegimeSpan(
            label=label,
            start_bar=start,
            end_bar=end,
            start_time=_utc(first_ns + start * step_ns),
            end_time=_utc(first_ns + (end + 1) * step_ns),
            drift_annual=params[label].drift_annual,
            vol_multiplier=params[label].vol_multiplier,
        )
        for label, start, end in regime_spans
    )


def _lead_lag_truth(
    plans: tuple[SymbolPlan, ...], drafts: list[SymbolDraft], followers: list[int]
) -> tuple[LeadLagPair, ...]:
    return tuple(
        LeadLagPair(
            leader=drafts[drafts[f].leader].symbol,
            follower=drafts[f].symbol,
            lag_bars=drafts[f].lag,
            beta=plans[f].beta,
            corr=drafts[f].corr,
            snr=drafts[f].corr ** 2 / (1.0 - drafts[f].corr ** 2),
            calendar=drafts[f].calendar,
        )
        for f in followers
    )


def _break_truth(
    drafts: list[SymbolDraft],
    grids: dict[str, BarGrid],
    factors: dict[str, int],
    broken: list[int],
) -> tuple[CorrelationBreak, ...]:
    return tuple(
        CorrelationBreak(
            symbol=drafts[b].symbol,
            factor_symbol=drafts[factors[drafts[b].calendar]].symbol,
            bar=drafts[b].break_bar,
            time=_utc(int(grids[drafts[b].calendar].timestamp[drafts[b].break_bar])),
            corr_before=drafts[b].loading,
            corr_after=drafts[b].loading_after,
            kind="sign_flip" if k % 2 == 0 else "decouple",
            calendar=drafts[b].calendar,
        )
        for k, b in enumerate(broken)
    )


def _symbol_truth(
    plans: tuple[SymbolPlan, ...], grids: dict[str, BarGrid]
) -> tuple[SymbolTruth, ...]:
    return tuple(
        SymbolTruth(
            symbol=p.symbol,
            market=p.market.value,
            calendar=p.calendar,
            quote_type=p.quote_type.value,
            role=p.role,
            annual_vol=p.annual_vol,
            factor_loading=p.loading,
            n_bars=len(grids[p.calendar]),
            start_price=p.start_price,
        )
        for p in plans
    )


def _group_truth(
    plans: tuple[SymbolPlan, ...],
    drafts: list[SymbolDraft],
    grids: dict[str, BarGrid],
    factors: dict[str, int],
) -> tuple[CalendarGroupTruth, ...]:
    return tuple(
        CalendarGroupTruth(
            calendar=cal,
            factor_symbol=drafts[factor].symbol,
            n_bars=len(grids[cal]),
            bars_per_year=grids[cal].bars_per_year,
            symbols=tuple(p.symbol for p in plans if p.calendar == cal),
        )
        for cal, factor in factors.items()
    )
