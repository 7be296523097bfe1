"""The promotion gate: advisory -> paper -> operator one stage at a time, operator only
on the paper runs' evidence (or an override with a reason), demotion always, every move
journaled with its evidence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.store import conftest as store_conftest

from tradewind.app.promotion import (
    PromotionError,
    promote,
    promotion_evidence,
    stage_of,
)
from tradewind.config import TradewindConfig, load_config
from tradewind.store import EquityRecord, FillRecord, Journal, OrderRecord, client_order_id
from tradewind.store.control_records import DriftCheckRecord, PromotionRecord

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"
T0 = datetime(2024, 3, 1, tzinfo=UTC)
CRYPTO = {"enabled": True, "strategies": ["sma_cross", "momentum_v1", "trend_following_v1"]}
pg_url = store_conftest.pg_url  # a fresh PostgreSQL schema (skipped without a server)


@pytest.fixture(scope="module")
def config() -> TradewindConfig:
    """crypto (sma_cross, momentum_v1, trend_following_v1), equities, commodities, bonds;
    risk.global.max_drawdown_pct 20; promotion defaults: 14 days, 20 fills, drift check."""
    return load_config(EXAMPLE, apply_env=False)


@pytest.fixture(params=store_conftest.BACKENDS)
def journal(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Journal]:
    target = (
        str(tmp_path / "journal.sqlite")
        if request.param == "sqlite"
        else str(request.getfixturevalue("pg_url"))
    )
    with Journal.open(target) as opened:
        yield opened


def paper_run(
    journal: Journal,
    *,
    start_day: float = 0.0,
    days: float = 15.0,
    fills: int = 25,
    equity: tuple[float, ...] = (100_000.0, 101_000.0, 99_000.0, 102_000.0),
    strategies: str = "sma_cross",
    drift_within: bool | None = True,
    markets: dict[str, object] | None = None,
    mode: str = "paper",
) -> str:
    """A journaled run of `mode` trading crypto: equity points spread over `days` from
    T0 + `start_day`, `fills` crypto fills of orders by `strategies`, and a drift check
    of crypto (within bounds or not; None: no check)."""
    run_id = journal.start_run(mode, {"markets": markets or {"crypto": CRYPTO}})
    first = T0 + timedelta(days=start_day)
    step = timedelta(days=days / max(len(equity) - 1, 1))
    journal.record_equity(run_id, [
        EquityRecord(ts=first + i * step, equity=value, cash=value, gross_exposure=0,
                     net_exposure=0, leverage=0.0, drawdown=0.0)
        for i, value in enumerate(equity)
    ])  # fmt: skip
    journal.record_orders(run_id, [
        OrderRecord(seq=i, ts_created=first, market="crypto", symbol="BTC-USD", side="buy",
                    order_type="market", quantity=1, strategies=strategies)
        for i in range(fills)
    ])  # fmt: skip
    journal.record_fills(run_id, [
        FillRecord(trade_id=f"{run_id}-{i}", venue="SIM",
                   client_order_id=client_order_id(run_id, i), ts=first, market="crypto",
                   symbol="BTC-USD", side="buy", qty=1, price=100)
        for i in range(fills)
    ])  # fmt: skip
    if drift_within is not None:
        journal.record_drift_check(check(run_id, within=drift_within))
    return run_id


def check(run_id: str, *, within: bool, market: str = "crypto") -> DriftCheckRecord:
    breaches = () if within else ("fill_gap_pct",)
    metrics = {"fill_gap_pct": 0.0 if within else 50.0}
    return DriftCheckRecord(run_id, market, 50, metrics, breaches, within)


def at_stage(journal: Journal, stage: str, strategy: str = "*") -> None:
    journal.record_promotion(
        PromotionRecord("crypto", strategy, "advisory", stage, {}, False, "tester", "setup")
    )


# -- stages ---------------------------------------------------------------------------


def test_a_market_without_promotions_is_at_advisory(journal: Journal) -> None:
    assert stage_of(journal, "crypto") == "advisory"
    assert stage_of(journal, "crypto", "sma_cross") == "advisory"


def test_promoting_to_paper_needs_only_advisory_and_journals_the_evidence(
    journal: Journal, config: TradewindConfig
) -> None:
    outcome = promote(journal, config, "crypto", "paper", user="ana")
    assert outcome.promoted
    assert stage_of(journal, "crypto") == "paper"
    (record,) = journal.promotions("crypto")
    assert (record.from_stage, record.to_stage, record.user) == ("advisory", "paper", "ana")
    assert record.override is False
    assert record.evidence["met"] is False  # no paper run yet: journaled all the same
    assert {c["name"] for c in record.evidence["criteria"]} == {
        "paper_days", "paper_fills", "max_drawdown_pct", "drift_check"
    }  # fmt: skip


def test_skipping_a_stage_is_refused_as_bad_input(
    journal: Journal, config: TradewindConfig
) -> None:
    paper_run(journal)
    with pytest.raises(PromotionError, match="at advisory: promote it to paper before operator"):
        promote(journal, config, "crypto", "operator", override=True, reason="trust me")
    assert journal.promotions() == []


def test_promoting_to_the_stage_it_is_at_is_bad_input(
    journal: Journal, config: TradewindConfig
) -> None:
    at_stage(journal, "paper")
    with pytest.raises(PromotionError, match="already at paper"):
        promote(journal, config, "crypto", "paper")


@pytest.mark.parametrize(
    ("market", "strategy", "stage", "message"),
    [
        ("metals", "*", "paper", "unknown market 'metals'"),
        ("crypto", "breakout_v1", "paper", "unknown strategy 'breakout_v1' for market crypto"),
        ("crypto", "*", "live", "unknown stage 'live'"),
    ],
)
def test_unknown_market_strategy_or_stage_is_bad_input(
    journal: Journal, config: TradewindConfig, market: str, strategy: str, stage: str,
    message: str,
) -> None:  # fmt: skip
    with pytest.raises(PromotionError, match=message):
        promote(journal, config, market, stage, strategy)


def test_operator_is_refused_without_the_evidence_and_nothing_is_written(
    journal: Journal, config: TradewindConfig
) -> None:
    at_stage(journal, "paper")
    paper_run(journal, fills=5)
    outcome = promote(journal, config, "crypto", "operator")
    assert not outcome.promoted
    assert outcome.evidence.unmet == ("paper_fills",)
    assert "refused: crypto stays at paper; not met: paper_fills" in outcome.decision
    assert len(journal.promotions()) == 1
    assert stage_of(journal, "crypto") == "paper"


def test_operator_is_granted_when_every_criterion_is_met(
    journal: Journal, config: TradewindConfig
) -> None:
    at_stage(journal, "paper")
    run_id = paper_run(journal)
    outcome = promote(journal, config, "crypto", "operator", user="ana")
    assert outcome.promoted, outcome.decision
    assert outcome.decision == "promoted crypto from paper to operator"
    record = journal.promotions()[-1]
    assert (record.to_stage, record.override) == ("operator", False)
    assert record.evidence["runs"] == [run_id]
    assert record.evidence["met"] is True
    assert stage_of(journal, "crypto") == "operator"


def test_an_override_needs_a_reason(journal: Journal, config: TradewindConfig) -> None:
    at_stage(journal, "paper")
    with pytest.raises(PromotionError, match="an override needs a reason"):
        promote(journal, config, "crypto", "operator", override=True, reason="  ")
    assert len(journal.promotions()) == 1


def test_an_override_is_journaled_with_the_evidence_as_found(
    journal: Journal, config: TradewindConfig
) -> None:
    at_stage(journal, "paper")
    paper_run(journal, days=2.0)
    outcome = promote(journal, config, "crypto", "operator", override=True,
                      reason="desk approved a short trial", user="ana")  # fmt: skip
    assert outcome.promoted
    assert "by override (not met: paper_days)" in outcome.decision
    record = journal.promotions()[-1]
    assert record.override is True
    assert record.reason == "desk approved a short trial"
    days = next(c for c in record.evidence["criteria"] if c["name"] == "paper_days")
    assert days == {"name": "paper_days", "required": ">= 14 days", "found": "2.00 days",
                    "met": False}  # fmt: skip


def test_demotion_to_any_lower_stage_is_always_allowed_and_journaled(
    journal: Journal, config: TradewindConfig
) -> None:
    at_stage(journal, "operator")
    outcome = promote(journal, config, "crypto", "advisory", reason="drift")
    assert outcome.promoted
    assert outcome.decision == "demoted crypto from operator to advisory"
    record = journal.promotions()[-1]
    assert (record.from_stage, record.to_stage, record.override) == ("operator", "advisory", False)
    assert stage_of(journal, "crypto") == "advisory"


def test_the_latest_record_of_the_strategy_or_its_market_gives_the_stage(
    journal: Journal, config: TradewindConfig
) -> None:
    at_stage(journal, "paper")
    promote(journal, config, "crypto", "advisory", "momentum_v1")
    assert stage_of(journal, "crypto", "momentum_v1") == "advisory"
    assert stage_of(journal, "crypto", "sma_cross") == "paper"
    assert stage_of(journal, "crypto") == "paper"
    at_stage(journal, "operator")  # a later move of the whole market covers the strategy
    assert stage_of(journal, "crypto", "momentum_v1") == "operator"


# -- evidence -------------------------------------------------------------------------


def test_paper_days_count_overlapping_runs_once(journal: Journal, config: TradewindConfig) -> None:
    paper_run(journal, start_day=0, days=10)
    paper_run(journal, start_day=5, days=10)  # days 5..15: 5 new days
    paper_run(journal, start_day=1, days=3)  # inside the first run: nothing new
    paper_run(journal, start_day=30, days=2)
    evidence = promotion_evidence(journal, config, "crypto")
    assert evidence.paper_days == pytest.approx(17.0)
    assert evidence.fills == 100


def test_only_paper_runs_that_trade_the_market_count(
    journal: Journal, config: TradewindConfig
) -> None:
    kept = paper_run(journal, fills=3)
    paper_run(journal, fills=7, mode="backtest")
    paper_run(journal, fills=11, markets={"equities": {"enabled": True, "strategies": []}})
    paper_run(journal, fills=13, markets={"crypto": {**CRYPTO, "enabled": False}})
    evidence = promotion_evidence(journal, config, "crypto")
    assert evidence.runs == (kept,)
    assert evidence.fills == 3


def test_a_strategy_counts_only_the_fills_of_its_orders(
    journal: Journal, config: TradewindConfig
) -> None:
    paper_run(journal, fills=4, strategies="sma_cross,momentum_v1")
    paper_run(journal, fills=6, strategies="trend_following_v1")
    assert promotion_evidence(journal, config, "crypto", "momentum_v1").fills == 4
    assert promotion_evidence(journal, config, "crypto", "trend_following_v1").fills == 6
    assert promotion_evidence(journal, config, "crypto").fills == 10


@pytest.mark.parametrize(
    ("equity", "limit", "met"),
    [
        ((100.0, 120.0, 96.0, 130.0), None, True),  # 20% from the peak of 120: at the limit
        ((100.0, 120.0, 95.0, 130.0), None, False),  # 20.8%
        ((100.0, 120.0, 96.0, 130.0), 10.0, False),  # operator.promotion.max_drawdown_pct
    ],
)
def test_drawdown_is_held_to_the_promotion_limit_else_the_global_risk_limit(
    journal: Journal, config: TradewindConfig, equity: tuple[float, ...], limit: float | None,
    met: bool,
) -> None:  # fmt: skip
    paper_run(journal, equity=equity)
    operator = config.operator.model_copy(
        update={"promotion": config.operator.promotion.model_copy(
            update={"max_drawdown_pct": limit})}
    )  # fmt: skip
    evidence = promotion_evidence(journal, config.model_copy(update={"operator": operator}),
                                  "crypto")  # fmt: skip
    drawdown = next(c for c in evidence.criteria if c.name == "max_drawdown_pct")
    assert drawdown.met is met


def test_the_minimums_are_met_at_their_boundary(journal: Journal, config: TradewindConfig) -> None:
    paper_run(journal, days=14.0, fills=20)
    evidence = promotion_evidence(journal, config, "crypto")
    assert evidence.paper_days == pytest.approx(14.0)
    assert evidence.met, evidence.criteria


def test_the_latest_drift_check_of_each_run_must_be_within_bounds(
    journal: Journal, config: TradewindConfig
) -> None:
    run_id = paper_run(journal, drift_within=False)
    assert promotion_evidence(journal, config, "crypto").unmet == ("drift_check",)
    journal.record_drift_check(check(run_id, within=True))  # the latest one counts
    assert promotion_evidence(journal, config, "crypto").met
    journal.record_drift_check(check(run_id, within=False, market="equities"))  # other market
    assert promotion_evidence(journal, config, "crypto").met


def test_no_drift_check_fails_the_gate_unless_not_required(
    journal: Journal, config: TradewindConfig
) -> None:
    paper_run(journal, drift_within=None)
    evidence = promotion_evidence(journal, config, "crypto")
    drift = next(c for c in evidence.criteria if c.name == "drift_check")
    assert (drift.found, drift.met) == ("no drift check", False)
    operator = config.operator.model_copy(
        update={"promotion": config.operator.promotion.model_copy(
            update={"require_drift_check": False})}
    )  # fmt: skip
    relaxed = config.model_copy(update={"operator": operator})
    assert promotion_evidence(journal, relaxed, "crypto").met
