"""Preflight: what a run would refuse, found before it starts and reported at once.

`tradewind config check` and the start of backtest, paper and advisory runs call
`preflight`, which resolves every enabled market's symbols in the catalog and builds
every strategy's parameters with the same code the run uses (`app.market_data`,
`strategies.registry`), so that a configuration that passes the check also starts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import ValidationError

from tradewind.app.market_data import (
    catalog_for,
    empty_window_message,
    no_bars_note,
    series_entry,
    window_span,
)
from tradewind.app.venue_choice import credentials_problem, live_mode_problem, provider_problem
from tradewind.config import ConfigIssue, MarketConfig, TradewindConfig, load_secrets
from tradewind.config.fieldtypes import did_you_mean
from tradewind.config.locate import FieldLocator
from tradewind.config.vocabulary import Provider
from tradewind.data.catalog import Catalog
from tradewind.data.query import BarSpan
from tradewind.data.schema import CatalogEntry, DataError
from tradewind.strategies.api import StrategySpec
from tradewind.strategies.errors import StrategyError
from tradewind.strategies.registry import get_strategy

__all__ = ["PreflightReport", "RunStart", "SeriesWindow", "check_run", "preflight"]

#: A series starting this much after `data.start` (or ending this much before
#: `data.end`) gets a note: more than weekends, holidays and a missing day or two.
_COVERAGE_SLACK = pd.Timedelta(days=7)


@dataclass(frozen=True, slots=True)
class SeriesWindow:
    """One enabled series and the bars it has within `data.start`..`data.end`."""

    market: str
    symbol: str
    timeframe: str
    source: str
    first_bar: pd.Timestamp | None
    """Timestamp of the first bar within the window; None when there is none."""
    last_bar: pd.Timestamp | None
    bars: int
    series_first: pd.Timestamp | None
    """First bar of the whole stored series (outside the window too)."""
    series_last: pd.Timestamp | None


@dataclass(frozen=True, slots=True)
class PreflightReport:
    """What the preflight found besides problems: each series' data window, and notes
    (partial coverage, parameters of strategies a market does not run)."""

    windows: tuple[SeriesWindow, ...]
    notes: tuple[str, ...]

    @property
    def common_window(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """From the latest first bar to the earliest last bar over every series; None
        when there are no series or that span is empty."""
        firsts = [w.first_bar for w in self.windows if w.first_bar is not None]
        lasts = [w.last_bar for w in self.windows if w.last_bar is not None]
        if not self.windows or len(firsts) < len(self.windows):
            return None
        start, end = max(firsts), min(lasts)
        return (start, end) if start <= end else None


def preflight(
    config: TradewindConfig,
    catalog: Catalog | None,
    *,
    source: str | os.PathLike[str] | None = None,
    apply_env: bool = True,
    run: str | None = None,
) -> PreflightReport:
    """Check every enabled market as a run would: strategies and their parameters, and
    (with a catalog) each symbol's series and its bars within `data.start`..`data.end`.

    Args:
        config: the loaded configuration.
        catalog: where the run reads bars; None skips the data checks.
        source: the YAML file `config` was loaded from, for line numbers.
        apply_env: whether `config` was loaded with `TRADEWIND_...` overrides (their
            variables are then named instead of lines).
        run: the run about to start (`backtest`, `paper`, `advisory`); None checks the
            config's own `mode`. Paper, advisory and live runs need a venue adapter for
            every market's provider; `mode: live` needs an operator session.

    Raises:
        ConfigError: every problem at once, each as
            `markets.<name>.<field> (line N): what was expected`.
    """
    locator = (
        FieldLocator.for_file(source, apply_env=apply_env) if source is not None else FieldLocator()
    )
    issues: list[ConfigIssue] = []
    notes: list[str] = []
    windows: list[SeriesWindow] = []
    entries: list[CatalogEntry] = []
    mode = run or config.mode.value
    issues.extend(_venue_issues(config, mode, locator))
    live_data = False  # a market whose window bars arrive from its venue as they close
    for name, market in config.enabled_markets.items():
        is_live = mode in ("paper", "advisory", "live") and market.provider is not Provider.SIM
        issues.extend(_strategy_issues(name, market, locator))
        issues.extend(_short_issues(config, name, market, locator))
        notes.extend(_unused_params_notes(name, market))
        if catalog is None:
            continue
        for index, symbol in enumerate(market.symbols):
            loc = ("markets", name, "symbols", index)
            try:
                entry = series_entry(catalog, market, symbol)
            except DataError as exc:
                hint = _download_hint(market, symbol) if is_live else ""
                issues.append(locator.issue(loc, f"{exc}{hint}"))
                continue
            window = _window(name, entry, window_span(catalog, entry, config.data))
            windows.append(window)
            entries.append(entry)
            live_data |= is_live
            if not is_live:  # a live market's window fills as its bars close
                notes.extend(_coverage_notes(window, entry, config))
    if windows and not live_data and not any(window.bars for window in windows):
        # a run leaves out a series without bars, but refuses a window where none has any
        issues.append(locator.issue(("data",), empty_window_message(config.data, entries)))
    if issues:
        raise locator.error(issues)
    return PreflightReport(windows=tuple(windows), notes=tuple(notes))


def _download_hint(market: MarketConfig, symbol: str) -> str:
    """How to get a live market's history into the catalog."""
    provider = market.exchange or market.provider.value
    return (
        f"; its history comes from the venue first: tradewind data download --provider "
        f"{provider} --symbols {symbol} --timeframe {market.timeframe} --start YYYY-MM-DD"
    )


