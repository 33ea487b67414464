"""Invariants of the liver scores, checked with Hypothesis.

Monotonicity holds where the formula makes it hold. MELD and MELD-Na rise with bilirubin,
creatinine and INR, and MELD-Na falls as sodium rises. MELD 3.0 also rises with all three: its
bilirubin slope 4.56 − 0.24·(137 − Na) stays above 1.68 because Na is clamped at 125, and its
creatinine slope 11.14 − 1.83·(3.5 − alb) stays above 7.48 because albumin is clamped at 1.5.
MELD 3.0 is NOT monotone in sodium (above bilirubin ≈ 30.5 mg/dL the term 0.82 − 0.24·ln bili is
negative) nor in albumin (above creatinine ≈ 2.75 mg/dL), so those are not asserted.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hepatrial.clinical.scores import (
    ASCITES,
    ENCEPHALOPATHY,
    albi,
    child_pugh,
    compute_albi,
    compute_child_pugh,
    compute_meld,
    compute_meld_3,
    compute_meld_na,
    meld,
    meld_3,
    meld_na,
)

bilirubins = st.floats(1.0, 1200.0)  # µmol/L, spans the 1.0 mg/dL floor (17.1)
creatinines = st.floats(10.0, 2000.0)  # µmol/L, spans the floor (88.4) and both caps
inrs = st.floats(0.6, 12.0)
sodiums = st.floats(100.0, 170.0)
albumins = st.floats(8.0, 65.0)
ages = st.none() | st.floats(12.0, 100.0)


@st.composite
def panels(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "bilirubin": draw(bilirubins),
        "creatinine": draw(creatinines),
        "inr": draw(inrs),
        "sodium": draw(sodiums),
        "albumin": draw(albumins),
        "female": draw(st.booleans()),
        "age": draw(ages),
        "dialysis": draw(st.booleans()),
    }


def _meld_args(panel: dict[str, Any]) -> dict[str, Any]:
    return {k: panel[k] for k in ("bilirubin", "creatinine", "inr", "dialysis")}


def _meld_na_args(panel: dict[str, Any]) -> dict[str, Any]:
    return {**_meld_args(panel), "sodium": panel["sodium"]}


def _scores(panel: dict[str, Any]) -> tuple[int, int, int]:
    return (
        meld(**_meld_args(panel)).score,
        meld_na(**_meld_na_args(panel)).score,
        meld_3(**panel).score,
    )


@given(panels(), st.sampled_from(["bilirubin", "creatinine", "inr"]), st.floats(0.0, 3.0))
def test_no_meld_falls_when_bilirubin_creatinine_or_inr_rises(
    panel: dict[str, Any], field: str, factor: float
) -> None:
    higher = {**panel, field: panel[field] * (1.0 + factor)}
    for before, after in zip(_scores(panel), _scores(higher), strict=True):
        assert after >= before


@given(panels(), st.floats(0.0, 40.0))
def test_meld_na_never_rises_with_sodium(panel: dict[str, Any], rise: float) -> None:
    higher = {**panel, "sodium": panel["sodium"] + rise}
    assert meld_na(**_meld_na_args(higher)).score <= meld_na(**_meld_na_args(panel)).score


@given(panels())
def test_dialysis_never_lowers_a_meld(panel: dict[str, Any]) -> None:
    without = _scores({**panel, "dialysis": False})
    with_dialysis = _scores({**panel, "dialysis": True})
    assert all(w >= o for w, o in zip(with_dialysis, without, strict=True))


@given(panels())
def test_every_meld_stays_within_6_to_40(panel: dict[str, Any]) -> None:
    assert all(6 <= score <= 40 for score in _scores(panel))


@given(panels(), st.floats(12.0, 17.999))
def test_an_adolescent_scores_as_an_adult_woman(panel: dict[str, Any], age: float) -> None:
    teen = meld_3(**{**panel, "age": age, "female": False})
    woman = meld_3(**{**panel, "age": None, "female": True})
    assert teen.raw == woman.raw
    assert teen.score == woman.score


@given(
    bilirubins,
    albumins,
    st.one_of(st.none(), inrs),
    st.floats(-2.0, 30.0),
    st.sampled_from(ASCITES),
    st.sampled_from(ENCEPHALOPATHY),
    st.booleans(),
)
def test_child_pugh_is_5_to_15_and_its_class_matches_its_points(
    bilirubin: float,
    albumin: float,
    inr: float | None,
    pt: float,
    ascites: Any,
    encephalopathy: Any,
    cholestatic: bool,
) -> None:
    result = child_pugh(
        bilirubin=bilirubin,
        albumin=albumin,
        inr=inr,
        pt_prolongation=pt,
        ascites=ascites,
        encephalopathy=encephalopathy,
        cholestatic=cholestatic,
    )
    components = (
        result.bilirubin_points,
        result.albumin_points,
        result.coagulation_points,
        result.ascites_points,
        result.encephalopathy_points,
    )
    assert all(1 <= c <= 3 for c in components)
    assert result.points == sum(components)
    assert 5 <= result.points <= 15
    assert result.cls == ("A" if result.points <= 6 else "B" if result.points <= 9 else "C")


@given(bilirubins, albumins)
def test_albi_grade_matches_its_score(bilirubin: float, albumin: float) -> None:
    result = albi(bilirubin=bilirubin, albumin=albumin)
    expected = 1 if result.score <= -2.60 else 2 if result.score <= -1.39 else 3
    assert result.grade == expected


@settings(max_examples=50)
@given(st.lists(panels(), min_size=1, max_size=40))
def test_vector_meld_scores_equal_scalar_scores(rows: list[dict[str, Any]]) -> None:
    def column(name: str) -> np.ndarray[Any, Any]:
        return np.array([row[name] for row in rows])

    adults = [{**row, "age": None} for row in rows]
    aged = [{**row, "age": 40.0 if row["age"] is None else row["age"]} for row in rows]
    labs = {k: column(k) for k in ("bilirubin", "creatinine", "inr", "dialysis")}
    assert compute_meld(**labs).tolist() == [meld(**_meld_args(r)).score for r in rows]
    na = {**labs, "sodium": column("sodium")}
    assert compute_meld_na(**na).tolist() == [meld_na(**_meld_na_args(r)).score for r in rows]
    m3 = {**na, "albumin": column("albumin"), "female": column("female")}
    assert compute_meld_3(**m3).tolist() == [meld_3(**r).score for r in adults]
    ages = np.array([r["age"] for r in aged])
    assert compute_meld_3(**m3, age=ages).tolist() == [meld_3(**r).score for r in aged]


@st.composite
def child_pugh_rows(draw: st.DrawFn) -> dict[str, Any]:
    inr = draw(st.none() | inrs)
    return {
        "bilirubin": draw(bilirubins),
        "albumin": draw(albumins),
        "inr": inr,
        "pt_prolongation": draw(st.floats(-2.0, 30.0)) if inr is None else draw(st.none()),
        "ascites": draw(st.sampled_from(ASCITES)),
        "encephalopathy": draw(st.sampled_from(ENCEPHALOPATHY)),
        "cholestatic": draw(st.booleans()),
    }


@settings(max_examples=50)
@given(st.lists(child_pugh_rows(), min_size=1, max_size=40))
def test_vector_child_pugh_and_albi_equal_scalar(rows: list[dict[str, Any]]) -> None:
    def column(name: str) -> list[Any]:
        return [row[name] for row in rows]

    vector = compute_child_pugh(
        bilirubin=column("bilirubin"),
        albumin=column("albumin"),
        inr=[np.nan if v is None else v for v in column("inr")],
        pt_prolongation=[np.nan if v is None else v for v in column("pt_prolongation")],
        ascites=column("ascites"),
        encephalopathy=column("encephalopathy"),
        cholestatic=column("cholestatic"),
    )
    scalar = [child_pugh(**row) for row in rows]
    assert vector.points.tolist() == [r.points for r in scalar]
    assert vector.cls.tolist() == [r.cls for r in scalar]
    assert vector.coagulation_points.tolist() == [r.coagulation_points for r in scalar]
    albi_vector = compute_albi(bilirubin=column("bilirubin"), albumin=column("albumin"))
    albi_scalar = [albi(bilirubin=r["bilirubin"], albumin=r["albumin"]) for r in rows]
    assert albi_vector.score.tolist() == [r.score for r in albi_scalar]
    assert albi_vector.grade.tolist() == [r.grade for r in albi_scalar]
