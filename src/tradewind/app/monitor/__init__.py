"""The dashboard's read models: plain frozen records computed from the journal (and
the config), for `tradewind serve` to render. No web imports; nothing cached."""

from tradewind.app.monitor.audit_view import audit
from tradewind.app.monitor.changes import TOPICS, journal_versions
from tradewind.app.monitor.equity_view import equity_curve
from tradewind.app.monitor.mmin_view import mmin_view, mmin_view_of
from tradewind.app.monitor.overview import SIGNALS_PER_MARKET, overview
from tradewind.app.monitor.positions import fold_fills
from tradewind.app.monitor.runs_view import compare_runs, list_runs
from tradewind.app.monitor.views import (
    AllocationView,
    AuditAck,
    AuditEntry,
    EquityPoint,
    LeadLagView,
    MarketView,
    MminView,
    MonitorError,
    Overview,
    PositionView,
    RiskView,
    RunComparison,
    RunRef,
    RunSummary,
    SessionView,
    SignalView,
    StrategyView,
    VenueStatusView,
)

__all__ = [
    "SIGNALS_PER_MARKET",
    "TOPICS",
    "AllocationView",
    "AuditAck",
    "AuditEntry",
    "EquityPoint",
    "LeadLagView",
    "MarketView",
    "MminView",
    "MonitorError",
    "Overview",
    "PositionView",
    "RiskView",
    "RunComparison",
    "RunRef",
    "RunSummary",
    "SessionView",
    "SignalView",
    "StrategyView",
    "VenueStatusView",
    "audit",
    "compare_runs",
    "equity_curve",
    "fold_fills",
    "journal_versions",
    "list_runs",
    "mmin_view",
    "mmin_view_of",
    "overview",
]
