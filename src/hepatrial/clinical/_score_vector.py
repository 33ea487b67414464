"""The vector twins of the liver scores (``compute_*``), re-exported by ``scores``.

Each takes numpy arrays or pandas Series (anything ``np.asarray`` accepts; pandas is not
imported) of canonical-unit values, one row per panel, or single values that apply to every row.
It checks every row, raises an InputError for the first bad one (naming it, e.g.
``bilirubin[17]``, and how many are bad in all), and calls the same kernel as the scalar function.
To flag bad rows without raising, use the masks of :mod:`hepatrial.clinical._validate`.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from hepatrial.clinical._score_child_pugh import (
    ASCITES,
    ENCEPHALOPATHY,
    albi_kernel,
    child_pugh_kernel,
)
from hepatrial.clinical._score_meld import meld_3_kernel, meld_kernel, meld_na_kernel
from hepatrial.clinical._score_results import AlbiArrays, ChildPughArrays
from hepatrial.clinical._validate import (
    as_float,
    category_points,
    common_length,
    finite_array,
    flag_array,
    invalid_finite,
    invalid_positive,
    missing,
    positive_array,
    reject,
    vector,
)
from hepatrial.clinical.catalogue import LAB_CATALOGUE
from hepatrial.errors import InputError

__all__ = [
    "compute_albi",
    "compute_child_pugh",
    "compute_meld",
    "compute_meld_3",
    "compute_meld_na",
]

BILIRUBIN_UNIT = LAB_CATALOGUE["BILI"].canonical_unit
CREATININE_UNIT = LAB_CATALOGUE["CREAT"].canonical_unit
ALBUMIN_UNIT = LAB_CATALOGUE["ALB"].canonical_unit
SODIUM_UNIT = LAB_CATALOGUE["SODIUM"].canonical_unit
INR_UNIT = LAB_CATALOGUE["INR"].canonical_unit
PT_UNIT = LAB_CATALOGUE["PT"].canonical_unit
MIN_AGE, ADULT_AGE = 12.0, 18.0
AGE_EXPECTED = "an age of 12 years or more (MELD 3.0 is not defined under 12: PELD applies)"
COAGULATION_EXPECTED = f"an INR, or a PT prolongation (pt_prolongation) in {PT_UNIT}"

_S = TypeVar("_S", bound=np.generic)


def _fit(arr: NDArray[_S], n: int) -> NDArray[_S]:
    return np.broadcast_to(arr, (n,))


def _labs(
    bilirubin: ArrayLike, creatinine: ArrayLike, inr: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    return (
        positive_array(bilirubin, "bilirubin", BILIRUBIN_UNIT),
        positive_array(creatinine, "creatinine", CREATININE_UNIT),
        positive_array(inr, "inr", INR_UNIT),
    )


def adolescent_rows(age: ArrayLike | None) -> NDArray[np.bool_]:
    """Where the MELD 3.0 rule for ages 12–17 applies; ``None`` means adults. Under 12 is an
    InputError: MELD 3.0 is not defined there (PELD applies)."""
    if age is None:
        return np.zeros((), dtype=np.bool_)
    years = finite_array(age, "age", "years")
    reject("age", years < MIN_AGE, years, AGE_EXPECTED)
    return years < ADULT_AGE


def compute_meld(
    *, bilirubin: ArrayLike, creatinine: ArrayLike, inr: ArrayLike, dialysis: ArrayLike = False
) -> NDArray[np.int64]:
    """MELD for many panels; see :func:`hepatrial.clinical.scores.meld` (OPTN Policy 9.1.D)."""
    b, c, i = _labs(bilirubin, creatinine, inr)
    d = flag_array(dialysis, "dialysis")
    n = common_length([("bilirubin", b), ("creatinine", c), ("inr", i), ("dialysis", d)])
    return meld_kernel(_fit(b, n), _fit(c, n), _fit(i, n), _fit(d, n)).score


def compute_meld_na(
    *,
    bilirubin: ArrayLike,
    creatinine: ArrayLike,
    inr: ArrayLike,
    sodium: ArrayLike,
    dialysis: ArrayLike = False,
) -> NDArray[np.int64]:
    """MELD-Na for many panels; see :func:`hepatrial.clinical.scores.meld_na` (OPTN Policy
    9.1.D, 2016)."""
    b, c, i = _labs(bilirubin, creatinine, inr)
    na = positive_array(sodium, "sodium", SODIUM_UNIT)
    d = flag_array(dialysis, "dialysis")
    n = common_length(
        [("bilirubin", b), ("creatinine", c), ("inr", i), ("sodium", na), ("dialysis", d)]
    )
    return meld_na_kernel(_fit(b, n), _fit(c, n), _fit(i, n), _fit(na, n), _fit(d, n)).score


def compute_meld_3(
    *,
    bilirubin: ArrayLike,
    creatinine: ArrayLike,
    inr: ArrayLike,
    sodium: ArrayLike,
    albumin: ArrayLike,
    female: ArrayLike,
    age: ArrayLike | None = None,
    dialysis: ArrayLike = False,
) -> NDArray[np.int64]:
    """MELD 3.0 for many panels; see :func:`hepatrial.clinical.scores.meld_3` (Kim 2021,
    Gastroenterology 161:1887; OPTN 2023)."""
    b, c, i = _labs(bilirubin, creatinine, inr)
    na = positive_array(sodium, "sodium", SODIUM_UNIT)
    alb = positive_array(albumin, "albumin", ALBUMIN_UNIT)
    f = flag_array(female, "female")
    teen = adolescent_rows(age)
    d = flag_array(dialysis, "dialysis")
    n = common_length(
        [
            ("bilirubin", b),
            ("creatinine", c),
            ("inr", i),
            ("sodium", na),
            ("albumin", alb),
            ("female", f),
            ("age", teen),
            ("dialysis", d),
        ]
    )
    return meld_3_kernel(
        _fit(b, n),
        _fit(c, n),
        _fit(i, n),
        _fit(na, n),
        _fit(alb, n),
        _fit(f, n),
        _fit(teen, n),
        _fit(d, n),
    ).score


def _coagulation(
    inr: ArrayLike | None, pt_prolongation: ArrayLike | None, n: int
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """INR and PT values for the kernel (finite in every row) and where the INR is scored.

    With only one of the two, every row must have a valid value. With both, a row scores its
    INR if it has one and its PT prolongation if its INR is missing (None or NaN); a row with
    neither, or with a present but invalid value, is an InputError.
    """
    if pt_prolongation is None:
        if inr is None:
            raise InputError(field="inr", expected=COAGULATION_EXPECTED, received=None)
        inr_values = _fit(positive_array(inr, "inr", INR_UNIT), n)
        return inr_values, np.zeros(n), np.ones(n, dtype=np.bool_)
    if inr is None:
        pt_values = _fit(finite_array(pt_prolongation, "pt_prolongation", PT_UNIT), n)
        return np.ones(n), pt_values, np.zeros(n, dtype=np.bool_)
    inr_arr = _fit(vector(inr, "inr"), n)
    pt_arr = _fit(vector(pt_prolongation, "pt_prolongation"), n)
    inr_absent, pt_absent = missing(inr_arr), missing(pt_arr)
    reject(
        "inr", invalid_positive(inr_arr) & ~inr_absent, inr_arr, f"a positive number in {INR_UNIT}"
    )
    reject(
        "pt_prolongation",
        invalid_finite(pt_arr) & ~pt_absent,
        pt_arr,
        f"a finite number in {PT_UNIT}",
    )
    reject("inr", inr_absent & pt_absent, inr_arr, COAGULATION_EXPECTED)
    use_inr = ~inr_absent
    return (
        np.where(use_inr, as_float(inr_arr), 1.0),
        np.where(use_inr, 0.0, as_float(pt_arr)),
        use_inr,
    )


def compute_child_pugh(
    *,
    bilirubin: ArrayLike,
    albumin: ArrayLike,
    inr: ArrayLike | None = None,
    pt_prolongation: ArrayLike | None = None,
    ascites: ArrayLike,
    encephalopathy: ArrayLike,
    cholestatic: ArrayLike = False,
) -> ChildPughArrays:
    """Child-Pugh for many panels; see :func:`hepatrial.clinical.scores.child_pugh` (Pugh 1973,
    MSD table).

    ``ascites`` and ``encephalopathy`` hold the category texts or, as small-int codes, their
    points (1 none, 2 mild / grade 1-2, 3 moderate-severe / grade 3-4).
    """
    b = positive_array(bilirubin, "bilirubin", BILIRUBIN_UNIT)
    alb = positive_array(albumin, "albumin", ALBUMIN_UNIT)
    asc = category_points(ascites, "ascites", ASCITES)
    enc = category_points(encephalopathy, "encephalopathy", ENCEPHALOPATHY)
    chol = flag_array(cholestatic, "cholestatic")
    named: list[tuple[str, NDArray[np.generic]]] = [
        ("bilirubin", b),
        ("albumin", alb),
        ("ascites", asc),
        ("encephalopathy", enc),
    ]
    named += [
        (name, vector(v, name))
        for name, v in (("inr", inr), ("pt_prolongation", pt_prolongation))
        if v is not None
    ]
    n = common_length([*named, ("cholestatic", chol)])
    inr_values, pt_values, use_inr = _coagulation(inr, pt_prolongation, n)
    asc_n, enc_n = np.array(_fit(asc, n)), np.array(_fit(enc, n))
    k = child_pugh_kernel(
        _fit(b, n), _fit(alb, n), inr_values, pt_values, use_inr, asc_n, enc_n, _fit(chol, n)
    )
    return ChildPughArrays(
        points=k.points,
        cls=k.cls,
        bilirubin_points=k.bilirubin_points,
        albumin_points=k.albumin_points,
        coagulation_points=k.coagulation_points,
        ascites_points=asc_n,
        encephalopathy_points=enc_n,
    )


def compute_albi(*, bilirubin: ArrayLike, albumin: ArrayLike) -> AlbiArrays:
    """ALBI for many panels; see :func:`hepatrial.clinical.scores.albi` (Johnson 2015, JCO
    33:550)."""
    b = positive_array(bilirubin, "bilirubin", BILIRUBIN_UNIT)
    alb = positive_array(albumin, "albumin", ALBUMIN_UNIT)
    n = common_length([("bilirubin", b), ("albumin", alb)])
    score, grade = albi_kernel(_fit(b, n), _fit(alb, n))
    return AlbiArrays(score=score, grade=grade)
