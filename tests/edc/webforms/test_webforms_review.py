"""Events (decompensation, AE/SAE, death, withdrawal), data queries from raise to resolution,
casebook signing with the password and the study lock, through Django's test client."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-42"


def test_coordinator_records_a_decompensation_and_corrects_it_with_a_reason(
    client_as: Any, infused: Any, today: dt.date
) -> None:
    from hepatrial.edc.outcomes.models import DecompensationEvent

    client = client_as("coordinator")
    post = {
        "event_type": "ASCITES",
        "onset_on": (today - dt.timedelta(days=2)).isoformat(),
        "severity": "moderate",
        "hospitalized": "no",
    }
    assert (
        client.post(reverse("webforms:decompensation", args=[infused.pk]), post).status_code == 302
    )
    event = DecompensationEvent.objects.get()
    url = reverse("webforms:decompensation_edit", args=[event.pk])
    change = {**post, "severity": "severe", "version": str(event.version)}
    assert "reason: expected a value" in client.post(url, change).content.decode()
    client.post(url, {**change, "reason": "paracentesis needed"})
    event.refresh_from_db()
    assert event.severity == "severe"
    assert event.history.first().history_change_reason == "paracentesis needed"


def test_a_hospitalized_event_without_admission_date_names_the_field(
    client_as: Any, infused: Any, today: dt.date
) -> None:
    from hepatrial.edc.outcomes.models import DecompensationEvent

    response = client_as("coordinator").post(
        reverse("webforms:decompensation", args=[infused.pk]),
        {
            "event_type": "GI_BLEEDING",
            "onset_on": (today - dt.timedelta(days=2)).isoformat(),
            "severity": "severe",
            "hospitalized": "yes",
        },
    )
    assert "admitted_on: expected" in response.content.decode()
    assert not DecompensationEvent.objects.exists()


def test_a_serious_adverse_event_starts_the_24_hour_clock(
    client_as: Any, infused: Any, today: dt.date
) -> None:
    from hepatrial.edc.safety.models import AdverseEvent

    onset = today - dt.timedelta(days=1)
    response = client_as("coordinator").post(
        reverse("webforms:adverse_event", args=[infused.pk]),
        {
            "term": "Pneumonia",
            "onset_on": onset.isoformat(),
            "grade": "3",
            "seriousness": ["hospitalization"],
            "relatedness": "unlikely",
            "action_taken": "not_applicable",
            "outcome": "recovering",
            "awareness_at": f"{onset.isoformat()}T18:00",
        },
        follow=True,
    )
    assert "the report is due within 24 hours" in response.content.decode()
    event = AdverseEvent.objects.get()
    assert event.serious
    assert event.sae_report_due_at - event.awareness_at == dt.timedelta(hours=24)


def test_an_adverse_event_update_keeps_the_reason(
    client_as: Any, infused: Any, today: dt.date, users: dict[str, Any]
) -> None:
    from django.utils import timezone

    from hepatrial.edc.safety.services import adverse_event_record

    onset = today - dt.timedelta(days=3)
    event = adverse_event_record(
        user=users["coordinator"], participant=infused, term="Fever", onset_on=onset, grade=1,
        relatedness="possible", action_taken="not_applicable", outcome="recovering",
        awareness_at=timezone.now() - dt.timedelta(days=1),
    )  # fmt: skip
    response = client_as("coordinator").post(
        reverse("webforms:adverse_event_edit", args=[event.pk]),
        {
            "term": "Fever",
            "onset_on": onset.isoformat(),
            "grade": "1",
            "relatedness": "possible",
            "action_taken": "not_applicable",
            "outcome": "recovered",
            "resolved_on": (onset + dt.timedelta(days=1)).isoformat(),
            "awareness_at": timezone.localtime(event.awareness_at).strftime("%Y-%m-%dT%H:%M"),
            "version": str(event.version),
            "reason": "follow-up call",
        },
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.outcome == "recovered"
    assert event.history.first().history_change_reason == "follow-up call"


def test_recording_a_death_ends_the_participant_path(
    client_as: Any, infused: Any, today: dt.date
) -> None:
    response = client_as("investigator").post(
        reverse("webforms:death", args=[infused.pk]),
        {"died_on": today.isoformat(), "cause": "variceal bleeding", "source": "medical record"},
    )
    assert response.status_code == 302
    infused.refresh_from_db()
    assert infused.status == "died"


def test_withdrawal_needs_its_reason(client_as: Any, infused: Any, today: dt.date) -> None:
    url = reverse("webforms:withdraw", args=[infused.pk])
    client = client_as("coordinator")
    assert (
        "reason: expected a value"
        in client.post(url, {"withdrawn_on": today.isoformat()}).content.decode()
    )
    client.post(url, {"withdrawn_on": today.isoformat(), "reason": "moved away"})
    infused.refresh_from_db()
    assert infused.status == "withdrawn"


@pytest.mark.parametrize("role", ["monitor", "pharmacist", "statistician"])
def test_roles_that_do_not_record_events_get_403(client_as: Any, infused: Any, role: str) -> None:
    for name in ("decompensation", "adverse_event", "death", "withdraw"):
        url = reverse(f"webforms:{name}", args=[infused.pk])
        assert client_as(role).get(url).status_code == 403, name


def test_a_query_goes_from_monitor_to_site_and_back_to_the_monitor(
    client_as: Any, week1: Any
) -> None:
    from hepatrial.edc.queries.models import Query

    monitor, coordinator = client_as("monitor"), client_as("coordinator")
    raised = monitor.post(
        reverse("webforms:query_raise", args=[week1.participant_id]),
        {
            "record": f"visits.Visit:{week1.pk}",
            "field": "actual_date",
            "text": "Please check the date against the source.",
        },
    )
    query = Query.objects.get(rule="manual")
    assert raised["Location"] == reverse("webforms:query", args=[query.pk])
    inbox = coordinator.get(reverse("webforms:queries")).content.decode()
    assert "Please check the date against the source." in inbox

    url = reverse("webforms:query", args=[query.pk])
    coordinator.post(url, {"action": "respond", "text": "Date confirmed."})
    query.refresh_from_db()
    assert query.status == "answered"
    review = monitor.get(reverse("webforms:monitor")).content.decode()
    assert str(query.pk) in review
    monitor.post(url, {"action": "resolve", "text": "Source verified."})
    query.refresh_from_db()
    assert query.status == "resolved"


def test_the_site_may_not_resolve_its_own_answer(client_as: Any, week1: Any, users: Any) -> None:
    from hepatrial.edc.queries.services import query_raise, query_respond

    query = query_raise(user=users["monitor"], record=week1, field="actual_date", text="Check.")
    query = query_respond(user=users["coordinator"], query=query, text="Checked.")
    url = reverse("webforms:query", args=[query.pk])
    response = client_as("coordinator").post(url, {"action": "resolve", "text": "done"})
    assert response.status_code == 403
    query.refresh_from_db()
    assert query.status == "answered"


def test_pharmacist_has_no_query_inbox(client_as: Any) -> None:
    assert client_as("pharmacist").get(reverse("webforms:queries")).status_code == 403


def test_signing_with_a_wrong_password_is_refused_at_the_password_field(
    client_as: Any, infused: Any
) -> None:
    from hepatrial.edc.casebooks.models import Signature

    url = reverse("webforms:casebook_sign", args=[infused.pk])
    client = client_as("investigator")
    refused = client.post(url, {"password": "not-my-password"})
    assert refused.status_code == 200
    assert "password: expected the signer&#x27;s own password" in refused.content.decode()
    assert not Signature.objects.exists()
    signed = client.post(url, {"password": PASSWORD}, follow=True)
    assert "Investigator Person" in signed.content.decode()
    assert Signature.objects.get().printed_name == "Investigator Person"


def test_only_the_investigator_signs(client_as: Any, infused: Any) -> None:
    url = reverse("webforms:casebook_sign", args=[infused.pk])
    assert client_as("coordinator").get(url).status_code == 403


def test_data_manager_locks_and_unlocks_the_study_with_a_reason(client_as: Any) -> None:
    from hepatrial.edc.study.models import StudyState
    from hepatrial.edc.study.selectors import study_is_locked

    client = client_as("data_manager")
    url = reverse("webforms:study_lock")
    assert "reason: expected a value" in client.post(url, {}).content.decode()
    client.post(url, {"reason": "database lock for the final analysis"})
    assert study_is_locked()
    state = StudyState.objects.get()
    assert state.history.first().history_change_reason == "database lock for the final analysis"
    client.post(url, {"reason": "late query to fix"})
    assert not study_is_locked()


def test_a_locked_study_refuses_entries_with_a_message(
    client_as: Any, week1: Any, users: dict[str, Any]
) -> None:
    from hepatrial.edc.crfs.models import LabResult
    from hepatrial.edc.study.services import study_lock

    study_lock(user=users["data_manager"], reason="interim lock")
    response = client_as("coordinator").post(
        reverse("webforms:labs", args=[week1.pk]), {"ALT": "38", "ALT__unit": "U/L"}
    )
    assert "study: expected an unlocked study database" in response.content.decode()
    assert not LabResult.objects.exists()


def test_only_the_data_manager_locks(client_as: Any) -> None:
    assert client_as("monitor").get(reverse("webforms:study_lock")).status_code == 403


def test_data_manager_closes_a_query_raised_in_error(
    client_as: Any, week1: Any, users: dict[str, Any]
) -> None:
    from hepatrial.edc.queries.services import query_raise

    query = query_raise(user=users["monitor"], record=week1, field="actual_date", text="Check.")
    url = reverse("webforms:query", args=[query.pk])
    client_as("data_manager").post(url, {"action": "close", "text": "raised on the wrong visit"})
    query.refresh_from_db()
    assert query.status == "closed"


def test_coordinator_cannot_register_lots(client_as: Any) -> None:
    assert client_as("coordinator").get(reverse("webforms:lot_new")).status_code == 403


def test_the_sae_report_is_recorded_as_sent_and_stops_the_clock(
    client_as: Any, infused: Any, today: dt.date, users: dict[str, Any]
) -> None:
    from django.utils import timezone

    from hepatrial.edc.safety.services import adverse_event_record

    aware = timezone.now() - dt.timedelta(hours=3)
    event = adverse_event_record(
        user=users["coordinator"],
        participant=infused,
        term="Sepsis",
        onset_on=today - dt.timedelta(days=1),
        grade=3,
        seriousness=["hospitalization"],
        relatedness="unlikely",
        action_taken="not_applicable",
        outcome="recovering",
        awareness_at=aware,
    )
    # typed in the site's zone, as the form says
    sent = timezone.localtime(aware + dt.timedelta(hours=1), ZoneInfo(infused.site.time_zone))
    url = reverse("webforms:sae_report", args=[event.pk])
    response = client_as("investigator").post(
        url, {"version": str(event.version), "reported_at": sent.strftime("%Y-%m-%dT%H:%M")}
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.reported_at is not None
    assert abs(event.reported_at - sent) < dt.timedelta(minutes=1)
    assert client_as("monitor").get(url).status_code == 403
