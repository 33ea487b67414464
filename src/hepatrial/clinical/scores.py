"""Liver scores: MELD, MELD-Na, MELD 3.0, Child-Pugh and ALBI, one panel at a time or many.

Every function takes keyword arguments in the catalogue's canonical units (bilirubin and
creatinine µmol/L, albumin g/L, sodium mmol/L, INR as a ratio, PT prolongation in seconds above
control) and converts to the formula's units itself. The scalar functions (``meld``, ...) return
frozen results that say which bounds applied; their vector twins (``compute_meld``, ...) take
numpy arrays or pandas Series and return arrays. Both call the same numpy kernel, so they give the
same score for the same panel. Bad input raises :class:`~hepatrial.errors.InputError` naming the
field (and the row, in a vector), what was expected and what was received.

The rules, and the test vectors, are those of ``shared/reference/liver-scores.md``.
"""

from __future__ import annotations

from typing import Literal, cast

import numpy as np
from numpy.typing import NDArray

from hepatrial.clinical._score_child_pugh import (
    ALBUMIN_DECIMALS,
    ASCITES,
    BILIRUBIN_BANDS,
    BILIRUBIN_DECIMALS,
    CHOLESTATIC_BILIRUBIN_BANDS,
    ENCEPHALOPATHY,
    INR_DECIMALS,
    PT_DECIMALS,
    albi_kernel,
    child_pugh_kernel,
)
from hepatrial.clinical._score_meld import (
    ALBUMIN_HIGH,
    ALBUMIN_LOW,
    LAB_FLOOR,
    MELD_3_CREATININE_CAP,
    MELD_CREATININE_CAP,
    MELD_NA_GATE,
    SODIUM_HIGH,
    SODIUM_LOW,
    BoundedLabs,
    meld_3_kernel,
    meld_kernel,
    meld_na_kernel,
)
from hepatrial.clinical._score_results import (
    AlbiArrays,
    AlbiResult,
    ChildPughArrays,
    ChildPughResult,
    MeldResult,
    UsedInput,
)
from hepatrial.clinical._score_vector import (
    ALBUMIN_UNIT,
    BILIRUBIN_UNIT,
    COAGULATION_EXPECTED,
    CREATININE_UNIT,
    INR_UNIT,
    PT_UNIT,
    SODIUM_UNIT,
    adolescent_rows,
    compute_albi,
    compute_child_pugh,
    compute_meld,
    compute_meld_3,
    compute_meld_na,
)
from hepatrial.clinical._validate import check_choice, check_finite, check_flag, check_positive
from hepatrial.errors import InputError

__all__ = [
    "ASCITES",
    "ENCEPHALOPATHY",
    "MELD_3_FORMULA",
    "MELD_FORMULA",
    "MELD_NA_FORMULA",
    "AlbiArrays",
    "AlbiResult",
    "ChildPughArrays",
    "ChildPughResult",
    "MeldResult",
    "UsedInput",
    "albi",
    "child_pugh",
    "compute_albi",
    "compute_child_pugh",
    "compute_meld",
    "compute_meld_3",
    "compute_meld_na",
    "meld",
    "meld_3",
    "meld_na",
]

MELD_FORMULA = "MELD (UNOS/OPTN, before 2016)"
MELD_NA_FORMULA = "MELD-Na (OPTN 2016)"
MELD_3_FORMULA = "MELD 3.0 (OPTN 2023)"


def _row(value: float) -> NDArray[np.float64]:
    return np.array([value], dtype=np.float64)


def _flag_row(value: bool) -> NDArray[np.bool_]:
    return np.array([value], dtype=np.bool_)


def _floored(field: str, received: float, used: float, unit: str) -> UsedInput:
    """A lab with the MELD floor: below 1.0 it is used as 1.0."""
    reason = None
    if used != received:
        label, unit_text = ("INR", "") if field == "inr" else (field, f" {unit}")
        reason = f"{label} below {LAB_FLOOR:.1f}{unit_text} floored to {LAB_FLOOR:.1f}"
    return UsedInput(field, received, used, unit, reason)


def _clamped(field: str, received: float, used: float, unit: str, bounds: str) -> UsedInput:
    """A lab clamped to ``bounds`` (e.g. "125–137")."""
    reason = None if used == received else f"{field} clamped to {bounds} {unit}"
    return UsedInput(field, received, used, unit, reason)


