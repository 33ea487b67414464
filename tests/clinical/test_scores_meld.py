"""MELD, MELD-Na and MELD 3.0 against the published vectors and at every bound (liver-scores.md).

Inputs in the reference are in mg/dL and g/dL; the functions take µmol/L and g/L, so each test
converts with the catalogue's factors. That conversion is part of what is tested.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hepatrial.clinical.catalogue import (
    ALBUMIN_G_L_PER_G_DL,
    BILIRUBIN_UMOL_PER_MG_DL,
    CREATININE_UMOL_PER_MG_DL,
)
from hepatrial.clinical.scores import MeldResult, meld, meld_3, meld_na
from hepatrial.errors import InputError


def bili(mg_dl: float) -> float:
    return mg_dl * BILIRUBIN_UMOL_PER_MG_DL


def creat(mg_dl: float) -> float:
    return mg_dl * CREATININE_UMOL_PER_MG_DL


def alb(g_dl: float) -> float:
    return g_dl * ALBUMIN_G_L_PER_G_DL


# liver-scores.md §9: Cr, bili, INR (mg/dL), Na, dialysis, MELD, MELD-Na.
MELD_TABLE = [
    pytest.param(1.9, 4.2, 1.2, 125, False, 20, 28, id="ameld"),
    pytest.param(1.9, 4.2, 1.6, 128, False, 23, 28, id="js-test"),
    pytest.param(0.8, 0.9, 0.9, 140, False, 6, 6, id="all-floors"),
    pytest.param(1.0, 3.7, 1.0, 125, False, 11, 11, id="gate-closed"),
    pytest.param(1.0, 4.0, 1.0, 125, False, 12, 23, id="gate-open"),
    pytest.param(0.9, 2.0, 1.5, 130, True, 27, 30, id="dialysis"),
    pytest.param(6, 30, 4, 120, False, 40, 40, id="cap-40"),
]


@pytest.mark.parametrize(("cr", "bi", "inr", "na", "dialysis", "expected", "_"), MELD_TABLE)
def test_meld_matches_reference_table(
    cr: float, bi: float, inr: float, na: float, dialysis: bool, expected: int, _: int
) -> None:
    result = meld(bilirubin=bili(bi), creatinine=creat(cr), inr=inr, dialysis=dialysis)
    assert result.score == expected
    assert result.meld_i == expected


@pytest.mark.parametrize(("cr", "bi", "inr", "na", "dialysis", "_", "expected"), MELD_TABLE)
def test_meld_na_matches_reference_table(
    cr: float, bi: float, inr: float, na: float, dialysis: bool, _: int, expected: int
) -> None:
    result = meld_na(
        bilirubin=bili(bi), creatinine=creat(cr), inr=inr, sodium=na, dialysis=dialysis
    )
    assert result.score == expected


# Kim 2021 Table 4: sex, bili, Na, INR, Cr, albumin (mg/dL, g/dL), MELD 3.0, MELD-Na.
KIM_TABLE_4 = [
    ("M", 2.5, 131, 1.0, 1.2, 3.8, 16, 18),
    ("F", 2.5, 131, 1.0, 1.2, 3.8, 17, 18),
    ("M", 6, 131, 1.5, 1.5, 3.5, 25, 26),
    ("M", 6, 131, 1.5, 1.5, 2.2, 26, 26),
    ("F", 6, 131, 1.5, 1.5, 2.2, 27, 26),
    ("M", 12, 128, 2.2, 1.8, 2.0, 34, 33),
    ("M", 12, 128, 2.2, 2.8, 2.0, 38, 36),
    ("F", 12, 128, 2.2, 2.8, 2.0, 39, 36),
]


@pytest.mark.parametrize(("sex", "bi", "na", "inr", "cr", "al", "expected", "_"), KIM_TABLE_4)
def test_meld_3_matches_kim_2021_table_4(
    sex: str, bi: float, na: float, inr: float, cr: float, al: float, expected: int, _: int
) -> None:
    result = meld_3(
        bilirubin=bili(bi),
        creatinine=creat(cr),
        inr=inr,
        sodium=na,
        albumin=alb(al),
        female=sex == "F",
    )
    assert result.score == expected


@pytest.mark.parametrize(("sex", "bi", "na", "inr", "cr", "al", "_", "expected"), KIM_TABLE_4)
def test_meld_na_matches_kim_2021_table_4_panels(
    sex: str, bi: float, na: float, inr: float, cr: float, al: float, _: int, expected: int
) -> None:
    assert meld_na(bilirubin=bili(bi), creatinine=creat(cr), inr=inr, sodium=na).score == expected


def _meld_3(**overrides: object) -> MeldResult:
    """MELD 3.0 of the §9 panel Cr 1.5, bili 3, INR 1.8, Na 130, albumin 2.8, adult male."""
    panel: dict[str, object] = {
        "bilirubin": bili(3),
        "creatinine": creat(1.5),
        "inr": 1.8,
        "sodium": 130,
        "albumin": alb(2.8),
        "female": False,
    }
    panel.update(overrides)
    return meld_3(**panel)


@pytest.mark.parametrize(
    ("female", "albumin_g_dl", "expected"),
    [(True, 3.5, 23), (False, 3.5, 21), (True, 1.5, 24)],
)
def test_meld_3_matches_ameld_vectors(female: bool, albumin_g_dl: float, expected: int) -> None:
    result = meld_3(
        bilirubin=bili(4.2),
        creatinine=creat(1.9),
        inr=1.2,
        sodium=140,
        albumin=alb(albumin_g_dl),
        female=female,
    )
    assert result.score == expected


@pytest.mark.parametrize(("age", "expected"), [(16, 24), (22, 22)])
def test_meld_3_matches_r_meld3_examples_in_si_units(age: float, expected: int) -> None:
    result = meld_3(
        bilirubin=80, creatinine=112, inr=2, sodium=136, albumin=35, female=False, age=age
    )
    assert result.score == expected


def test_meld_3_extra_vectors_for_sex_and_adolescents() -> None:
    assert _meld_3().score == 26
    assert _meld_3(female=True).score == 27
    assert _meld_3(age=14).score == 27
    assert _meld_3(age=14, female=True).score == 27


def test_meld_3_creatinine_is_capped_at_3_mg_dl() -> None:
    assert _meld_3(creatinine=creat(3)).score == 32
    capped = _meld_3(creatinine=creat(4))
    assert capped.score == 32
    assert capped.input("creatinine").used == 3.0
    assert capped.input("creatinine").reason == "creatinine above 3.0 mg/dL capped at 3.0"


def test_meld_3_dialysis_sets_creatinine_to_3_even_below_the_floor() -> None:
    result = _meld_3(creatinine=creat(0.7), dialysis=True)
    assert result.score == _meld_3(creatinine=creat(3)).score
    assert result.input("creatinine").used == 3.0
    assert result.input("creatinine").reason == "creatinine set to 3.0 mg/dL for dialysis"


# Floors at 1.0 -------------------------------------------------------------------------------


SCORERS: dict[str, tuple[Callable[..., MeldResult], dict[str, object]]] = {
    "meld": (meld, {}),
    "meld_na": (meld_na, {"sodium": 130}),
    "meld_3": (meld_3, {"sodium": 130, "albumin": 30, "female": False}),
}
TO_UNITS = {"bilirubin": bili, "creatinine": creat, "inr": float}


@pytest.mark.parametrize("score", SCORERS)
@pytest.mark.parametrize("field", ["bilirubin", "creatinine", "inr"])
def test_lab_at_exactly_1_is_used_as_is_and_just_below_is_floored(score: str, field: str) -> None:
    function, extra = SCORERS[score]

    def scored(mg_dl: float) -> MeldResult:
        panel: dict[str, object] = {"bilirubin": bili(2.0), "creatinine": creat(1.5), "inr": 1.5}
        panel[field] = TO_UNITS[field](mg_dl)
        return function(**panel, **extra)

    at_floor, below = scored(1.0), scored(0.99)
    assert at_floor.input(field).used == 1.0
    assert at_floor.input(field).reason is None
    assert below.input(field).used == 1.0
    assert below.input(field).reason is not None
    assert "floored to 1.0" in str(below.input(field).reason)
    assert below.raw == at_floor.raw
    assert below.score == at_floor.score


def test_floor_reasons_read_as_the_rule() -> None:
    result = meld(bilirubin=bili(0.5), creatinine=creat(0.6), inr=0.9)
    assert [i.reason for i in result.adjustments] == [
        "bilirubin below 1.0 mg/dL floored to 1.0",
        "creatinine below 1.0 mg/dL floored to 1.0",
        "INR below 1.0 floored to 1.0",
    ]
    assert result.score == 6


# Creatinine 4.0 and dialysis ---------------------------------------------------------------


def test_meld_creatinine_at_4_is_used_and_above_4_is_capped() -> None:
    at_cap = meld(bilirubin=bili(2), creatinine=creat(4.0), inr=1.3)
    above = meld(bilirubin=bili(2), creatinine=creat(4.01), inr=1.3)
    assert at_cap.input("creatinine").reason is None
    assert above.input("creatinine").used == 4.0
    assert above.input("creatinine").reason == "creatinine above 4.0 mg/dL capped at 4.0"
    assert above.score == at_cap.score


@pytest.mark.parametrize("cr", [0.5, 1.0, 2.5, 6.0])
def test_dialysis_sets_meld_creatinine_to_4_whatever_it_was(cr: float) -> None:
    dialysed = meld_na(bilirubin=bili(2), creatinine=creat(cr), inr=1.3, sodium=132, dialysis=True)
    reference = meld_na(bilirubin=bili(2), creatinine=creat(4.0), inr=1.3, sodium=132)
    assert dialysed.score == reference.score
    assert dialysed.input("creatinine").used == 4.0
    assert dialysed.input("creatinine").reason == "creatinine set to 4.0 mg/dL for dialysis"


def test_dialysis_overrides_the_floor_unlike_medcalc_bench() -> None:
    dialysed = meld(bilirubin=bili(1), creatinine=creat(0.8), inr=1, dialysis=True)
    assert dialysed.input("creatinine").used == 4.0
    assert dialysed.score == 20  # 0.957·ln 4 + 0.643 = 1.97 → 2.0; with Cr floored to 1.0 it is 6


# Rounding, gate and cap --------------------------------------------------------------------


def test_meld_rounds_to_the_tenth_then_multiplies_by_10() -> None:
    result = meld(bilirubin=bili(4.2), creatinine=creat(1.9), inr=1.2)
    assert result.raw == pytest.approx(2.00392, abs=1e-5)
    assert result.score == 20  # not 20.0392 (transplantr's "10 digits" reading)


def test_meld_na_gate_uses_the_rounded_meld_i() -> None:
    closed = meld_na(bilirubin=bili(3.7), creatinine=creat(1.0), inr=1.0, sodium=125)
    opened = meld_na(bilirubin=bili(4.0), creatinine=creat(1.0), inr=1.0, sodium=125)
    assert closed.raw == 11  # unrounded MELD(i) 11.38 would have opened the gate (23)
    assert (closed.meld_i, closed.score) == (11, 11)
    assert closed.notes == ("MELD(i) 11 ≤ 11: no sodium term",)
    assert (opened.meld_i, opened.score) == (12, 23)
    assert opened.notes == ()


def test_meld_and_meld_na_are_capped_at_40() -> None:
    assert meld(bilirubin=bili(30), creatinine=creat(6), inr=4).score == 40
    assert meld_na(bilirubin=bili(30), creatinine=creat(6), inr=4, sodium=120).score == 40


def test_meld_3_is_capped_at_40_and_floored_at_6() -> None:
    sickest = _meld_3(bilirubin=bili(40), creatinine=creat(3), inr=4, sodium=125, albumin=15)
    assert sickest.raw > 40
    assert sickest.score == 40
    healthiest = _meld_3(
        bilirubin=bili(0.5), creatinine=creat(0.7), inr=0.9, sodium=140, albumin=45
    )
    assert healthiest.raw == pytest.approx(6.0)
    assert healthiest.score == 6


# Sodium 125–137 and albumin 1.5–3.5 ---------------------------------------------------------


@pytest.mark.parametrize(("given", "same_as"), [(124, 125), (110, 125), (138, 137), (150, 137)])
def test_sodium_outside_125_137_is_clamped(given: float, same_as: float) -> None:
    panel = {"bilirubin": bili(4.2), "creatinine": creat(1.9), "inr": 1.2}
    clamped = meld_na(**panel, sodium=given)
    edge = meld_na(**panel, sodium=same_as)
    assert clamped.raw == edge.raw
    assert clamped.input("sodium").used == same_as
    assert clamped.input("sodium").reason == "sodium clamped to 125–137 mmol/L"
    assert edge.input("sodium").reason is None
    assert _meld_3(sodium=given).raw == _meld_3(sodium=same_as).raw


def test_sodium_inside_the_bounds_changes_the_score() -> None:
    panel = {"bilirubin": bili(4.2), "creatinine": creat(1.9), "inr": 1.2}
    assert meld_na(**panel, sodium=126).raw < meld_na(**panel, sodium=125).raw
    assert meld_na(**panel, sodium=136).raw > meld_na(**panel, sodium=137).raw


@pytest.mark.parametrize(("given", "same_as"), [(1.4, 1.5), (1.0, 1.5), (3.6, 3.5), (4.5, 3.5)])
def test_meld_3_albumin_outside_1_5_to_3_5_g_dl_is_clamped(given: float, same_as: float) -> None:
    clamped = _meld_3(albumin=alb(given))
    edge = _meld_3(albumin=alb(same_as))
    assert clamped.raw == edge.raw
    assert clamped.input("albumin").used == same_as
    assert clamped.input("albumin").reason == "albumin clamped to 1.5–3.5 g/dL"
    assert edge.input("albumin").reason is None
    assert _meld_3(albumin=alb(1.6)).raw != edge.raw


# Age ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("age", [12, 14.5, 17, 17.99])
def test_ages_12_to_17_drop_the_sex_term_and_use_7_33(age: float) -> None:
    boy = _meld_3(age=age, female=False)
    girl = _meld_3(age=age, female=True)
    adult_woman = _meld_3(female=True)
    assert boy.raw == girl.raw == adult_woman.raw
    assert boy.notes == ("age 12–17: no sex term, constant 7.33",)


@pytest.mark.parametrize("age", [18, 40, 80, None])
def test_from_18_the_adult_formula_applies(age: float | None) -> None:
    assert _meld_3(age=age).score == 26
    assert _meld_3(age=age, female=True).score == 27
    assert _meld_3(age=age).notes == ()


@pytest.mark.parametrize("age", [11, 11.99, 0])
def test_meld_3_under_12_is_an_error_pointing_to_peld(age: float) -> None:
    with pytest.raises(InputError, match="PELD") as caught:
        _meld_3(age=age)
    assert caught.value.field == "age"
    assert caught.value.received == age


# What a result says about itself ------------------------------------------------------------


def test_result_lists_inputs_in_formula_units_with_version_label() -> None:
    result = meld_na(bilirubin=bili(0.5), creatinine=creat(2), inr=1.5, sodium=140)
    assert result.formula == "MELD-Na (OPTN 2016)"
    by_field = {i.field: i for i in result.inputs}
    assert by_field["bilirubin"].unit == "mg/dL"
    assert by_field["bilirubin"].received == pytest.approx(0.5)
    assert by_field["bilirubin"].used == 1.0
    assert by_field["creatinine"].received == pytest.approx(2.0)
    assert by_field["sodium"].used == 137
    assert [a.field for a in result.adjustments] == ["bilirubin", "sodium"]


def test_result_to_dict_carries_everything_for_json() -> None:
    result = meld_3(
        bilirubin=bili(2.5), creatinine=creat(1.2), inr=1, sodium=131, albumin=alb(3.8), female=True
    )
    data = result.to_dict()
    assert data["score"] == 17
    assert data["formula"] == "MELD 3.0 (OPTN 2023)"
    assert data["meld_i"] is None
    inputs = data["inputs"]
    assert isinstance(inputs, list)
    assert [i["field"] for i in inputs] == ["bilirubin", "creatinine", "inr", "sodium", "albumin"]
    assert inputs[-1]["reason"] == "albumin clamped to 1.5–3.5 g/dL"
    assert str(result) == "MELD 3.0 (OPTN 2023): 17 (albumin clamped to 1.5–3.5 g/dL)"


def test_asking_a_result_for_an_input_it_lacks_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        meld(bilirubin=20, creatinine=90, inr=1).input("sodium")
