"""Notices reach apprise URLs from a background thread: rate-limited with a summary of
the excess, denial bursts folded into one notice, a slow receiver never delaying the
trading loop, and URLs (which hold tokens) never shown."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tradewind.app.notifications import (
    Notice,
    Notifier,
    NotifierStats,
    NotifyUrlError,
    daily_summary,
)
from tradewind.config.operator import NoticeKind, NotificationsConfig
from tradewind.domain.errors import TradewindError
from tradewind.store import (
    EquityRecord,
    FillRecord,
    Journal,
    OrderRecord,
    RiskDecisionRecord,
    client_order_id,
)

from .webhook_receiver import WebhookReceiver

SECRET = "s3cr3t-token-4711"


class FakeClock:
    """A monotonic clock the test moves by hand (seconds)."""

    def __init__(self) -> None:
        self.now_s = 1000.0

    def __call__(self) -> float:
        return self.now_s

    def advance(self, seconds: float) -> None:
        self.now_s += seconds


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _notifier(urls: list[str], clock: FakeClock | None = None, **config: object) -> Notifier:
    settings = NotificationsConfig(**config)
    if clock is None:
        return Notifier(urls, settings)
    return Notifier(urls, settings, clock=clock)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fill(title: str = "Filled") -> Notice:
    return Notice(NoticeKind.FILL, title, "buy 0.5 BTC-USD @ 42000", "crypto")


# -- delivery -------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["json", "form"])
def test_a_notice_arrives_with_its_title_body_and_market(
    receiver: WebhookReceiver, scheme: str
) -> None:
    notifier = _notifier([receiver.url(scheme)])
    notifier.notify(Notice(NoticeKind.SHUTDOWN, "HARD stop", "all orders canceled", "crypto"))
    assert notifier.flush()
    (post,) = receiver.posts
    assert (post.title, post.body) == ("crypto: HARD stop", "all orders canceled")
    assert post.fields["type"] == "warning"
    assert notifier.stats == NotifierStats(sent=1)
    notifier.close()


def test_a_kind_left_out_of_the_configured_events_is_not_sent(receiver: WebhookReceiver) -> None:
    notifier = _notifier([receiver.url()], events=[NoticeKind.SHUTDOWN])
    notifier.notify(_fill())
    notifier.notify(Notice(NoticeKind.SHUTDOWN, "SOFT stop", "no new entries"))
    assert notifier.flush()
    assert [post.title for post in receiver.posts] == ["SOFT stop"]
    notifier.close()


def test_notices_past_the_rate_limit_coalesce_into_one_summary_when_budget_frees(
    receiver: WebhookReceiver, clock: FakeClock
) -> None:
    notifier = _notifier([receiver.url()], clock, max_per_minute=3)
    for index in range(3):
        notifier.notify(Notice(NoticeKind.LIVE_START, f"start {index}", "live"))
    for kind in [NoticeKind.FILL] * 3 + [NoticeKind.FEED_DOWN] * 2:
        notifier.notify(Notice(kind, kind.value, "held back"))
    assert not notifier.flush(timeout_s=0.3)  # the summary waits for the budget
    assert [post.title for post in receiver.posts] == ["start 0", "start 1", "start 2"]
    assert notifier.stats.coalesced == 5

    clock.advance(60.5)
    assert notifier.flush()
    summary = receiver.posts[-1]
    assert len(receiver.posts) == 4
    assert summary.title == "5 more notices"
    assert summary.body.startswith("5 more notices: 3 fill, 2 feed_down")
    notifier.close()


def test_a_full_queue_drops_the_oldest_notice_and_counts_it() -> None:
    with WebhookReceiver(delay_s=10) as slow:
        notifier = Notifier([slow.url()], NotificationsConfig(), max_queue=5)
        notifier.notify(_fill("first"))
        slow.wait_for(1)  # the sender is now waiting on the answer
        for index in range(7):
            notifier.notify(_fill(f"n{index}"))
        assert notifier.stats.dropped == 2
        slow.release()
        assert notifier.flush()
        titles = [post.title for post in slow.posts]
        assert titles == ["crypto: first"] + [f"crypto: n{index}" for index in range(2, 7)]
        notifier.close()


def test_a_slow_receiver_never_delays_notify() -> None:
    with WebhookReceiver(delay_s=3) as slow:
        notifier = Notifier([slow.url()], NotificationsConfig(max_per_minute=20))
        started_s = time.perf_counter()
        for index in range(100):
            notifier.notify(_fill(f"fill {index}"))
            notifier.denied("crypto", "price_collar")
        elapsed_s = time.perf_counter() - started_s
        slow.release()
        notifier.close()
        assert elapsed_s < 0.05
        assert len(slow.posts) == 21  # the limit's 20, then one summary of the rest
        assert slow.posts[-1].body.startswith("81 more notices: 80 fill, 1 risk_denials")


def test_close_sends_what_the_rate_limit_holds_back_as_one_last_notice(
    receiver: WebhookReceiver, clock: FakeClock
) -> None:
    notifier = _notifier([receiver.url()], clock, max_per_minute=1)
    for index in range(4):
        notifier.notify(_fill(f"fill {index}"))
    notifier.close(timeout_s=0.3)
    assert [post.title for post in receiver.posts] == ["crypto: fill 0", "3 more notices"]
    notifier.notify(_fill("too late"))  # neither raises nor sends
    assert notifier.stats == NotifierStats(sent=2, coalesced=3, dropped=1)


# -- risk denial bursts -------------------------------------------------------------------


def test_a_burst_of_denials_becomes_one_notice_with_counts_per_reason(
    receiver: WebhookReceiver, clock: FakeClock
) -> None:
    notifier = _notifier([receiver.url()], clock)
    denials = [("crypto", "price_collar")] * 3 + [("crypto", "fat_finger"), ("forex", "fat_finger")]
    for market, reason in denials:
        notifier.denied(market, reason)
        clock.advance(1)
    assert notifier.flush()
    assert receiver.posts == []  # the burst is still collecting

    clock.advance(56)  # 60 s after its first denial
    assert notifier.flush()
    (post,) = receiver.posts
    assert post.title == "5 risk denials in 60 s"
    assert "3 price_collar, 2 fat_finger" in post.body
    assert "4 crypto, 1 forex" in post.body
    notifier.close()


def test_denials_below_the_burst_threshold_notify_nothing(
    receiver: WebhookReceiver, clock: FakeClock
) -> None:
    notifier = _notifier([receiver.url()], clock)
    for _ in range(2):
        notifier.denied("crypto", "max_open_orders")
        notifier.denied("crypto", "max_open_orders")
        clock.advance(61)  # two denials a minute: never three within 60 s
    clock.advance(61)
    assert notifier.flush()
    assert receiver.posts == []
    notifier.close()
    assert receiver.posts == []


# -- failures and secrets -------------------------------------------------------------------


def test_a_failed_send_is_counted_and_logged_once_per_kind_with_the_scheme_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    url = f"json://127.0.0.1:{_closed_port()}/{SECRET}"
    notifier = Notifier([url], NotificationsConfig())
    for _ in range(3):
        notifier.notify(_fill())
    notifier.notify(Notice(NoticeKind.SHUTDOWN, "HARD stop", "flattened"))
    assert notifier.flush()
    assert notifier.stats == NotifierStats(failed=4)
    warnings = [r.getMessage() for r in caplog.records if r.name == "tradewind.app.notifications"]
    assert len(warnings) == 2
    assert all("URL #1 (json://)" in message for message in warnings)
    assert SECRET not in caplog.text
    assert url not in caplog.text
    notifier.close()


def test_a_receiver_answering_an_error_counts_as_a_failure_without_showing_the_url(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with WebhookReceiver(status=500) as failing:
        notifier = Notifier([failing.url("form", f"/{SECRET}")], NotificationsConfig())
        notifier.notify(_fill())
        assert notifier.flush()
        notifier.close()
    assert notifier.stats == NotifierStats(failed=1)
    assert "URL #1 (form://)" in caplog.text
    assert SECRET not in caplog.text


def test_from_env_reads_urls_separated_by_whitespace_and_commas() -> None:
    with WebhookReceiver() as first, WebhookReceiver() as second:
        urls = f" {first.url('json')},{first.url('form', '/f')}\n\t{second.url()} ,"
        notifier = Notifier.from_env(NotificationsConfig(), {"TRADEWIND_NOTIFY_URLS": urls})
        assert notifier is not None
        assert notifier.url_count == 3
        notifier.notify(_fill())
        assert notifier.flush()
        notifier.close()
        assert sorted(post.path for post in first.posts) == ["/f", "/hook"]
        assert len(second.posts) == 1


@pytest.mark.parametrize(
    ("environ", "enabled"),
    [
        ({}, True),
        ({"TRADEWIND_NOTIFY_URLS": " , \n "}, True),
        ({"TRADEWIND_NOTIFY_URLS": "json://127.0.0.1/hook"}, False),
    ],
    ids=["unset", "empty", "disabled"],
)
def test_from_env_gives_no_notifier_without_urls_or_when_disabled(
    environ: dict[str, str], enabled: bool
) -> None:
    assert Notifier.from_env(NotificationsConfig(enabled=enabled), environ) is None


@pytest.mark.parametrize(
    ("bad_url", "shown"),
    [(f"nosuchscheme://{SECRET}@host/x", "nosuchscheme://"), (SECRET, "no scheme")],
)
def test_from_env_names_an_invalid_url_by_position_never_by_its_text(
    caplog: pytest.LogCaptureFixture, bad_url: str, shown: str
) -> None:
    caplog.set_level(logging.DEBUG)
    environ = {"TRADEWIND_NOTIFY_URLS": f"json://127.0.0.1/hook {bad_url}"}
    with pytest.raises(NotifyUrlError) as raised:
        Notifier.from_env(NotificationsConfig(), environ)
    message = str(raised.value)
    assert isinstance(raised.value, TradewindError)
    assert "TRADEWIND_NOTIFY_URLS" in message
    assert "URL #2 of 2" in message
    assert shown in message
    assert SECRET not in message
    assert SECRET not in caplog.text


# -- the daily summary ---------------------------------------------------------------------

DAY = date(2024, 1, 3)


def _at(day: int, hour: int) -> datetime:
    return datetime(2024, 1, day, hour, tzinfo=UTC)


def _order(seq: int, ts: datetime, order_type: str = "market") -> OrderRecord:
    trigger = Decimal(41000) if order_type == "stop" else None
    return OrderRecord(
        seq=seq,
        ts_created=ts,
        market="crypto",
        symbol="BTC-USD",
        side="buy",
        order_type=order_type,
        quantity=Decimal("0.5"),
        trigger_price=trigger,
        venue="SIM",
    )


def _fill_record(run_id: str, seq: int, ts: datetime) -> FillRecord:
    return FillRecord(
        trade_id=f"T{seq}",
        venue="SIM",
        client_order_id=client_order_id(run_id, seq),
        ts=ts,
        market="crypto",
        symbol="BTC-USD",
        side="buy",
        qty=Decimal("0.5"),
        price=Decimal(42000),
    )


def _decision(ts: datetime, action: str, reason: str) -> RiskDecisionRecord:
    return RiskDecisionRecord(
        ts=ts,
        market="crypto",
        symbol="BTC-USD",
        strategies="sma_cross",
        requested_qty=Decimal(1),
        approved_qty=Decimal(0),
        action=action,
        reason_code=3,
        reason=reason,
    )


def _equity(ts: datetime, equity: int) -> EquityRecord:
    zero = Decimal(0)
    return EquityRecord(
        ts=ts,
        equity=Decimal(equity),
        cash=Decimal(equity),
        gross_exposure=zero,
        net_exposure=zero,
        leverage=0.0,
        drawdown=0.0,
    )


def test_the_daily_summary_counts_the_days_orders_fills_denials_and_equity(
    tmp_path: Path,
) -> None:
    journal = Journal.open(tmp_path / "journal.sqlite")
    run_id = journal.start_run("paper", {"markets": ["crypto"]})
    orders = [(1, _at(2, 10), "market"), (2, _at(3, 9), "market"), (3, _at(3, 9), "stop")]
    orders.append((4, _at(4, 1), "market"))
    journal.record_orders(run_id, [_order(*order) for order in orders])
    fills = [_fill_record(run_id, 1, _at(2, 11)), _fill_record(run_id, 2, _at(3, 10))]
    journal.record_fills(run_id, fills)
    decisions = [(_at(2, 12), "deny", "MAX_POSITION"), (_at(3, 12), "deny", "MAX_POSITION")]
    decisions += [(_at(3, 13), "deny", "MAX_POSITION"), (_at(3, 14), "deny", "DAILY_LOSS")]
    decisions.append((_at(3, 15), "approve", "APPROVED"))
    journal.record_risk_decisions(run_id, [_decision(*decision) for decision in decisions])
    equity = [(_at(2, 10), 100_000), (_at(2, 23), 100_500)]
    equity += [(_at(3, 12), 101_000), (_at(3, 23), 100_750)]
    journal.record_equity(run_id, [_equity(*point) for point in equity])

    notice = daily_summary(journal, run_id, DAY)
    journal.close()

    assert notice.kind is NoticeKind.DAILY_SUMMARY
    assert notice.title == "Daily summary 2024-01-03"
    assert notice.body.splitlines() == [
        "Orders placed: 2, of which stop orders: 1",
        "Fills: 1 (1 crypto)",
        "Risk denials: 3 (2 MAX_POSITION, 1 DAILY_LOSS)",
        "Equity: 100,750.00 (P&L +250.00 since the day before)",
    ]


def test_the_daily_summary_of_a_quiet_first_day_says_so(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path / "journal.sqlite")
    run_id = journal.start_run("paper", {"markets": ["crypto"]})
    journal.record_equity(run_id, [_equity(_at(3, 23), 100_000)])
    body = daily_summary(journal, run_id, DAY).body
    journal.close()
    assert body.splitlines() == [
        "Orders placed: 0, of which stop orders: 0",
        "Fills: 0",
        "Risk denials: 0",
        "Equity: 100,000.00 (first day of the run)",
    ]
