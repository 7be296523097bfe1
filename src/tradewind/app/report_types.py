"""Result types the command line prints, for its type annotations: `tradewind.cli`
imports them from here (only when type checking), not from the layers below `app`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tradewind.data.ingest import IngestReport as IngestReport
    from tradewind.research.evaluation.capital_eval import CapitalVariant as CapitalVariant
    from tradewind.research.stats import PerformanceStats as PerformanceStats

__all__: list[str] = []
