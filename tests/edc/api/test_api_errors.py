"""Errors come back in one shape (field, expected, received, detail) with a status that says
what to do: fix the input (400), reload (409), wait for the unlock (423)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _visit(journey: dict[str, Any], code: str) -> Any:
    visit = next(v for v in journey["visits"] if v.code == code)
    visit.refresh_from_db()
    return visit


def _lab_count(visit: Any) -> int:
    from hepatrial.edc.crfs.models import LabResult

    return LabResult.objects.filter(visit=visit).count()


def test_a_wrong_type_names_the_field_what_was_expected_and_what_was_sent(
    users: Any, client_as: Any
) -> None:
    body = {"site_code": "01", "identified_on": "yesterday", "name": "Li Hua",
            "phone": "+86 139 0000 0000", "national_id": "110101198001010011"}  # fmt: skip
    response = client_as("coordinator").post("/api/participants/", body, format="json")
    assert response.status_code == 400
    error = response.json()
    assert error["field"] == "identified_on"
    assert error["received"] == "yesterday"
    assert "date" in error["expected"].lower()
    assert error["detail"].startswith("identified_on:")


def test_a_service_rule_comes_back_with_the_service_message(journey: Any, client_as: Any) -> None:
    participant = journey["participant"]
    response = client_as("coordinator").post(
        f"/api/participants/{participant.pk}/events/",
        {"event_type": "TOOTHACHE", "onset_on": "2024-07-01", "severity": "mild",
         "hospitalized": False},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    error = response.json()
    assert error["field"] == "event_type"
    assert error["received"] == "TOOTHACHE"
    assert "ASCITES" in error["expected"]
    assert error["detail"] == f"event_type: expected {error['expected']}, got 'TOOTHACHE'"


def test_a_panel_with_one_impossible_value_writes_nothing(journey: Any, client_as: Any) -> None:
    visit = _visit(journey, "D365")
    panel = {"BILI": {"value": 58, "unit": "umol/L"}, "ALB": {"value": 30, "unit": "g/L"},
             "INR": {"value": 45, "unit": "ratio"}}  # fmt: skip
    response = client_as("coordinator").post(
        f"/api/visits/{visit.pk}/labs/", {"values": panel}, format="json"
    )
    assert response.status_code == 400
    assert "INR" in response.json()["detail"]
    assert _lab_count(visit) == 0


def test_a_panel_with_an_unknown_unit_writes_nothing(journey: Any, client_as: Any) -> None:
    visit = _visit(journey, "D365")
    panel = {"BILI": {"value": 58, "unit": "umol/L"}, "ALB": {"value": 30, "unit": "stones"}}
    response = client_as("coordinator").post(
        f"/api/visits/{visit.pk}/labs/", {"values": panel}, format="json"
    )
    assert response.status_code == 400
    assert "stones" in response.json()["detail"]
    assert _lab_count(visit) == 0


def test_a_panel_value_of_the_wrong_type_names_its_path(journey: Any, client_as: Any) -> None:
    visit = _visit(journey, "D365")
    panel = {"BILI": {"value": [58], "unit": "umol/L"}}
    response = client_as("coordinator").post(
        f"/api/visits/{visit.pk}/labs/", {"values": panel}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["field"] == "values.BILI.value"
    assert response.json()["received"] == [58]
    assert _lab_count(visit) == 0


def test_an_edit_from_a_stale_version_is_a_conflict(journey: Any, client_as: Any) -> None:
    visit = _visit(journey, "D365")
    stale = visit.version - 1
    response = client_as("coordinator").post(
        f"/api/visits/{visit.pk}/record/",
        {"actual_date": visit.actual_date.isoformat(), "version": stale, "reason": "typo"},
        format="json",
    )
    assert response.status_code == 409
    assert "someone saved it since" in response.json()["detail"]
    assert response.json()["expected"] == f"version {stale}"


def test_an_edit_without_a_reason_is_refused_naming_the_reason(
    journey: Any, client_as: Any
) -> None:
    event = journey["decompensation"]
    client = client_as("coordinator")
    missing = client.patch(
        f"/api/events/{event.pk}/", {"severity": "mild", "version": event.version}, format="json"
    )
    assert missing.status_code == 400
    assert missing.json()["field"] == "reason"
    blank = client.patch(
        f"/api/events/{event.pk}/",
        {"severity": "mild", "version": event.version, "reason": "  "},
        format="json",
    )
    assert blank.status_code == 400
    assert blank.json()["field"] == "reason"


def test_an_action_out_of_turn_is_a_workflow_conflict(journey: Any, client_as: Any) -> None:
    query = journey["query"]  # resolved in the journey: it cannot be answered again
    response = client_as("coordinator").post(f"/api/queries/{query.pk}/respond/", {"text": "x"})
    assert response.status_code == 409
    assert response.json()["field"]


def test_writes_to_a_locked_study_are_refused_with_423(journey: Any, client_as: Any) -> None:
    from hepatrial.edc.study.services import study_lock

    study_lock(user=_data_manager(), reason="database lock for the final analysis")
    participant = journey["participant"]
    response = client_as("coordinator").post(
        f"/api/participants/{participant.pk}/events/",
        {"event_type": "ASCITES", "onset_on": "2024-08-01", "severity": "mild",
         "hospitalized": False},
        format="json",
    )  # fmt: skip
    assert response.status_code == 423
    assert "lock" in response.json()["detail"].lower()


def _data_manager() -> Any:
    from hepatrial.edc.accounts.models import User

    return User.objects.get(username="data_manager")


def test_an_unknown_record_is_404_and_an_unknown_filter_id_is_400(
    journey: Any, client_as: Any
) -> None:
    client = client_as("monitor")
    missing = client.get("/api/participants/00000000-0000-4000-8000-000000000000/")
    assert missing.status_code == 404
    assert missing.json()["detail"]
    bad = client.get("/api/events/", {"participant": "not-an-id"})
    assert bad.status_code == 400
    assert bad.json()["field"] == "participant"
    assert client.get("/api/tabulations/ZZ.json").status_code == 404


def test_a_query_on_an_unknown_model_names_record_model(journey: Any, client_as: Any) -> None:
    response = client_as("monitor").post(
        "/api/queries/",
        {"record_model": "accounts.User", "record_id": str(journey["participant"].pk),
         "field": "role", "text": "?"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["field"] == "record_model"


def test_the_api_s_own_messages_follow_the_user_s_language(users: Any, client_as: Any) -> None:
    response = client_as("monitor").get(
        "/api/participants/00000000-0000-4000-8000-000000000000/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "没有这条记录。"
