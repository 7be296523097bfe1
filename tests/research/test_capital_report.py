"""The report's capital section: summary, what bound each size, allocation over time and
the capital events, from real runs; absent when capital is off."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.engine.capital_scenarios import ROUTED, capital_config

from tradewind.app.backtest import BacktestOutcome, backtest_config
from tradewind.data.catalog import Catalog
from tradewind.research.capital_report import capital_context

_VOID = frozenset({"meta", "link", "br", "img", "input", "hr", "col", "source", "wbr"})


class _Page(HTMLParser):
    """Text per element id, the cells of each table's body rows, and the ids seen."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.text: dict[str, str] = {}
        self.rows: dict[str, list[list[str]]] = {}
        self._stack: list[tuple[str, str | None]] = []
        self._cell: list[str] | None = None

    def _inside(self, tag: str) -> str | None:
        """The id of the innermost open `tag`, if it has one."""
        return next((i for t, i in reversed(self._stack) if t == tag), None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        element_id = dict(attrs).get("id")
        if element_id:
            self.ids.add(element_id)
            self.text.setdefault(element_id, "")
        self._stack.append((tag, element_id))
        table = self._inside("table")
        in_body = any(t == "tbody" for t, _ in self._stack)
        if tag == "tr" and table and in_body:
            self.rows.setdefault(table, []).append([])
        elif tag == "td" and table and in_body:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._cell is not None:
            table = self._inside("table")
            assert table is not None
            self.rows[table][-1].append("".join(self._cell))
            self._cell = None
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for _, element_id in self._stack:
            if element_id:
                self.text[element_id] += data
        if self._cell is not None:
            self._cell.append(data)


def _parse(path: Path) -> tuple[str, _Page, dict[str, Any]]:
    html = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    start = html.index('<script type="application/json" id="report-data">')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return html, page, json.loads(body)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return Catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture(scope="module")
def routed(catalog: Catalog) -> BacktestOutcome:
    return backtest_config(capital_config(ROUTED), catalog)


@pytest.fixture(scope="module")
def routed_report(
    routed: BacktestOutcome, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, _Page, dict[str, Any]]:
    path = tmp_path_factory.mktemp("report") / "capital.html"
    return _parse(routed.results.write_report(path, title="capital on"))


def test_report_shows_the_capital_summary_and_what_bound_each_size(
    routed: BacktestOutcome, routed_report: tuple[str, _Page, dict[str, Any]]
) -> None:
    assert routed.run.capital is not None
    record = routed.run.capital
    html, page, _ = routed_report
    assert 'id="capital"' in html
    assert record.summary.startswith("💰 $")
    assert page.text["capital-summary"].strip() == record.summary
    assert f"Position sizing ({len(record.decisions):,} decisions)" in html
    counts = record.decisions["binding"].value_counts()
    shown = {name: int(count.replace(",", "")) for name, count, _ in page.rows["capital-binding"]}
    assert shown == counts.to_dict()
    assert "halted" in shown
    factors = {row[0] for row in page.rows["capital-factors"]}
    assert factors == {"Volatility leverage", "Regime multiplier", "Sharpe factor",
                       "Drawdown protection"}  # fmt: skip
    markets = {row[0] for row in page.rows["capital-markets"]}
    assert markets == set(record.decisions["market"])
    kinds = [row[1] for row in page.rows["capital-events"]]
    assert kinds == list(record.events["kind"])
    assert {"rebalance", "halt"} <= set(kinds)


def test_report_charts_each_markets_allocation_over_time_and_marks_the_halt(
    routed: BacktestOutcome, routed_report: tuple[str, _Page, dict[str, Any]]
) -> None:
    assert routed.run.capital is not None
    allocations = routed.run.capital.allocations
    _, page, data = routed_report
    assert {"chart-allocation", "legend-allocation"} <= page.ids
    assert set(data["allocation"]) == {m.name for m in routed.run.spec.markets}
    timestamps = routed.run.panel.timestamps
    for market, series in data["allocation"].items():
        mine = allocations[allocations["market"] == market]
        # A step line in percent: each share from its rebalance to the next, then to the end.
        assert sorted(set(np.round(series["v"], 9))) == sorted(
            set(np.round(mine["share"].to_numpy() * 100.0, 9))
        )
        starts = timestamps[mine["row"].to_numpy()] // 1_000_000_000
        assert set(starts.tolist()) <= set(series["t"])
        assert series["t"][-1] == timestamps[-1] // 1_000_000_000
        assert np.all(np.diff(series["t"]) > 0)
        held = np.searchsorted(starts, series["t"], side="right") - 1
        np.testing.assert_allclose(series["v"], mine["share"].to_numpy()[held] * 100.0)
    halts = [m for m in data["markers"] if m["shape"] == "arrowDown"]
    assert len(halts) == 1
    assert halts[0]["text"].startswith("trading halted at drawdown")


def test_report_without_capital_has_no_capital_section(catalog: Catalog, tmp_path: Path) -> None:
    outcome = backtest_config(capital_config(), catalog)
    assert outcome.run.capital is None
    html, page, data = _parse(outcome.results.write_report(tmp_path / "plain.html", title="off"))
    assert 'id="capital"' not in html
    assert not {"capital-summary", "capital-binding", "chart-allocation"} & page.ids
    assert data["allocation"] == {}
    assert data["markers"] == []


def test_capital_context_of_a_run_without_decisions_is_empty_but_valid(
    routed: BacktestOutcome,
) -> None:
    assert routed.run.capital is not None
    record = routed.run.capital
    empty = type(record).from_lists([], [], [], {}, "")
    context = capital_context(empty, routed.run.panel.timestamps)
    assert context["decision_count"] == 0
    assert context["binding_rows"] == context["factor_rows"] == context["market_rows"] == []
    assert context["allocation"] == {}
    assert context["markers"] == []
