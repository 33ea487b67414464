"""Lab units: how hospitals write them, and conversion to the catalogue's canonical unit.

Every conversion factor lives in :mod:`hepatrial.clinical.catalogue`; this module only reads them.
A unit the catalogue does not know for a test is an error, never a guess (DESIGN.md, "Units").

Floating-point noise
--------------------
Decimal factors such as 17.1 are not exact in binary, so 3.0 mg/dL × 17.1 gives
51.300000000000004 µmol/L. Every converted value is therefore rounded to
:data:`SIGNIFICANT_DIGITS` (12) significant digits. Why 12: a double carries 15–17 significant
digits and one multiplication or division adds at most about one unit in the last place (a
relative error near 1e-16), so the noise sits in the 16th digit. A lab value carries at most about
6 significant digits and a catalogue factor at most 4, so the exact decimal product has at most 10;
rounding at the 12th digit keeps every meaningful digit (with two to spare) and drops the noise.
The result is the double nearest to the 12-digit decimal, so 51.3 compares equal to the literal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from hepatrial.clinical.catalogue import LabTest, lab_test
from hepatrial.errors import InputError, UnitError

__all__ = [
    "SIGNIFICANT_DIGITS",
    "denoise",
    "denoise_array",
    "from_canonical",
    "normalize_unit",
    "to_canonical",
    "to_canonical_array",
]

SIGNIFICANT_DIGITS = 12

# Spellings that are not a case/micro-sign/whitespace variant of a catalogue unit, mapped to the
# catalogue unit they unambiguously mean. They apply only to tests that have that unit, so an empty
# unit is accepted for INR (a dimensionless ratio) and rejected everywhere else.
_ALIASES: Mapping[str, str] = {
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "inr": "ratio",
    "{inr}": "ratio",
    "{ratio}": "ratio",
    "1": "ratio",
    "": "ratio",
    "[iu]/l": "IU/L",
}

# Exact powers of ten: float(10**k) is exact for k <= 22, so dividing an integer-valued double by
# one of them is a single correctly rounded operation.
_MAX_EXACT_POW10 = 22
_POW10 = np.array([float(10**k) for k in range(_MAX_EXACT_POW10 + 1)])


def _unit_key(unit: str) -> str:
    """Fold the ways one unit is written: case, micro sign (U+00B5) or Greek mu (U+03BC), spaces."""
    folded = unit.casefold().replace("\u00b5", "u").replace("\u03bc", "u")
    return "".join(folded.split())


def _expected_units(test: LabTest) -> str:
    return f"one of [{', '.join(test.units)}]"


def normalize_unit(code: str, unit: str) -> str:
    """The catalogue's spelling of ``unit`` for test ``code``.

    Accepts the unit whatever its case, surrounding or inner whitespace, and micro sign
    (``µ``, ``μ`` or ``u``), plus a few unambiguous synonyms: ``sec``/``seconds`` for s,
    ``INR``/``1``/empty for the INR ratio, UCUM ``[iU]/L`` for IU/L. Anything else raises
    :class:`~hepatrial.errors.UnitError` naming the field (e.g. ``BILI unit``), the units the
    catalogue knows for the test and what was received.
    """
    test = lab_test(code)
    if isinstance(unit, str):
        key = _unit_key(unit)
        for known in test.units:
            if _unit_key(known) == key:
                return known
        alias = _ALIASES.get(key)
        if alias is not None and alias in test.units:
            return alias
    raise UnitError(field=f"{code} unit", expected=_expected_units(test), received=unit)


def denoise(value: float) -> float:
    """``value`` rounded to :data:`SIGNIFICANT_DIGITS` significant digits (see module docstring).

    The scalar form of :func:`denoise_array`, so that one value and a column of values round alike.
    """
    return float(denoise_array(value)[()])


def denoise_array(values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Every element rounded to :data:`SIGNIFICANT_DIGITS` significant digits.

    Each value is scaled by an exact power of ten to a 12-digit integer, rounded, and scaled back
    with one correctly rounded division or multiplication. Values so small or large that the power
    of ten would not be exact (beyond 1e±22), zeros and non-finite values are left unchanged.
    """
    x = np.asarray(values, dtype=np.float64)
    out = x.copy()
    finite = np.isfinite(x) & (x != 0.0)
    if not finite.any():
        return out
    xs = x[finite]
    decimals = (SIGNIFICANT_DIGITS - 1) - np.floor(np.log10(np.abs(xs))).astype(np.int64)
    rounded = xs.copy()
    up = (decimals >= 0) & (decimals <= _MAX_EXACT_POW10)
    down = (decimals < 0) & (decimals >= -_MAX_EXACT_POW10)
    rounded[up] = np.rint(xs[up] * _POW10[decimals[up]]) / _POW10[decimals[up]]
    rounded[down] = np.rint(xs[down] / _POW10[-decimals[down]]) * _POW10[-decimals[down]]
    out[finite] = rounded
    return out


def to_canonical(code: str, value: float, unit: str) -> float:
    """``value`` in ``unit`` converted to the canonical unit of test ``code``.

    canonical = value × factor, the factor coming from the catalogue (liver-scores.md §6:
    bilirubin 17.1 µmol/L per mg/dL, creatinine 88.4 µmol/L per mg/dL, albumin 10 g/L per g/dL),
    then rounded to 12 significant digits to drop floating-point noise.
    """
    factor = lab_test(code).units[normalize_unit(code, unit)].factor
    return denoise(value * factor)


def from_canonical(code: str, value: float, unit: str) -> float:
    """``value`` in the canonical unit of test ``code`` converted to ``unit`` (inverse of
    :func:`to_canonical`), rounded to 12 significant digits."""
    factor = lab_test(code).units[normalize_unit(code, unit)].factor
    return denoise(value / factor)


def to_canonical_array(
    code: str,
    values: npt.ArrayLike,
    units: str | Sequence[str] | npt.NDArray[Any],
) -> npt.NDArray[np.float64]:
    """Vectorized :func:`to_canonical` over a 1-D array of values.

    ``units`` is one unit for every row or one unit per row. A row whose value is NaN is missing:
    it stays NaN and its unit is not checked. An unknown unit on any other row raises
    :class:`~hepatrial.errors.UnitError` naming the first such row (counted from 0).
    """
    test = lab_test(code)
    x = np.asarray(values, dtype=np.float64)
    if isinstance(units, str):
        factor = test.units[normalize_unit(code, units)].factor
        return denoise_array(x * factor)
    unit_rows = np.asarray(units, dtype=object)
    if x.ndim != 1 or unit_rows.shape != x.shape:
        raise InputError(
            field=f"{code} units",
            expected=f"one unit, or one unit per value ({x.size} values in a 1-D array)",
            received=f"{unit_rows.size} units for values of shape {x.shape}",
        )
    factors = np.full(x.shape, np.nan)
    known: dict[object, float] = {}
    for row, (value, unit) in enumerate(zip(x, unit_rows, strict=True)):
        if math.isnan(value):
            continue
        if unit not in known:
            try:
                known[unit] = test.units[normalize_unit(code, unit)].factor
            except UnitError:
                raise UnitError(
                    field=f"{code} unit in row {row}",
                    expected=_expected_units(test),
                    received=unit,
                ) from None
        factors[row] = known[unit]
    return denoise_array(x * factors)
