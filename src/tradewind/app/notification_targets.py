"""Where notices go: the apprise URLs of TRADEWIND_NOTIFY_URLS, each checked once and
then named only by its position and scheme (a URL holds tokens: it never reaches a log
line or an exception).

apprise and the HTTP stack below it log request details (paths with tokens included) at
debug level; `quiet_logs` silences those loggers in the threads that parse or send, so
only Tradewind's own scheme-only messages remain.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tradewind.config.operator import NoticeKind
from tradewind.domain.errors import TradewindError

__all__ = [
    "NOTIFY_URLS_VAR",
    "NotifyUrlError",
    "Target",
    "build_targets",
    "deliver",
    "quiet_logs",
    "split_urls",
]

NOTIFY_URLS_VAR = "TRADEWIND_NOTIFY_URLS"
_SEPARATORS = re.compile(r"[\s,]+")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]{0,19})://", re.IGNORECASE)
# Loggers that may print a URL or a request path (with its tokens) while sending.
_NOISY_LOGGERS = (
    "apprise",
    "requests",
    "urllib3.connection",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
    "urllib3.util.retry",
)
_WARNING_KINDS = frozenset(
    {
        NoticeKind.RISK_DENIALS,
        NoticeKind.LADDER,
        NoticeKind.SHUTDOWN,
        NoticeKind.FEED_DOWN,
        NoticeKind.RECONCILIATION,
        NoticeKind.DEAD_MAN,
        NoticeKind.DRIFT,
    }
)


class NotifyUrlError(TradewindError):
    """TRADEWIND_NOTIFY_URLS holds a URL apprise does not accept (named by position)."""


@dataclass(frozen=True, slots=True)
class Target:
    """One notification URL, ready to send: `label` (`URL #2 (json://)`) is all of it
    that may be shown."""

    position: int
    scheme: str
    service: Any  # an apprise.Apprise holding this one URL

    @property
    def label(self) -> str:
        return f"URL #{self.position} ({self.scheme}://)"


def split_urls(environ: Mapping[str, str]) -> list[str]:
    """The URLs in TRADEWIND_NOTIFY_URLS, split on whitespace and commas (empty: none)."""
    return [url for url in _SEPARATORS.split(environ.get(NOTIFY_URLS_VAR, "")) if url]


def build_targets(urls: Sequence[str]) -> list[Target]:
    """One `Target` per URL, in order.

    Raises:
        NotifyUrlError: a URL apprise does not accept; the message names the variable
            and the URL's position, never the URL.
    """
    import apprise

    # No service deadline: with one, apprise sends from its own thread pool, outside
    # `quiet_logs`. Each request stays bounded by the services' socket timeouts.
    asset = apprise.AppriseAsset(async_mode=False, secure_logging=True, service_timeout=0)
    targets = []
    with quiet_logs():
        for position, url in enumerate(urls, start=1):
            service = apprise.Apprise(asset=asset)
            if not service.add(url):
                raise NotifyUrlError(_refusal(position, len(urls), url))
            targets.append(Target(position, _scheme(url), service))
    return targets


def deliver(
    targets: Sequence[Target], title: str, body: str, kind: NoticeKind | None
) -> list[Target]:
    """Send one notice to every target in turn (in the calling thread, bounded by each
    service's socket timeouts); returns the targets that did not accept it."""
    import apprise

    notify_type = apprise.NotifyType.WARNING if kind in _WARNING_KINDS else apprise.NotifyType.INFO
    failed = []
    with quiet_logs():
        for target in targets:
            try:
                accepted = bool(
                    target.service.notify(body=body, title=title, notify_type=notify_type)
                )
            except Exception:  # a plugin bug must not end the sender
                accepted = False
            if not accepted:
                failed.append(target)
    return failed


def _refusal(position: int, count: int, url: str) -> str:
    scheme = _SCHEME.match(url)
    shown = f"scheme {scheme.group(1).lower()}://" if scheme else "no scheme:// found"
    return (
        f"{NOTIFY_URLS_VAR}: URL #{position} of {count} is not a notification URL apprise "
        f"accepts ({shown}); expected e.g. json://host/path, tgram://bot_token/chat_id, "
        "slack://tokens, mailto://user:password@host (URLs separated by spaces or commas)"
    )


def _scheme(url: str) -> str:
    found = _SCHEME.match(url)
    return found.group(1).lower() if found else "?"


# -- keeping URLs out of the logs ---------------------------------------------------------

_quiet = threading.local()
_install_lock = threading.Lock()


class _QuietThreadFilter(logging.Filter):
    """Drops records emitted by a thread inside `quiet_logs`."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_quiet, "depth", 0)


_FILTER = _QuietThreadFilter()


@contextmanager
def quiet_logs() -> Iterator[None]:
    """Silence apprise's and the HTTP stack's loggers in this thread for the block.

    The filter is attached to those loggers on first use (never at import time) and
    only affects threads inside this block.
    """
    with _install_lock:
        for name in _NOISY_LOGGERS:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
    _quiet.depth = getattr(_quiet, "depth", 0) + 1
    try:
        yield
    finally:
        _quiet.depth -= 1
