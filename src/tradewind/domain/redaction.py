"""Masking credentials inside URLs, wherever text that may hold one is shown or stored.

`redact_url("postgresql://u:PW@h/db")` is `"postgresql://u:***@h/db"`. It lives in the
domain (standard library only) so that every layer masks with the same rule: the
configuration dump, the journal's stored run configuration, the command line.
`redact_data` does the same for every string of a JSON or YAML document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["PASSWORD_MASK", "has_url_password", "redact_data", "redact_url"]

PASSWORD_MASK = "***"
"""What a password becomes in shown or stored text."""

# scheme://user:password@host. The password runs to the last "@" before the path; if
# there is none, to the first "@" (which is how SQLAlchemy reads `u:pa/ss@h`).
_USERINFO = re.compile(
    r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*):(?:[^\s/?#]*|[^\s@]*)@(?=\S)"
)
# ...?password=... (libpq and most drivers accept the password as a query parameter).
_QUERY = re.compile(r"(?P<head>[?&](?:password|passwd|pwd)=)[^&#\s]*", re.IGNORECASE)


def redact_url(text: str) -> str:
    """`text` with the password of every URL in it replaced by `***` (userinfo
    passwords and `password=` query parameters); text without one is returned as is."""
    if "://" not in text and "=" not in text:
        return text
    masked = _USERINFO.sub(rf"\g<head>:{PASSWORD_MASK}@", text)
    return _QUERY.sub(rf"\g<head>{PASSWORD_MASK}", masked)


def has_url_password(text: str) -> bool:
    """Whether `text` holds a URL with a password other than the mask `***`."""
    return redact_url(text) != text


def redact_data(data: Any) -> Any:
    """A copy of `data` (mappings, lists, scalars: a JSON or YAML document) with
    `redact_url` applied to every string value; keys and other values are kept."""
    if isinstance(data, str):
        return redact_url(data)
    if isinstance(data, Mapping):
        return {key: redact_data(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [redact_data(item) for item in data]
    return data
