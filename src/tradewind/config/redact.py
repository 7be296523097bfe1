"""Masking credentials in configuration text before it is shown or stored.

`redact_url` masks the password of every URL in a string (`postgresql://u:***@h/db`),
and `redact_data` every string of a JSON/YAML-shaped document (both from
`tradewind.domain.redaction`, where the journal takes them too: it masks every run's
configuration and summary itself before they are stored).
"""

from __future__ import annotations

from tradewind.domain.redaction import PASSWORD_MASK, has_url_password, redact_data, redact_url

__all__ = [
    "PASSWORD_MASK",
    "has_url_password",
    "redact_data",
    "redact_url",
]
