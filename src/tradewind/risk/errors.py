"""The error risk raises for unusable limits, rules or persisted state."""

from __future__ import annotations

from tradewind.domain.errors import TradewindError

__all__ = ["RiskConfigError"]


class RiskConfigError(TradewindError):
    """A limit, trading-hours rule, reset time or saved risk state is unusable.

    The message names the field and says what was expected and what was found.
    """
