"""`tradewind analyze` through `app`: the multi-market intelligence over a config (or
every bundled market), its HTML report and its JSON form.

Each function imports the MMIN stack when it is called.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tradewind.domain.errors import TradewindError

if TYPE_CHECKING:
    from tradewind.mmin.results import AnalysisResult as AnalysisResult

__all__ = ["analysis_json", "analyze_markets", "write_analysis_report"]


def analyze_markets(
    config_path: Path | None,
    *,
    timeframe: str,
    limit: int,
    level: str | None = None,
    catalog_dir: Path | None = None,
) -> AnalysisResult:
    """Run the MMIN analysis over the config's markets (all bundled ones without a
    config) on the latest `limit` bars of `timeframe`; `level` overrides the config's
    intelligence level (basic, advanced or god_mode, any case).

    Raises:
        TradewindError: an unknown `level`; ConfigError for a bad config file.
    """
    from tradewind.config import IntelligenceLevel, load_config
    from tradewind.data.catalog import Catalog
    from tradewind.mmin.engine import MMINEngine

    loaded = load_config(config_path) if config_path is not None else None
    engine = MMINEngine(config=loaded, catalog=Catalog(catalog_dir) if catalog_dir else None)
    if level is not None:
        choices = [lv.value for lv in IntelligenceLevel]
        if level.lower() not in choices:
            raise TradewindError(f"--level {level!r}: expected one of {', '.join(choices)}")
        engine.settings = engine.settings.model_copy(
            update={"intelligence_level": IntelligenceLevel(level.lower())}
        )
    return engine.analyze_markets(timeframe=timeframe, limit=limit)


def write_analysis_report(path: Path, result: AnalysisResult) -> Path:
    """Write the HTML report of `result` to `path`; returns the path written."""
    from tradewind.mmin.report import write_analysis_report as write

    return write(path, result)


def analysis_json(result: AnalysisResult) -> Any:
    """`result` as JSON-compatible data (what `--json` writes)."""
    from tradewind.research.evaluation.serialize import result_to_json

    return result_to_json(result)
