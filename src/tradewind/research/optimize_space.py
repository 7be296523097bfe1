"""The search space of `tradewind optimize`: `--param name=lo:hi[:step]` or `name=a,b,c`."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from tradewind.domain.errors import TradewindError

__all__ = [
    "Choice",
    "OptimizeSpaceError",
    "ParamDimension",
    "check_known",
    "grid_size",
    "grid_values",
    "parse_param",
    "parse_space",
]

Choice = int | float | str
DimensionKind = Literal["int", "float", "choice"]
_GRID_LIMIT = 1_000_000


class OptimizeSpaceError(TradewindError, ValueError):
    """A `--param` range that cannot be searched."""


@dataclass(frozen=True, slots=True)
class ParamDimension:
    """One searched parameter: an int or float range (`step` None = continuous float),
    or an explicit list of `choices`."""

    name: str
    kind: DimensionKind
    low: float = 0.0
    high: float = 0.0
    step: float | None = None
    choices: tuple[Choice, ...] = ()

    def describe(self) -> str:
        """The range as it was written (`5:50:5`, `0.1:0.5`, `a,b`)."""
        if self.kind == "choice":
            return ",".join(str(c) for c in self.choices)
        parts = [_number_text(self.low), _number_text(self.high)]
        if self.step is not None:
            parts.append(_number_text(self.step))
        return ":".join(parts)


def parse_param(text: str) -> ParamDimension:
    """`fast=5:50` (ints, step 1), `fast=5:50:5`, `z=0.5:2.5[:0.5]` (floats) or `mode=a,b,c`.

    Raises:
        OptimizeSpaceError: no `=`, empty name, non-numbers in a range, lo > hi,
            step <= 0, or an empty choice; the message quotes the `--param` value.
    """
    name, sep, spec = text.partition("=")
    name, spec = name.strip(), spec.strip()
    where = f"--param {text!r}"
    if not sep or not name:
        raise OptimizeSpaceError(f"{where}: expected name=lo:hi[:step] or name=a,b,c")
    if not spec:
        raise OptimizeSpaceError(f"{where}: empty range, expected lo:hi[:step] or a,b,c")
    if ":" in spec:
        return _parse_range(name, spec, where)
    items = [item.strip() for item in spec.split(",")]
    if any(not item for item in items):
        raise OptimizeSpaceError(f"{where}: empty choice in {spec!r}, expected a,b,c")
    choices = tuple(dict.fromkeys(_choice(item) for item in items))
    return ParamDimension(name=name, kind="choice", choices=choices)


def parse_space(items: Iterable[str]) -> tuple[ParamDimension, ...]:
    """Every `--param`, in order.

    Raises:
        OptimizeSpaceError: none given, a malformed one, or a name given twice.
    """
    space = tuple(parse_param(item) for item in items)
    if not space:
        raise OptimizeSpaceError("--param: give at least one name=lo:hi[:step] or name=a,b,c")
    seen: set[str] = set()
    for dim in space:
        if dim.name in seen:
            raise OptimizeSpaceError(f"--param {dim.name}: given twice, expected once")
        seen.add(dim.name)
    return space


def check_known(space: Sequence[ParamDimension], known: Sequence[str], strategy: str) -> None:
    """Refuse a searched name that is not a parameter of `strategy`.

    Raises:
        OptimizeSpaceError: naming the parameter and the known ones.
    """
    for dim in space:
        if dim.name not in known:
            raise OptimizeSpaceError(
                f"--param {dim.name}: not a parameter of strategy {strategy}, expected one of "
                + (", ".join(known) if known else "(no parameters)")
            )


def grid_values(dim: ParamDimension) -> tuple[Choice, ...]:
    """Every value of `dim` on the grid (lo, lo+step, ... <= hi).

    Raises:
        OptimizeSpaceError: a float range without a step (it has no grid).
    """
    if dim.kind == "choice":
        return dim.choices
    if dim.step is None:
        raise OptimizeSpaceError(
            f"--param {dim.name}={dim.describe()}: a float range needs a step for --method grid "
            "(lo:hi:step)"
        )
    count = math.floor((dim.high - dim.low) / dim.step + 1e-9) + 1
    if count > _GRID_LIMIT:
        raise OptimizeSpaceError(
            f"--param {dim.name}={dim.describe()}: {count:,} grid values, expected at most "
            f"{_GRID_LIMIT:,} (use a larger step)"
        )
    if dim.kind == "int":
        return tuple(int(dim.low) + i * int(dim.step) for i in range(count))
    return tuple(round(dim.low + i * dim.step, 12) for i in range(count))


def grid_size(space: Sequence[ParamDimension]) -> int:
    """How many points the full grid of `space` has."""
    return math.prod(len(grid_values(dim)) for dim in space)


def _parse_range(name: str, spec: str, where: str) -> ParamDimension:
    parts = [part.strip() for part in spec.split(":")]
    if len(parts) not in (2, 3):
        raise OptimizeSpaceError(f"{where}: expected lo:hi or lo:hi:step, got {spec!r}")
    ints = all(_is_int(part) for part in parts)
    numbers = [_number(part, where) for part in parts]
    low, high = numbers[0], numbers[1]
    step = numbers[2] if len(parts) == 3 else (1.0 if ints else None)
    if low > high:
        raise OptimizeSpaceError(f"{where}: lo ({parts[0]}) is above hi ({parts[1]})")
    if step is not None and step <= 0:
        raise OptimizeSpaceError(f"{where}: step must be above 0, got {parts[2]}")
    return ParamDimension(name=name, kind="int" if ints else "float", low=low, high=high, step=step)


def _is_int(text: str) -> bool:
    return text.lstrip("+-").isdigit()


def _number(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise OptimizeSpaceError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise OptimizeSpaceError(f"{where}: {text!r} is not a finite number")
    return value


def _choice(text: str) -> Choice:
    if _is_int(text):
        return int(text)
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)
