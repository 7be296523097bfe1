"""Stored text of whole arrays of amounts and instants, compiled, for bulk writes.

The results are exactly those of the per-value converters in `tradewind.store.values`
(`f"{x:.12f}"` for a float amount, `datetime.isoformat` for an instant): the kernels
write every text into one byte buffer, one line each, and a single decode and split
turns it into Python strings. An amount is formatted from its binary value with the
integer and fraction parts split exactly; the few values whose 13th decimal is too
close to a rounding tie (or that are 2**53 or larger) are formatted by Python instead.
Inputs are validated by the caller (finite amounts below 1e26, instants in years 1 to
9999).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["amount_texts", "fixed_point_texts", "instant_texts"]

_SCALE = 10**12  # 12 decimal places (values.AMOUNT_SCALE)
_EXACT_LIMIT = 2.0**53  # below it the integer part of a float fits an int64 exactly
# |fraction * 1e12 - exact| <= 2**-14 (one rounding of a product below 2**40), so a
# distance from the tie above this decides the rounding.
_TIE_MARGIN = 2.0**-10
_AMOUNT_WIDTH = 32  # sign, 16 integer digits, point, 12 decimals, newline
_INSTANT_WIDTH = 33  # YYYY-MM-DDTHH:MM:SS.ffffff+00:00 and a newline
_NEWLINE = 10


def amount_texts(numbers: npt.NDArray[np.float64]) -> list[str]:
    """Canonical amount text of every value (`values.amount_storage_text`): fixed-point,
    at most 12 decimals, no trailing zeros, `0` for anything that rounds to zero."""
    return _texts(numbers, trim=True)


def fixed_point_texts(numbers: npt.NDArray[np.float64]) -> list[str]:
    """`f"{x:.12f}"` of every value (what `values.to_amount` builds its `Decimal` from)."""
    return _texts(numbers, trim=False)


def instant_texts(micros: npt.NDArray[np.int64]) -> list[str]:
    """`YYYY-MM-DDTHH:MM:SS.ffffff+00:00` of microseconds since the epoch (UTC)."""
    if len(micros) == 0:
        return []
    out = np.empty(len(micros) * _INSTANT_WIDTH, dtype=np.uint8)
    _instant_chars(np.ascontiguousarray(micros, dtype=np.int64), out)
    texts = out.tobytes().decode("ascii").split("\n")
    texts.pop()  # after the last newline
    return texts


def _texts(numbers: npt.NDArray[np.float64], *, trim: bool) -> list[str]:
    if len(numbers) == 0:
        return []
    values = np.ascontiguousarray(numbers, dtype=np.float64)
    out = np.empty(len(values) * _AMOUNT_WIDTH, dtype=np.uint8)
    inexact = np.zeros(len(values), dtype=np.bool_)
    end = _amount_chars(values, trim, out, inexact)
    texts = out[:end].tobytes().decode("ascii").split("\n")
    texts.pop()
    for index in np.flatnonzero(inexact).tolist():
        texts[index] = _python_text(float(values[index]), trim=trim)
    return texts


def _python_text(value: float, *, trim: bool) -> str:
    text = f"{value:.12f}"
    if not trim:
        return text
    text = text.rstrip("0")
    if text[-1] == ".":
        text = text[:-1]
    return "0" if text == "-0" else text


@njit(cache=True)
def _amount_chars(
    values: npt.NDArray[np.float64],
    trim: bool,
    out: npt.NDArray[np.uint8],
    inexact: npt.NDArray[np.bool_],
) -> int:
    pos = 0
    digits = np.empty(16, dtype=np.uint8)
    for i in range(values.shape[0]):
        value = values[i]
        size = abs(value)
        if not size < _EXACT_LIMIT:
            inexact[i] = True
            out[pos] = _NEWLINE
            pos += 1
            continue
        whole_part = math.floor(size)
        scaled = (size - whole_part) * 1e12  # the fraction is exact; one rounding here
        low = math.floor(scaled)
        if abs(scaled - low - 0.5) <= _TIE_MARGIN:
            inexact[i] = True
            out[pos] = _NEWLINE
            pos += 1
            continue
        whole = np.int64(whole_part)
        fraction = np.int64(low) + (1 if scaled - low > 0.5 else 0)
        if fraction >= _SCALE:
            whole += 1
            fraction -= _SCALE
        if trim:
            negative = value < 0 and (whole != 0 or fraction != 0)
        else:
            negative = math.copysign(1.0, value) < 0
        if negative:
            out[pos] = 45  # "-"
            pos += 1
        count = 0
        while True:
            digits[count] = 48 + whole % 10
            whole //= 10
            count += 1
            if whole == 0:
                break
        for k in range(count - 1, -1, -1):
            out[pos] = digits[k]
            pos += 1
        kept = 12
        if trim:
            while kept > 0 and fraction % 10 == 0:
                fraction //= 10
                kept -= 1
        if kept > 0:
            out[pos] = 46  # "."
            for k in range(kept, 0, -1):
                out[pos + k] = 48 + fraction % 10
                fraction //= 10
            pos += kept + 1
        out[pos] = _NEWLINE
        pos += 1
    return pos


@njit(cache=True)
def _put(out: npt.NDArray[np.uint8], pos: int, value: int, width: int) -> None:
    for k in range(width - 1, -1, -1):
        out[pos + k] = 48 + value % 10
        value //= 10


@njit(cache=True)
def _instant_chars(micros: npt.NDArray[np.int64], out: npt.NDArray[np.uint8]) -> None:
    for i in range(micros.shape[0]):
        stamp = micros[i]
        days = stamp // 86_400_000_000
        rest = stamp - days * 86_400_000_000
        # Civil date from days since 1970-01-01 (proleptic Gregorian, eras of 400 years).
        z = days + 719_468
        era = z // 146_097
        doe = z - era * 146_097
        yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
        doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
        mp = (5 * doy + 2) // 153
        day = doy - (153 * mp + 2) // 5 + 1
        month = mp + 3 if mp < 10 else mp - 9
        year = yoe + era * 400 + (1 if month <= 2 else 0)
        pos = i * _INSTANT_WIDTH
        _put(out, pos, year, 4)
        out[pos + 4] = 45  # "-"
        _put(out, pos + 5, month, 2)
        out[pos + 7] = 45
        _put(out, pos + 8, day, 2)
        out[pos + 10] = 84  # "T"
        _put(out, pos + 11, rest // 3_600_000_000, 2)
        out[pos + 13] = 58  # ":"
        _put(out, pos + 14, rest // 60_000_000 % 60, 2)
        out[pos + 16] = 58
        _put(out, pos + 17, rest // 1_000_000 % 60, 2)
        out[pos + 19] = 46  # "."
        _put(out, pos + 20, rest % 1_000_000, 6)
        out[pos + 26] = 43  # "+"
        out[pos + 27] = 48
        out[pos + 28] = 48
        out[pos + 29] = 58
        out[pos + 30] = 48
        out[pos + 31] = 48
        out[pos + 32] = _NEWLINE
