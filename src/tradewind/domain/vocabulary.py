"""Enum base for closed vocabularies that users type (config, API)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CaseInsensitiveEnum"]


class CaseInsensitiveEnum(StrEnum):
    """A string enum that also accepts its values in any letter case (`consensus`)."""

    @classmethod
    def _missing_(cls, value: object) -> CaseInsensitiveEnum | None:
        if isinstance(value, str):
            wanted = value.strip().lower()
            for member in cls:
                if member.value.lower() == wanted:
                    return member
        return None
