"""Promotions and drift checks in the journal (migration 0005).

A promotion moves a market (or one of its strategies) between the stages advisory,
paper and operator, with the evidence it was decided on (`promotions`); a drift check
compares a paper or live run with the backtest of the same period (`drift_checks`).
Both are audit records written on the wall clock, so neither enters a run's digest.

`PromotionLedger` is the part of `Journal` that writes and reads them; the control
channel (`tradewind.store.control_records`) builds on it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from tradewind.store.column_checks import left_out_of_digest
from tradewind.store.column_types import Instant
from tradewind.store.documents import json_document
from tradewind.store.errors import JournalError, UnknownRunError
from tradewind.store.failures import write_failures
from tradewind.store.models import Base, RunRow
from tradewind.store.reads import JournalReader

__all__ = [
    "ALL_STRATEGIES",
    "DriftCheckRecord",
    "DriftCheckRow",
    "PromotionLedger",
    "PromotionRecord",
    "PromotionRow",
    "Stage",
    "checked_text",
]

ALL_STRATEGIES = "*"
"""The `strategy` of a promotion that covers every strategy of the market (and the
`market` of a drift check that covers the whole run)."""

MARKET_CHARS = 32
NAME_CHARS = 64
USER_CHARS = 128
_TEXT_CHARS = 100_000


class Stage(StrEnum):
    """Where a market or strategy stands on the way to live trading."""

    ADVISORY = "advisory"
    PAPER = "paper"
    OPERATOR = "operator"


def checked_text(value: object, what: str, *, limit: int, required: bool = True) -> str:
    """`value` if it is text of at most `limit` characters (and, when `required`, not
    blank).

    Raises:
        JournalError: names `what` and what was expected.
    """
    if not isinstance(value, str):
        raise JournalError(f"invalid {what} {value!r}: expected text")
    if required and not value.strip():
        raise JournalError(f"invalid {what} {value!r}: expected a non-empty value")
    if len(value) > limit:
        raise JournalError(f"invalid {what}: {len(value)} characters, expected at most {limit}")
    return value


def _stage(value: object, what: str) -> Stage:
    try:
        return Stage(str(value).lower())
    except ValueError:
        allowed = ", ".join(stage.value for stage in Stage)
        raise JournalError(f"invalid {what} {value!r}: expected one of {allowed}") from None


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class PromotionRecord:
    """A market (`strategy` `"*"`: all its strategies) moved from one stage to another.

    Attributes:
        market, strategy: what was promoted or demoted.
        from_stage, to_stage: `advisory`, `paper` or `operator` (stored as text).
        evidence: what the decision was based on (a JSON-compatible mapping).
        override: the evidence did not meet the gate and an operator overrode it.
        user, reason: who decided and why.
        id, at: the journal's number and wall-clock time, filled when read back (the
            journal sets both; values given on write are ignored).

    Raises:
        JournalError: an unknown stage, an empty market, strategy or user, a field too long.
    """

    market: str
    strategy: str
    from_stage: str
    to_stage: str
    evidence: dict[str, object]
    override: bool
    user: str
    reason: str
    id: int = 0
    at: datetime | None = None

    def __post_init__(self) -> None:
        checked_text(self.market, "promotion market", limit=MARKET_CHARS)
        checked_text(self.strategy, "promotion strategy", limit=NAME_CHARS)
        object.__setattr__(self, "from_stage", _stage(self.from_stage, "promotion from_stage"))
        object.__setattr__(self, "to_stage", _stage(self.to_stage, "promotion to_stage"))
        checked_text(self.user, "promotion user", limit=USER_CHARS)
        checked_text(self.reason, "promotion reason", limit=_TEXT_CHARS, required=False)
        if not isinstance(self.evidence, Mapping):
            raise JournalError(f"invalid promotion evidence {self.evidence!r}: expected a mapping")
        if not isinstance(self.override, bool):
            raise JournalError(f"invalid promotion override {self.override!r}: expected a bool")


@dataclass(frozen=True, slots=True)
class DriftCheckRecord:
    """A comparison of a run (`market` `"*"`: all its markets) with its backtest.

    Attributes:
        run_id, market: the run compared, and the market (or `"*"`).
        rows: how many rows were compared.
        metrics: metric name to value (NaN allowed: stored as null and read back as
            NaN; infinities are refused).
        breaches: the metrics past their bounds; `within_bounds` is the verdict.
        id, checked_at: the journal's number and wall-clock time, filled when read back
            (the journal sets both; values given on write are ignored).

    Raises:
        JournalError: an empty run id or market, negative rows, a metric that is not a
            number, a breach that is not text.
    """

    run_id: str
    market: str
    rows: int
    metrics: dict[str, float]
    breaches: tuple[str, ...]
    within_bounds: bool
    id: int = 0
    checked_at: datetime | None = None

    def __post_init__(self) -> None:
        checked_text(self.run_id, "drift check run_id", limit=NAME_CHARS)
        checked_text(self.market, "drift check market", limit=MARKET_CHARS)
        if isinstance(self.rows, bool) or not isinstance(self.rows, int) or self.rows < 0:
            raise JournalError(f"invalid drift check rows {self.rows!r}: expected an int >= 0")
        if not isinstance(self.metrics, Mapping):
            raise JournalError(f"invalid drift check metrics {self.metrics!r}: expected a mapping")
        for name, value in self.metrics.items():
            _check_metric(name, value)
        object.__setattr__(self, "breaches", tuple(self.breaches))
        for breach in self.breaches:
            checked_text(breach, "drift check breach", limit=NAME_CHARS)
        if not isinstance(self.within_bounds, bool):
            raise JournalError(
                f"invalid drift check within_bounds {self.within_bounds!r}: expected a bool"
            )


def _check_metric(name: object, value: object) -> None:
    checked_text(name, "drift check metric name", limit=NAME_CHARS)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise JournalError(f"invalid drift check metric {name}: {value!r} is not a number")
    if math.isinf(value):
        raise JournalError(f"invalid drift check metric {name}: {value!r}, expected a finite value")


_AUDIT = {"info": left_out_of_digest()}  # wall-clock audit records, not what was traded
_SERIAL = BigInteger().with_variant(Integer, "sqlite")


class PromotionRow(Base):
    """A promotion or demotion of a market or strategy between stages."""

    __tablename__ = "promotions"
    __table_args__ = (Index(None, "market", "strategy"), _AUDIT)

    promotion_id: Mapped[int] = mapped_column(_SERIAL, primary_key=True)
    at: Mapped[datetime] = mapped_column(Instant())
    market: Mapped[str] = mapped_column(String(MARKET_CHARS))
    strategy: Mapped[str] = mapped_column(String(NAME_CHARS))
    from_stage: Mapped[str] = mapped_column(String(16))
    to_stage: Mapped[str] = mapped_column(String(16))
    evidence_json: Mapped[str] = mapped_column(Text)
    override: Mapped[bool] = mapped_column(Boolean)
    user_name: Mapped[str] = mapped_column(String(USER_CHARS))
    reason: Mapped[str] = mapped_column(Text)


class DriftCheckRow(Base):
    """A drift check of a run (or one of its markets) against its backtest."""

    __tablename__ = "drift_checks"
    __table_args__ = (Index(None, "run_id", "market"), _AUDIT)

    check_id: Mapped[int] = mapped_column(_SERIAL, primary_key=True)
    run_id: Mapped[str] = mapped_column(String(64), ForeignKey("runs.run_id"))
    market: Mapped[str] = mapped_column(String(MARKET_CHARS))
    checked_at: Mapped[datetime] = mapped_column(Instant())
    rows_compared: Mapped[int] = mapped_column(Integer)
    metrics_json: Mapped[str] = mapped_column(Text)
    breaches_json: Mapped[str] = mapped_column(Text)
    within_bounds: Mapped[bool] = mapped_column(Boolean)


class PromotionLedger(JournalReader):
    """Promotions and drift checks (a base of `Journal`). Each write is its own short
    transaction, durable on return, and needs no writer lease."""

    def record_promotion(self, record: PromotionRecord) -> PromotionRecord:
        """Journal a promotion (or demotion); returns it with its `id` and `at`.

        Raises:
            JournalError: evidence with no JSON form, or the journal cannot be written.
        """
        at = _now()
        values = {
            "at": at,
            "market": record.market,
            "strategy": record.strategy,
            "from_stage": str(record.from_stage),
            "to_stage": str(record.to_stage),
            "evidence_json": json_document(record.evidence, what="promotion evidence"),
            "override": record.override,
            "user_name": record.user,
            "reason": record.reason,
        }
        with write_failures(self.label), self.engine.begin() as connection:
            key = connection.execute(insert(PromotionRow).values(values)).inserted_primary_key
        return _promotion(key[0] if key else 0, values)

    def promotions(self, market: str | None = None) -> list[PromotionRecord]:
        """Every promotion (of `market`, if given), oldest first."""
        query = select(PromotionRow).order_by(PromotionRow.promotion_id)
        if market is not None:
            query = query.where(PromotionRow.market == market)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_promotion(row["promotion_id"], row) for row in rows]

    def record_drift_check(self, record: DriftCheckRecord) -> DriftCheckRecord:
        """Journal a drift check; returns it with its `id` and `checked_at`.

        Raises:
            UnknownRunError: no such run.
            JournalError: the journal cannot be written.
        """
        metrics = {name: None if math.isnan(v) else float(v) for name, v in record.metrics.items()}
        values = {
            "run_id": record.run_id,
            "market": record.market,
            "checked_at": _now(),
            "rows_compared": record.rows,
            "metrics_json": json.dumps(metrics, sort_keys=True, separators=(",", ":")),
            "breaches_json": json.dumps(list(record.breaches), separators=(",", ":")),
            "within_bounds": record.within_bounds,
        }
        with write_failures(self.label), self.engine.begin() as connection:
            known = connection.scalar(select(RunRow.run_id).where(RunRow.run_id == record.run_id))
            if known is None:
                raise UnknownRunError(f"unknown run {record.run_id!r} in drift check")
            key = connection.execute(insert(DriftCheckRow).values(values)).inserted_primary_key
        return _drift_check(key[0] if key else 0, values)

    def drift_checks(self, run_id: str | None = None) -> list[DriftCheckRecord]:
        """Every drift check (of `run_id`, if given), oldest first."""
        query = select(DriftCheckRow).order_by(DriftCheckRow.check_id)
        if run_id is not None:
            query = query.where(DriftCheckRow.run_id == run_id)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_drift_check(row["check_id"], row) for row in rows]


def _promotion(promotion_id: int, row: Mapping[Any, Any]) -> PromotionRecord:
    return PromotionRecord(
        market=row["market"],
        strategy=row["strategy"],
        from_stage=row["from_stage"],
        to_stage=row["to_stage"],
        evidence=json.loads(row["evidence_json"]),
        override=bool(row["override"]),
        user=row["user_name"],
        reason=row["reason"],
        id=int(promotion_id),
        at=row["at"],
    )


def _drift_check(check_id: int, row: Mapping[Any, Any]) -> DriftCheckRecord:
    metrics = json.loads(row["metrics_json"])
    return DriftCheckRecord(
        run_id=row["run_id"],
        market=row["market"],
        rows=int(row["rows_compared"]),
        metrics={name: math.nan if v is None else float(v) for name, v in metrics.items()},
        breaches=tuple(json.loads(row["breaches_json"])),
        within_bounds=bool(row["within_bounds"]),
        id=int(check_id),
        checked_at=row["checked_at"],
    )
