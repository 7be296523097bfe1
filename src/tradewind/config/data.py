"""`data`: where the catalog lives, the date range, and how markets are aligned."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from pydantic import Field, model_validator

from tradewind.config.fieldtypes import ConfigModel, Duration, TimeframeField, raise_field_error
from tradewind.config.vocabulary import CaseInsensitiveEnum
from tradewind.domain.timeframe import Timeframe

__all__ = ["AlignmentConfig", "AlignmentPolicy", "DataConfig"]


class AlignmentPolicy(CaseInsensitiveEnum):
    """How bars of markets with different hours meet on one timeline: keep only instants
    every market has (`intersection`), or carry the last closed bar forward (`ffill`)."""

    INTERSECTION = "intersection"
    FFILL = "ffill"


class AlignmentConfig(ConfigModel):
    """Cross-market alignment of bars onto a common timeline."""

    policy: AlignmentPolicy = AlignmentPolicy.FFILL
    max_staleness: Duration = Field(
        default=timedelta(days=3),
        description="Oldest a forward-filled bar may be before the value counts as missing.",
    )
    timeline: TimeframeField = Field(default_factory=lambda: Timeframe.parse("1d"))


class DataConfig(ConfigModel):
    """Historical data: catalog location (relative paths are relative to the working
    directory) and the optional date range, both ends inclusive."""

    catalog_dir: Path = Path("tradewind-data/catalog")
    start: date | None = None
    end: date | None = None
    alignment: AlignmentConfig = Field(default_factory=AlignmentConfig)

    @model_validator(mode="after")
    def _ordered(self) -> DataConfig:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise_field_error(
                "start_after_end",
                f"start {self.start} is after end {self.end}: expected start <= end",
                "start",
                self.start.isoformat(),
            )
        return self
