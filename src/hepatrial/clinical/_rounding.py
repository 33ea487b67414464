"""Half-up rounding of float arrays, as a clinician rounds on paper.

The liver scores round half up (``Decimal`` ``ROUND_HALF_UP``, liver-scores.md §3): a half goes
away from zero, so 2.5 → 3 and −2.5 → −3. Python's ``round`` and ``numpy.round`` round half to
even (2.5 → 2) and are not used for scores.

Floating-point representation
-----------------------------
A decimal such as 2.675 is stored as the nearest double,
2.67499999999999982236431605997495353221893310546875, and multiplying it by 100 can land just
below the half. Rounding that binary value exactly would give 2.67, which is not what a person
writing 2.675 means. So a value scaled by ``10**decimals`` that falls short of a half by less
than :data:`TIE_ULPS` units in the last place (a relative distance of about 9e-16) counts as the
half and rounds up. For every value with at most 14 significant decimal digits the result is
therefore the half-up rounding of the decimal the double stands for (its shortest ``repr``), as
``Decimal(repr(x)).quantize(..., ROUND_HALF_UP)`` gives. A value that really lies within about
9e-16 (relative) below a half cannot be told from that half once stored, and rounds up too.

The nudge is applied only while the scaled magnitude is below ``2**44`` (about 1.8e13), where it
is far smaller than the gap to the next half; beyond that, plain ``floor(x + 0.5)`` is used. No
lab value or score comes near that magnitude.

The rounded value is returned as ``units / 10**decimals`` with ``units`` an exact integer, and
that division is correctly rounded, so rounding 51.300000000000004 to one decimal returns exactly
the double of the literal ``51.3``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["TIE_ULPS", "half_up_units", "round_half_up"]

TIE_ULPS = 4.0
_TIE_TOLERANCE = TIE_ULPS * float(np.finfo(np.float64).eps)
_NUDGE_LIMIT = 2.0**44


def half_up_units(values: ArrayLike, decimals: int = 0) -> NDArray[np.float64]:
    """``values`` rounded half up to ``decimals`` (≥ 0) places, in units of ``10**-decimals``.

    The result holds exact integers (as float64, so NaN passes through): 51.300000000000004 with
    ``decimals=1`` gives 513.0. Comparing these integers with cut-offs given in the same units
    avoids any floating-point doubt at a cut-off.
    """
    x = np.asarray(values, dtype=np.float64)
    scaled = np.abs(x) * (10.0**decimals)
    nudge = np.where(scaled < _NUDGE_LIMIT, scaled * _TIE_TOLERANCE, 0.0)
    units: NDArray[np.float64] = np.copysign(np.floor(scaled + 0.5 + nudge), x)
    return units


def round_half_up(values: ArrayLike, decimals: int = 0) -> NDArray[np.float64]:
    """``values`` rounded half up (ties away from zero) to ``decimals`` decimal places.

    See the module docstring for what happens to values whose binary form lies a hair below a
    half. ``round_half_up(2.5)`` is 3.0, ``round_half_up(-2.5)`` is −3.0,
    ``round_half_up(2.675, 2)`` is 2.68.
    """
    rounded: NDArray[np.float64] = half_up_units(values, decimals) / (10.0**decimals)
    return rounded
