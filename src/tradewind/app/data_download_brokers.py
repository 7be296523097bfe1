"""`tradewind data download` from the forex and stocks brokers: OANDA, Alpaca, IB.

The broker counterpart of `app.data_download_ccxt`: the options a broker takes
(`--endpoint`: http(s) for OANDA and Alpaca, `tcp://HOST:PORT` for TWS / IB Gateway),
symbols as users write them (`EUR_USD`, `EUR/USD`, `AAPL`, `EUR.USD`) and the market
each is stored in (forex or equities), the adapter's `<V>Candles` source built from the
options and the credentials (`tradewind.config.load_secrets`), and the trading hours
that decide which bars a range should hold (`open_spans`): closed time (weekends,
nights, holidays of the exchange calendar) is neither expected nor asked for. Each
adapter is imported only when its provider is asked for.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tradewind.app.data_download_pages import BarGrid, Candle, CandleSource
from tradewind.config.symbols import normalize_symbol
from tradewind.data.schema import DataError
from tradewind.domain.errors import DomainError
from tradewind.domain.market import MarketClass
from tradewind.domain.venue_errors import VenueError

__all__ = [
    "BROKER_PROVIDERS",
    "BrokerCandles",
    "broker_hint",
    "broker_provider",
    "check_broker_endpoint",
    "open_broker_source",
    "open_spans",
    "resolve_broker_symbol",
]

#: `--provider` spellings of the brokers -> the broker's name in messages and sources.
BROKER_PROVIDERS: Mapping[str, str] = {
    "oanda": "oanda",
    "alpaca": "alpaca",
    "interactive_brokers": "ib",
    "ib": "ib",
}
_EXAMPLES = {"oanda": "EUR_USD", "alpaca": "AAPL", "ib": "AAPL or EUR.USD"}
_IB_PAIR = re.compile(r"^([A-Z]{3})[./_-]([A-Z]{3})$")
_MS_PER_DAY = 86_400_000
_NS_PER_MS = 1_000_000


def broker_provider(provider: str) -> str | None:
    """The broker `--provider` names (`oanda`, `alpaca`, `ib`), or None for another one."""
    return BROKER_PROVIDERS.get(provider.strip().lower())


def check_broker_endpoint(broker: str, endpoint: str) -> str:
    """`endpoint` in the form the broker's adapter takes.

    Raises:
        DataError: not `tcp://HOST:PORT` for IB, not an http(s) scheme and host for the
            others; names `--endpoint`.
    """
    if broker != "ib":
        from tradewind.app.data_download_ccxt import check_endpoint

        return check_endpoint(endpoint)
    from tradewind.venues.ib.config import IbVenueConfig

    try:
        config = IbVenueConfig(symbols=("AAPL",), endpoint=endpoint.strip())
    except DomainError:
        raise DataError(
            f"--endpoint {endpoint!r}: expected the API socket of TWS or IB Gateway as "
            "tcp://HOST:PORT, e.g. tcp://127.0.0.1:7497"
        ) from None
    return f"tcp://{config.host}:{config.port}"


def venue_symbol(broker: str, text: str) -> tuple[str, MarketClass]:
    """The broker's symbol of `text` as written, and the market it is stored in.

    OANDA: `EUR_USD`, `EUR-USD`, `EUR/USD`, `EURUSD` -> `EUR_USD` (forex). Alpaca: `aapl`
    -> `AAPL` (equities). IB: `EUR.USD`, `EUR-USD`, `EUR/USD` -> `EUR.USD` (forex), a
    ticker -> itself (equities).

    Raises:
        DataError: no symbol of that form; names `--symbols` and what was expected.
    """
    upper = text.strip().upper()
    try:
        if broker == "oanda":
            return normalize_symbol(upper, MarketClass.FOREX).replace("-", "_"), MarketClass.FOREX
        pair = _IB_PAIR.match(upper) if broker == "ib" else None
        if pair is not None:
            ours = normalize_symbol(f"{pair[1]}-{pair[2]}", MarketClass.FOREX)
            return ours.replace("-", "."), MarketClass.FOREX
        return normalize_symbol(upper, MarketClass.EQUITIES), MarketClass.EQUITIES
    except ValueError as exc:
        raise DataError(
            f"--symbols {text}: {exc}; {broker} expects symbols such as {_EXAMPLES[broker]}"
        ) from None


def resolve_broker_symbol(
    broker: str, text: str, markets: Mapping[str, str]
) -> tuple[str, str, MarketClass]:
    """`(our symbol, venue symbol, market)` of a symbol as written, given what the broker
    lists (`BrokerCandles.spot_markets`).

    Raises:
        DataError: a malformed symbol, or one the broker does not list (names it and
            close matches).
    """
    venue, market = venue_symbol(broker, text)
    if venue in markets:
        separator = "_" if broker == "oanda" else "."
        ours = venue.replace(separator, "-") if market is MarketClass.FOREX else venue
        return normalize_symbol(ours, market), venue, market
    close = difflib.get_close_matches(venue, list(markets), n=3)
    hint = f"; close matches: {', '.join(close)}" if close else ""
    raise DataError(
        f"--symbols {text}: {broker} has no instrument {text.strip()!r} "
        f"(expected one it lists, such as {_EXAMPLES[broker]}){hint}"
    )


def open_broker_source(
    broker: str, symbols: Sequence[str], endpoint: str | None, *, timeout_ms: int = 10_000
) -> BrokerCandles:
    """The broker's candle source for `symbols` (as written), `endpoint` applied and
    credentials read from the environment and `.env`. Nothing is sent yet.

    Raises:
        DataError: a malformed symbol, or a credential the broker needs is not set
            (names the variables).
        ConfigError: a credential variable has an invalid value (names it).
    """
    from tradewind.config import load_secrets

    wanted = list(dict.fromkeys(venue_symbol(broker, s) for s in symbols))
    secrets = load_secrets()
    builders: dict[str, Callable[..., list[CandleSource]]] = {
        "oanda": _oanda_parts,
        "alpaca": _alpaca_parts,
        "ib": _ib_parts,
    }
    try:
        parts = builders[broker](wanted, secrets, endpoint, timeout_ms)
    except DomainError as exc:
        raise DataError(f"--symbols / --endpoint: {exc}") from None
    return BrokerCandles(broker, parts)


def broker_hint(broker: str, endpoint: str | None, error: VenueError) -> str:
    """What to check when the first request to the broker failed."""
    if error.retryable:
        if endpoint:
            return f"check --endpoint {endpoint}"
        if broker == "ib":
            return (
                "check that TWS or IB Gateway accepts API connections at "
                "TRADEWIND_IB_HOST:TRADEWIND_IB_PORT (default 127.0.0.1:7497)"
            )
        return "check the network connection"
    variables = {
        "oanda": "TRADEWIND_OANDA_TOKEN, TRADEWIND_OANDA_ACCOUNT_ID",
        "alpaca": "TRADEWIND_ALPACA_API_KEY, TRADEWIND_ALPACA_SECRET_KEY",
        "ib": "TRADEWIND_IB_CLIENT_ID (one connection per client id)",
    }[broker]
    return f"check --symbols, {variables}" + (f", --endpoint {endpoint}" if endpoint else "")


def _missing(broker: str, names: Mapping[str, object]) -> None:
    unset = [name for name, value in names.items() if value is None]
    if unset:
        raise DataError(
            f"--provider {broker} needs credentials: set {', '.join(unset)} in the "
            "environment or in .env"
        )


def _oanda_parts(
    wanted: list[tuple[str, MarketClass]], secrets: Any, endpoint: str | None, timeout_ms: int
) -> list[CandleSource]:
    from tradewind.domain.secret import Secret
    from tradewind.venues.oanda import OandaCandles, OandaVenueConfig

    _missing("oanda", {"TRADEWIND_OANDA_TOKEN": secrets.oanda_token})
    account = secrets.oanda_account_id
    config = OandaVenueConfig(
        symbols=tuple(symbol for symbol, _ in wanted),
        token=Secret(secrets.oanda_token.get_secret_value()),
        account_id=account.get_secret_value() if account is not None else None,
        endpoint=endpoint,
        timeout_ms=timeout_ms,
    )
    return [OandaCandles(config)]


def _alpaca_parts(
    wanted: list[tuple[str, MarketClass]], secrets: Any, endpoint: str | None, timeout_ms: int
) -> list[CandleSource]:
    from tradewind.domain.secret import Secret
    from tradewind.venues.alpaca import AlpacaCandles, AlpacaVenueConfig

    _missing(
        "alpaca",
        {
            "TRADEWIND_ALPACA_API_KEY": secrets.alpaca_api_key,
            "TRADEWIND_ALPACA_SECRET_KEY": secrets.alpaca_secret_key,
        },
    )
    key = Secret(secrets.alpaca_api_key.get_secret_value())
    secret = Secret(secrets.alpaca_secret_key.get_secret_value())
    # One source per symbol: Alpaca's session refuses to connect when any configured
    # symbol is unknown, and a download must name the unknown one instead.
    return [
        AlpacaCandles(
            AlpacaVenueConfig(
                symbols=(symbol,),
                api_key=key,
                secret_key=secret,
                endpoint=endpoint,
                timeout_ms=timeout_ms,
            )
        )
        for symbol, _ in wanted
    ]


def _ib_parts(
    wanted: list[tuple[str, MarketClass]], secrets: Any, endpoint: str | None, timeout_ms: int
) -> list[CandleSource]:
    from tradewind.venues.ib import IbCandles, IbVenueConfig

    # One connection per symbol, each with a client id of its own at TWS: a symbol TWS
    # does not know then fails alone, and the download names it.
    return [
        IbCandles(
            IbVenueConfig(
                symbols=(symbol,),
                host=secrets.ib_host,
                port=secrets.ib_port,
                client_id=secrets.ib_client_id + index,
                account=secrets.ib_account,
                endpoint=endpoint,
                timeout_ms=timeout_ms,
                market_class=market,
            )
        )
        for index, (symbol, market) in enumerate(wanted)
    ]


class BrokerCandles:
    """`CandleSource` over one or more of a broker's `<V>Candles` (one per connection),
    each request sent to the part that lists the symbol."""

    def __init__(self, broker: str, parts: Sequence[CandleSource]) -> None:
        if not parts:
            raise DataError(f"--symbols: expected at least one symbol for {broker}")
        self._broker = broker
        self._parts = list(parts)
        self._owners: dict[str, CandleSource] = {}

    @property
    def name(self) -> str:
        return self._broker

    @property
    def url(self) -> str:
        return self._parts[0].url

    @property
    def max_page_bars(self) -> int:
        return min(part.max_page_bars for part in self._parts)

    def spot_markets(self) -> Mapping[str, str]:
        """What the parts list; a part refused for good is left out, unless every part is
        (then its error is raised: refused credentials, say)."""
        refused: list[VenueError] = []
        for part in self._parts:
            try:
                listed = part.spot_markets()
            except VenueError as exc:
                if exc.retryable:
                    raise
                refused.append(exc)
                continue
            self._owners.update((symbol, part) for symbol in listed)
        if refused and not self._owners:
            raise refused[0]
        return {symbol: symbol for symbol in self._owners}

    def timeframes(self) -> Collection[str]:
        offered = [list(part.timeframes()) for part in self._parts]
        return [tf for tf in offered[0] if all(tf in other for other in offered[1:])]

    def venue_time_ms(self) -> int:
        live = list(dict.fromkeys(self._owners.values())) or self._parts
        return live[0].venue_time_ms()

    def fetch_ohlcv(
        self, symbol: str, timeframe: str, since_ms: int, limit: int, /
    ) -> Sequence[Candle]:
        owner = self._owners.get(symbol)
        if owner is None:
            raise VenueError(f"{self._broker} ({self.url}): {symbol} is not a listed symbol")
        return owner.fetch_ohlcv(symbol, timeframe, since_ms, limit)

    def close(self) -> None:
        """Close every part's connection (those that have one)."""
        for part in self._parts:
            for method in ("close", "disconnect"):
                closer = getattr(part, method, None)
                if callable(closer):
                    closer()
                    break


