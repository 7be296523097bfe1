"""`tradewind promote`: the evidence table and the decision; exit 0 promoted, 1 refused,
2 bad input; `--status` shows the stage and the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from tradewind.cli.promote_cmd import promote_command
from tradewind.store import EquityRecord, FillRecord, Journal, OrderRecord, client_order_id
from tradewind.store.control_records import DriftCheckRecord

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backtest.yaml"  # markets crypto, equities, commodities, bonds
T0 = datetime(2024, 3, 1, tzinfo=UTC)

app = typer.Typer()
app.command("promote")(promote_command)


@app.callback()
def _root() -> None:
    """A stand-in for `tradewind` with only `promote` registered."""


@pytest.fixture(autouse=True)
def _clean_environment(clean_environment: None) -> None:
    """No TRADEWIND_* variable of the developer's; the working directory is tmp_path."""


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite"


def promote(journal_path: Path, *args: str) -> Result:
    return CliRunner().invoke(
        app, ["promote", "--config", str(EXAMPLE), "--journal", str(journal_path), *args]
    )


def enough_paper_trading(journal_path: Path, *, fills: int = 25) -> None:
    """A paper run of crypto over 15 days with `fills` fills and a drift check within bounds."""
    with Journal.open(journal_path) as journal:
        run_id = journal.start_run("paper", {"markets": {"crypto": {"strategies": ["sma_cross"]}}})
        journal.record_equity(run_id, [
            EquityRecord(ts=T0 + timedelta(days=d), equity=1e5 + d, cash=1e5, gross_exposure=0,
                         net_exposure=0, leverage=0.0, drawdown=0.0)
            for d in (0, 15)
        ])  # fmt: skip
        journal.record_orders(run_id, [
            OrderRecord(seq=i, ts_created=T0, market="crypto", symbol="BTC-USD", side="buy",
                        order_type="market", quantity=1, strategies="sma_cross")
            for i in range(fills)
        ])  # fmt: skip
        journal.record_fills(run_id, [
            FillRecord(trade_id=f"t{i}", venue="SIM", client_order_id=client_order_id(run_id, i),
                       ts=T0, market="crypto", symbol="BTC-USD", side="buy", qty=1, price=100)
            for i in range(fills)
        ])  # fmt: skip
        journal.record_drift_check(DriftCheckRecord(run_id, "crypto", 50, {}, (), True))


def promotions(journal_path: Path) -> list[tuple[str, str, bool]]:
    with Journal.open(journal_path) as journal:
        return [(r.strategy, str(r.to_stage), r.override) for r in journal.promotions()]


def test_promoting_to_paper_prints_the_evidence_and_exits_0(journal_path: Path) -> None:
    result = promote(journal_path, "--market", "crypto", "--to", "paper")
    assert result.exit_code == 0, result.output
    assert "evidence for crypto (0 paper runs)" in result.stdout
    for header in ("criterion", "required", "found", "met"):
        assert header in result.stdout
    assert "paper_days" in result.stdout
    assert ">= 14 days" in result.stdout
    assert "promoted crypto from advisory to paper" in result.stdout
    assert promotions(journal_path) == [("*", "paper", False)]


def test_operator_without_the_evidence_is_refused_with_exit_1(journal_path: Path) -> None:
    enough_paper_trading(journal_path, fills=3)
    assert promote(journal_path, "--market", "crypto", "--to", "paper").exit_code == 0
    result = promote(journal_path, "--market", "crypto", "--to", "operator")
    assert result.exit_code == 1, result.output
    assert "refused: crypto stays at paper; not met: paper_fills" in result.stdout
    assert promotions(journal_path) == [("*", "paper", False)]


def test_operator_with_the_evidence_exits_0(journal_path: Path) -> None:
    enough_paper_trading(journal_path)
    promote(journal_path, "--market", "crypto", "--to", "paper")
    result = promote(journal_path, "--market", "crypto", "--to", "operator")
    assert result.exit_code == 0, result.output
    assert "promoted crypto from paper to operator" in result.stdout
    assert promotions(journal_path)[-1] == ("*", "operator", False)


def test_an_override_with_a_reason_is_journaled_and_shown_by_status(journal_path: Path) -> None:
    promote(journal_path, "--market", "crypto", "--to", "paper")
    result = promote(journal_path, "--market", "crypto", "--to", "operator", "--override",
                     "--reason", "desk approved a trial")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "by override" in result.stdout
    assert promotions(journal_path)[-1] == ("*", "operator", True)
    status = promote(journal_path, "--market", "crypto", "--status")
    assert status.exit_code == 0, status.output
    assert status.stdout.startswith("crypto: operator")
    assert "desk approved a trial" in status.stdout
    assert "advisory" in status.stdout
    assert "yes" in status.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--market", "crypto", "--to", "operator"], "promote it to paper before operator"),
        (["--market", "metals", "--to", "paper"], "unknown market 'metals'"),
        (["--market", "crypto", "--to", "live"], "unknown stage 'live'"),
        (["--market", "crypto", "--to", "paper", "--strategy", "nope"], "unknown strategy"),
        (["--market", "crypto", "--to", "paper", "--override"], "--override needs --reason"),
        (["--market", "crypto"], "--to advisory|paper|operator"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    journal_path: Path, args: list[str], message: str
) -> None:
    result = promote(journal_path, *args)
    assert result.exit_code == 2, result.output
    assert "error:" in result.stderr
    assert message in " ".join(result.stderr.split())
    assert not journal_path.exists() or promotions(journal_path) == []


def test_promoting_needs_a_config(journal_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["promote", "--journal", str(journal_path), "--market", "crypto", "--to", "paper"]
    )
    assert result.exit_code == 2
    assert "--config is needed" in result.stderr


def test_status_of_a_market_never_promoted_is_advisory(journal_path: Path) -> None:
    Journal.open(journal_path).close()
    result = promote(journal_path, "--market", "crypto", "--status")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("crypto: advisory")
    assert "no promotion journaled" in result.stdout


def test_status_shows_a_strategy_at_its_own_stage(journal_path: Path) -> None:
    promote(journal_path, "--market", "crypto", "--to", "paper")
    result = promote(journal_path, "--market", "crypto", "--to", "advisory", "--strategy",
                     "momentum_v1")  # fmt: skip
    assert result.exit_code == 0, result.output
    status = promote(journal_path, "--market", "crypto", "--status")
    assert "crypto: paper" in status.stdout
    assert "momentum_v1: advisory" in status.stdout
