"""Does a pattern learned in one market predict another? Measured on bundled real data.

Method (`evaluate_transfer`), per route source -> target:
1. Every bundled daily series of both markets: scale-free features at each bar
   (`MATCH_FEATURES`, past-only) and the outcome, the sign of the log return over the
   next `horizon_bars` bars, known at the close of bar t + horizon.
2. Walk-forward by calendar year Y of the target: pattern libraries hold only rows whose
   outcome was known before Y began. The transferred prediction for a target bar in Y
   is the majority direction of its `k_neighbors` nearest SOURCE-market patterns; the
   no-transfer baseline is the same vote over the TARGET market's own patterns; the
   naive base rate predicts the majority direction of the target's own past outcomes.
   A year is tested once both libraries hold `min_train_patterns` rows.
3. Hit = predicted direction equals the realized one (a flat outcome counts as down).
   Lift = transferred hit rate minus the baseline's on the same trials, with a 95%
   circular block bootstrap interval over trading dates (blocks of `block_days` dates,
   all symbols of a date together), since overlapping outcomes and co-moving symbols
   make trials dependent.
4. The trials go through `TransferLearningEngine.record_transfer_outcome`, so the
   engine's route confidence (0 unless the lift's interval is above 0) is what the
   evaluation reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from tradewind.data.catalog import Catalog
from tradewind.domain.market import MarketClass
from tradewind.intelligence.returns import IntelligenceInputError
from tradewind.intelligence.transfer import (
    MATCH_FEATURES,
    TransferLearningEngine,
    block_bootstrap_ci,
    extract_features,
    knn_direction,
)

__all__ = [
    "DEFAULT_MARKETS",
    "DEFAULT_ROUTES",
    "RouteResult",
    "TransferEvaluation",
    "evaluate_transfer",
    "market_table",
]

C, E, M, B = (
    MarketClass.CRYPTO,
    MarketClass.EQUITIES,
    MarketClass.COMMODITIES,
    MarketClass.BONDS,
)

DEFAULT_MARKETS: Final[Mapping[MarketClass, tuple[str, ...]]] = {
    C: ("BTC-USD", "ETH-USD", "LTC-USD"),
    E: (
        "SPX",
        "COMP",
        "SPY",
        "DIA",
        "MSFT",
        "JPM",
        "XOM",
        "AAPL",
        "XLE",
        "XLF",
        "XLK",
        "EEM",
        "EFA",
    ),
    M: ("WTI",),
    B: ("TLT", "IEF", "LQD"),
}
"""Bundled daily price series per market (the yield series UST* are left out: not prices)."""

DEFAULT_ROUTES: Final = ((C, E), (E, C), (E, M), (M, E), (E, B), (B, E))


@dataclass(frozen=True, slots=True)
class RouteResult:
    """Out-of-sample figures of one route (hit rates in [0, 1], lifts in hit-rate points)."""

    source: MarketClass
    target: MarketClass
    test_start: str
    test_end: str
    n_trials: int
    n_dates: int
    transfer_hit_rate: float
    own_hit_rate: float
    base_rate_hit_rate: float
    lift_vs_own: float
    lift_vs_own_ci: tuple[float, float]
    lift_vs_base_rate: float
    lift_vs_base_rate_ci: tuple[float, float]
    significant: bool
    engine_confidence: float

    @property
    def name(self) -> str:
        return f"{self.source}->{self.target}"

    def line(self) -> str:
        low, high = self.lift_vs_own_ci
        blow, bhigh = self.lift_vs_base_rate_ci
        if self.significant:
            verdict = f"significant, confidence {self.engine_confidence:.3f}"
        elif high < 0:
            verdict = "significantly worse than no transfer: route confidence set to 0"
        else:
            verdict = "no significant lift: route confidence set to 0"
        return (
            f"{self.name:24s} {self.test_start}..{self.test_end} n={self.n_trials:5d} "
            f"transfer {self.transfer_hit_rate:.3f} own {self.own_hit_rate:.3f} "
            f"base {self.base_rate_hit_rate:.3f} | lift vs own {self.lift_vs_own:+.3f} "
            f"[{low:+.3f}, {high:+.3f}] vs base {self.lift_vs_base_rate:+.3f} "
            f"[{blow:+.3f}, {bhigh:+.3f}] | {verdict}"
        )


@dataclass(frozen=True, slots=True)
class TransferEvaluation:
    """Every route's result, the settings and the method text."""

    routes: tuple[RouteResult, ...]
    horizon_bars: int
    k_neighbors: int
    method: str = field(repr=False)

    def summary(self) -> str:
        return "\n".join(r.line() for r in self.routes)


def market_table(frames: Mapping[str, pd.DataFrame], horizon_bars: int) -> pd.DataFrame:
    """Feature rows of several series with `symbol`, `date` (bar timestamp), `known`
    (timestamp of bar t + horizon, when the outcome is known) and `forward` (log
    return over the horizon). Rows with undefined features or outcome are dropped."""
    parts = []
    for symbol, frame in frames.items():
        features = extract_features(frame)[list(MATCH_FEATURES)]
        close = frame["close"].to_numpy(dtype=np.float64)
        stamps = pd.DatetimeIndex(frame["timestamp"])
        forward = np.full(len(close), np.nan)
        forward[:-horizon_bars] = np.log(close[horizon_bars:] / close[:-horizon_bars])
        known = np.full(len(close), np.datetime64("NaT"), dtype="datetime64[ns]")
        known[:-horizon_bars] = stamps.tz_convert(None).to_numpy()[horizon_bars:]
        part = features.reset_index(drop=True)
        part["symbol"] = symbol
        part["date"] = stamps.tz_convert(None).to_numpy()
        part["known"] = known
        part["forward"] = forward
        parts.append(part.dropna(subset=[*MATCH_FEATURES, "forward"]))
    return pd.concat(parts, ignore_index=True).sort_values(["date", "symbol"], kind="stable")


