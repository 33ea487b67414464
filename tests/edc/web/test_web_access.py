"""Who may open which page: every web URL × every role, derived from PERMISSIONS, and every
page asks an anonymous visitor to sign in first."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from hepatrial.edc.core.permissions import PERMISSIONS
from hepatrial.edc.web.views_audit import HISTORY_MODELS
from hepatrial.protocol import ROLES


def _history_targets(journey: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    """One record of each kind whose history has a page, from the journey (plus a liver
    transplant and an emergency unblinding, which the journey does not have)."""
    from hepatrial.edc.crfs.models import ClinicalAssessment, Demographics, DerivedScore, LabResult
    from hepatrial.edc.outcomes.services import liver_transplant_record
    from hepatrial.edc.participants.models import (
        Consent,
        CriterionAttestation,
        Disposition,
        EligibilityAnswer,
        ScreeningFactValue,
    )
    from hepatrial.edc.randomization.models import UnblindingRequest
    from hepatrial.edc.randomization.services import unblinding_request

    participant = journey["participant"]
    mine = {"participant": participant}
    transplant = liver_transplant_record(
        user=users["coordinator"], participant=participant,
        transplanted_on=journey["decompensation"].onset_on,
    )  # fmt: skip
    unblinding_request(user=users["investigator"], participant=participant, reason="Care.")
    return {
        "participants.participant": participant,
        "participants.consent": Consent.objects.get(**mine),
        "participants.screeningfactvalue": ScreeningFactValue.objects.filter(**mine).first(),
        "participants.criterionattestation": CriterionAttestation.objects.filter(**mine).first(),
        "participants.eligibilityanswer": EligibilityAnswer.objects.filter(**mine).first(),
        "participants.disposition": Disposition.objects.get(**mine),
        "randomization.allocation": journey["allocation"],
        "dosing.infusion": journey["infusion"],
        "visits.visit": journey["visits"][0],
        "crfs.labresult": LabResult.objects.filter(**mine).first(),
        "crfs.clinicalassessment": ClinicalAssessment.objects.filter(**mine).first(),
        "crfs.demographics": Demographics.objects.get(**mine),
        "crfs.derivedscore": DerivedScore.objects.filter(**mine).first(),
        "outcomes.decompensationevent": journey["decompensation"],
        "safety.adverseevent": journey["adverse_event"],
        "outcomes.livertransplant": transplant,
        "randomization.unblindingrequest": UnblindingRequest.objects.get(**mine),
    }


def _pages(journey: dict[str, Any], users: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(URL, the action that opens it, or None for every signed-in user)."""
    pid = journey["participant"].pk
    pages: list[tuple[str, str | None]] = [
        (reverse("web:dashboard"), None),
        (reverse("web:password_change"), None),
        (reverse("web:participant_list"), "participant.view"),
        (reverse("web:participant_detail", args=[pid]), "participant.view"),
    ]
    for model, record in _history_targets(journey, users).items():
        pages.append(
            (reverse("web:record_history", args=[model, record.pk]), HISTORY_MODELS[model])
        )
    return pages


def test_every_page_answers_each_role_as_the_permission_table_says(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    pages = _pages(journey, users)
    exercised = {url.split("/")[2] for url, _ in pages if url.startswith("/history/")}
    # the journey's participant completes the study, so there is no death record to open
    assert exercised == set(HISTORY_MODELS) - {"outcomes.death"}
    wrong = []
    for role in ROLES:
        client = Client()
        client.force_login(users[role])
        for url, action in pages:
            expected = 200 if action is None or role in PERMISSIONS[action] else 403
            got = client.get(url).status_code
            if got != expected:
                wrong.append(f"{role} {url}: expected {expected}, got {got}")
    assert wrong == []


def test_an_anonymous_visitor_is_sent_to_the_login_page(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    client = Client()
    for url, _ in _pages(journey, users):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("web:login") + "?next="), url
    assert client.get(reverse("web:login")).status_code == 200


def test_site_staff_cannot_open_another_sites_participant(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    from hepatrial.edc.accounts.services import user_create

    elsewhere = user_create(
        actor=users["admin"], username="coordinator2", full_name="Other Site", role="coordinator",
        password="Correct-Horse-42", site_code="02",
    )  # fmt: skip
    client = Client()
    client.force_login(elsewhere)
    pid = journey["participant"].pk
    assert client.get(reverse("web:participant_detail", args=[pid])).status_code == 403
    history = reverse("web:record_history", args=["participants.participant", pid])
    assert client.get(history).status_code == 403
    listing = client.get(reverse("web:participant_list")).content.decode()
    assert journey["participant"].study_id not in listing


def test_an_unknown_record_or_kind_of_record_is_not_found(
    users: dict[str, Any], journey: dict[str, Any]
) -> None:
    import uuid

    client = Client()
    client.force_login(users["monitor"])
    missing = uuid.uuid4()
    assert client.get(reverse("web:participant_detail", args=[missing])).status_code == 404
    unknown = reverse("web:record_history", args=["participants.personalidentifiers", missing])
    assert client.get(unknown).status_code == 404
    absent = reverse("web:record_history", args=["visits.visit", missing])
    assert client.get(absent).status_code == 404


def test_sign_out_needs_a_post_and_ends_the_session(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users["monitor"])
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:dashboard")).status_code == 302
