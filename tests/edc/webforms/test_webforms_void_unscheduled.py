"""Reaching every event form from the pages: correct, update and void links on the participant
page, the SAE report from the dashboard, and unscheduled visits; voiding keeps the record in
its history and removes it from the page and the tabulations."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _page(client: Any, participant: Any) -> str:
    response = client.get(reverse("web:participant_detail", args=[participant.pk]))
    assert response.status_code == 200
    return str(response.content.decode())


@pytest.fixture
def ascites(infused: Any, users: dict[str, Any], today: dt.date) -> Any:
    from hepatrial.edc.outcomes.services import decompensation_record

    return decompensation_record(
        user=users["coordinator"], participant=infused, event_type="ASCITES",
        onset_on=today - dt.timedelta(days=2), severity="moderate", hospitalized=False,
    )  # fmt: skip


@pytest.fixture
def sepsis(infused: Any, users: dict[str, Any], today: dt.date) -> Any:
    from hepatrial.edc.safety.services import adverse_event_record

    return adverse_event_record(
        user=users["coordinator"], participant=infused, term="Sepsis",
        onset_on=today - dt.timedelta(days=1), grade=3, seriousness=["hospitalization"],
        relatedness="unlikely", action_taken="not_applicable", outcome="recovering",
        awareness_at=timezone.now() - dt.timedelta(hours=3),
    )  # fmt: skip


def test_the_participant_page_links_each_event_to_its_correction_and_void(
    client_as: Any, infused: Any, ascites: Any, sepsis: Any
) -> None:
    links = {
        reverse("webforms:decompensation_edit", args=[ascites.pk]),
        reverse("webforms:void", args=["decompensation", ascites.pk]),
        reverse("webforms:adverse_event_edit", args=[sepsis.pk]),
        reverse("webforms:void", args=["adverse-event", sepsis.pk]),
        reverse("webforms:sae_report", args=[sepsis.pk]),
    }
    coordinator = _page(client_as("coordinator"), infused)
    assert {link for link in links if f'href="{link}"' in coordinator} == links
    # the monitor reads the events but records none: no link to change them
    monitor = _page(client_as("monitor"), infused)
    assert "Sepsis" in monitor
    assert [link for link in links if link in monitor] == []


def test_the_dashboard_links_a_due_sae_report_to_its_form_and_the_link_goes_once_sent(
    client_as: Any, infused: Any, sepsis: Any
) -> None:
    url = reverse("webforms:sae_report", args=[sepsis.pk])
    coordinator = client_as("coordinator")
    assert f'href="{url}"' in coordinator.get("/").content.decode()
    assert url not in client_as("monitor").get("/").content.decode()
    # typed in the site's zone, as the form says
    sent = timezone.localtime(timezone=ZoneInfo(infused.site.time_zone)).strftime("%Y-%m-%dT%H:%M")
    response = coordinator.post(url, {"version": str(sepsis.version), "reported_at": sent})
    assert response.status_code == 302, response.content.decode()
    assert url not in coordinator.get("/").content.decode()
    assert url not in _page(coordinator, infused)


@pytest.mark.parametrize("kind", ["decompensation", "adverse-event"])
def test_voiding_needs_a_reason_and_keeps_the_record_in_its_history(
    client_as: Any, infused: Any, ascites: Any, sepsis: Any, kind: str
) -> None:
    record = ascites if kind == "decompensation" else sepsis
    model = "outcomes.decompensationevent" if kind == "decompensation" else "safety.adverseevent"
    client = client_as("coordinator")
    url = reverse("webforms:void", args=[kind, record.pk])
    refused = client.post(url, {"version": str(record.version)}).content.decode()
    assert "reason: expected a value, got nothing" in refused
    record.refresh_from_db()
    assert not record.voided

    response = client.post(url, {"version": str(record.version), "reason": "duplicate entry"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.voided, record.void_reason) == (True, "duplicate entry")
    history = reverse("web:record_history", args=[model, record.pk])
    assert history not in _page(client, infused)
    text = client.get(history).content.decode()
    assert "voided: duplicate entry" in text
    assert client.get(url).status_code == 404  # a voided record cannot be voided again


def test_a_voided_event_leaves_the_tabulations(
    client_as: Any, infused: Any, ascites: Any, users: dict[str, Any]
) -> None:
    from hepatrial.edc.tabulations import tabulations_build

    def events() -> int:
        return len(tabulations_build(user=users["data_manager"])["CE"])

    before = events()
    client_as("coordinator").post(
        reverse("webforms:void", args=["decompensation", ascites.pk]),
        {"version": str(ascites.version), "reason": "wrong participant"},
    )
    assert events() == before - 1


def test_a_void_from_a_stale_page_is_refused_as_a_conflict(
    client_as: Any, infused: Any, ascites: Any, users: dict[str, Any]
) -> None:
    from hepatrial.edc.outcomes.services import decompensation_correct

    stale = ascites.version
    decompensation_correct(
        user=users["coordinator"], event=ascites, expected_version=stale,
        reason="severity checked", changes={"severity": "severe"},
    )  # fmt: skip
    page = client_as("coordinator").post(
        reverse("webforms:void", args=["decompensation", ascites.pk]),
        {"version": str(stale), "reason": "duplicate"},
    )
    assert "Someone saved this record since you opened it" in page.content.decode()
    ascites.refresh_from_db()
    assert not ascites.voided


@pytest.mark.parametrize("role", ["monitor", "pharmacist", "statistician", "dsmb"])
def test_roles_that_do_not_record_events_cannot_void_them(
    client_as: Any, ascites: Any, sepsis: Any, role: str
) -> None:
    client = client_as(role)
    assert (
        client.get(reverse("webforms:void", args=["decompensation", ascites.pk])).status_code == 403
    )
    assert (
        client.get(reverse("webforms:void", args=["adverse-event", sepsis.pk])).status_code == 403
    )


def test_an_unknown_kind_of_record_is_not_found(client_as: Any, ascites: Any) -> None:
    url = reverse("webforms:void", args=["visit", ascites.pk])
    assert client_as("coordinator").get(url).status_code == 404


def test_the_coordinator_records_an_unscheduled_visit_then_its_labs(
    client_as: Any, infused: Any, today: dt.date
) -> None:
    from hepatrial.edc.visits.models import Visit

    client = client_as("coordinator")
    url = reverse("webforms:unscheduled_visit", args=[infused.pk])
    assert f'href="{url}"' in _page(client, infused)
    refused = client.post(url, {"actual_date": today.isoformat()}).content.decode()
    assert "reason: expected a value, got nothing" in refused
    response = client.post(url, {"actual_date": today.isoformat(), "reason": "jaundice worse"})
    visit = Visit.objects.get(participant=infused, unscheduled=True)
    assert response["Location"] == reverse("webforms:labs", args=[visit.pk])
    assert (visit.actual_date, visit.status) == (today, "done")
    assert visit.code in _page(client, infused)


def test_an_unscheduled_visit_waits_for_the_infusion(client_as: Any, randomized: Any) -> None:
    client = client_as("coordinator")
    url = reverse("webforms:unscheduled_visit", args=[randomized.pk])
    assert url not in _page(client, randomized)
    page = client.post(url, {"actual_date": "2026-01-01", "reason": "x"}).content.decode()
    assert "expected the first infusion recorded before any unscheduled visit" in page
