"""The MELD family as numpy kernels: each formula written once, for arrays.

The public scalar functions in :mod:`hepatrial.clinical.scores` call these same kernels on
one-row arrays, so a scalar and a vector score agree by construction. Inputs arrive validated and
in canonical units (µmol/L, g/L, mmol/L); each kernel converts to the formula's units (mg/dL,
g/dL) with the catalogue's factors and returns the values it received and used, so a caller can
say which bound changed what.

Sources: OPTN Policy 9.1.D (2016 wording, quoted in MIT-LCP/mimic-code ``meld.sql``) for MELD and
MELD-Na; Kim WR et al., Gastroenterology 2021;161:1887 (MELD 3.0) with the OPTN rules for
dialysis, bounds and ages 12–17 (liver-scores.md §1–3).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from hepatrial.clinical._rounding import half_up_units
from hepatrial.clinical.catalogue import (
    ALBUMIN_G_L_PER_G_DL,
    BILIRUBIN_UMOL_PER_MG_DL,
    CREATININE_UMOL_PER_MG_DL,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

LAB_FLOOR = 1.0  # bilirubin, creatinine and INR below 1.0 are set to 1.0
MELD_CREATININE_CAP = 4.0  # MELD and MELD-Na; also the value set for dialysis
MELD_3_CREATININE_CAP = 3.0  # MELD 3.0; also the value set for dialysis
SODIUM_LOW, SODIUM_HIGH = 125.0, 137.0
ALBUMIN_LOW, ALBUMIN_HIGH = 1.5, 3.5  # g/dL, MELD 3.0 only
MELD_NA_GATE = 11  # the sodium terms apply when the integer MELD(i) is above this
SCORE_LOW, SCORE_HIGH = 6, 40


class BoundedLabs(NamedTuple):
    """Bilirubin and creatinine (mg/dL) and INR as received and as used after the bounds."""

    bilirubin: FloatArray
    creatinine: FloatArray
    inr: FloatArray
    bilirubin_used: FloatArray
    creatinine_used: FloatArray
    inr_used: FloatArray


class MeldArrays(NamedTuple):
    """MELD(i): ``raw`` is the unrounded equation, ``score`` the integer MELD(i)."""

    labs: BoundedLabs
    raw: FloatArray
    score: IntArray


class MeldNaArrays(NamedTuple):
    """MELD-Na: ``raw`` is the unrounded value after the sodium step, ``score`` the integer."""

    meld: MeldArrays
    sodium: FloatArray
    sodium_used: FloatArray
    adjusted: BoolArray  # whether the sodium terms applied (MELD(i) above the gate)
    raw: FloatArray
    score: IntArray


class Meld3Arrays(NamedTuple):
    """MELD 3.0: ``raw`` is the unrounded equation, ``score`` the integer in 6–40."""

    labs: BoundedLabs
    sodium: FloatArray
    sodium_used: FloatArray
    albumin: FloatArray  # g/dL
    albumin_used: FloatArray
    raw: FloatArray
    score: IntArray


def bounded_labs(
    bilirubin: FloatArray,
    creatinine: FloatArray,
    inr: FloatArray,
    dialysis: BoolArray,
    creatinine_cap: float,
) -> BoundedLabs:
    """Convert to mg/dL and apply the floors, the creatinine cap and the dialysis rule.

    The dialysis rule sets creatinine to the cap whatever its value, so it overrides the floor:
    a dialysed patient with creatinine 0.8 mg/dL scores with the cap, not with 1.0 (the
    MedCalc-Bench error listed in liver-scores.md §10).
    """
    bili = bilirubin / BILIRUBIN_UMOL_PER_MG_DL
    creat = creatinine / CREATININE_UMOL_PER_MG_DL
    creat_used = np.where(dialysis, creatinine_cap, np.clip(creat, LAB_FLOOR, creatinine_cap))
    return BoundedLabs(
        bilirubin=bili,
        creatinine=creat,
        inr=inr,
        bilirubin_used=np.maximum(bili, LAB_FLOOR),
        creatinine_used=creat_used,
        inr_used=np.maximum(inr, LAB_FLOOR),
    )


def _integer_score(raw: FloatArray) -> IntArray:
    return np.clip(half_up_units(raw), SCORE_LOW, SCORE_HIGH).astype(np.int64)


def meld_kernel(
    bilirubin: FloatArray, creatinine: FloatArray, inr: FloatArray, dialysis: BoolArray
) -> MeldArrays:
    """MELD(i) = round_half_up(0.957·ln Cr + 0.378·ln bili + 1.120·ln INR + 0.643, 1) × 10,
    within 6–40 (OPTN Policy 9.1.D; the minimum 6 follows from the floors)."""
    labs = bounded_labs(bilirubin, creatinine, inr, dialysis, MELD_CREATININE_CAP)
    raw = (
        0.957 * np.log(labs.creatinine_used)
        + 0.378 * np.log(labs.bilirubin_used)
        + 1.120 * np.log(labs.inr_used)
        + 0.643
    )
    # "Rounded to the tenth decimal place and then multiplied by 10": counting the rounded value
    # in tenths gives that integer exactly.
    score = np.clip(half_up_units(raw, 1), SCORE_LOW, SCORE_HIGH).astype(np.int64)
    return MeldArrays(labs=labs, raw=raw, score=score)


def meld_na_kernel(
    bilirubin: FloatArray,
    creatinine: FloatArray,
    inr: FloatArray,
    sodium: FloatArray,
    dialysis: BoolArray,
) -> MeldNaArrays:
    """MELD-Na (OPTN Policy 9.1.D, 2016–2023).

    If the integer MELD(i) is above 11: MELD(i) + 1.32·(137 − Na) − 0.033·MELD(i)·(137 − Na),
    with Na clamped to 125–137; otherwise MELD(i). Rounded half up to an integer within 6–40.
    The gate is on the rounded MELD(i): bilirubin 3.7 mg/dL, Cr 1, INR 1, Na 125 has MELD(i) 11
    and MELD-Na 11, not the 23 an unrounded gate gives.
    """
    meld = meld_kernel(bilirubin, creatinine, inr, dialysis)
    sodium_used = np.clip(sodium, SODIUM_LOW, SODIUM_HIGH)
    deficit = SODIUM_HIGH - sodium_used
    meld_i = meld.score.astype(np.float64)
    adjusted = meld.score > MELD_NA_GATE
    raw = np.where(adjusted, meld_i + 1.32 * deficit - 0.033 * meld_i * deficit, meld_i)
    return MeldNaArrays(
        meld=meld,
        sodium=sodium,
        sodium_used=sodium_used,
        adjusted=adjusted,
        raw=raw,
        score=_integer_score(raw),
    )


def meld_3_kernel(
    bilirubin: FloatArray,
    creatinine: FloatArray,
    inr: FloatArray,
    sodium: FloatArray,
    albumin: FloatArray,
    female: BoolArray,
    adolescent: BoolArray,
    dialysis: BoolArray,
) -> Meld3Arrays:
    """MELD 3.0 (Kim 2021, Gastroenterology 161:1887; OPTN since 13 July 2023).

    1.33·female + 4.56·ln bili + 0.82·(137 − Na) − 0.24·(137 − Na)·ln bili + 9.09·ln INR
    + 11.14·ln Cr + 1.85·(3.5 − alb) − 1.83·(3.5 − alb)·ln Cr + 6, with bilirubin, INR and Cr
    floored at 1.0, Cr capped at 3.0 (and set to 3.0 for dialysis), Na clamped to 125–137 and
    albumin to 1.5–3.5 g/dL; rounded half up to an integer within 6–40. Ages 12–17 have no sex
    term and the constant 7.33, which is the adult female value: adding 1.33 for every adolescent
    gives exactly that, with no second constant to drift.
    """
    labs = bounded_labs(bilirubin, creatinine, inr, dialysis, MELD_3_CREATININE_CAP)
    sodium_used = np.clip(sodium, SODIUM_LOW, SODIUM_HIGH)
    albumin_dl = albumin / ALBUMIN_G_L_PER_G_DL
    albumin_used = np.clip(albumin_dl, ALBUMIN_LOW, ALBUMIN_HIGH)
    ln_bili = np.log(labs.bilirubin_used)
    ln_creat = np.log(labs.creatinine_used)
    deficit = SODIUM_HIGH - sodium_used
    albumin_gap = ALBUMIN_HIGH - albumin_used
    raw = (
        np.where(adolescent | female, 1.33, 0.0)
        + 4.56 * ln_bili
        + 0.82 * deficit
        - 0.24 * deficit * ln_bili
        + 9.09 * np.log(labs.inr_used)
        + 11.14 * ln_creat
        + 1.85 * albumin_gap
        - 1.83 * albumin_gap * ln_creat
        + 6.0
    )
    return Meld3Arrays(
        labs=labs,
        sodium=sodium,
        sodium_used=sodium_used,
        albumin=albumin_dl,
        albumin_used=albumin_used,
        raw=raw,
        score=_integer_score(raw),
    )