def _lab_inputs(labs: BoundedLabs, dialysis: bool, cap: float) -> tuple[UsedInput, ...]:
    creat, creat_used = float(labs.creatinine[0]), float(labs.creatinine_used[0])
    creatinine = _floored("creatinine", creat, creat_used, "mg/dL")
    if dialysis:
        creatinine = UsedInput(
            "creatinine",
            creat,
            creat_used,
            "mg/dL",
            f"creatinine set to {cap:.1f} mg/dL for dialysis",
        )
    elif creat_used < creat:
        creatinine = UsedInput(
            "creatinine",
            creat,
            creat_used,
            "mg/dL",
            f"creatinine above {cap:.1f} mg/dL capped at {cap:.1f}",
        )
    return (
        _floored("bilirubin", float(labs.bilirubin[0]), float(labs.bilirubin_used[0]), "mg/dL"),
        creatinine,
        _floored("inr", float(labs.inr[0]), float(labs.inr_used[0]), INR_UNIT),
    )


def _sodium_input(sodium: float, used: float) -> UsedInput:
    return _clamped("sodium", sodium, used, SODIUM_UNIT, f"{SODIUM_LOW:g}–{SODIUM_HIGH:g}")


def meld(*, bilirubin: float, creatinine: float, inr: float, dialysis: bool = False) -> MeldResult:
    """The original MELD (UNOS/OPTN until January 2016), OPTN Policy 9.1.D.

    MELD(i) = 0.957·ln Cr + 0.378·ln bili + 1.120·ln INR + 0.643 with Cr and bilirubin in mg/dL;
    values below 1.0 are set to 1.0; Cr above 4.0 mg/dL, or any Cr with ``dialysis`` (two or more
    dialyses, or 24 h of CVVHD, in the week before), is set to 4.0. The score is MELD(i) rounded
    half up to the tenth and multiplied by 10, at most 40 (at least 6 by the floors).
    """
    b = check_positive(bilirubin, "bilirubin", BILIRUBIN_UNIT)
    c = check_positive(creatinine, "creatinine", CREATININE_UNIT)
    i = check_positive(inr, "inr", INR_UNIT)
    d = check_flag(dialysis, "dialysis")
    arrays = meld_kernel(_row(b), _row(c), _row(i), _flag_row(d))
    score = int(arrays.score[0])
    return MeldResult(
        score=score,
        formula=MELD_FORMULA,
        inputs=_lab_inputs(arrays.labs, d, MELD_CREATININE_CAP),
        raw=float(arrays.raw[0]),
        meld_i=score,
    )


def meld_na(
    *, bilirubin: float, creatinine: float, inr: float, sodium: float, dialysis: bool = False
) -> MeldResult:
    """MELD-Na as OPTN used it from January 2016 to July 2023 (OPTN Policy 9.1.D).

    Starts from the integer MELD(i) of :func:`meld`. If it is above 11: MELD(i) + 1.32·(137 − Na)
    − 0.033·MELD(i)·(137 − Na), with Na clamped to 125–137 mmol/L; otherwise MELD(i). Rounded
    half up to an integer, at most 40. Not the Biggins/Kim 2008 MELD-Na with 140 and 0.025.
    """
    b = check_positive(bilirubin, "bilirubin", BILIRUBIN_UNIT)
    c = check_positive(creatinine, "creatinine", CREATININE_UNIT)
    i = check_positive(inr, "inr", INR_UNIT)
    na = check_positive(sodium, "sodium", SODIUM_UNIT)
    d = check_flag(dialysis, "dialysis")
    arrays = meld_na_kernel(_row(b), _row(c), _row(i), _row(na), _flag_row(d))
    meld_i = int(arrays.meld.score[0])
    notes = () if arrays.adjusted[0] else (f"MELD(i) {meld_i} ≤ {MELD_NA_GATE}: no sodium term",)
    return MeldResult(
        score=int(arrays.score[0]),
        formula=MELD_NA_FORMULA,
        inputs=(
            *_lab_inputs(arrays.meld.labs, d, MELD_CREATININE_CAP),
            _sodium_input(na, float(arrays.sodium_used[0])),
        ),
        raw=float(arrays.raw[0]),
        meld_i=meld_i,
        notes=notes,
    )


