"""Errors raised by the strategy layer (all `TradewindError`, so the CLI prints one line)."""

from __future__ import annotations

from tradewind.domain.errors import TradewindError

__all__ = ["LookAheadError", "StrategyError"]


class StrategyError(TradewindError):
    """A strategy, its parameters or its output are invalid (unknown name, bad value, ...)."""


class LookAheadError(StrategyError):
    """A strategy's past signals changed when later bars were appended: it peeks ahead."""