@dataclass(frozen=True, slots=True)
class _BarRange:
    """Bars `first <= k < stop` of a grid (`open = anchor + k * step`)."""

    first: int
    stop: int


def open_spans(
    spans: Sequence[tuple[int, int]], grid: BarGrid, market: MarketClass, page_bars: int
) -> tuple[list[tuple[int, int]], int]:
    """The parts of `spans` with bars in trading hours, and how many such bars there are.

    A bar is expected when it overlaps a session of the market's catalog calendar
    (`FX`: Sunday 17:00 to Friday 17:00 New York; `XNYS` for equities, holidays and
    early closes included); crypto trades always. Each span is trimmed to its first
    and last expected bar, and split where trading stops for longer than a page
    (`page_bars` bars), so no request covers closed time only.
    """
    if market is MarketClass.CRYPTO:
        return list(spans), sum(grid.count(a, b) for a, b in spans)
    kept: list[tuple[int, int]] = []
    expected = 0
    for start_ms, stop_ms in spans:
        ranges = _open_bar_ranges(start_ms, stop_ms, grid, market)
        expected += sum(r.stop - r.first for r in ranges)
        kept.extend(_joined(ranges, grid, page_bars))
    return kept, expected


def _open_bar_ranges(
    start_ms: int, stop_ms: int, grid: BarGrid, market: MarketClass
) -> list[_BarRange]:
    """The bars of `[start_ms, stop_ms)` overlapping a session, as merged index ranges."""
    lo = -(-(start_ms - grid.anchor_ms) // grid.step_ms)
    hi = -(-(stop_ms - grid.anchor_ms) // grid.step_ms)
    ranges: list[_BarRange] = []
    for open_ms, close_ms in _sessions_ms(start_ms, stop_ms, market):
        first = max(lo, (open_ms - grid.anchor_ms) // grid.step_ms)
        stop = min(hi, -(-(close_ms - grid.anchor_ms) // grid.step_ms))
        if stop <= first:
            continue
        if ranges and first <= ranges[-1].stop:
            ranges[-1] = _BarRange(ranges[-1].first, max(stop, ranges[-1].stop))
        else:
            ranges.append(_BarRange(first, stop))
    return ranges


def _joined(ranges: list[_BarRange], grid: BarGrid, page_bars: int) -> list[tuple[int, int]]:
    """Spans (ms) of the ranges, those less than a page apart joined into one."""
    joined: list[_BarRange] = []
    for bars in ranges:
        if joined and bars.first - joined[-1].stop <= page_bars:
            joined[-1] = _BarRange(joined[-1].first, bars.stop)
        else:
            joined.append(bars)
    return [
        (grid.anchor_ms + r.first * grid.step_ms, grid.anchor_ms + r.stop * grid.step_ms)
        for r in joined
    ]


def _sessions_ms(start_ms: int, stop_ms: int, market: MarketClass) -> list[tuple[int, int]]:
    """`[open, close)` (ms) of the market's sessions meeting `[start_ms, stop_ms)`; time
    outside the calendar's coverage counts as one open session (never skipped)."""
    from tradewind.data.calendars import get_calendar
    from tradewind.data.schema import default_calendar

    calendar = get_calendar(default_calendar(market))
    first_ms = int(pd.Timestamp(calendar.first_session).value // _NS_PER_MS)
    last_ms = int(pd.Timestamp(calendar.last_session).value // _NS_PER_MS)
    # Session labels are dates; a session may open the day before its label (FX).
    lo_ms = max(start_ms - 2 * _MS_PER_DAY, first_ms)
    hi_ms = min(stop_ms + 2 * _MS_PER_DAY, last_ms)
    sessions: list[tuple[int, int]] = []
    if start_ms < first_ms:
        sessions.append((start_ms, min(stop_ms, first_ms)))
    if lo_ms <= hi_ms:
        table = calendar.sessions(_day(lo_ms), _day(hi_ms))
        opens = pd.DatetimeIndex(table["open"]).as_unit("ms").asi8
        closes = pd.DatetimeIndex(table["close"]).as_unit("ms").asi8
        sessions.extend(
            (int(o), int(c))
            for o, c in zip(opens, closes, strict=True)
            if c > start_ms and o < stop_ms
        )
    if stop_ms > last_ms + _MS_PER_DAY:
        sessions.append((max(start_ms, last_ms + _MS_PER_DAY), stop_ms))
    return sessions


def _day(ms: int) -> pd.Timestamp:
    return pd.Timestamp(ms - ms % _MS_PER_DAY, unit="ms")
