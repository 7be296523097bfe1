"""Monthly drivers of the macro regime model, each known at its decision month.

Timing convention (every driver and baseline follows it): the decision for month `t` is
taken at the end of month `t`.

* Macro (FRED) values are published after their month ends (rates and spreads are
  monthly averages known at month end; UNRATE and PAYEMS come out on the first Friday
  of the next month, CPI and INDPRO in its middle), so the value for month `m` is used
  from month `m + 1` on: the macro row labelled `t` holds values of month `t - 1`.
* Daily market closes are used through the last day of month `t` (or the last bar
  given, when the decision is taken mid-month).

Every driver is a backward-looking function of its inputs, so truncating the inputs
after a decision date cannot change the drivers on or before it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from tradewind.domain.market import MarketClass, QuoteType
from tradewind.intelligence.returns import IntelligenceInputError

__all__ = [
    "MACRO_DRIVER_INPUTS",
    "RECESSION_MODEL_FEATURES",
    "YIELD_UNIT_TO_PP",
    "decision_month",
    "macro_drivers",
    "market_drivers",
    "monthly_index",
    "sahm_gap",
    "term_spread_min12",
]

MONTHS_PER_YEAR = 12
TRADING_DAYS_PER_YEAR = 252
DRAWDOWN_WINDOW_DAYS = 252
VOL_WINDOW_DAYS = 63
STALE_LIMIT_BARS = 5
YIELD_UNIT_TO_PP: Mapping[str, float] = {"percent": 1.0, "fraction": 100.0}

MACRO_DRIVER_INPUTS: Mapping[str, tuple[str, ...]] = {
    "term_spread_pp": ("GS10", "TB3MS"),
    "term_spread_min12_pp": ("GS10", "TB3MS"),
    "sahm_gap_pp": ("UNRATE",),
    "payrolls_6m_pct": ("PAYEMS",),
    "indpro_6m_pct": ("INDPRO",),
    "credit_spread_pp": ("BAA", "AAA"),
    "credit_spread_chg6_pp": ("BAA", "AAA"),
    "cpi_yoy_pct": ("CPIAUCSL",),
    "inflation_gap_pp": ("CPIAUCSL",),
    "oil_6m_pct": ("MCOILWTICO",),
    "usd_6m_pct": ("TWEXBMTH",),
    "gs10_chg6_pp": ("GS10",),
    "financial_stress": ("KCFSI",),
}
"""Each macro driver and the FRED series it needs (all of them)."""

RECESSION_MODEL_FEATURES: tuple[str, ...] = (
    "term_spread_pp",
    "term_spread_min12_pp",
    "sahm_gap_pp",
    "payrolls_6m_pct",
    "indpro_6m_pct",
    "credit_spread_pp",
    "credit_spread_chg6_pp",
)
"""Inputs of the recession logit, chosen from the literature before looking at results
(term spread: Estrella and Mishkin; unemployment gap: Sahm; payrolls and industrial
production: the NBER's coincident indicators; credit spread: Gilchrist and Zakrajšek).
All have FRED history back to the 1950s, so a walk-forward fit starting in 1990 has
seven post-war recessions to learn from."""


def monthly_index(index: pd.Index, what: str) -> pd.DatetimeIndex:
    """Month-start UTC labels of a datetime index (naive stamps are read as UTC).

    Raises:
        IntelligenceInputError: if the index is not datetime-like.
    """
    if not isinstance(index, pd.DatetimeIndex):
        raise IntelligenceInputError(
            f"{what}: expected a DatetimeIndex, found {type(index).__name__}"
        )
    stamps = index.tz_localize("UTC") if index.tz is None else index.tz_convert("UTC")
    months = stamps.tz_localize(None).to_period("M").to_timestamp()
    return pd.DatetimeIndex(months).tz_localize("UTC").as_unit("ns")


def decision_month(instant: pd.Timestamp) -> pd.Timestamp:
    """The month start (UTC) of the month an instant falls in."""
    stamp = instant.tz_localize("UTC") if instant.tzinfo is None else instant.tz_convert("UTC")
    return pd.Timestamp(year=stamp.year, month=stamp.month, day=1, tz="UTC")


def _monthly_macro(macro: pd.DataFrame) -> pd.DataFrame:
    months = monthly_index(macro.index, "macro")
    if months.has_duplicates:
        dup = months[months.duplicated()][0]
        raise IntelligenceInputError(
            f"macro: expected one row per month, found two for {dup:%Y-%m}"
        )
    frame = macro.set_axis(months, axis=0).sort_index()
    try:
        frame = frame.astype("float64")
    except (TypeError, ValueError) as exc:
        raise IntelligenceInputError(f"macro: expected numeric columns ({exc})") from exc
    full = pd.date_range(frame.index[0], frame.index[-1], freq="MS", tz="UTC")
    return frame.reindex(full)


def term_spread_min12(spread: pd.Series) -> pd.Series:
    """Lowest 10y-3m spread over the 12 months ending at each month (NaN until 12 seen)."""
    return spread.rolling(MONTHS_PER_YEAR, min_periods=MONTHS_PER_YEAR).min()


def sahm_gap(unrate: pd.Series) -> pd.Series:
    """3-month average unemployment minus its minimum over the prior 12 months (pp)."""
    average = unrate.rolling(3, min_periods=3).mean()
    prior_min = average.shift(1).rolling(MONTHS_PER_YEAR, min_periods=MONTHS_PER_YEAR).min()
    return average - prior_min


def _log_change_pct(series: pd.Series, months: int) -> pd.Series:
    positive = series.where(series > 0).to_numpy(dtype=np.float64, na_value=np.nan)
    logs = pd.Series(np.log(positive), index=series.index)
    return 100.0 * (logs - logs.shift(months))


def macro_drivers(macro: pd.DataFrame | None) -> pd.DataFrame:
    """Macro drivers by decision month (row `t` holds month `t - 1` values; see module doc).

    Columns are the drivers of `MACRO_DRIVER_INPUTS` whose FRED series are all present;
    the others are left out. Units are in the column names (`_pp` percentage points,
    `_pct` percent log change). Returns an empty frame for `None` or an empty input.

    Raises:
        IntelligenceInputError: non-datetime index, duplicate months, non-numeric values.
    """
    if macro is None or macro.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC"), dtype="float64")
    frame = _monthly_macro(macro)
    cols = {str(c).upper(): frame[c] for c in frame.columns}
    out: dict[str, pd.Series] = {}
    if "GS10" in cols and "TB3MS" in cols:
        spread = cols["GS10"] - cols["TB3MS"]
        out["term_spread_pp"] = spread
        out["term_spread_min12_pp"] = term_spread_min12(spread)
    if "UNRATE" in cols:
        out["sahm_gap_pp"] = sahm_gap(cols["UNRATE"])
    if "PAYEMS" in cols:
        out["payrolls_6m_pct"] = _log_change_pct(cols["PAYEMS"], 6)
    if "INDPRO" in cols:
        out["indpro_6m_pct"] = _log_change_pct(cols["INDPRO"], 6)
    if "BAA" in cols and "AAA" in cols:
        credit = cols["BAA"] - cols["AAA"]
        out["credit_spread_pp"] = credit
        out["credit_spread_chg6_pp"] = credit - credit.shift(6)
    if "CPIAUCSL" in cols:
        yoy = _log_change_pct(cols["CPIAUCSL"], MONTHS_PER_YEAR)
        out["cpi_yoy_pct"] = yoy
        out["inflation_gap_pp"] = yoy - yoy.rolling(36, min_periods=36).mean()
    if "MCOILWTICO" in cols:
        out["oil_6m_pct"] = _log_change_pct(cols["MCOILWTICO"], 6)
    if "TWEXBMTH" in cols:
        out["usd_6m_pct"] = _log_change_pct(cols["TWEXBMTH"], 6)
    if "GS10" in cols:
        out["gs10_chg6_pp"] = cols["GS10"] - cols["GS10"].shift(6)
    if "KCFSI" in cols:
        out["financial_stress"] = cols["KCFSI"]
    drivers = pd.DataFrame(out, index=frame.index, dtype="float64")
    # Publication lag: month m's value becomes usable in decision month m + 1, so the
    # month after the last macro month is still a decision month with known values.
    after_last = frame.index[-1] + pd.offsets.MonthBegin(1)
    extended = drivers.reindex(drivers.index.append(pd.DatetimeIndex([after_last])))
    return extended.shift(1)


_FX_PAIR = re.compile(r"^([A-Z]{3})[-/_]?([A-Z]{3})$")


def _usd_sign(symbol: str) -> float:
    match = _FX_PAIR.match(symbol.upper())
    if match is None:
        return 0.0
    base, quote = match.groups()
    if quote == "USD":
        return -1.0
    if base == "USD":
        return 1.0
    return 0.0


def _basket_log_level(closes: pd.DataFrame) -> pd.Series:
    """Equal-weight basket of daily log returns, cumulated (a log price level).

    NaN on days when no member has a close within the last `STALE_LIMIT_BARS` bars, so a
    series that ended (or has not started) never reads as a flat market.
    """
    values = closes.to_numpy(dtype=np.float64, na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        logs = np.log(np.where(values > 0, values, np.nan))
    filled = pd.DataFrame(logs, index=closes.index).ffill(limit=STALE_LIMIT_BARS)
    alive = filled.notna().any(axis=1).to_numpy()
    mean = filled.diff().mean(axis=1, skipna=True).fillna(0.0).to_numpy()
    level = np.cumsum(mean)
    return pd.Series(np.where(alive, level, np.nan), index=closes.index)


def _month_last(series: pd.Series, months: pd.DatetimeIndex) -> pd.Series:
    """Last non-missing value of each month (NaN for a month with none), every month."""
    full = pd.date_range(months.min(), months.max(), freq="MS", tz="UTC", unit="ns")
    return series.groupby(months).last().reindex(full)


def _price_drivers(
    frame: pd.DataFrame,
    prices: Callable[[MarketClass], list[str]],
    months: pd.DatetimeIndex,
) -> dict[str, pd.Series]:
    """Equity, commodity, crypto, bond-price and volatility-index drivers by month."""
    out: dict[str, pd.Series] = {}
    equities = prices(MarketClass.EQUITIES)
    if equities:
        level = _basket_log_level(frame[equities])
        daily_returns = level.diff()
        monthly = _month_last(level, months)
        out["equity_6m_pct"] = 100.0 * (monthly - monthly.shift(6))
        peak = level.rolling(DRAWDOWN_WINDOW_DAYS, min_periods=20).max()
        out["equity_drawdown_pct"] = _month_last(100.0 * (level - peak), months)
        vol = daily_returns.rolling(VOL_WINDOW_DAYS, min_periods=20).std()
        out["equity_vol_pct"] = _month_last(100.0 * vol * np.sqrt(TRADING_DAYS_PER_YEAR), months)
    for market, name, span in (
        (MarketClass.COMMODITIES, "commodities_6m_pct", 6),
        (MarketClass.CRYPTO, "crypto_3m_pct", 3),
        (MarketClass.BONDS, "bond_prices_6m_pct", 6),
    ):
        symbols = prices(market)
        if symbols:
            monthly = _month_last(_basket_log_level(frame[symbols]), months)
            out[name] = 100.0 * (monthly - monthly.shift(span))
    vol_symbols = prices(MarketClass.VOLATILITY)
    if vol_symbols:
        levels = frame[vol_symbols].ffill(limit=STALE_LIMIT_BARS).mean(axis=1)
        out["volatility_level"] = _month_last(levels, months)
    return out


def _yield_drivers(
    yields_pp: pd.DataFrame, months: pd.DatetimeIndex, term_spread_symbols: Sequence[str]
) -> dict[str, pd.Series]:
    """Mean 6-month yield change and the term spread (when both legs are present), in pp."""
    monthly_yields = yields_pp.ffill(limit=STALE_LIMIT_BARS).apply(_month_last, months=months)
    out = {"yields_chg6_pp": (monthly_yields - monthly_yields.shift(6)).mean(axis=1)}
    long_leg, short_leg = term_spread_symbols
    if long_leg in yields_pp.columns and short_leg in yields_pp.columns:
        out["market_term_spread_pp"] = monthly_yields[long_leg] - monthly_yields[short_leg]
    return out


def market_drivers(
    closes: pd.DataFrame,
    classes: Mapping[str, MarketClass],
    quote_types: Mapping[str, QuoteType] | None = None,
    term_spread_symbols: Sequence[str] = ("UST10Y", "UST3M"),
    yield_unit: str = "percent",
) -> pd.DataFrame:
    """Cross-asset drivers by decision month from a wide daily close frame.

    Symbols without a class in `classes` are ignored. Prices are combined per class
    into an equal-weight basket of daily log returns; yields (`QuoteType.YIELD`) are
    used as level changes in percentage points (`yield_unit` "percent": 2.39 means
    2.39 %; "fraction": 0.0239 means 2.39 %, as the bundled UST series are); forex
    pairs quoted against USD give a USD index (USD base: +return, USD quote: -return).
    Each row uses daily data through the end of its month (or the last bar). Columns
    present depend on the classes given.

    Raises:
        IntelligenceInputError: non-datetime index, non-numeric closes, unknown yield unit.
    """
    if yield_unit not in YIELD_UNIT_TO_PP:
        raise IntelligenceInputError(
            f"yield_unit {yield_unit!r}: expected one of {', '.join(YIELD_UNIT_TO_PP)}"
        )
    if closes.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC"), dtype="float64")
    months = monthly_index(closes.index, "market_data")
    types = dict(quote_types or {})
    by_class: dict[MarketClass, list[str]] = {}
    for symbol in closes.columns:
        market = classes.get(str(symbol))
        if market is not None:
            by_class.setdefault(market, []).append(str(symbol))
    try:
        frame = closes.astype("float64")
    except (TypeError, ValueError) as exc:
        raise IntelligenceInputError(f"market_data: expected numeric closes ({exc})") from exc

    def prices(market: MarketClass) -> list[str]:
        return [s for s in by_class.get(market, []) if types.get(s) is not QuoteType.YIELD]

    out = _price_drivers(frame, prices, months)
    yields = [s for s in closes.columns if types.get(str(s)) is QuoteType.YIELD]
    if yields:
        to_pp = YIELD_UNIT_TO_PP[yield_unit]
        out.update(_yield_drivers(frame[yields] * to_pp, months, term_spread_symbols))
    usd = [(s, _usd_sign(s)) for s in by_class.get(MarketClass.FOREX, []) if _usd_sign(s) != 0]
    if usd:
        signed = pd.DataFrame(
            {s: _basket_log_level(frame[[s]]) * sign for s, sign in usd}, index=frame.index
        ).mean(axis=1)
        monthly = _month_last(signed, months)
        out["market_usd_6m_pct"] = 100.0 * (monthly - monthly.shift(6))
    if not out:
        return pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC"), dtype="float64")
    result = pd.DataFrame(out, dtype="float64")
    result.index = pd.DatetimeIndex(result.index).as_unit("ns")
    return result
