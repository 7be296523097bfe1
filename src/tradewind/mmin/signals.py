"""The MMIN's own signals at the latest bar, each checked against correlated markets.

Two sources: a symbol's trend (its momentum score, when strong enough) and lead-lag
(a significant leader moved over the last `lag` bars, so its follower is expected to
move the same way times the sign of their correlation). Every signal is then counted
against the other market classes exactly as the engine's confirmation does
(`tradewind.signals.confirmation`), and its confidence adjusted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from tradewind.domain.market import MarketClass
from tradewind.mmin.results import MarketSignal
from tradewind.signals.confirmation import confirmation_confidence

__all__ = ["MIN_MOMENTUM", "cross_market_signals"]

MIN_MOMENTUM = 0.2
"""|momentum_score| below which a symbol's trend gives no signal."""
LEAD_MOVE_Z = 1.0
"""A leader's move over the lag, in trailing standard deviations, that counts."""


def cross_market_signals(
    closes: pd.DataFrame,
    classes: Mapping[str, MarketClass],
    conditions: pd.DataFrame,
    corr: pd.DataFrame,
    lead_lag: pd.DataFrame | None,
    *,
    required: int,
    threshold: float,
    min_confidence: float = 0.0,
) -> list[MarketSignal]:
    """Signals at the last row of `closes` (see module docstring), strongest first.

    `conditions` is indexed by symbol with `momentum_score` and `trend_strength`;
    `corr` is the latest correlation matrix; `lead_lag` the significant pairs (or None).
    """
    views = _trend_views(conditions)
    signals = [
        _signal(symbol, "trend", direction, confidence, None)
        for symbol, (direction, confidence) in views.items()
    ]
    if lead_lag is not None and len(lead_lag):
        signals.extend(_lead_lag_signals(closes, lead_lag))
    counts = _agreeing_markets(signals, views, classes, corr, threshold)
    out = []
    for signal, agreeing in zip(signals, counts, strict=True):
        adjusted = float(
            confirmation_confidence(np.array([signal.confidence]), np.array([agreeing]), required)[
                0
            ]
        )
        if adjusted >= min_confidence:
            out.append(
                dataclasses.replace(
                    signal,
                    market=classes[signal.symbol].value,
                    agreeing_markets=int(agreeing),
                    confirmed=bool(agreeing >= required),
                    adjusted_confidence=round(adjusted, 4),
                )
            )
    return sorted(out, key=lambda s: (-s.adjusted_confidence, s.symbol))


def _trend_views(conditions: pd.DataFrame) -> dict[str, tuple[int, float]]:
    views: dict[str, tuple[int, float]] = {}
    for symbol, row in conditions.iterrows():
        momentum = float(row["momentum_score"])
        if not np.isfinite(momentum) or abs(momentum) < MIN_MOMENTUM:
            continue
        trend = float(row["trend_strength"]) if np.isfinite(row["trend_strength"]) else 0.0
        views[str(symbol)] = (1 if momentum > 0 else -1, abs(momentum) * (0.5 + 0.5 * trend))
    return views


def _lead_lag_signals(closes: pd.DataFrame, pairs: pd.DataFrame) -> list[MarketSignal]:
    logs = pd.DataFrame(
        np.log(closes.where(closes > 0)), index=closes.index, columns=closes.columns
    )
    vol = logs.diff().iloc[-60:].std()
    out = []
    for leader, follower, lag, corr in zip(
        pairs["leader"].astype(str),
        pairs["follower"].astype(str),
        pairs["lag"].astype(int),
        pairs["correlation"].astype(float),
        strict=True,
    ):
        move = float(logs[leader].iloc[-1] - logs[leader].iloc[-1 - lag])
        scale = float(vol[leader]) * np.sqrt(lag)
        if not (np.isfinite(move) and scale > 0) or abs(move) < LEAD_MOVE_Z * scale:
            continue
        direction = int(np.sign(move) * np.sign(corr))
        out.append(_signal(follower, "lead_lag", direction, abs(corr), leader))
    return out


def _signal(
    symbol: str, source: Literal["trend", "lead_lag"], direction: int, confidence: float,
    leader: str | None,
) -> MarketSignal:  # fmt: skip
    return MarketSignal(
        symbol=symbol,
        source=source,
        direction="long" if direction > 0 else "short",
        sign=direction,
        confidence=round(float(min(confidence, 1.0)), 4),
        leader=leader,
    )


def _agreeing_markets(
    signals: list[MarketSignal],
    views: Mapping[str, tuple[int, float]],
    classes: Mapping[str, MarketClass],
    corr: pd.DataFrame,
    threshold: float,
) -> np.ndarray:
    """Per signal: other market classes holding a correlated symbol whose view agrees
    (vectorized: signals x symbols masks, then distinct classes via a one-hot product)."""
    if not signals:
        return np.zeros(0, dtype=np.int64)
    symbols = [str(c) for c in corr.columns]
    position = {s: i for i, s in enumerate(symbols)}
    markets = sorted({classes[s] for s in symbols})
    market_of = np.array([markets.index(classes[s]) for s in symbols])
    view = np.array([views.get(s, (0, 0.0))[0] for s in symbols], dtype=np.int64)
    rows = np.array([position.get(sig.symbol, -1) for sig in signals])
    wanted = np.array([sig.sign for sig in signals], dtype=np.int64)
    c = np.nan_to_num(corr.to_numpy(dtype=np.float64)[np.clip(rows, 0, None)], nan=0.0)
    agree = (
        (np.abs(c) >= threshold)
        & (view[None, :] * np.sign(c).astype(np.int64) == wanted[:, None])
        & (view[None, :] != 0)
        & (market_of[None, :] != market_of[np.clip(rows, 0, None)][:, None])
    )
    agree[rows < 0] = False
    one_hot = np.eye(len(markets), dtype=np.int64)[market_of]
    counts: np.ndarray = ((agree.astype(np.int64) @ one_hot) > 0).sum(axis=1)
    return counts