def meld_3(
    *,
    bilirubin: float,
    creatinine: float,
    inr: float,
    sodium: float,
    albumin: float,
    female: bool,
    age: float | None = None,
    dialysis: bool = False,
) -> MeldResult:
    """MELD 3.0 (Kim WR et al., Gastroenterology 2021;161:1887; OPTN since 13 July 2023).

    1.33·female + 4.56·ln bili + 0.82·(137 − Na) − 0.24·(137 − Na)·ln bili + 9.09·ln INR
    + 11.14·ln Cr + 1.85·(3.5 − alb) − 1.83·(3.5 − alb)·ln Cr + 6, in mg/dL and g/dL.
    Bilirubin, INR and Cr below 1.0 are set to 1.0; Cr is capped at 3.0 and set to 3.0 with
    ``dialysis``; Na is clamped to 125–137 mmol/L and albumin to 1.5–3.5 g/dL. Rounded half up to
    an integer within 6–40 (the cap at 40 is OPTN's; Kim 2021 proposed none). At ages 12–17 there
    is no sex term and the constant is 7.33 (OPTN); ``age`` None means an adult, and under 12
    MELD 3.0 is not defined (PELD applies), which is an InputError.
    """
    b = check_positive(bilirubin, "bilirubin", BILIRUBIN_UNIT)
    c = check_positive(creatinine, "creatinine", CREATININE_UNIT)
    i = check_positive(inr, "inr", INR_UNIT)
    na = check_positive(sodium, "sodium", SODIUM_UNIT)
    alb = check_positive(albumin, "albumin", ALBUMIN_UNIT)
    f = check_flag(female, "female")
    adolescent = bool(adolescent_rows(age))
    d = check_flag(dialysis, "dialysis")
    arrays = meld_3_kernel(
        _row(b),
        _row(c),
        _row(i),
        _row(na),
        _row(alb),
        _flag_row(f),
        _flag_row(adolescent),
        _flag_row(d),
    )
    albumin_input = _clamped(
        "albumin",
        float(arrays.albumin[0]),
        float(arrays.albumin_used[0]),
        "g/dL",
        f"{ALBUMIN_LOW:.1f}–{ALBUMIN_HIGH:.1f}",
    )
    notes = ("age 12–17: no sex term, constant 7.33",) if adolescent else ()
    return MeldResult(
        score=int(arrays.score[0]),
        formula=MELD_3_FORMULA,
        inputs=(
            *_lab_inputs(arrays.labs, d, MELD_3_CREATININE_CAP),
            _sodium_input(na, float(arrays.sodium_used[0])),
            albumin_input,
        ),
        raw=float(arrays.raw[0]),
        notes=notes,
    )


def _table(cholestatic: bool) -> str:
    scale = 10.0**BILIRUBIN_DECIMALS
    low, high = CHOLESTATIC_BILIRUBIN_BANDS if cholestatic else BILIRUBIN_BANDS
    low_text, high_text = f"{low / scale:g}", f"{high / scale:g}"
    bands = f"bilirubin < {low_text} / {low_text}–{high_text} / > {high_text} {BILIRUBIN_UNIT}"
    if cholestatic:
        return f"Child-Pugh, cholestatic bands for PBC/PSC (4 and 10 mg/dL: {bands})"
    return f"Child-Pugh (Pugh 1973; 2 and 3 mg/dL: {bands})"


def _compared(field: str, received: float, units: float, decimals: int, unit: str) -> UsedInput:
    """A Child-Pugh value as compared with the cut-offs: at the lab's reporting precision."""
    used = units / 10.0**decimals
    places = f"{decimals} decimal place" + ("" if decimals == 1 else "s")
    label = "INR" if field == "inr" else field
    reason = (
        None if used == received else f"{label} rounded half up to {places}, the lab's precision"
    )
    return UsedInput(field, received, used, unit, reason)


