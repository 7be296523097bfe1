"""A credential wrapper that never shows its value (shared by every venue adapter)."""

from __future__ import annotations

from tradewind.domain.errors import DomainError

__all__ = ["Secret"]

_MASK = "***"


class Secret:
    """A credential that never shows itself: `repr` and `str` give `Secret('***')`.

    `reveal()` hands the value to the one place that needs it (the venue client).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise DomainError(
                f"invalid credential: expected a string, found {type(value).__name__}"
            )
        self._value = value

    def reveal(self) -> str:
        """The credential itself (pass it to the client; never log it)."""
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __repr__(self) -> str:
        return f"Secret('{_MASK}')"

    __str__ = __repr__
