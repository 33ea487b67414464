"""Emergency unblinding and the liver transplant, through Django's test client: who may open
each form, what the forms refuse, what the participant page shows afterwards, and to whom."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-42"


def _arm(participant: Any) -> str:
    from hepatrial.edc.randomization.selectors import allocation_arm_get

    arm = allocation_arm_get(participant.pk)
    assert arm is not None
    return arm


def _shows_arm(page: str, arm: str) -> bool:
    return re.search(rf"<dt>Arm</dt><dd>{arm}\b", page) is not None


def _page(client: Any, participant: Any) -> str:
    url = reverse("web:participant_detail", args=[participant.pk])
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def test_the_investigator_unblinds_one_participant_for_themself_alone(
    client_as: Any, infused: Any, users: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from hepatrial.edc.accounts.services import user_create
    from hepatrial.edc.randomization.models import UnblindingRequest

    arm = _arm(infused)
    users["monitor"].email = "monitor@trial.example"
    users["monitor"].save()
    investigator = client_as("investigator")
    before = _page(investigator, infused)
    assert not _shows_arm(before, arm)
    unblind = reverse("webforms:unblind", args=[infused.pk])
    assert f'href="{unblind}"' in before

    with django_capture_on_commit_callbacks(execute=True):  # notifications go after commit
        response = investigator.post(
            unblind,
            {"reason": "Severe reaction; the treating team needs the dose.", "confirm": "on"},
        )
    assert response.status_code == 302
    after = _page(investigator, infused)
    assert _shows_arm(after, arm)
    assert f'href="{unblind}"' not in after  # nothing left to unblind
    assert "Severe reaction; the treating team needs the dose." in after
    request = UnblindingRequest.objects.get(participant=infused)
    assert (request.requested_by, request.revealed) == (users["investigator"], True)
    (message,) = mail.outbox
    assert (message.to, infused.study_id in message.body) == (["monitor@trial.example"], True)

    # a second investigator of the same site, the coordinator and the monitor stay masked,
    # and read who asked and why
    colleague = user_create(
        actor=users["admin"], username="investigator2", full_name="Second Investigator",
        role="investigator", password=PASSWORD, site_code=infused.site.code,
    )  # fmt: skip
    from django.test import Client

    other = Client()
    other.force_login(colleague)
    for reader in (other, client_as("coordinator"), client_as("monitor")):
        page = _page(reader, infused)
        assert not _shows_arm(page, arm)
        assert re.search(rf"\b{arm}\b", page) is None
        assert "Severe reaction; the treating team needs the dose." in page


def test_unblinding_needs_a_reason_and_the_confirmation(client_as: Any, infused: Any) -> None:
    from hepatrial.edc.randomization.models import UnblindingRequest

    url = reverse("webforms:unblind", args=[infused.pk])
    client = client_as("investigator")
    page = client.post(url, {"reason": "", "confirm": "on"}).content.decode()
    assert "reason: expected a value, got nothing" in page
    page = client.post(url, {"reason": "Needed for care."}).content.decode()
    assert "confirm: expected a value, got nothing" in page
    assert not UnblindingRequest.objects.exists()


def test_a_participant_not_yet_randomized_cannot_be_unblinded(
    client_as: Any, eligible: Any
) -> None:
    from hepatrial.edc.randomization.models import UnblindingRequest

    client = client_as("investigator")
    assert reverse("webforms:unblind", args=[eligible.pk]) not in _page(client, eligible)
    url = reverse("webforms:unblind", args=[eligible.pk])
    page = client.post(url, {"reason": "Needed for care.", "confirm": "on"}).content.decode()
    assert "participant: expected a randomized participant" in page
    assert not UnblindingRequest.objects.exists()


@pytest.mark.parametrize(
    "role", ["coordinator", "monitor", "pharmacist", "statistician", "dsmb", "data_manager"]
)
def test_only_the_investigator_may_ask_for_unblinding(
    client_as: Any, infused: Any, role: str
) -> None:
    url = reverse("webforms:unblind", args=[infused.pk])
    client = client_as(role)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403


def test_the_unblinding_history_shows_who_and_why_to_every_role(
    client_as: Any, infused: Any, users: Any
) -> None:
    from hepatrial.edc.core.permissions import PERMISSIONS
    from hepatrial.edc.randomization.models import UnblindingRequest
    from hepatrial.protocol import ROLES

    client_as("investigator").post(
        reverse("webforms:unblind", args=[infused.pk]),
        {"reason": "Needed for care.", "confirm": "on"},
    )
    request = UnblindingRequest.objects.get(participant=infused)
    url = reverse("web:record_history", args=["randomization.unblindingrequest", request.pk])
    for role in ROLES:
        response = client_as(role).get(url)
        # every role may read unblindings; the history also needs the participant to be visible
        expected = 200 if role in PERMISSIONS["participant.view"] else 403
        assert role in PERMISSIONS["unblinding.view"]
        assert response.status_code == expected, role
        if expected == 200:
            assert "Needed for care." in response.content.decode()


def test_the_coordinator_records_a_liver_transplant_and_follow_up_goes_on(
    client_as: Any, infused: Any, today: dt.date
) -> None:
    from hepatrial.edc.outcomes.models import LiverTransplant

    client = client_as("coordinator")
    url = reverse("webforms:liver_transplant", args=[infused.pk])
    assert f'href="{url}"' in _page(client, infused)
    response = client.post(url, {"transplanted_on": today.isoformat()})
    assert response.status_code == 302
    transplant = LiverTransplant.objects.get(participant=infused)
    infused.refresh_from_db()
    assert infused.status == "infused"  # an intercurrent event, not an ending
    page = _page(client, infused)
    assert f"<dt>Liver transplant</dt><dd>{today:%Y-%m-%d}" in page
    history = reverse("web:record_history", args=["outcomes.livertransplant", transplant.pk])
    assert history in page
    assert client.get(history).status_code == 200

    again = client.post(url, {"transplanted_on": today.isoformat()}).content.decode()
    assert "transplanted_on: expected a date without a recorded transplant" in again
    assert LiverTransplant.objects.filter(participant=infused).count() == 1


def test_a_transplant_in_the_future_or_before_identification_is_refused_at_the_date(
    client_as: Any, infused: Any, today: dt.date
) -> None:
    from hepatrial.edc.outcomes.models import LiverTransplant

    client = client_as("coordinator")
    url = reverse("webforms:liver_transplant", args=[infused.pk])
    for day in (today + dt.timedelta(days=1), today - dt.timedelta(days=400)):
        page = client.post(url, {"transplanted_on": day.isoformat()}).content.decode()
        assert "transplanted_on: expected" in page, day
        assert day.isoformat() in page, day
    empty = client.post(url, {}).content.decode()
    assert "transplanted_on: expected a date (YYYY-MM-DD), got nothing" in empty
    assert not LiverTransplant.objects.exists()


def test_the_transplant_form_is_offered_only_after_randomization(
    client_as: Any, eligible: Any
) -> None:
    url = reverse("webforms:liver_transplant", args=[eligible.pk])
    assert url not in _page(client_as("coordinator"), eligible)


@pytest.mark.parametrize("role", ["monitor", "pharmacist", "statistician"])
def test_roles_that_do_not_record_events_cannot_record_a_transplant(
    client_as: Any, infused: Any, role: str
) -> None:
    url = reverse("webforms:liver_transplant", args=[infused.pk])
    assert client_as(role).get(url).status_code == 403
