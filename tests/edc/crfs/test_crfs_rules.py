"""The pure parts of the forms: which score can be derived and its value, the data checks, and
what the clinical assessment accepts."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hepatrial.clinical.labs import standardize_lab
from hepatrial.clinical.scores import child_pugh, meld
from hepatrial.edc.crfs.assessment import assessment_values, measure_values
from hepatrial.edc.crfs.checks import (
    WEIGHT_CHANGE_LIMIT,
    lab_flag_findings,
    pt_inr_findings,
    weight_change_findings,
)
from hepatrial.edc.crfs.derive import age_in_years, derive_score
from hepatrial.errors import InputError
from hepatrial.protocol import load_seed_protocol

PROTOCOL = load_seed_protocol()
VALUES = {
    "BILI": 51.3,
    "CREAT": 132.6,
    "INR": 1.8,
    "SODIUM": 131.0,
    "ALB": 28.0,
    "DIALYSIS": False,
    "ASCITES_GRADE": "moderate_severe",
    "HE_GRADE": "grade_1_2",
}


def test_meld_is_the_clinical_meld_of_the_same_values() -> None:
    score = derive_score(PROTOCOL, "MELD", VALUES)
    expected = meld(bilirubin=51.3, creatinine=132.6, inr=1.8, dialysis=False)
    assert score is not None
    assert (score.value, score.formula, score.grade) == (expected.score, expected.formula, "")


def test_protocol_grades_map_onto_child_pugh_from_best_to_worst() -> None:
    score = derive_score(PROTOCOL, "CHILD_PUGH", VALUES)
    expected = child_pugh(
        bilirubin=51.3, albumin=28.0, inr=1.8, ascites="moderate-severe",
        encephalopathy="grade 1-2",
    )  # fmt: skip
    assert score is not None
    assert (score.value, score.grade) == (expected.points, expected.cls)
    assert score.details["components"]["ascites"] == 3


@pytest.mark.parametrize("missing", ["BILI", "CREAT", "INR", "DIALYSIS"])
def test_no_meld_while_an_input_listed_by_the_protocol_is_missing(missing: str) -> None:
    assert derive_score(PROTOCOL, "MELD", {**VALUES, missing: None}) is None


def test_meld_3_needs_the_sex() -> None:
    assert derive_score(PROTOCOL, "MELD3", VALUES) is None
    female = derive_score(PROTOCOL, "MELD3", VALUES, female=True, age=60)
    male = derive_score(PROTOCOL, "MELD3", VALUES, female=False, age=60)
    assert female is not None
    assert male is not None
    assert female.value >= male.value


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1960, 5, 4), date(2024, 5, 3), 63),
        (date(1960, 5, 4), date(2024, 5, 4), 64),
        (date(1960, 2, 29), date(2023, 2, 28), 62),
        (date(1960, 2, 29), date(2023, 3, 1), 63),
    ],
)
def test_age_is_counted_in_completed_years(birth: date, on: date, age: int) -> None:
    assert age_in_years(birth, on) == age


def test_soft_limit_and_mix_up_flags_become_findings_on_the_entered_value() -> None:
    flags = [
        {"kind": f.kind, "message": f.message}
        for f in standardize_lab("BILI", "2.5", "umol/L").flags
    ]
    [finding] = lab_flag_findings(flags)
    assert (finding.rule, finding.field) == ("LAB_UNIT_MIXUP", "value_entered")
    assert finding.message == flags[0]["message"]
    soft = [
        {"kind": f.kind, "message": f.message}
        for f in standardize_lab("BILI", "700", "umol/L").flags
    ]
    assert [f.rule for f in lab_flag_findings(soft)] == ["LAB_SOFT_LIMIT"]
    assert lab_flag_findings([]) == []


def test_pt_and_inr_that_agree_raise_nothing_and_a_swap_is_caught() -> None:
    assert pt_inr_findings(21.6, 1.8) == []
    assert pt_inr_findings(None, 1.8) == []
    [finding] = pt_inr_findings(1.8, 21.6)  # typed into each other's field
    assert finding.rule == "PT_INR_INCONSISTENT"


def test_a_weight_change_over_the_limit_is_a_finding_naming_both_weights() -> None:
    previous = ("W1", date(2024, 3, 8), 70.0)
    [finding] = weight_change_findings(78.0, previous)
    assert finding.message == (
        "weight 78 kg changed by +11% from 70 kg at W1 (2024-03-08), more than 10%; please "
        "confirm it"
    )
    assert weight_change_findings(76.0, previous) == []
    assert weight_change_findings(78.0, None) == []


@given(st.floats(30.0, 200.0), st.floats(-0.5, 0.5))
def test_a_weight_change_is_queried_exactly_when_it_exceeds_the_limit(
    before: float, change: float
) -> None:
    after = before * (1 + change)
    fired = bool(weight_change_findings(after, ("W1", date(2024, 3, 8), before)))
    assert fired == (abs((after - before) / before) > WEIGHT_CHANGE_LIMIT)


def test_the_assessment_accepts_protocol_grades_weights_and_yes_no() -> None:
    values = assessment_values(
        PROTOCOL,
        {"ascites_grade": "mild", "he_grade": None, "weight_kg": 64, "dialysis": False},
    )
    assert values == {"ascites_grade": "mild", "he_grade": "", "weight_kg": 64.0, "dialysis": False}
    assert measure_values(values) == {"ASCITES_GRADE": "mild", "WEIGHT": 64.0, "DIALYSIS": False}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("he_grade", "grade 2", "he_grade: expected one of none, grade_1_2, grade_3_4"),
        ("weight_kg", 12.0, "weight_kg: expected a body weight ≥ 25 and ≤ 250 kg, got 12.0"),
        ("weight_kg", True, "weight_kg: expected a body weight"),
        ("dialysis", "no", "dialysis: expected yes or no"),
        ("height_cm", 170, "height_cm: expected a clinical assessment field"),
    ],
)
def test_the_assessment_refuses_what_the_protocol_does_not_allow(
    field: str, value: object, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        assessment_values(PROTOCOL, {field: value})
