"""What a synthetic market looks like: the spec, per-class profiles and regime parameters.

Everything random is derived from `SyntheticSpec.seed`; the spec itself is plain data
and round-trips through `to_dict` / `from_dict` (it is stored inside the truth file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from tradewind.data.schema import DataError
from tradewind.domain.errors import DomainError
from tradewind.domain.market import MarketClass, QuoteType
from tradewind.domain.timeframe import Timeframe, TimeUnit

__all__ = [
    "CLASS_CODES",
    "CLASS_PROFILES",
    "DEFAULT_CLASSES",
    "DEFAULT_END",
    "REGIME_LABELS",
    "REGIME_PARAMS",
    "ClassProfile",
    "RegimeParams",
    "SyntheticSpec",
    "SyntheticSpecError",
]


class SyntheticSpecError(DataError):
    """A synthetic-market spec is invalid or cannot be realised (e.g. too few symbols)."""


@dataclass(frozen=True, slots=True)
class ClassProfile:
    """How symbols of one market class behave. Ranges are (low, high), drawn per symbol.

    `annual_vol` is the annualised standard deviation of log returns before regime and
    GARCH scaling; `factor_loading` is the correlation of a plain symbol's shock with its
    calendar group's factor; `regime_sensitivity` multiplies the regime drift (negative:
    the class rallies when equities fall, e.g. bonds and volatility indices).
    """

    code: str
    weight: float
    annual_vol: tuple[float, float]
    factor_loading: tuple[float, float]
    regime_sensitivity: float
    start_price: tuple[float, float]
    volume: tuple[float, float]
    quote_type: QuoteType = QuoteType.PRICE


CLASS_PROFILES: Final[dict[MarketClass, ClassProfile]] = {
    MarketClass.CRYPTO: ClassProfile(
        "CRY", 0.30, (0.50, 0.90), (0.50, 0.80), 1.5, (0.5, 50_000.0), (1e3, 1e6)
    ),
    MarketClass.FOREX: ClassProfile(
        "FX", 0.15, (0.06, 0.12), (0.30, 0.70), 0.2, (0.5, 2.0), (1e3, 1e5)
    ),
    MarketClass.EQUITIES: ClassProfile(
        "EQ", 0.30, (0.18, 0.45), (0.40, 0.75), 1.0, (10.0, 500.0), (1e5, 1e7)
    ),
    MarketClass.COMMODITIES: ClassProfile(
        "CMD", 0.10, (0.20, 0.40), (0.10, 0.40), 0.6, (2.0, 2_000.0), (1e3, 1e5)
    ),
    MarketClass.BONDS: ClassProfile(
        "BND", 0.08, (0.04, 0.12), (-0.40, -0.05), -0.3, (80.0, 120.0), (1e4, 1e6)
    ),
    MarketClass.VOLATILITY: ClassProfile(
        "VOL",
        0.07,
        (0.70, 1.00),
        (-0.80, -0.60),
        -2.0,
        (12.0, 30.0),
        (1e3, 1e5),
        QuoteType.INDEX_LEVEL,
    ),
    MarketClass.FUTURES: ClassProfile(
        "FUT", 0.10, (0.15, 0.35), (0.30, 0.60), 0.8, (50.0, 5_000.0), (1e3, 1e5)
    ),
}
"""Per-class behaviour; `code` is the middle part of a symbol (`SYN-EQ-0042`)."""

CLASS_CODES: Final[dict[MarketClass, str]] = {k: p.code for k, p in CLASS_PROFILES.items()}

DEFAULT_CLASSES: Final[tuple[MarketClass, ...]] = (
    MarketClass.CRYPTO,
    MarketClass.FOREX,
    MarketClass.EQUITIES,
    MarketClass.COMMODITIES,
    MarketClass.BONDS,
    MarketClass.VOLATILITY,
)


@dataclass(frozen=True, slots=True)
class RegimeParams:
    """One market regime: annualised log drift (before class sensitivity) and vol multiplier.

    `transitions` are the probabilities of the next regime's label (never itself);
    `duration_factor` scales the spec's mean regime length for this regime.
    """

    label: str
    drift_annual: float
    vol_multiplier: float
    duration_factor: float
    transitions: tuple[tuple[str, float], ...]


REGIME_PARAMS: Final[tuple[RegimeParams, ...]] = (
    RegimeParams("bull", 0.20, 0.8, 1.0, (("ranging", 0.45), ("bear", 0.40), ("crisis", 0.15))),
    RegimeParams("bear", -0.25, 1.3, 0.8, (("bull", 0.30), ("ranging", 0.30), ("crisis", 0.40))),
    RegimeParams("crisis", -0.80, 2.5, 0.4, (("bull", 0.30), ("bear", 0.40), ("ranging", 0.30))),
    RegimeParams("ranging", 0.0, 0.6, 1.0, (("bull", 0.50), ("bear", 0.40), ("crisis", 0.10))),
)
"""The hidden regimes shared by every symbol (volatility: crisis > bear > bull > ranging)."""

REGIME_LABELS: Final[tuple[str, ...]] = tuple(r.label for r in REGIME_PARAMS)

DEFAULT_END: Final = datetime(2025, 1, 1, tzinfo=UTC)
"""Where the master clock ends when the spec gives no start."""

_EARLIEST: Final = datetime(1900, 1, 1, tzinfo=UTC)
_LATEST: Final = datetime(2200, 1, 1, tzinfo=UTC)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,11}$")
_MAX_LOG_BARS = 10_000_000


def _parse_start(value: datetime | str) -> datetime:
    try:
        stamp = datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        raise SyntheticSpecError(
            f"invalid synthetic start {value!r}: expected an ISO date such as 2020-01-01"
        ) from None
    if not isinstance(stamp, datetime):
        raise SyntheticSpecError(
            f"invalid synthetic start {value!r}: expected a datetime or ISO text"
        )
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _ns(stamp: datetime) -> int:
    return int(stamp.timestamp()) * 1_000_000_000


def _check_range(name: str, pair: tuple[float, float], low: float, high: float) -> None:
    if len(pair) != 2 or not (low <= pair[0] <= pair[1] <= high):
        raise SyntheticSpecError(
            f"invalid synthetic {name} {pair!r}: "
            f"expected (min, max) with {low} <= min <= max <= {high}"
        )


@dataclass(frozen=True, slots=True)
class SyntheticSpec:
    """A seeded synthetic multi-market universe with planted effects.

    Fields:
        n_symbols: symbols across `classes` (largest-remainder split by class weight,
            at least one per class when there are enough symbols).
        n_bars: bars of the master clock, a gap-free 24/7 grid of `timeframe` bars from
            `start`; crypto symbols have exactly `n_bars` bars, session-calendar symbols
            (FX, XNYS, CMES) have the bars their calendar opens within the same span.
        timeframe: intraday (dividing 24h) or `1d`.
        seed: every random draw derives from it; same spec -> identical arrays.
        start: first master bar (UTC; naive means UTC), floored to a bar boundary;
            None -> `DEFAULT_END` (2025-01-01) minus `n_bars` bars, so that any size
            stays inside the calendars' coverage (XNYS: 1985 to about a year ahead).
        name: lower/upper-case letters and digits, up to 12; upper-cased it prefixes
            every symbol (`SYN-EQ-0042`) and names the truth folder.
        n_lead_lag_pairs / n_correlation_breaks: None -> n_symbols // 10 and
            n_symbols // 20 (at least 1), reduced to what the universe can hold; an
            explicit number that does not fit raises `SyntheticSpecError`.
        lag_range_bars: inclusive (min, max) lag of lead-lag pairs, in bars.
        lead_lag_corr: range of the planted correlation between the follower's return
            and the leader's lagged return (signal-to-noise = corr^2 / (1 - corr^2)).
        break_corr: range of |correlation to the group factor| before a break.
        regime_mean_bars / regime_min_bars: regime lengths on the master clock;
            None -> max(20, n_bars // 12) and max(5, mean // 4).
        garch_alpha / garch_beta: GARCH(1,1) on each symbol's standardised shock,
            normalised to unconditional variance 1 (alpha + beta < 1).

    Raises:
        SyntheticSpecError: on any out-of-range field.
    """

    n_symbols: int = 100
    n_bars: int = 10_000
    timeframe: Timeframe | str = "1h"
    seed: int = 7
    start: datetime | str | None = None
    name: str = "syn"
    classes: tuple[MarketClass, ...] = DEFAULT_CLASSES
    n_lead_lag_pairs: int | None = None
    n_correlation_breaks: int | None = None
    lag_range_bars: tuple[int, int] = (1, 5)
    lead_lag_corr: tuple[float, float] = (0.35, 0.60)
    break_corr: tuple[float, float] = (0.55, 0.80)
    regime_mean_bars: int | None = None
    regime_min_bars: int | None = None
    garch_alpha: float = 0.08
    garch_beta: float = 0.90

    def __post_init__(self) -> None:
        self._check_counts()
        try:
            tf = Timeframe.parse(self.timeframe)
        except DomainError as exc:
            raise SyntheticSpecError(str(exc)) from None
        if not (tf.is_intraday and 86_400 % tf.seconds == 0) and not (
            tf.unit is TimeUnit.DAY and tf.count == 1
        ):
            raise SyntheticSpecError(
                f"invalid synthetic timeframe {tf}: expected an intraday timeframe that divides "
                "24h (1m, 5m, 15m, 1h, 4h, ...) or 1d"
            )
        object.__setattr__(self, "timeframe", tf)
        bar_ns = tf.seconds * 1_000_000_000
        if self.start is None:
            first_ns = _ns(DEFAULT_END) - self.n_bars * bar_ns
        else:
            first_ns = _ns(_parse_start(self.start)) // bar_ns * bar_ns
        end_ns = first_ns + self.n_bars * bar_ns
        if not (_ns(_EARLIEST) <= first_ns and end_ns <= _ns(_LATEST)):
            raise SyntheticSpecError(
                f"invalid synthetic span: {self.n_bars} bars of {tf} from "
                f"{self.start or 'the default start'} leave {_EARLIEST.year}..{_LATEST.year}; "
                "use fewer bars, a shorter timeframe or another start"
            )
        object.__setattr__(self, "start", datetime.fromtimestamp(first_ns // 1_000_000_000, tz=UTC))
        classes = tuple(MarketClass.parse(str(c)) for c in self.classes)
        if not classes or len(set(classes)) != len(classes):
            raise SyntheticSpecError(
                f"invalid synthetic classes {self.classes!r}: expected distinct classes"
            )
        object.__setattr__(self, "classes", classes)
        if not _NAME.match(self.name):
            raise SyntheticSpecError(
                f"invalid synthetic name {self.name!r}: "
                "expected a letter then up to 11 letters or digits"
            )
        lo, hi = self.lag_range_bars
        if not (1 <= lo <= hi <= 1000):
            raise SyntheticSpecError(
                f"invalid synthetic lag_range_bars {self.lag_range_bars!r}: "
                "expected 1 <= min <= max <= 1000"
            )
        _check_range("lead_lag_corr", self.lead_lag_corr, 0.05, 0.95)
        _check_range("break_corr", self.break_corr, 0.05, 0.95)
        if not (
            self.garch_alpha >= 0
            and self.garch_beta >= 0
            and self.garch_alpha + self.garch_beta < 1
        ):
            raise SyntheticSpecError(
                f"invalid synthetic GARCH alpha={self.garch_alpha}, beta={self.garch_beta}: "
                "expected non-negative with alpha + beta < 1"
            )

    def _check_counts(self) -> None:
        if not (1 <= self.n_symbols <= 100_000):
            raise SyntheticSpecError(
                f"invalid synthetic n_symbols {self.n_symbols}: expected 1..100000"
            )
        if not (10 <= self.n_bars <= _MAX_LOG_BARS):
            raise SyntheticSpecError(
                f"invalid synthetic n_bars {self.n_bars}: expected 10..{_MAX_LOG_BARS}"
            )
        for name in (
            "n_lead_lag_pairs",
            "n_correlation_breaks",
            "regime_mean_bars",
            "regime_min_bars",
        ):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise SyntheticSpecError(f"invalid synthetic {name} {value}: expected >= 0 or None")
        if self.regime_min_bars is not None and self.regime_min_bars < 1:
            raise SyntheticSpecError("invalid synthetic regime_min_bars 0: expected >= 1")

    @property
    def tf(self) -> Timeframe:
        """The timeframe as a `Timeframe` (the field is normalised on construction)."""
        tf = self.timeframe
        return tf if isinstance(tf, Timeframe) else Timeframe.parse(tf)

    @property
    def start_time(self) -> datetime:
        """The first master bar's timestamp (UTC)."""
        start = self.start
        if isinstance(start, datetime):
            return start
        raise SyntheticSpecError("synthetic spec start was not normalised")  # unreachable

    @property
    def prefix(self) -> str:
        """The symbol prefix, e.g. `SYN`."""
        return self.name.upper()

    @property
    def regime_mean(self) -> int:
        return self.regime_mean_bars or max(20, self.n_bars // 12)

    @property
    def regime_min(self) -> int:
        return self.regime_min_bars or max(5, self.regime_mean // 4)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (timeframe and start as text)."""
        return {
            "n_symbols": self.n_symbols,
            "n_bars": self.n_bars,
            "timeframe": str(self.tf),
            "seed": self.seed,
            "start": self.start_time.isoformat(),
            "name": self.name,
            "classes": [c.value for c in self.classes],
            "n_lead_lag_pairs": self.n_lead_lag_pairs,
            "n_correlation_breaks": self.n_correlation_breaks,
            "lag_range_bars": list(self.lag_range_bars),
            "lead_lag_corr": list(self.lead_lag_corr),
            "break_corr": list(self.break_corr),
            "regime_mean_bars": self.regime_mean_bars,
            "regime_min_bars": self.regime_min_bars,
            "garch_alpha": self.garch_alpha,
            "garch_beta": self.garch_beta,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SyntheticSpec:
        """Rebuild a spec from `to_dict` output.

        Raises:
            SyntheticSpecError: unknown or invalid fields.
        """
        known = set(cls().to_dict())
        unknown = sorted(set(data) - known)
        if unknown:
            raise SyntheticSpecError(f"invalid synthetic spec: unknown fields {unknown}")
        values = dict(data)
        if "classes" in values:
            values["classes"] = tuple(MarketClass.parse(str(c)) for c in values["classes"])
        for name in ("lag_range_bars", "lead_lag_corr", "break_corr"):
            if name in values:
                values[name] = tuple(values[name])
        return cls(**values)
