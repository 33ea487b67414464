"""Visits and their labs: record a visit, enter a panel in SI units with live MELD and
Child-Pugh, soft limits warned and queried, hard limits refused, corrections with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# The journey's panel in SI units, as the lab form posts it (value, and unit per test).
_PANEL = {
    "ALT": ("38", "U/L"),
    "AST": ("52", "U/L"),
    "ALP": ("110", "U/L"),
    "BILI": ("64", "umol/L"),
    "ALB": ("29", "g/L"),
    "PT": ("16.8", "s"),
    "INR": ("1.4", "ratio"),
    "CREAT": ("97", "umol/L"),
    "SODIUM": ("131", "mmol/L"),
}
SI_FORM = {
    k: v
    for code, (value, unit) in _PANEL.items()
    for k, v in ((code, value), (f"{code}__unit", unit))
}


def test_coordinator_records_the_visit_date_and_is_sent_to_its_labs(
    client_as: Any, infused: Any
) -> None:
    from hepatrial.edc.visits.models import Visit

    visit = Visit.objects.get(participant=infused, code="W1")
    response = client_as("coordinator").post(
        reverse("webforms:visit", args=[visit.pk]),
        {"outcome": "done", "actual_date": visit.target_date.isoformat()},
    )
    assert response["Location"] == reverse("webforms:labs", args=[visit.pk])
    visit.refresh_from_db()
    assert visit.status == "done"


def test_a_missed_visit_needs_its_reason(client_as: Any, infused: Any) -> None:
    from hepatrial.edc.visits.models import Visit

    visit = Visit.objects.get(participant=infused, code="W1")
    url = reverse("webforms:visit", args=[visit.pk])
    refused = client_as("coordinator").post(url, {"outcome": "missed"})
    assert "reason: expected the reason for the change" in refused.content.decode()
    client_as("coordinator").post(url, {"outcome": "missed", "reason": "in hospital elsewhere"})
    visit.refresh_from_db()
    assert (visit.status, visit.reason) == ("missed", "in hospital elsewhere")


def test_correcting_a_visit_date_asks_for_the_reason_and_keeps_it(
    client_as: Any, week1: Any
) -> None:
    url = reverse("webforms:visit", args=[week1.pk])
    new = week1.actual_date - dt.timedelta(days=1)
    post = {"actual_date": new.isoformat(), "version": str(week1.version)}
    client = client_as("coordinator")
    assert "reason: expected a value" in client.post(url, post).content.decode()
    client.post(url, {**post, "reason": "date copied from the wrong page"})
    week1.refresh_from_db()
    assert week1.actual_date == new
    assert week1.history.first().history_change_reason == "date copied from the wrong page"


def test_live_scores_from_si_values_match_a_hand_calculation(client_as: Any, week1: Any) -> None:
    """MELD (UNOS 2001 form) by hand: bilirubin 64 umol/L = 3.744 mg/dL, creatinine 97 umol/L
    = 1.097 mg/dL, INR 1.4: 10 x (0.957 ln 1.097 + 0.378 ln 3.744 + 1.120 ln 1.4 + 0.643)
    = 10 x (0.0886 + 0.4989 + 0.3768 + 0.643) = 16.07, rounded to 16. Child-Pugh (Pugh 1973):
    bilirubin 3.74 mg/dL 3 points, albumin 2.9 g/dL 2, INR 1.4 1, mild ascites 2, no
    encephalopathy 1 = 9, class B."""
    url = reverse("webforms:labs_preview", args=[week1.pk])
    answer = client_as("coordinator").post(url, SI_FORM).json()
    assert answer["scores"]["MELD"]["value"] == 16
    assert answer["scores"]["CHILD_PUGH"]["value"] == 9
    assert answer["scores"]["CHILD_PUGH"]["grade"] == "B"
    assert answer["scores"]["MELD_NA"]["value"] is not None
    assert answer["scores"]["MELD3"]["value"] is not None
    assert answer["labs"]["BILI"]["unit_std"] == "umol/L"


def test_live_scores_say_what_is_still_missing(client_as: Any, week1: Any) -> None:
    url = reverse("webforms:labs_preview", args=[week1.pk])
    answer = client_as("coordinator").post(url, {"BILI": "64", "BILI__unit": "umol/L"}).json()
    assert answer["scores"]["MELD"]["value"] is None
    assert set(answer["scores"]["MELD"]["missing"]) == {"INR", "CREAT"}


def test_saving_the_panel_stores_values_as_entered_and_derives_the_scores(
    client_as: Any, week1: Any
) -> None:
    from hepatrial.edc.crfs.models import DerivedScore, LabResult

    form = {**SI_FORM, "BILI": "3.744", "BILI__unit": "mg/dL"}
    response = client_as("coordinator").post(reverse("webforms:labs", args=[week1.pk]), form)
    assert response.status_code == 302
    bili = LabResult.objects.get(visit=week1, code="BILI")
    assert (bili.value_entered, bili.unit_entered) == ("3.744", "mg/dL")
    assert bili.value_std == pytest.approx(64.0, abs=0.05)
    scores = {s.code: s for s in DerivedScore.objects.filter(visit=week1, voided=False)}
    assert scores["MELD"].value == 16
    assert scores["CHILD_PUGH"].grade == "B"


def test_a_value_beyond_the_soft_limit_is_warned_saved_and_raises_a_query(
    client_as: Any, week1: Any
) -> None:
    from hepatrial.edc.queries.models import Query

    form = {**SI_FORM, "ALT": "2500"}
    client = client_as("coordinator")
    preview = client.post(reverse("webforms:labs_preview", args=[week1.pk]), form).json()
    assert preview["labs"]["ALT"]["warnings"]
    assert "data-lab-warning" in preview["html"]
    response = client.post(reverse("webforms:labs", args=[week1.pk]), form, follow=True)
    assert "a data query was raised" in response.content.decode()
    query = Query.objects.get(rule="LAB_SOFT_LIMIT")
    assert query.status == "open"
    assert "ALT" in query.text


def test_a_value_beyond_the_hard_limit_is_refused_at_its_row_and_nothing_is_saved(
    client_as: Any, week1: Any
) -> None:
    from hepatrial.edc.crfs.models import LabResult

    form = {**SI_FORM, "INR": "40"}
    response = client_as("coordinator").post(reverse("webforms:labs", args=[week1.pk]), form)
    text = response.content.decode()
    assert response.status_code == 200
    assert "INR: expected a value" in text
    assert "got 40" in text
    assert not LabResult.objects.filter(visit=week1).exists()


def test_correcting_a_lab_value_needs_a_reason_that_lands_in_its_history(
    client_as: Any, week1: Any
) -> None:
    from hepatrial.edc.crfs.models import LabResult

    client = client_as("coordinator")
    client.post(reverse("webforms:labs", args=[week1.pk]), SI_FORM)
    alt = LabResult.objects.get(visit=week1, code="ALT")
    url = reverse("webforms:lab_edit", args=[alt.pk])
    post = {"value": "39", "unit": "U/L", "version": str(alt.version)}
    assert "reason: expected a value" in client.post(url, post).content.decode()
    alt.refresh_from_db()
    assert alt.value_entered == "38"
    assert client.post(url, {**post, "reason": "transcription error"}).status_code == 302
    alt.refresh_from_db()
    assert alt.value_entered == "39"
    assert alt.history.first().history_change_reason == "transcription error"


def test_clinical_assessment_correction_keeps_the_reason(client_as: Any, week1: Any) -> None:
    from hepatrial.edc.crfs.models import ClinicalAssessment

    saved = ClinicalAssessment.objects.get(visit=week1)
    response = client_as("coordinator").post(
        reverse("webforms:assessment", args=[week1.pk]),
        {
            "ascites_grade": "moderate_severe",
            "he_grade": "none",
            "weight_kg": "64",
            "dialysis": "no",
            "version": str(saved.version),
            "reason": "ultrasound report reviewed",
        },
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.ascites_grade == "moderate_severe"
    assert saved.history.first().history_change_reason == "ultrasound report reviewed"


@pytest.mark.parametrize("role", ["monitor", "pharmacist", "dsmb", "data_manager"])
def test_roles_that_do_not_enter_data_get_403_on_the_lab_form(
    client_as: Any, week1: Any, role: str
) -> None:
    assert client_as(role).get(reverse("webforms:labs", args=[week1.pk])).status_code == 403


def test_coordinator_enters_the_clinical_assessment_of_a_done_visit(
    client_as: Any, infused: Any
) -> None:
    from hepatrial.edc.crfs.models import ClinicalAssessment
    from hepatrial.edc.visits.models import Visit

    visit = Visit.objects.get(participant=infused, code="W1")
    client = client_as("coordinator")
    client.post(
        reverse("webforms:visit", args=[visit.pk]),
        {"outcome": "done", "actual_date": visit.target_date.isoformat()},
    )
    response = client.post(
        reverse("webforms:assessment", args=[visit.pk]),
        {"ascites_grade": "none", "he_grade": "grade_1_2", "weight_kg": "70.5", "dialysis": "no"},
    )
    assert response.status_code == 302
    saved = ClinicalAssessment.objects.get(visit=visit)
    assert (saved.he_grade, saved.weight_kg, saved.dialysis) == ("grade_1_2", 70.5, False)


def test_a_weight_in_grams_is_refused_with_the_plausible_range(client_as: Any, week1: Any) -> None:
    from hepatrial.edc.crfs.models import ClinicalAssessment

    saved = ClinicalAssessment.objects.get(visit=week1)
    response = client_as("coordinator").post(
        reverse("webforms:assessment", args=[week1.pk]),
        {
            "ascites_grade": "mild",
            "he_grade": "none",
            "weight_kg": "64000",
            "dialysis": "no",
            "version": str(saved.version),
            "reason": "re-weighed",
        },
    )
    assert "weight_kg: expected a body weight" in response.content.decode()
    saved.refresh_from_db()
    assert saved.weight_kg == 64.0


def test_demographics_are_entered_then_corrected_with_a_reason(
    client_as: Any, consented: Any
) -> None:
    from hepatrial.edc.crfs.models import Demographics

    url = reverse("webforms:demographics", args=[consented.pk])
    client = client_as("coordinator")
    assert client.post(url, {"sex": "F", "birth_date": "1968-02-03"}).status_code == 302
    saved = Demographics.objects.get(participant=consented)
    post = {"sex": "M", "birth_date": "1968-02-03", "version": str(saved.version)}
    assert "reason: expected a value" in client.post(url, post).content.decode()
    client.post(url, {**post, "reason": "sex mistyped"})
    saved.refresh_from_db()
    assert saved.sex == "M"
    assert saved.history.first().history_change_reason == "sex mistyped"


@pytest.mark.parametrize("role", ["pharmacist", "monitor"])
def test_roles_that_do_not_record_visits_get_403(client_as: Any, infused: Any, role: str) -> None:
    from hepatrial.edc.visits.models import Visit

    visit = Visit.objects.get(participant=infused, code="W1")
    assert client_as(role).get(reverse("webforms:visit", args=[visit.pk])).status_code == 403
