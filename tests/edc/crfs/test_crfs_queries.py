"""Automatic data checks on the forms, through the services and the queries app: a query opens
when a rule fires and closes itself once the data is corrected."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.crfs.services import (
    clinical_assessment_correct,
    clinical_assessment_enter,
    demographics_enter,
    lab_panel_enter,
    lab_result_correct,
    lab_result_enter,
    lab_result_void,
)
from hepatrial.edc.visits.services import visit_record, visits_status_refresh


def _open(record: Any) -> dict[str, str]:
    from hepatrial.edc.queries.models import OUTSTANDING, Query

    rows = Query.objects.filter(object_id=str(record.pk), status__in=OUTSTANDING)
    return {q.rule: q.text for q in rows}


def _missing(record: Any) -> dict[str, str]:
    """The open missing-form queries of a visit, by procedure code."""
    from hepatrial.edc.queries.models import OUTSTANDING, Query

    rows = Query.objects.filter(
        object_id=str(record.pk), status__in=OUTSTANDING, rule="FORM_MISSING"
    )
    return {q.field: q.text for q in rows}


def _statuses(record: Any) -> dict[str, str]:
    from hepatrial.edc.queries.models import Query

    return {q.rule: q.status for q in Query.objects.filter(object_id=str(record.pk))}


def test_a_lab_beyond_its_soft_limit_is_queried_until_corrected(w4: Any, coordinator: Any) -> None:
    result = lab_result_enter(user=coordinator, visit=w4, code="BILI", value="700", unit="umol/L")
    assert "outside the plausible range" in _open(result)["LAB_SOFT_LIMIT"]
    lab_result_correct(
        user=coordinator, result=result, expected_version=1, value="70", unit="umol/L",
        reason="extra zero",
    )  # fmt: skip
    assert _open(result) == {}
    assert _statuses(result)["LAB_SOFT_LIMIT"] == "auto-closed"


def test_a_probable_unit_mix_up_is_queried(w4: Any, coordinator: Any) -> None:
    result = lab_result_enter(user=coordinator, visit=w4, code="BILI", value="2.5", unit="umol/L")
    assert "this looks like mg/dL" in _open(result)["LAB_UNIT_MIXUP"]
    lab_result_correct(
        user=coordinator, result=result, expected_version=1, value="2.5", unit="mg/dL",
        reason="unit was mg/dL",
    )  # fmt: skip
    assert _open(result) == {}


def test_an_inr_inconsistent_with_the_pt_is_queried_until_either_is_corrected(
    w4: Any, coordinator: Any
) -> None:
    results = lab_panel_enter(
        user=coordinator, visit=w4, values={"PT": ("14", "s"), "INR": ("2.6", "ratio")}
    )
    pt, inr = sorted(results, key=lambda r: r.code)[::-1]
    assert "INR 2.6 does not agree with PT 14 s" in _open(inr)["PT_INR_INCONSISTENT"]
    assert _open(pt) == {}
    lab_result_correct(
        user=coordinator, result=pt, expected_version=1, value="31", unit="s",
        reason="PT misread",
    )  # fmt: skip
    assert _open(inr) == {}


def test_a_weight_change_of_more_than_10_percent_is_queried(
    w4: Any, visits: dict[str, Any], coordinator: Any, day0: date
) -> None:
    first = clinical_assessment_enter(user=coordinator, visit=visits["D0"], weight_kg=70.0)
    second = clinical_assessment_enter(user=coordinator, visit=w4, weight_kg=60.0)
    assert "changed by -14% from 70 kg at D0" in _open(second)["WEIGHT_CHANGE"]
    assert _open(first) == {}
    # correcting the earlier weight silences the later visit's query
    clinical_assessment_correct(
        user=coordinator, assessment=first, expected_version=1, reason="scale not zeroed",
        changes={"weight_kg": 64.0},
    )  # fmt: skip
    assert _open(second) == {}


def test_a_weight_change_of_10_percent_or_less_is_not_queried(
    w4: Any, visits: dict[str, Any], coordinator: Any
) -> None:
    clinical_assessment_enter(user=coordinator, visit=visits["D0"], weight_kg=70.0)
    second = clinical_assessment_enter(user=coordinator, visit=w4, weight_kg=63.5)
    assert _open(second) == {}


def test_a_voided_result_takes_its_queries_with_it(w4: Any, coordinator: Any) -> None:
    result = lab_result_enter(user=coordinator, visit=w4, code="BILI", value="700", unit="umol/L")
    lab_result_void(user=coordinator, result=result, expected_version=1, reason="wrong patient")
    assert _open(result) == {}


def test_forms_missing_at_a_done_visit_are_queried_until_entered(
    visits: dict[str, Any], participant: Any, users: dict[str, Any], day0: date,
    si_panel: dict[str, Any],
) -> None:  # fmt: skip
    coordinator = users["coordinator"]
    w1 = visit_record(user=coordinator, visit=visits["W1"], actual_date=day0 + timedelta(days=7))
    visits_status_refresh(user=coordinator, today=day0 + timedelta(days=8))
    assert _missing(w1) == {}  # still within the entry period
    visits_status_refresh(user=coordinator, today=day0 + timedelta(days=30))
    assert set(_missing(w1)) == {"LIVER_LABS", "SCORE_LABS", "CLINICAL"}
    assert _missing(w1)["SCORE_LABS"] == (
        f"W1 (done on {w1.actual_date}): Creatinine and sodium is missing CREAT, SODIUM; "
        "please enter it"
    )
    lab_panel_enter(user=coordinator, visit=w1, values=si_panel)
    assert set(_missing(w1)) == {"CLINICAL"}
    clinical_assessment_enter(
        user=coordinator, visit=w1, ascites_grade="none", he_grade="none", weight_kg=66.0,
    )  # fmt: skip
    assert "DIALYSIS; please enter it" in _missing(w1)["CLINICAL"]  # opened with every item
    clinical_assessment_correct(
        user=coordinator, assessment=w1.clinical_assessments.get(), expected_version=1,
        reason="dialysis asked", changes={"dialysis": False},
    )  # fmt: skip
    assert _missing(w1) == {}
    assert audit_verify().ok


def test_screening_demographics_count_as_a_form(
    participant: Any, visits: dict[str, Any], users: dict[str, Any], day0: date,
    si_panel: dict[str, Any],
) -> None:  # fmt: skip
    coordinator = users["coordinator"]
    screening = visit_record(
        user=coordinator, visit=visits["SCR"], actual_date=day0 - timedelta(days=10)
    )
    lab_panel_enter(user=coordinator, visit=screening, values=si_panel)
    clinical_assessment_enter(
        user=coordinator, visit=screening, ascites_grade="none", he_grade="none",
        weight_kg=66.0, dialysis=False,
    )  # fmt: skip
    assert set(_missing(screening)) == {"DEMOGRAPHICS"}
    demographics_enter(
        user=coordinator, participant=participant, sex="M", birth_date=date(1960, 1, 1)
    )
    assert _missing(screening) == {}
