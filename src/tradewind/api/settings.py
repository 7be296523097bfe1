"""`ServeSettings`: where `tradewind serve` listens, what it reads, and its security
limits (session lifetime, login rate limit)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ServeSettings", "is_loopback"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ServeSettings:
    """What one `tradewind serve` process serves.

    Attributes:
        journal: the journal path or URL the sessions write.
        config_path: the config whose markets the tabs show (None: the shown run's own).
        host, port: where to listen (127.0.0.1 unless the operator asks otherwise).
        reports_dir: the folder whose HTML reports the runs page links to.
        session_idle_s: a browser session ends after this long without a request.
        login_failures_allowed: failed logins per client address (and per user name)
            within `login_window_s` before further attempts get 429.
        poll_ms: how often the change feed reads the journal's versions.
        secure_cookies: mark cookies `Secure` (set when served behind HTTPS).
    """

    journal: str
    config_path: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    reports_dir: Path = Path("reports")
    session_idle_s: int = 8 * 3600
    login_failures_allowed: int = 5
    login_window_s: int = 300
    poll_ms: int = 250
    secure_cookies: bool = False


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
