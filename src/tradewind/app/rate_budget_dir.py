"""Where the shared per-API-key request budgets live (`venues.ccxt.rate_budget`): one
directory per user, so that every Tradewind process on a key spends one budget."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["RATE_BUDGET_DIR_ENV", "rate_budget_dir"]

RATE_BUDGET_DIR_ENV = "TRADEWIND_RATE_BUDGET_DIR"


def rate_budget_dir() -> Path:
    """`$TRADEWIND_RATE_BUDGET_DIR`, else `tradewind-rate-budget-<uid>` in the user's
    runtime directory (`$XDG_RUNTIME_DIR`, `$TMPDIR` or /tmp)."""
    chosen = os.environ.get(RATE_BUDGET_DIR_ENV)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_RUNTIME_DIR") or os.environ.get("TMPDIR") or "/tmp"
    return Path(base) / f"tradewind-rate-budget-{os.getuid()}"
