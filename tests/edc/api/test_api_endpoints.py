"""Every API endpoint's happy path, each called by the role that does the work.

Expected values come from the journey fixture's inputs (tests/edc/conftest.py) and from hand
calculation where a unit is converted (3.0 g/dL of albumin is 30 g/L).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

PANEL = {
    "BILI": {"value": 58, "unit": "umol/L"},
    "ALB": {"value": 3.0, "unit": "g/dL"},
    "INR": {"value": 1.3, "unit": "ratio"},
    "PT": {"value": 15.9, "unit": "s"},
    "CREAT": {"value": 1.1, "unit": "mg/dL"},
    "SODIUM": {"value": 133, "unit": "mmol/L"},
}


def _visit(journey: dict[str, Any], code: str) -> Any:
    return next(v for v in journey["visits"] if v.code == code)


def test_coordinator_lists_and_reads_the_participant(journey: Any, client_as: Any) -> None:
    client = client_as("coordinator")
    participant = journey["participant"]
    listed = client.get("/api/participants/")
    assert listed.status_code == 200
    assert [row["study_id"] for row in listed.json()] == [participant.study_id]
    one = client.get(f"/api/participants/{participant.pk}/").json()
    assert one["status"] == "completed"
    assert one["day0"] == "2024-03-08"
    assert "arm" not in one


def test_coordinator_identifies_a_candidate_and_no_identifier_comes_back(
    users: Any, client_as: Any
) -> None:
    body = {"site_code": "01", "identified_on": "2024-03-01", "name": "Li Hua",
            "phone": "+86 139 0000 0000", "national_id": "110101198001010011"}  # fmt: skip
    response = client_as("coordinator").post("/api/participants/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "identified"
    assert response.json()["study_id"].startswith("01-")
    text = response.content.decode()
    assert "Li Hua" not in text
    assert "110101198001010011" not in text


def test_pharmacist_sees_the_arm_and_the_dose(journey: Any, client_as: Any) -> None:
    client = client_as("pharmacist")
    participant = journey["participant"]
    assert client.get(f"/api/participants/{participant.pk}/").json()["arm"] == (
        journey["allocation"].arm
    )
    infusions = client.get(f"/api/participants/{participant.pk}/infusions/").json()
    assert infusions[0]["dose_per_kg"] == journey["infusion"].dose_per_kg
    assert infusions[0]["delivered_volume_ml"] == journey["infusion"].delivered_volume_ml


def test_visits_list_each_protocol_visit_with_its_window(journey: Any, client_as: Any) -> None:
    participant = journey["participant"]
    rows = client_as("monitor").get(f"/api/participants/{participant.pk}/visits/").json()
    codes = [row["code"] for row in rows]
    assert codes[:2] == ["SCR", "D0"]
    assert codes[-1] == "D365"
    week1 = next(row for row in rows if row["code"] == "W1")
    # day 0 2024-03-08 + 7 days
    assert week1["target_date"] == "2024-03-15"
    assert week1["earliest_date"] <= week1["target_date"] <= week1["latest_date"]


def test_visit_detail_shows_labs_and_scores(journey: Any, client_as: Any) -> None:
    visit = _visit(journey, "W1")
    body = client_as("investigator").get(f"/api/visits/{visit.pk}/").json()
    labs = {lab["code"]: lab for lab in body["labs"]}
    assert labs["BILI"]["value_entered"] == "62"
    assert labs["BILI"]["unit_entered"] == "umol/L"
    assert {"MELD", "CHILD_PUGH"} <= {score["code"] for score in body["scores"]}


def test_lab_table_has_one_column_per_done_visit(journey: Any, client_as: Any) -> None:
    participant = journey["participant"]
    rows = client_as("statistician").get(f"/api/participants/{participant.pk}/labs/").json()
    assert rows[0]["code"] == "SCR"
    assert "BILI" in rows[0]["labs"]
    assert "MELD" in rows[0]["scores"]


def test_recording_a_visit_again_is_a_correction_with_a_reason(
    journey: Any, client_as: Any
) -> None:
    visit = _visit(journey, "D365")
    visit.refresh_from_db()
    new_date = (visit.actual_date - dt.timedelta(days=1)).isoformat()
    response = client_as("coordinator").post(
        f"/api/visits/{visit.pk}/record/",
        {"actual_date": new_date, "version": visit.version, "reason": "date misread"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["actual_date"] == new_date
    assert response.json()["version"] == visit.version + 1


def test_bulk_panel_with_mixed_units_is_standardized_and_scored(
    journey: Any, users: Any, client_as: Any
) -> None:
    from hepatrial.clinical.catalogue import LAB_CATALOGUE
    from hepatrial.edc.crfs.services import clinical_assessment_enter
    from hepatrial.edc.visits.services import visit_unscheduled_create

    # an unscheduled visit (the protocol derives every score there) with its assessment
    coordinator = users["coordinator"]
    visit = visit_unscheduled_create(
        user=coordinator, participant=journey["participant"], actual_date=dt.date(2024, 5, 2),
        reason="jaundice worsening",
    )  # fmt: skip
    clinical_assessment_enter(
        user=coordinator, visit=visit, ascites_grade="mild", he_grade="none", weight_kg=63.0,
        dialysis=False,
    )  # fmt: skip
    response = client_as("coordinator").post(
        f"/api/visits/{visit.pk}/labs/", {"values": PANEL}, format="json"
    )
    assert response.status_code == 201, response.json()
    labs = {lab["code"]: lab for lab in response.json()["labs"]}
    assert set(labs) == set(PANEL)
    albumin = labs["ALB"]
    assert (albumin["value_entered"], albumin["unit_entered"]) == ("3.0", "g/dL")
    canonical = LAB_CATALOGUE["ALB"].canonical_unit
    # 3.0 g/dL is 30 g/L (1 dL = 0.1 L), by hand
    assert albumin["unit_std"] == canonical
    assert albumin["value_std"] == pytest.approx(30.0 if canonical == "g/L" else 3.0)
    scores = {score["code"] for score in response.json()["scores"]}
    assert {"MELD", "MELD_NA", "MELD3", "CHILD_PUGH", "ALBI"} <= scores
    meld = next(s for s in response.json()["scores"] if s["code"] == "MELD")
    # by hand (UNOS MELD): bilirubin 58/17.1 = 3.392 mg/dL, creatinine 1.1 mg/dL, INR 1.3;
    # 10 × (0.957 ln 1.1 + 0.378 ln 3.392 + 1.120 ln 1.3 + 0.643) = 14.90 → 15
    assert meld["value"] == 15


def test_one_lab_result_is_entered_and_corrected(journey: Any, client_as: Any) -> None:
    visit = _visit(journey, "D365")
    client = client_as("coordinator")
    entered = client.post(
        "/api/lab-results/",
        {"visit": str(visit.pk), "code": "ALT", "value": 40, "unit": "U/L"},
        format="json",
    )
    assert entered.status_code == 201, entered.json()
    row = entered.json()
    corrected = client.patch(
        f"/api/lab-results/{row['id']}/",
        {"value": 41, "unit": "U/L", "version": row["version"], "reason": "transcription"},
        format="json",
    )
    assert corrected.status_code == 200, corrected.json()
    assert corrected.json()["value_std"] == pytest.approx(41.0)
    assert corrected.json()["version"] == row["version"] + 1


def test_decompensation_is_recorded_listed_and_corrected(journey: Any, client_as: Any) -> None:
    participant = journey["participant"]
    client = client_as("investigator")
    made = client.post(
        f"/api/participants/{participant.pk}/events/",
        {"event_type": "GI_BLEEDING", "onset_on": "2024-07-01", "severity": "severe",
         "hospitalized": True, "admitted_on": "2024-07-01", "discharged_on": "2024-07-05"},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201, made.json()
    event = made.json()
    assert event["event_type"] == "GI_BLEEDING"
    assert len(client.get("/api/events/").json()) == 2
    fixed = client.patch(
        f"/api/events/{event['id']}/",
        {"severity": "moderate", "version": event["version"], "reason": "per discharge letter"},
        format="json",
    )
    assert fixed.status_code == 200, fixed.json()
    assert fixed.json()["severity"] == "moderate"


def test_death_of_a_candidate_ends_their_path(users: Any, client_as: Any) -> None:
    client = client_as("coordinator")
    made = client.post(
        "/api/participants/",
        {"site_code": "01", "identified_on": "2024-03-01", "name": "Zhao Lei",
         "phone": "+86 137 0000 0000", "national_id": "110101196505050022"},
        format="json",
    ).json()  # fmt: skip
    died = client.post(
        f"/api/participants/{made['id']}/death/",
        {"died_on": "2024-03-03", "cause": "variceal bleeding", "source": "medical record"},
        format="json",
    )
    assert died.status_code == 201, died.json()
    assert client.get(f"/api/participants/{made['id']}/").json()["status"] == "died"


def test_adverse_event_recorded_as_serious_starts_the_24h_clock(
    journey: Any, client_as: Any
) -> None:
    participant = journey["participant"]
    client = client_as("coordinator")
    made = client.post(
        f"/api/participants/{participant.pk}/adverse-events/",
        {"term": "Pneumonia", "onset_on": "2024-05-02", "grade": 3, "relatedness": "unlikely",
         "action_taken": "not_applicable", "outcome": "recovered", "resolved_on": "2024-05-20",
         "awareness_at": "2024-05-02T08:00:00Z", "seriousness": ["hospitalization"]},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201, made.json()
    event = made.json()
    assert event["serious"] is True
    assert event["sae_report_due_at"].startswith("2024-05-03T08:00:00")
    updated = client.patch(
        f"/api/adverse-events/{event['id']}/",
        {"grade": 2, "version": event["version"], "reason": "regraded at follow-up"},
        format="json",
    )
    assert updated.status_code == 200, updated.json()
    assert updated.json()["grade"] == 2
    serious = client.get("/api/adverse-events/", {"serious": "true"}).json()
    assert [row["term"] for row in serious] == ["Pneumonia"]


def test_query_is_raised_answered_resolved_and_closed(journey: Any, client_as: Any) -> None:
    event = journey["adverse_event"]
    raised = client_as("monitor").post(
        "/api/queries/",
        {"record_model": "safety.AdverseEvent", "record_id": str(event.pk), "field": "grade",
         "text": "Grade 1 fever: please confirm the temperature."},
        format="json",
    )  # fmt: skip
    assert raised.status_code == 201, raised.json()
    query = raised.json()
    assert query["status"] == "open"
    steps = [("coordinator", "respond", "answered"), ("monitor", "resolve", "resolved"),
             ("data_manager", "close", "closed")]  # fmt: skip
    for role, step, status in steps:
        done = client_as(role).post(f"/api/queries/{query['id']}/{step}/", {"text": "ok"})
        assert done.status_code == 200, done.json()
        assert done.json()["status"] == status
    listed = client_as("monitor").get("/api/queries/", {"status": "closed"}).json()
    assert query["id"] in [row["id"] for row in listed]


def test_tabulations_list_and_download_as_csv_and_json(journey: Any, client_as: Any) -> None:
    client = client_as("statistician")
    domains = client.get("/api/tabulations/").json()
    assert [d["code"] for d in domains][:2] == ["DM", "DS"]
    lb = client.get("/api/tabulations/LB.json").json()
    bili = [row for row in lb if row["LBTESTCD"] == "BILI"]
    assert len(bili) == 7  # screening + W1, W4, W8, W12, W24, W48 (none at D365)
    response = client.get("/api/tabulations/dm.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["SUBJID"] for row in rows] == [journey["participant"].study_id]


def test_docs_page_loads_its_assets_locally(client: Any) -> None:
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/" in html
    assert "cdn" not in html.lower()
    assert "https://" not in html
