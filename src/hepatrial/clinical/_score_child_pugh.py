"""Child-Pugh and ALBI as numpy kernels, shared by the scalar and the vector functions.

Child-Pugh follows the table of Pugh et al., Br J Surg 1973;60:646 as given by the MSD Manual
(liver-scores.md §4); ALBI follows Johnson et al., J Clin Oncol 2015;33:550 (§5).

Values are compared at the lab's reporting precision: each value is rounded half up to the
catalogue's ``decimals`` and counted in units of that precision, and the cut-offs are counted the
same way, so every comparison is between exact integers. 3.0 mg/dL converted to µmol/L is
51.300000000000004 in binary; at one decimal it is 513 tenths, the cut-off 51.3 µmol/L is also 513
tenths, and the middle band is closed, so it scores 2 as 3.0 mg/dL does.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from hepatrial.clinical._rounding import half_up_units
from hepatrial.clinical.catalogue import (
    ALBUMIN_G_L_PER_G_DL,
    BILIRUBIN_UMOL_PER_MG_DL,
    LAB_CATALOGUE,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

ASCITES = ("none", "mild", "moderate-severe")
ENCEPHALOPATHY = ("none", "grade 1-2", "grade 3-4")
CLASSES = ("A", "B", "C")

BILIRUBIN_DECIMALS = LAB_CATALOGUE["BILI"].decimals
ALBUMIN_DECIMALS = LAB_CATALOGUE["ALB"].decimals
INR_DECIMALS = LAB_CATALOGUE["INR"].decimals
PT_DECIMALS = LAB_CATALOGUE["PT"].decimals


def _units(value: float, decimals: int) -> float:
    return float(half_up_units(value, decimals))


# Cut-offs in units of the reporting precision. The bilirubin ones are the exact conversions of
# the mg/dL table (2 and 3 mg/dL; 4 and 10 mg/dL in PBC/PSC), not the rounded 34/51 (68/170) of
# some SI tables: SI-native values in the gaps between the two versions score on this table.
BILIRUBIN_BANDS = (
    _units(2.0 * BILIRUBIN_UMOL_PER_MG_DL, BILIRUBIN_DECIMALS),
    _units(3.0 * BILIRUBIN_UMOL_PER_MG_DL, BILIRUBIN_DECIMALS),
)
CHOLESTATIC_BILIRUBIN_BANDS = (
    _units(4.0 * BILIRUBIN_UMOL_PER_MG_DL, BILIRUBIN_DECIMALS),
    _units(10.0 * BILIRUBIN_UMOL_PER_MG_DL, BILIRUBIN_DECIMALS),
)
ALBUMIN_BANDS = (  # points rise as albumin falls: > 35 g/L is 1, 28–35 is 2, < 28 is 3
    _units(3.5 * ALBUMIN_G_L_PER_G_DL, ALBUMIN_DECIMALS),
    _units(2.8 * ALBUMIN_G_L_PER_G_DL, ALBUMIN_DECIMALS),
)
INR_BANDS = (_units(1.7, INR_DECIMALS), _units(2.3, INR_DECIMALS))
PT_BANDS = (_units(4.0, PT_DECIMALS), _units(6.0, PT_DECIMALS))

ALBI_GRADE_CUTS = (-2.60, -1.39)


class ChildPughKernel(NamedTuple):
    """Points per component and in total, the class, and the values as compared (in units of
    the reporting precision: tenths of µmol/L, tenths of g/L, hundredths of INR, tenths of s)."""

    bilirubin_units: FloatArray
    albumin_units: FloatArray
    coagulation_units: FloatArray
    bilirubin_points: IntArray
    albumin_points: IntArray
    coagulation_points: IntArray
    points: IntArray
    cls: NDArray[np.str_]


def _rising(units: FloatArray, low: float | FloatArray, high: float | FloatArray) -> IntArray:
    """1 below ``low``, 2 from ``low`` to ``high`` inclusive, 3 above ``high``."""
    return 1 + (units >= low).astype(np.int64) + (units > high)


def child_pugh_kernel(
    bilirubin: FloatArray,
    albumin: FloatArray,
    inr: FloatArray,
    pt_prolongation: FloatArray,
    use_inr: BoolArray,
    ascites_points: IntArray,
    encephalopathy_points: IntArray,
    cholestatic: BoolArray,
) -> ChildPughKernel:
    """Child-Pugh points (5–15) and class (A 5–6, B 7–9, C 10–15); middle bands closed.

    Bilirubin µmol/L: < 34.2 / 34.2–51.3 / > 51.3 (cholestatic: < 68.4 / 68.4–171 / > 171);
    albumin g/L: > 35 / 28–35 / < 28; INR < 1.7 / 1.7–2.3 / > 2.3, or, where ``use_inr`` is
    False, PT prolonged < 4 / 4–6 / > 6 s. ``inr`` and ``pt_prolongation`` must hold finite
    numbers in every row, whichever of the two the row uses.
    """
    bili_units = half_up_units(bilirubin, BILIRUBIN_DECIMALS)
    low = np.where(cholestatic, CHOLESTATIC_BILIRUBIN_BANDS[0], BILIRUBIN_BANDS[0])
    high = np.where(cholestatic, CHOLESTATIC_BILIRUBIN_BANDS[1], BILIRUBIN_BANDS[1])
    bili_points = _rising(bili_units, low, high)

    alb_units = half_up_units(albumin, ALBUMIN_DECIMALS)
    alb_points = (
        1 + (alb_units <= ALBUMIN_BANDS[0]).astype(np.int64) + (alb_units < ALBUMIN_BANDS[1])
    )

    inr_units = half_up_units(inr, INR_DECIMALS)
    pt_units = half_up_units(pt_prolongation, PT_DECIMALS)
    coag_units = np.where(use_inr, inr_units, pt_units)
    coag_points = np.where(
        use_inr, _rising(inr_units, *INR_BANDS), _rising(pt_units, *PT_BANDS)
    ).astype(np.int64)

    points = bili_points + alb_points + coag_points + ascites_points + encephalopathy_points
    cls = np.array(CLASSES)[(points >= 7).astype(np.int64) + (points >= 10)]
    return ChildPughKernel(
        bilirubin_units=bili_units,
        albumin_units=alb_units,
        coagulation_units=coag_units,
        bilirubin_points=bili_points,
        albumin_points=alb_points,
        coagulation_points=coag_points,
        points=points,
        cls=cls,
    )


def albi_kernel(bilirubin: FloatArray, albumin: FloatArray) -> tuple[FloatArray, IntArray]:
    """ALBI = 0.66·log10(bilirubin µmol/L) − 0.085·albumin g/L (Johnson 2015, JCO 33:550).

    Grade 1 at ≤ −2.60, grade 2 above −2.60 up to −1.39, grade 3 above −1.39, on the unrounded
    score.
    """
    score = 0.66 * np.log10(bilirubin) - 0.085 * albumin
    grade = 1 + (score > ALBI_GRADE_CUTS[0]).astype(np.int64) + (score > ALBI_GRADE_CUTS[1])
    return score, grade
