"""Masking credentials in configuration text before it is shown or stored.

`redact_url` masks the password of every URL in a string (`postgresql://u:***@h/db`),
`redact_data` every string of a JSON/YAML-shaped document (both from
`tradewind.domain.redaction`, so the journal masks with the same rule), and
`redacted_config_json` gives the JSON a run's configuration is journaled as.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from tradewind.domain.redaction import PASSWORD_MASK, has_url_password, redact_data, redact_url

__all__ = [
    "PASSWORD_MASK",
    "has_url_password",
    "redact_data",
    "redact_url",
    "redacted_config_json",
]


def redacted_config_json(config: BaseModel | Mapping[str, Any] | str) -> str:
    """JSON of a configuration (a model, a mapping or JSON text) with every URL password
    masked: what a run's configuration is journaled as."""
    if isinstance(config, BaseModel):
        data: Any = config.model_dump(mode="json")
    elif isinstance(config, str):
        try:
            data = json.loads(config)
        except json.JSONDecodeError:  # not ours to judge: masked as text, refused later
            return redact_url(config)
    else:
        data = config
    return json.dumps(redact_data(data), ensure_ascii=False)