def evaluate_transfer(
    routes: Sequence[tuple[MarketClass, MarketClass]] = DEFAULT_ROUTES,
    *,
    markets: Mapping[MarketClass, Sequence[str]] = DEFAULT_MARKETS,
    horizon_bars: int = 5,
    k_neighbors: int = 25,
    min_train_patterns: int = 250,
    block_days: int = 20,
    n_boot: int = 2000,
    catalog: Catalog | None = None,
    engine: TransferLearningEngine | None = None,
) -> TransferEvaluation:
    """Walk-forward transfer test of each route on bundled daily data (see module doc).

    Raises:
        DataError: a listed symbol is not in the catalog.
        IntelligenceInputError: a route names a market without series.
    """
    source = catalog or Catalog()
    engine = engine or TransferLearningEngine(block_size=block_days, n_boot=n_boot)
    needed = {m for route in routes for m in route}
    tables = {
        m: market_table(
            {s: source.load_bars(s, market=m, timeframe="1d") for s in markets[m]}, horizon_bars
        )
        for m in needed
    }
    results = tuple(
        _route_result(
            src,
            tgt,
            tables[src],
            tables[tgt],
            engine,
            k_neighbors=k_neighbors,
            min_train=min_train_patterns,
            block_days=block_days,
            n_boot=n_boot,
        )
        for src, tgt in routes
    )
    return TransferEvaluation(
        routes=results,
        horizon_bars=horizon_bars,
        k_neighbors=k_neighbors,
        method=_method_text(
            markets, needed, horizon_bars, k_neighbors, min_train_patterns, block_days
        ),
    )


def _route_result(
    src: MarketClass,
    tgt: MarketClass,
    source: pd.DataFrame,
    target: pd.DataFrame,
    engine: TransferLearningEngine,
    *,
    k_neighbors: int,
    min_train: int,
    block_days: int,
    n_boot: int,
) -> RouteResult:
    columns = list(MATCH_FEATURES)
    hits_transfer, hits_own, hits_base, dates = [], [], [], []
    years = pd.DatetimeIndex(target["date"]).year
    for year in np.unique(years):
        cutoff = np.datetime64(f"{year}-01-01", "ns")
        source_lib = source[source["known"] < cutoff]
        own_lib = target[target["known"] < cutoff]
        if len(source_lib) < min_train or len(own_lib) < min_train:
            continue
        queries = target[years == year]
        actual = np.where(queries["forward"].to_numpy() > 0, 1, -1)
        x = queries[columns].to_numpy()
        transferred = knn_direction(
            source_lib[columns].to_numpy(), source_lib["forward"].to_numpy(), x, k_neighbors
        )
        own = knn_direction(
            own_lib[columns].to_numpy(), own_lib["forward"].to_numpy(), x, k_neighbors
        )
        base = 1 if (own_lib["forward"].to_numpy() > 0).mean() >= 0.5 else -1
        hits_transfer.append(transferred == actual)
        hits_own.append(own == actual)
        hits_base.append(np.full(len(actual), base) == actual)
        dates.append(queries["date"].to_numpy())
    if not dates:
        raise IntelligenceInputError(
            f"route {src}->{tgt}: expected a target year with {min_train} patterns in both "
            "markets before it, found none"
        )
    ht, ho, hb, at = (np.concatenate(a) for a in (hits_transfer, hits_own, hits_base, dates))
    route = engine.record_transfer_outcome((src, tgt), ht, ho, at=at)
    base_ci = block_bootstrap_ci(ht, hb, at, block_size=block_days, n_boot=n_boot)
    return RouteResult(
        source=src,
        target=tgt,
        test_start=str(pd.Timestamp(at.min()).date()),
        test_end=str(pd.Timestamp(at.max()).date()),
        n_trials=len(ht),
        n_dates=len(np.unique(at)),
        transfer_hit_rate=float(ht.mean()),
        own_hit_rate=float(ho.mean()),
        base_rate_hit_rate=float(hb.mean()),
        lift_vs_own=float(ht.mean() - ho.mean()),
        lift_vs_own_ci=(route.lift_ci_low, route.lift_ci_high),
        lift_vs_base_rate=float(ht.mean() - hb.mean()),
        lift_vs_base_rate_ci=base_ci,
        significant=route.significant,
        engine_confidence=route.confidence,
    )


def _method_text(
    markets: Mapping[MarketClass, Sequence[str]],
    used: set[MarketClass],
    horizon: int,
    k: int,
    min_train: int,
    block_days: int,
) -> str:
    listed = "; ".join(f"{m}: {', '.join(markets[m])}" for m in sorted(used))
    return (
        f"Bundled daily bars ({listed}). Outcome: sign of the {horizon}-bar forward log "
        f"return. Walk-forward by target calendar year: libraries hold rows whose outcome "
        f"was known before the year began (at least {min_train} each). Prediction: majority "
        f"of the {k} nearest patterns on standardized scale-free features "
        f"({', '.join(MATCH_FEATURES)}). Transfer = source-market patterns; baseline = "
        "target-market patterns; base rate = the target's majority past direction. Lift "
        f"CIs: 95% circular block bootstrap over dates, blocks of {block_days} dates. A "
        "route whose lift CI over the baseline includes 0 gets engine confidence 0."
    )