def _venue_issues(config: TradewindConfig, run: str, locator: FieldLocator) -> list[ConfigIssue]:
    """Never simulate silently: no adapter for a provider, or live outside an operator."""
    issues = []
    if run != "live" and (problem := live_mode_problem(config)):
        issues.append(locator.issue(("mode",), problem))
    if run not in ("paper", "advisory", "live"):
        return issues  # a backtest simulates by definition, and says so
    secrets = load_secrets()
    for name, market in config.enabled_markets.items():
        if problem := provider_problem(name, market) or credentials_problem(name, market, secrets):
            issues.append(locator.issue(("markets", name, "provider"), problem))
    return issues


def _strategy_issues(name: str, market: MarketConfig, locator: FieldLocator) -> list[ConfigIssue]:
    issues: list[ConfigIssue] = []
    for index, strategy in enumerate(market.strategies):
        try:
            spec = get_strategy(strategy)
        except StrategyError as exc:
            issues.append(locator.issue(("markets", name, "strategies", index), str(exc)))
            continue
        params = market.strategy_params.get(strategy, {})
        loc = ("markets", name, "strategy_params", strategy)
        known = [parameter.name for parameter in spec.parameters()]
        unknown = [key for key in params if key not in known]
        for key in unknown:
            issues.append(
                locator.issue(
                    (*loc, key),
                    f"unknown parameter {key!r}{did_you_mean(key, known)}; expected one of "
                    + (", ".join(known) or "(no parameters)"),
                )
            )
        if unknown:
            continue
        try:
            spec.config_from_params(params)  # what the run does with them
        except StrategyError as exc:
            issues.append(locator.issue((*loc, *_failing_parameter(spec, params)), str(exc)))
    return issues


def _short_issues(
    config: TradewindConfig, name: str, market: MarketConfig, locator: FieldLocator
) -> list[ConfigIssue]:
    """A strategy told to sell short in a cash account would have every short denied."""
    if config.risk.global_.account.value != "cash":
        return []
    return [
        locator.issue(
            ("markets", name, "strategy_params", strategy, "allow_short"),
            "allow_short needs a margin account: a cash account cannot sell short "
            "(expected allow_short false, or risk.global.account: margin)",
        )
        for strategy, params in market.strategy_params.items()
        if strategy in market.strategies and params.get("allow_short") is True
    ]


def _failing_parameter(spec: StrategySpec[Any], params: dict[str, Any]) -> tuple[str, ...]:
    # Locate the refusal at the parameter pydantic blames, if the file gives it; a
    # rule between parameters (fast < slow) stays at the strategy's mapping.
    try:
        spec.config_cls.model_validate(params)
    except ValidationError as exc:
        errors = exc.errors()
        if errors and errors[0]["loc"] and errors[0]["loc"][0] in params:
            return (str(errors[0]["loc"][0]),)
    return ()


def _unused_params_notes(name: str, market: MarketConfig) -> list[str]:
    return [
        f"markets.{name}.strategy_params.{strategy}: the market does not run {strategy} "
        f"(strategies: {', '.join(market.strategies) or 'none'}), so these parameters are unused"
        for strategy in market.strategy_params
        if strategy not in market.strategies
    ]


def _window(market: str, entry: CatalogEntry, span: BarSpan) -> SeriesWindow:
    return SeriesWindow(
        market=market,
        symbol=entry.symbol,
        timeframe=entry.timeframe,
        source=entry.source,
        first_bar=span.first,
        last_bar=span.last,
        bars=span.bars,
        series_first=entry.first,
        series_last=entry.last,
    )


def _coverage_notes(
    window: SeriesWindow, entry: CatalogEntry, config: TradewindConfig
) -> list[str]:
    start, end = config.data.start, config.data.end
    if window.first_bar is None or window.last_bar is None:
        return [no_bars_note(window.market, entry, config.data)]
    late = start is not None and window.first_bar - _utc(start) > _COVERAGE_SLACK
    early = end is not None and _utc(end) - window.last_bar > _COVERAGE_SLACK
    if not (late or early):
        return []
    return [
        f"markets.{window.market}: {window.symbol} has bars only from "
        f"{_day(window.first_bar)} to {_day(window.last_bar)} of the window "
        f"{_bound(start)} to {_bound(end)}"
    ]


def _utc(day: date) -> pd.Timestamp:
    return pd.Timestamp(day, tz="UTC")


def _day(stamp: pd.Timestamp | None) -> str:
    return "?" if stamp is None else str(stamp.date())


def _bound(day: date | None) -> str:
    return "open" if day is None else day.isoformat()


@dataclass(frozen=True, slots=True)
class RunStart:
    """What a run uses once its start checks passed: the catalog and the journal."""

    catalog: Catalog
    journal: str


def check_run(
    config: TradewindConfig,
    *,
    source: str | os.PathLike[str],
    catalog_dir: os.PathLike[str] | None = None,
    journal: str | None = None,
    run: str = "backtest",
) -> RunStart:
    """The checks every backtest, paper and advisory run passes before it loads data:
    the preflight over the run's catalog, then a write to its journal (`journal`, or the
    config's `backtest.journal`), so that neither fails after the run.

    Raises:
        ConfigError: what the preflight found.
        JournalError: the journal cannot be opened or written.
    """
    from tradewind.app.journal_access import check_journal_writable  # SQLAlchemy: runs only

    catalog = catalog_for(config, Path(catalog_dir) if catalog_dir is not None else None)
    preflight(config, catalog, source=source, run=run)
    target = journal or config.backtest.journal
    check_journal_writable(target)
    return RunStart(catalog=catalog, journal=target)
