"""Casebook signatures: password re-entry, printed name, UTC time, meaning; voided by a change."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hepatrial.edc.casebooks.models import MEANING, Signature
from hepatrial.edc.casebooks.services import casebook_sign
from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.core.models import AccessEvent
from hepatrial.edc.core.services import record_create, record_update
from hepatrial.edc.participants.models import Participant
from hepatrial.errors import AccessDeniedError, WorkflowError

PASSWORD = "Correct-Horse-42"


@pytest.fixture
def participant(users: Any, site: Any) -> Participant:
    return record_create(
        Participant,
        user=users["coordinator"],
        study_id="01-001",
        site=site,
        status="in follow-up",
        identified_on=dt.date(2024, 3, 1),
        day0=dt.date(2024, 3, 8),
    )


def test_the_investigator_signs_with_password_printed_name_time_and_meaning(
    users: Any, participant: Participant
) -> None:
    signature = casebook_sign(
        user=users["investigator"], participant=participant, password=PASSWORD
    )
    assert signature.printed_name == "Investigator Person"
    assert signature.meaning == MEANING
    assert signature.signed_at.utcoffset() == dt.timedelta(0)
    assert audit_verify().ok


def test_a_wrong_password_is_refused_and_the_attempt_recorded(
    users: Any, participant: Participant
) -> None:
    with pytest.raises(AccessDeniedError, match="password: expected the signer's own password"):
        casebook_sign(user=users["investigator"], participant=participant, password="guess")
    assert not Signature.objects.exists()
    assert AccessEvent.objects.filter(action="signature refused", username="investigator").exists()


@pytest.mark.parametrize("role", ["coordinator", "monitor", "data_manager", "pharmacist"])
def test_only_an_investigator_may_sign(users: Any, participant: Participant, role: str) -> None:
    with pytest.raises(
        AccessDeniedError, match=r"casebook\.sign: expected a user with role investigator"
    ):
        casebook_sign(user=users[role], participant=participant, password=PASSWORD)


def test_a_change_after_signing_voids_the_signature_and_the_trail_says_why(
    users: Any, participant: Participant
) -> None:
    signature = casebook_sign(
        user=users["investigator"], participant=participant, password=PASSWORD
    )
    with pytest.raises(WorkflowError, match="already signed"):
        casebook_sign(user=users["investigator"], participant=participant, password=PASSWORD)
    record_update(
        Participant,
        participant.pk,
        user=users["coordinator"],
        expected_version=1,
        reason="identification date transcribed wrongly",
        changes={"identified_on": dt.date(2024, 2, 29)},
    )
    signature.refresh_from_db()
    assert signature.voided
    assert signature.void_reason.startswith("data changed after signing: participants.Participant")
    latest = signature.history.first()
    assert latest.history_change_reason.startswith("data changed after signing")
    casebook_sign(user=users["investigator"], participant=participant, password=PASSWORD)
    assert Signature.objects.filter(participant=participant, voided=False).count() == 1
    assert audit_verify().ok
