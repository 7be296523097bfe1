"""The HTML report: written, well-formed, self-contained, showing the numbers it was given."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from tradewind.research import (
    GroupPerformance,
    PerformanceStats,
    compute_stats,
    stats_by_group,
    write_html_report,
)
from tradewind.research.report import CHART_LIBRARY, chart_library_js
from tradewind.research.report_format import format_value

from .conftest import MARKETS, SCENARIO_SYMBOLS, STRATEGIES, Scenario

_VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source"}


class _Checker(HTMLParser):
    """Collects a well-formedness verdict, attributes and per-element text of the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.text_by_id: dict[str, list[str]] = {}
        self.rows_by_table: dict[str, int] = {}
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes.extend((tag, name, value) for name, value in attrs)
        if tag in _VOID:
            return
        element_id = dict(attrs).get("id")
        self.stack.append(f"{tag}#{element_id}" if element_id else tag)
        if tag == "tr":
            table = next((t for t in reversed(self.stack) if t.startswith("table#")), "table")
            self.rows_by_table[table] = self.rows_by_table.get(table, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1].split("#")[0] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        for entry in self.stack:
            if "#" in entry:
                self.text_by_id.setdefault(entry.split("#")[1], []).append(data)

    def text(self, element_id: str) -> str:
        return "".join(self.text_by_id.get(element_id, []))


@pytest.fixture(scope="module")
def groups(scenario: Scenario) -> tuple[dict[str, GroupPerformance], dict[str, GroupPerformance]]:
    common = (scenario.timestamps, scenario.equity, scenario.trades)
    by_market = stats_by_group(*common, group="market", close=scenario.close, names=MARKETS)
    by_strategy = stats_by_group(*common, group="strategy", close=scenario.close, names=STRATEGIES)
    return by_market, by_strategy


@pytest.fixture(scope="module")
def stats(scenario: Scenario) -> PerformanceStats:
    return compute_stats(
        scenario.timestamps,
        scenario.equity,
        scenario.trades,
        gross_exposure=scenario.gross_exposure,
        traded_notional=scenario.traded_notional,
    )


@pytest.fixture(scope="module")
def report(
    tmp_path_factory: pytest.TempPathFactory,
    scenario: Scenario,
    stats: PerformanceStats,
    groups: tuple[dict[str, GroupPerformance], dict[str, GroupPerformance]],
) -> tuple[Path, str, _Checker]:
    by_market, by_strategy = groups
    path = write_html_report(
        tmp_path_factory.mktemp("report") / "nested" / "run.html",
        title="Four symbols <2009-2013> & friends",
        equity=(scenario.timestamps, scenario.equity),
        stats=stats,
        per_market_pnl={name: (scenario.timestamps, g.pnl) for name, g in by_market.items()},
        per_strategy_pnl={name: (scenario.timestamps, g.pnl) for name, g in by_strategy.items()},
        stats_by_market={name: g.stats for name, g in by_market.items()},
        stats_by_strategy={name: g.stats for name, g in by_strategy.items()},
        trades=scenario.trades,
        symbol_names=[symbol for symbol, _ in SCENARIO_SYMBOLS],
        market_names=MARKETS,
        strategy_names=STRATEGIES,
        config_summary={"fill_model": "THIS_CLOSE", "markets": {"bonds": ["TLT", "IEF"]}},
        notes=["Aligned on XNYS with the INTERSECTION policy; 0 rows dropped."],
        max_trade_rows=100,
        max_chart_points=400,
    )
    html = path.read_text(encoding="utf-8")
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return path, html, checker


def test_report_is_well_formed_html(report: tuple[Path, str, _Checker]) -> None:
    path, _, checker = report

    assert path.is_file()
    assert path.parent.name == "nested"
    assert checker.doctype
    assert checker.errors == []
    assert checker.stack == []


def test_report_is_self_contained(report: tuple[Path, str, _Checker]) -> None:
    _, html, checker = report
    own_part = html.replace(chart_library_js(), "")

    assert chart_library_js() in html
    assert "http" not in own_part.lower()
    assert not [a for a in checker.attributes if a[1] in {"src", "href", "srcset", "action"}]


def test_report_shows_the_statistics(
    report: tuple[Path, str, _Checker],
    stats: PerformanceStats,
    groups: tuple[dict[str, GroupPerformance], dict[str, GroupPerformance]],
) -> None:
    _, _, checker = report
    overall = checker.text("stats-overall")
    markets = checker.text("stats-markets")
    strategies = checker.text("stats-strategies")

    for value in (
        format_value(stats.sharpe, "ratio"),
        format_value(stats.sortino, "ratio"),
        format_value(stats.max_drawdown, "pct"),
        format_value(stats.cagr, "pct"),
        format_value(stats.profit_factor, "ratio"),
        format_value(stats.final_equity, "money"),
        format_value(stats.turnover_annual, "ratio"),
    ):
        assert value in overall
    for name, group in groups[0].items():
        assert name in markets
        assert format_value(group.stats.sharpe, "ratio") in markets
    assert format_value(groups[1]["carry"].stats.total_return, "pct") in strategies


def test_report_embeds_the_chart_data(
    report: tuple[Path, str, _Checker], scenario: Scenario
) -> None:
    _, _, checker = report
    data = json.loads(checker.text("report-data"))

    assert set(data["markets"]) == set(MARKETS)
    assert set(data["strategies"]) == set(STRATEGIES)
    assert len(data["equity"]["t"]) <= 400 + 2
    assert data["equity"]["t"][0] == scenario.timestamps[0] // 1_000_000_000
    assert data["equity"]["v"][-1] == pytest.approx(scenario.equity[-1])
    drawdown = scenario.equity / np.maximum.accumulate(scenario.equity) - 1
    assert min(data["drawdown"]["v"]) == pytest.approx(drawdown.min() * 100)
    assert np.all(np.diff(data["equity"]["t"]) > 0)


def test_trades_table_is_capped_with_a_note(
    report: tuple[Path, str, _Checker], scenario: Scenario
) -> None:
    _, html, checker = report

    assert checker.rows_by_table["table#trades"] == 1 + 100
    assert f"Showing the first 100 of {len(scenario.trades):,} trades" in html
    assert "trend, carry" in checker.text("trades")


def test_user_text_is_escaped(report: tuple[Path, str, _Checker]) -> None:
    _, html, _ = report

    assert "Four symbols &lt;2009-2013&gt; &amp; friends" in html
    assert "<2009-2013>" not in html


def test_a_minimal_report_needs_only_equity_and_stats(tmp_path: Path) -> None:
    ts = np.arange(3, dtype=np.int64) * 3_600 * 1_000_000_000
    equity = np.array([100.0, 99.0, 101.0])
    stats = compute_stats(ts, equity, periods_per_year=8760)

    html = write_html_report(tmp_path / "r.html", title="t", equity=(ts, equity), stats=stats)

    text = html.read_text(encoding="utf-8")
    assert "No trades." in text
    assert 'id="chart-markets"' not in text
    assert '"intraday":true' in text


def test_vendored_chart_library_is_the_recorded_version_with_its_licence() -> None:
    static = Path(__file__).parents[2] / "src" / "tradewind" / "research" / "static"

    assert "Lightweight Charts™ v4.2.3" in chart_library_js()[:300]
    assert (static / CHART_LIBRARY).is_file()
    assert "Apache License" in (static / "LICENSE-lightweight-charts.txt").read_text()
    assert "4.2.3" in (static / "README.md").read_text()
