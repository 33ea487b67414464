"""The forms of a candidate's first days: identify, consent, screening with its live checklist,
attestation and eligibility, through Django's test client."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _screening_post(today: dt.date, **overrides: str) -> dict[str, str]:
    data = {
        "screening_date": (today - dt.timedelta(days=19)).isoformat(),
        "sex": "M",
        "birth_date": "1970-06-15",
        "last_interferon_or_glucocorticoid_date__never": "on",
        "last_other_trial_date__never": "on",
        "prior_liver_transplant": "no",
        "hiv_status": "negative",
        "pregnant": "no",
        "breastfeeding": "no",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_coordinator_identifies_a_candidate_and_is_sent_to_consent(
    client_as: Any, today: dt.date
) -> None:
    from hepatrial.edc.participants.models import Participant

    response = client_as("coordinator").post(
        reverse("webforms:participant_new"),
        {
            "site_code": "01",
            "identified_on": today.isoformat(),
            "name": "Zhang San",
            "phone": "+86 139 0000 0002",
            "national_id": "110101198001011234",
        },
    )
    participant = Participant.objects.get()
    assert participant.study_id == "01-001"
    assert response.status_code == 302
    assert response["Location"] == reverse("webforms:consent", args=[participant.pk])


def test_identification_in_the_future_shows_the_field_message_and_writes_nothing(
    client_as: Any, today: dt.date
) -> None:
    from hepatrial.edc.participants.models import Participant

    tomorrow = today + dt.timedelta(days=1)
    response = client_as("coordinator").post(
        reverse("webforms:participant_new"),
        {
            "site_code": "01",
            "identified_on": tomorrow.isoformat(),
            "name": "Zhang San",
            "phone": "+86 139 0000 0002",
            "national_id": "110101198001011234",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "identified_on: expected" in text
    assert tomorrow.isoformat() in text
    assert not Participant.objects.exists()


def test_a_form_value_of_the_wrong_type_is_explained_as_expected_and_received(
    client_as: Any,
) -> None:
    response = client_as("coordinator").post(
        reverse("webforms:participant_new"),
        {"site_code": "01", "identified_on": "last tuesday", "name": "A", "phone": "1"},
    )
    text = response.content.decode()
    assert "identified_on: expected a date (YYYY-MM-DD), got &#x27;last tuesday&#x27;" in text
    assert "national_id: expected a value, got nothing" in text


@pytest.mark.parametrize("role", ["monitor", "pharmacist", "statistician", "dsmb"])
def test_roles_that_may_not_identify_get_403(client_as: Any, role: str) -> None:
    assert client_as(role).get(reverse("webforms:participant_new")).status_code == 403


def test_consent_is_recorded_and_leads_to_screening(
    client_as: Any, users: dict[str, Any], today: dt.date
) -> None:
    from hepatrial.edc.participants.services import participant_identify

    person = participant_identify(
        user=users["coordinator"],
        site_code="01",
        identified_on=today,
        name="Zhang San",
        phone="+86 139 0000 0002",
        national_id="110101198001011234",
    )
    response = client_as("coordinator").post(
        reverse("webforms:consent", args=[person.pk]),
        {
            "consent_version": "1.0",
            "consent_date": today.isoformat(),
            "signed_by_participant": "yes",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == "consented"
    assert person.consent.consent_version == "1.0"


def test_correcting_a_saved_consent_needs_a_reason_and_the_reason_lands_in_history(
    client_as: Any, consented: Any, today: dt.date
) -> None:
    url = reverse("webforms:consent", args=[consented.pk])
    consent = consented.consent
    post = {
        "consent_version": "1.1",
        "consent_date": consent.consent_date.isoformat(),
        "version": str(consent.version),
    }
    client = client_as("coordinator")
    refused = client.post(url, post)
    assert refused.status_code == 200
    assert "reason: expected a value, got nothing" in refused.content.decode()
    consent.refresh_from_db()
    assert consent.consent_version == "1.0"

    done = client.post(url, {**post, "reason": "wrong form version typed"})
    assert done.status_code == 302
    consent.refresh_from_db()
    assert consent.consent_version == "1.1"
    assert consent.history.first().history_change_reason == "wrong form version typed"


def test_an_edit_from_a_stale_version_says_someone_saved_it_since(
    client_as: Any, consented: Any
) -> None:
    consent = consented.consent
    response = client_as("coordinator").post(
        reverse("webforms:consent", args=[consented.pk]),
        {
            "consent_version": "1.1",
            "consent_date": consent.consent_date.isoformat(),
            "version": str(consent.version - 1),
            "reason": "typo",
        },
    )
    assert "Someone saved this record since you opened it" in response.content.decode()
    consent.refresh_from_db()
    assert consent.consent_version == "1.0"


def test_screening_saves_the_visit_demographics_and_facts(
    client_as: Any, consented: Any, today: dt.date
) -> None:
    from hepatrial.edc.crfs.models import Demographics
    from hepatrial.edc.visits.models import Visit

    response = client_as("coordinator").post(
        reverse("webforms:screening", args=[consented.pk]), _screening_post(today)
    )
    assert response.status_code == 302
    consented.refresh_from_db()
    assert consented.status == "screened"
    facts = {f.code: f.value for f in consented.screening_facts.all()}
    assert facts["last_other_trial_date"] == "never"
    assert facts["prior_liver_transplant"] is False
    assert Demographics.objects.get(participant=consented).sex == "M"
    assert Visit.objects.get(participant=consented, code="SCR").status == "done"


def test_the_live_checklist_names_the_failing_criterion_as_the_form_is_filled_in(
    client_as: Any, consented: Any, today: dt.date
) -> None:
    url = reverse("webforms:eligibility_check", args=[consented.pk])
    # an 85-year-old fails IN01 (18-80 years) while everything else is still unknown
    answer = client_as("coordinator").post(url, {"birth_date": "1930-01-01"}).json()
    assert answer["status"] == "not eligible"
    assert answer["failed"] == ["IN01"]
    assert 'data-criterion="IN01" data-met="failed"' in answer["html"]

    hiv = client_as("coordinator").post(url, {"hiv_status": "positive"}).json()
    assert hiv["failed"] == ["EX05"]
    none_yet = client_as("coordinator").post(url, {"birth_date": "1970-06-15"}).json()
    assert none_yet["status"] == "incomplete"
    assert none_yet["failed"] == []


def test_a_failed_screening_save_writes_nothing(
    client_as: Any, consented: Any, today: dt.date
) -> None:
    from hepatrial.edc.crfs.models import Demographics
    from hepatrial.edc.visits.models import Visit

    # screening before consent is refused by the service: the visit and demographics written
    # before that error in the same save must be rolled back with it
    before_consent = (today - dt.timedelta(days=25)).isoformat()
    response = client_as("coordinator").post(
        reverse("webforms:screening", args=[consented.pk]),
        _screening_post(today, screening_date=before_consent),
    )
    assert response.status_code == 200
    assert "expected" in response.content.decode()
    assert not consented.screening_facts.exists()
    assert not Demographics.objects.filter(participant=consented).exists()
    assert not Visit.objects.filter(participant=consented).exists()


def test_changing_a_saved_screening_fact_needs_a_reason(
    client_as: Any, screened: Any, today: dt.date
) -> None:
    url = reverse("webforms:screening", args=[screened.pk])
    client = client_as("coordinator")
    refused = client.post(url, _screening_post(today, hiv_status="positive"))
    assert "reason: expected the reason for changing hiv_status" in refused.content.decode()
    assert screened.screening_facts.get(code="hiv_status").value == "negative"

    client.post(url, {**_screening_post(today, hiv_status="positive"), "reason": "lab re-read"})
    fact = screened.screening_facts.get(code="hiv_status")
    assert fact.value == "positive"
    assert fact.history.first().history_change_reason == "lab re-read"


def test_investigator_attests_and_confirms_eligibility(
    client_as: Any, consented: Any, users: dict[str, Any], today: dt.date
) -> None:
    client_as("coordinator").post(
        reverse("webforms:screening", args=[consented.pk]), _screening_post(today)
    )
    url = reverse("webforms:eligibility", args=[consented.pk])
    investigator = client_as("investigator")
    answers = {"action": "attest"}
    for code in ("IN02", "EX01", "EX03", "EX04", "EX07", "EX10", "EX11"):
        answers[f"{code}__holds"] = "yes" if code == "IN02" else "no"
        answers[f"{code}__source"] = f"record {code}"
    assert investigator.post(url, answers).status_code == 302
    assert consented.attestations.count() == 7
    confirmed = investigator.post(url, {"action": "confirm"})
    assert confirmed.status_code == 302
    consented.refresh_from_db()
    assert consented.status == "eligible"


def test_confirming_with_missing_attestations_names_what_is_missing(
    client_as: Any, consented: Any, today: dt.date
) -> None:
    client_as("coordinator").post(
        reverse("webforms:screening", args=[consented.pk]), _screening_post(today)
    )
    response = client_as("investigator").post(
        reverse("webforms:eligibility", args=[consented.pk]), {"action": "confirm"}
    )
    assert response.status_code == 200
    assert "eligibility: expected every screening fact and attestation" in (
        response.content.decode()
    )
    consented.refresh_from_db()
    assert consented.status == "screened"


def test_coordinator_may_not_attest(client_as: Any, consented: Any) -> None:
    url = reverse("webforms:eligibility", args=[consented.pk])
    assert client_as("coordinator").get(url).status_code == 403
