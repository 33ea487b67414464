"""Checks of score inputs: masks that flag bad rows, and checks that raise on them.

The ``invalid_*`` masks never raise: given anything array-like (numpy array, pandas Series, list,
scalar) they return a boolean array, True where the value is not acceptable, so a batch can flag
its bad rows and score the rest. The other functions raise :class:`~hepatrial.errors.InputError`
naming the field (with the row, e.g. ``bilirubin[17]``, for arrays), what was expected and what
was received. Each raising check is built on the same test as its mask, so both flag the same
rows.

A number is an ``int``, ``float`` or numpy number, never a ``bool`` and never text, even text
that looks like a number: a score should not guess what ``"3,2"`` meant.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hepatrial.errors import InputError, describe

__all__ = [
    "as_float",
    "category_points",
    "check_choice",
    "check_finite",
    "check_flag",
    "check_positive",
    "common_length",
    "finite_array",
    "flag_array",
    "invalid_category",
    "invalid_finite",
    "invalid_flag",
    "invalid_positive",
    "missing",
    "positive_array",
    "reject",
    "vector",
]


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


def _is_flag(value: object) -> bool:
    return isinstance(value, bool | np.bool_) or (_is_number(value) and value in (0, 1))


def _is_absent(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _as_array(values: ArrayLike) -> NDArray[np.generic]:
    return np.asarray(values)


def _numeric(values: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """``values`` as float64 (NaN where not a number) and a mask of the entries that are not."""
    arr = _as_array(values)
    if arr.dtype.kind in "fiu":
        return arr.astype(np.float64, copy=False), np.zeros(arr.shape, dtype=np.bool_)
    floats = np.full(arr.shape, np.nan)
    if arr.dtype.kind != "O":
        return floats, np.ones(arr.shape, dtype=np.bool_)
    is_number = np.fromiter(map(_is_number, arr.flat), dtype=np.bool_, count=arr.size)
    is_number = is_number.reshape(arr.shape)
    floats[is_number] = arr[is_number].astype(np.float64)
    return floats, ~is_number


def as_float(values: ArrayLike) -> NDArray[np.float64]:
    """``values`` as float64, with NaN wherever a value is not a number."""
    return _numeric(values)[0]


def missing(values: ArrayLike) -> NDArray[np.bool_]:
    """True where a value is absent: ``None`` or NaN (the way a table says "not measured")."""
    arr = _as_array(values)
    if arr.dtype.kind == "f":
        nan: NDArray[np.bool_] = np.isnan(arr)
        return nan
    if arr.dtype.kind == "O":
        absent = np.fromiter(map(_is_absent, arr.flat), dtype=np.bool_, count=arr.size)
        return absent.reshape(arr.shape)
    return np.zeros(arr.shape, dtype=np.bool_)


def invalid_finite(values: ArrayLike) -> NDArray[np.bool_]:
    """True where a value is not a finite number (NaN, ±inf, None, text, bool)."""
    floats, not_number = _numeric(values)
    return not_number | ~np.isfinite(floats)


def invalid_positive(values: ArrayLike) -> NDArray[np.bool_]:
    """True where a value is not a finite number greater than zero."""
    floats, not_number = _numeric(values)
    with np.errstate(invalid="ignore"):
        return not_number | ~(np.isfinite(floats) & (floats > 0.0))


def invalid_flag(values: ArrayLike) -> NDArray[np.bool_]:
    """True where a value is not a yes/no flag (``True``/``False``, or the numbers 1/0)."""
    arr = _as_array(values)
    kind = arr.dtype.kind
    if kind == "b":
        return np.zeros(arr.shape, dtype=np.bool_)
    if kind in "fiu":
        not_flag: NDArray[np.bool_] = (arr != 0) & (arr != 1)
        return not_flag
    if kind == "O":
        ok = np.fromiter(map(_is_flag, arr.flat), dtype=np.bool_, count=arr.size)
        return ~ok.reshape(arr.shape)
    return np.ones(arr.shape, dtype=np.bool_)


def invalid_category(values: ArrayLike, allowed: Sequence[str | int]) -> NDArray[np.bool_]:
    """True where a value is not one of ``allowed``.

    Text is matched exactly (no case folding: a category list is a controlled vocabulary) and
    only against the text entries of ``allowed``; numbers only against its integer entries.
    """
    arr = _as_array(values)
    kind = arr.dtype.kind
    ok = np.zeros(arr.shape, dtype=np.bool_)
    for choice in allowed:
        comparable = kind in "UO" if isinstance(choice, str) else kind in "fiu"
        if comparable:
            ok |= arr == choice
    return ~ok


def reject(field: str, bad: NDArray[np.bool_], values: ArrayLike, expected: str) -> None:
    """Raise an InputError for the first row flagged in ``bad``, if any.

    The field is named with its row (``bilirubin[17]``) unless ``values`` is a single value, and
    the message says how many rows are bad in all.
    """
    values = _as_array(values)
    rows = np.flatnonzero(bad)
    if rows.size == 0:
        return
    row = int(rows[0])
    name = f"{field}[{row}]" if values.ndim else field
    received = values.item(row)
    more = f" ({rows.size} rows in all)" if rows.size > 1 else ""
    message = f"{name}: expected {expected}, got {describe(received)}{more}"
    raise InputError(message, field=name, expected=expected, received=received)


def vector(values: ArrayLike, field: str) -> NDArray[np.generic]:
    """``values`` as a numpy array of at most one dimension (one value, or one per row)."""
    arr = _as_array(values)
    if arr.ndim > 1:
        raise InputError(
            field=field,
            expected="one value or a one-dimensional array of values",
            received=f"an array of shape {arr.shape}",
        )
    return arr


def _positive_expected(unit: str) -> str:
    return f"a positive number in {unit}"


def _finite_expected(unit: str) -> str:
    return f"a finite number in {unit}"


def _choice_expected(allowed: Sequence[str]) -> str:
    return "one of " + ", ".join(repr(a) for a in allowed)


def check_positive(value: object, field: str, unit: str) -> float:
    """``value`` as a float if it is a finite number above zero; otherwise an InputError."""
    if _is_number(value):
        number = float(value)  # type: ignore[arg-type]
        if math.isfinite(number) and number > 0.0:
            return number
    raise InputError(field=field, expected=_positive_expected(unit), received=value)


def check_finite(value: object, field: str, unit: str) -> float:
    """``value`` as a float if it is a finite number; otherwise an InputError."""
    if _is_number(value):
        number = float(value)  # type: ignore[arg-type]
        if math.isfinite(number):
            return number
    raise InputError(field=field, expected=_finite_expected(unit), received=value)


def check_flag(value: object, field: str) -> bool:
    """``value`` as a bool if it is True/False (or 1/0); otherwise an InputError."""
    if _is_flag(value):
        return bool(value)
    raise InputError(field=field, expected="True or False", received=value)


def check_choice(value: object, field: str, allowed: Sequence[str]) -> int:
    """The 1-based position of ``value`` in ``allowed``; an InputError if it is not there."""
    if isinstance(value, str) and value in allowed:
        return allowed.index(value) + 1
    raise InputError(field=field, expected=_choice_expected(allowed), received=value)


def positive_array(values: ArrayLike, field: str, unit: str) -> NDArray[np.float64]:
    """``values`` as float64 if every one is a finite number above zero; else an InputError."""
    arr = vector(values, field)
    reject(field, invalid_positive(arr), arr, _positive_expected(unit))
    return arr.astype(np.float64, copy=False)


def finite_array(values: ArrayLike, field: str, unit: str) -> NDArray[np.float64]:
    """``values`` as float64 if every one is a finite number; otherwise an InputError."""
    arr = vector(values, field)
    reject(field, invalid_finite(arr), arr, _finite_expected(unit))
    return arr.astype(np.float64, copy=False)


def flag_array(values: ArrayLike, field: str) -> NDArray[np.bool_]:
    """``values`` as bool if every one is True/False (or 1/0); otherwise an InputError."""
    arr = vector(values, field)
    reject(field, invalid_flag(arr), arr, "True or False")
    return arr.astype(np.bool_)


def category_points(values: ArrayLike, field: str, allowed: Sequence[str]) -> NDArray[np.int64]:
    """The 1-based position of each value in ``allowed`` (its Child-Pugh points).

    Each value is one of the ``allowed`` texts, or already that position as a number (1 for the
    first choice, 2 for the second, ...), which lets a batch pass small-int codes instead of text.
    Anything else is an InputError.
    """
    arr = vector(values, field)
    codes = range(1, len(allowed) + 1)
    expected = f"{_choice_expected(allowed)} (or its points {', '.join(map(str, codes))})"
    if arr.dtype.kind in "UO":
        points = np.zeros(arr.shape, dtype=np.int64)
        for code, choice in zip(codes, allowed, strict=True):
            points[arr == choice] = code
        reject(field, points == 0, arr, expected)
        return points
    reject(field, invalid_category(arr, codes), arr, expected)
    return arr.astype(np.int64)


def common_length(named: Sequence[tuple[str, NDArray[np.generic]]]) -> int:
    """The number of rows shared by the one-dimensional arrays in ``named`` (1 if all are single
    values); arrays of different lengths are an InputError naming the odd one out."""
    first: tuple[str, int] | None = None
    for name, arr in named:
        if arr.ndim == 0:
            continue
        if first is None:
            first = (name, arr.shape[0])
        elif arr.shape[0] != first[1]:
            expected = f"{first[1]} values, one per row as in {first[0]}"
            raise InputError(
                f"{name}: expected {expected}, got {arr.shape[0]} values",
                field=name,
                expected=expected,
                received=arr.shape[0],
            )
    return 1 if first is None else first[1]
