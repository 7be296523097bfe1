"""What every live venue adapter's session does alike before sending a request."""

from __future__ import annotations

from tradewind.domain.venue_errors import VenueDisconnectedError
from tradewind.domain.venue_reports import VenueStatus

__all__ = ["require_connected"]


def require_connected(request: str, *, venue: str, status: VenueStatus, loaded: bool) -> None:
    """Refuse `request` unless the session accepts requests and has loaded what the
    venue trades (`loaded`: instruments, markets or contracts).

    Raises:
        VenueDisconnectedError: naming the request, the venue and why it is disconnected.
    """
    if not status.accepts_requests or not loaded:
        raise VenueDisconnectedError(
            f"{request} refused: venue {venue} is disconnected "
            f"({status.reason}); call connect() first"
        )
