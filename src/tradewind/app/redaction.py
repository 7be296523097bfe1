"""What commands print of values that may hold a secret (journal and database URLs).

A re-export of `tradewind.domain.redaction.redact_url`, so that `tradewind.cli` imports
only `app`.
"""

from __future__ import annotations

from tradewind.domain.redaction import redact_url

__all__ = ["redact_url"]