def child_pugh(
    *,
    bilirubin: float,
    albumin: float,
    inr: float | None = None,
    pt_prolongation: float | None = None,
    ascites: Literal["none", "mild", "moderate-severe"],
    encephalopathy: Literal["none", "grade 1-2", "grade 3-4"],
    cholestatic: bool = False,
) -> ChildPughResult:
    """The Child-Turcotte-Pugh score and class (Pugh et al., Br J Surg 1973;60:646; table as in
    the MSD Manual).

    Points 1/2/3: bilirubin < 34.2 / 34.2–51.3 / > 51.3 µmol/L (2 and 3 mg/dL converted exactly;
    with ``cholestatic`` for PBC/PSC, 4 and 10 mg/dL: 68.4 and 171 µmol/L); albumin > 35 / 28–35
    / < 28 g/L; INR < 1.7 / 1.7–2.3 / > 2.3, or PT prolonged < 4 / 4–6 / > 6 s; ascites none /
    mild / moderate-severe; encephalopathy none / grade 1-2 / grade 3-4. Middle bands are closed.
    Class A 5–6, B 7–9, C 10–15. Values are compared at the lab's reporting precision (the
    catalogue's decimals, rounded half up), so 3.0 mg/dL converted to 51.300000000000004 µmol/L
    scores 2. Give ``inr`` or ``pt_prolongation``; if both are given the INR is scored and the
    result says so.
    """
    b = check_positive(bilirubin, "bilirubin", BILIRUBIN_UNIT)
    alb = check_positive(albumin, "albumin", ALBUMIN_UNIT)
    if inr is None and pt_prolongation is None:
        raise InputError(field="inr", expected=COAGULATION_EXPECTED, received=None)
    inr_value = None if inr is None else check_positive(inr, "inr", INR_UNIT)
    pt_value = (
        None
        if pt_prolongation is None
        else check_finite(pt_prolongation, "pt_prolongation", PT_UNIT)
    )
    ascites_points = check_choice(ascites, "ascites", ASCITES)
    encephalopathy_points = check_choice(encephalopathy, "encephalopathy", ENCEPHALOPATHY)
    chol = check_flag(cholestatic, "cholestatic")
    use_inr = inr_value is not None
    k = child_pugh_kernel(
        _row(b),
        _row(alb),
        _row(1.0 if inr_value is None else inr_value),
        _row(0.0 if pt_value is None else pt_value),
        _flag_row(use_inr),
        np.array([ascites_points], dtype=np.int64),
        np.array([encephalopathy_points], dtype=np.int64),
        _flag_row(chol),
    )
    if inr_value is not None:
        coagulation = _compared(
            "inr", inr_value, float(k.coagulation_units[0]), INR_DECIMALS, INR_UNIT
        )
    else:
        coagulation = _compared(
            "pt_prolongation",
            cast(float, pt_value),
            float(k.coagulation_units[0]),
            PT_DECIMALS,
            PT_UNIT,
        )
    notes = (
        ("INR scored; the PT prolongation also given was not used",)
        if use_inr and pt_value is not None
        else ()
    )
    return ChildPughResult(
        points=int(k.points[0]),
        cls=cast(Literal["A", "B", "C"], str(k.cls[0])),
        bilirubin_points=int(k.bilirubin_points[0]),
        albumin_points=int(k.albumin_points[0]),
        coagulation_points=int(k.coagulation_points[0]),
        ascites_points=ascites_points,
        encephalopathy_points=encephalopathy_points,
        coagulation="INR" if use_inr else "PT",
        table=_table(chol),
        inputs=(
            _compared(
                "bilirubin", b, float(k.bilirubin_units[0]), BILIRUBIN_DECIMALS, BILIRUBIN_UNIT
            ),
            _compared("albumin", alb, float(k.albumin_units[0]), ALBUMIN_DECIMALS, ALBUMIN_UNIT),
            coagulation,
        ),
        notes=notes,
    )


def albi(*, bilirubin: float, albumin: float) -> AlbiResult:
    """The ALBI score and grade (Johnson PJ et al., J Clin Oncol 2015;33:550).

    ALBI = 0.66·log10(bilirubin µmol/L) − 0.085·albumin g/L, unrounded. Grade 1 at ≤ −2.60,
    grade 2 above −2.60 up to −1.39, grade 3 above −1.39.
    """
    b = check_positive(bilirubin, "bilirubin", BILIRUBIN_UNIT)
    alb = check_positive(albumin, "albumin", ALBUMIN_UNIT)
    score, grade = albi_kernel(_row(b), _row(alb))
    return AlbiResult(score=float(score[0]), grade=cast(Literal[1, 2, 3], int(grade[0])))
