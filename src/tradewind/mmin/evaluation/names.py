"""Names of the intelligence measurements (light, so the CLI can list them in its help)."""

from __future__ import annotations

__all__ = ["EVALUATIONS"]

EVALUATIONS: tuple[str, ...] = ("planted", "regimes", "macro", "transfer", "confirmation")
