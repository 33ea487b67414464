"""Scores derived from the visit's labs and assessment: equal to the clinical rules on the same
values, stored with the formula's version and inputs, and derived again when an input changes."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest

from hepatrial.clinical.labs import standardize_lab
from hepatrial.clinical.scores import albi, child_pugh, meld, meld_3, meld_na
from hepatrial.edc.core.audit import audit_export, audit_verify
from hepatrial.edc.crfs.derive import age_in_years
from hepatrial.edc.crfs.models import DerivedScore
from hepatrial.edc.crfs.services import (
    clinical_assessment_correct,
    clinical_assessment_enter,
    demographics_correct,
    demographics_enter,
    lab_panel_enter,
    lab_result_correct,
    lab_result_void,
    scores_derive,
)
from hepatrial.errors import ConflictError, InputError


def _std(panel: dict[str, Any]) -> dict[str, float]:
    return {code: standardize_lab(code, *entry).value_std for code, entry in panel.items()}


def _scores(visit: Any) -> dict[str, DerivedScore]:
    return {s.code: s for s in DerivedScore.objects.filter(visit=visit, voided=False)}


@pytest.fixture
def entered(w4: Any, coordinator: Any, si_panel: dict[str, Any]) -> dict[str, Any]:
    """W4 with the SI panel and a clinical assessment entered."""
    labs = {r.code: r for r in lab_panel_enter(user=coordinator, visit=w4, values=si_panel)}
    assessment = clinical_assessment_enter(
        user=coordinator, visit=w4, ascites_grade="mild", he_grade="none", weight_kg=64.0,
        dialysis=False,
    )  # fmt: skip
    return {"labs": labs, "assessment": assessment}


def test_si_entry_derives_the_scores_of_the_clinical_rules(
    entered: dict[str, Any], w4: Any, si_panel: dict[str, Any]
) -> None:
    v = _std(si_panel)
    labs = {"bilirubin": v["BILI"], "creatinine": v["CREAT"], "inr": v["INR"]}
    scores = _scores(w4)
    expected_meld = meld(**labs, dialysis=False)
    expected_na = meld_na(**labs, sodium=v["SODIUM"], dialysis=False)
    expected_cp = child_pugh(
        bilirubin=v["BILI"], albumin=v["ALB"], inr=v["INR"], ascites="mild", encephalopathy="none"
    )
    expected_albi = albi(bilirubin=v["BILI"], albumin=v["ALB"])
    assert (scores["MELD"].value, scores["MELD"].formula) == (
        expected_meld.score,
        expected_meld.formula,
    )
    assert (scores["MELD_NA"].value, scores["MELD_NA"].formula) == (
        expected_na.score,
        expected_na.formula,
    )
    assert (scores["CHILD_PUGH"].value, scores["CHILD_PUGH"].grade) == (
        expected_cp.points,
        expected_cp.cls,
    )
    assert scores["CHILD_PUGH"].formula == expected_cp.table
    assert scores["ALBI"].value == pytest.approx(expected_albi.score)
    assert scores["ALBI"].grade == str(expected_albi.grade)
    assert "MELD3" not in scores  # no sex recorded yet


def test_a_score_records_the_inputs_it_used_and_how(entered: dict[str, Any], w4: Any) -> None:
    meld_score = _scores(w4)["MELD"]
    assert set(meld_score.inputs) == {"BILI", "INR", "CREAT", "DIALYSIS"}
    bili = entered["labs"]["BILI"]
    assert meld_score.inputs["BILI"] == {
        "value": bili.value_std,
        "unit": "umol/L",
        "record": str(bili.pk),
    }
    assert meld_score.inputs["DIALYSIS"]["value"] is False
    assert meld_score.details["formula"] == meld_score.formula


def test_a_score_waits_for_every_input_the_protocol_lists(w4: Any, coordinator: Any) -> None:
    lab_panel_enter(
        user=coordinator,
        visit=w4,
        values={"BILI": ("40", "umol/L"), "CREAT": ("90", "umol/L"), "INR": ("1.3", "ratio")},
    )
    # MELD also lists DIALYSIS, from the clinical assessment; ALBI needs albumin.
    assert _scores(w4) == {}
    clinical_assessment_enter(user=coordinator, visit=w4, dialysis=True)
    assert set(_scores(w4)) == {"MELD"}
    assert (
        _scores(w4)["MELD"].value
        == meld(bilirubin=40.0, creatinine=90.0, inr=1.3, dialysis=True).score
    )


def test_meld_3_is_derived_once_sex_is_known(
    entered: dict[str, Any], w4: Any, participant: Any, coordinator: Any, si_panel: Any
) -> None:
    birth = date(1962, 5, 4)
    demographics_enter(user=coordinator, participant=participant, sex="F", birth_date=birth)
    v = _std(si_panel)
    age = age_in_years(birth, w4.actual_date)
    expected = meld_3(
        bilirubin=v["BILI"], creatinine=v["CREAT"], inr=v["INR"], sodium=v["SODIUM"],
        albumin=v["ALB"], female=True, age=age, dialysis=False,
    )  # fmt: skip
    score = _scores(w4)["MELD3"]
    assert (score.value, score.formula) == (expected.score, expected.formula)
    assert score.inputs["SEX"]["value"] == "F"
    assert score.inputs["AGE"]["value"] == age


def test_correcting_sex_derives_meld_3_again(
    entered: dict[str, Any], w4: Any, participant: Any, coordinator: Any
) -> None:
    demographics = demographics_enter(
        user=coordinator, participant=participant, sex="F", birth_date=date(1962, 5, 4)
    )
    female = _scores(w4)["MELD3"].value
    demographics_correct(
        user=coordinator, demographics=demographics, expected_version=1, reason="wrong box",
        sex="M",
    )  # fmt: skip
    score = _scores(w4)["MELD3"]
    assert score.inputs["SEX"]["value"] == "M"
    assert score.value <= female  # MELD 3.0 adds 1.33 for female sex
    assert (
        score.history.first().history_change_reason
        == "derived again: demographics corrected: wrong box"
    )


def test_correcting_a_lab_derives_the_scores_again_and_the_trail_says_why(
    entered: dict[str, Any], w4: Any, coordinator: Any, si_panel: dict[str, Any]
) -> None:
    before = _scores(w4)["MELD"]
    bili = entered["labs"]["BILI"]
    lab_result_correct(
        user=coordinator, result=bili, expected_version=1, value="171", unit="umol/L",
        reason="transcription error",
    )  # fmt: skip
    after = _scores(w4)["MELD"]
    v = _std({**si_panel, "BILI": ("171", "umol/L")})
    assert after.pk == before.pk
    assert after.version == before.version + 1
    assert (
        after.value
        == meld(bilirubin=v["BILI"], creatinine=v["CREAT"], inr=v["INR"], dialysis=False).score
    )
    assert after.value > before.value
    stream = io.StringIO()
    audit_export(stream)
    change = [
        r
        for r in csv.DictReader(io.StringIO(stream.getvalue()))
        if r["model"] == "crfs.DerivedScore" and r["record_id"] == str(after.pk)
        and r["field"] == "value"
    ][-1]  # fmt: skip
    assert (float(change["old"]), float(change["new"])) == (before.value, after.value)
    assert change["reason"] == "derived again: BILI corrected: transcription error"
    assert audit_verify().ok


def test_correcting_an_unrelated_lab_does_not_touch_the_scores(
    entered: dict[str, Any], w4: Any, coordinator: Any
) -> None:
    versions = {code: s.version for code, s in _scores(w4).items()}
    lab_result_correct(
        user=coordinator, result=entered["labs"]["ALT"], expected_version=1, value="45",
        unit="U/L", reason="transcription error",
    )  # fmt: skip
    assert {code: s.version for code, s in _scores(w4).items()} == versions


def test_correcting_a_grade_derives_child_pugh_again(
    entered: dict[str, Any], w4: Any, coordinator: Any
) -> None:
    before = _scores(w4)["CHILD_PUGH"].value
    clinical_assessment_correct(
        user=coordinator, assessment=entered["assessment"], expected_version=1,
        reason="tense ascites on examination", changes={"ascites_grade": "moderate_severe"},
    )  # fmt: skip
    assert _scores(w4)["CHILD_PUGH"].value == before + 1


def test_voiding_an_input_voids_the_scores_that_need_it(
    entered: dict[str, Any], w4: Any, coordinator: Any
) -> None:
    lab_result_void(
        user=coordinator, result=entered["labs"]["CREAT"], expected_version=1,
        reason="haemolysed sample",
    )  # fmt: skip
    live = _scores(w4)
    assert set(live) == {"CHILD_PUGH", "ALBI"}
    voided = DerivedScore.objects.get(visit=w4, code="MELD")
    assert voided.voided
    assert voided.void_reason == (
        "CREAT voided: haemolysed sample; an input of MELD is no longer there"
    )


def test_a_concurrent_correction_of_a_score_input_gets_a_conflict_and_keeps_the_first(
    entered: dict[str, Any], w4: Any, users: dict[str, Any]
) -> None:
    inr = entered["labs"]["INR"]
    lab_result_correct(
        user=users["coordinator"], result=inr, expected_version=1, value="2.4", unit="ratio",
        reason="re-run",
    )  # fmt: skip
    meld_after_first = _scores(w4)["MELD"].value
    with pytest.raises(ConflictError):
        lab_result_correct(
            user=users["investigator"], result=inr, expected_version=1, value="1.1",
            unit="ratio", reason="re-run",
        )  # fmt: skip
    assert _scores(w4)["MELD"].value == meld_after_first
    assert audit_verify().ok


def test_deriving_again_with_nothing_changed_writes_nothing(
    entered: dict[str, Any], w4: Any, coordinator: Any
) -> None:
    history = DerivedScore.history.count()
    scores_derive(user=coordinator, visit=w4)
    assert DerivedScore.history.count() == history


def test_an_unknown_grade_is_refused_naming_the_protocol_grades(w4: Any, coordinator: Any) -> None:
    with pytest.raises(
        InputError, match="ascites_grade: expected one of none, mild, moderate_severe"
    ):
        clinical_assessment_enter(user=coordinator, visit=w4, ascites_grade="severe")


def test_a_weight_outside_the_adult_range_is_refused(w4: Any, coordinator: Any) -> None:
    with pytest.raises(InputError, match="weight_kg: expected a body weight"):
        clinical_assessment_enter(user=coordinator, visit=w4, weight_kg=640.0)
