"""Identification: study IDs per site, and the person's identifiers encrypted and kept apart."""

from __future__ import annotations

import hashlib
import io
from datetime import date
from typing import Any

import pytest
from django.db import connection

from hepatrial.edc.accounts.services import user_create
from hepatrial.edc.core.audit import audit_export, audit_verify
from hepatrial.edc.core.models import AccessEvent
from hepatrial.edc.core.services import record_create
from hepatrial.edc.participants.models import Participant, PersonalIdentifiers
from hepatrial.edc.participants.selectors import (
    participant_get,
    participant_list,
    personal_identifiers_get,
    screening_log,
)
from hepatrial.edc.participants.services import personal_identifiers_update
from hepatrial.edc.study.models import Site
from hepatrial.edc.study.services import study_lock
from hepatrial.errors import AccessDeniedError, InputError, StudyLockedError

NAME, PHONE, NATIONAL_ID = "Wang Xiaoming", "+86 138 0013 8000", "110101199003077777"


def _raw_rows(table: str) -> list[str]:
    """Every row of ``table`` as one string, read with SQL as someone with the database would."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # table names are the test's own constants
        return [" ".join(str(value) for value in row) for row in cursor.fetchall()]


def _other_site(users: Any) -> tuple[Site, Any]:
    site = record_create(
        Site, user=users["admin"], code="02", name="Second Hospital", time_zone="Asia/Shanghai"
    )
    coordinator = user_create(
        actor=users["admin"], username="coordinator02", full_name="Li Coordinator",
        role="coordinator", password="Correct-Horse-42", site_code="02",
    )  # fmt: skip
    return site, coordinator


def test_study_ids_are_unique_and_sequential_per_site(users: Any, steps: Any) -> None:
    _, coordinator02 = _other_site(users)
    first = [steps.identify(national_id=f"11010119900307{n:04d}").study_id for n in range(3)]
    second = steps.identify(user=coordinator02, site_code="02", national_id="220101199003070001")
    assert first == ["01-001", "01-002", "01-003"]
    assert second.study_id == "02-001"
    assert second.site.code == "02"


def test_site_staff_identify_only_at_their_own_site(users: Any, steps: Any) -> None:
    _, coordinator02 = _other_site(users)
    with pytest.raises(AccessDeniedError, match="site: expected a participant of site 02"):
        steps.identify(user=coordinator02, site_code="01")
    assert not Participant.objects.exists()


def test_an_unknown_site_is_refused_naming_the_sites(steps: Any) -> None:
    with pytest.raises(
        InputError, match=r"site_code: expected a site of the study \(01\), got '09'"
    ):
        steps.identify(site_code="09")


def test_identification_dated_in_the_future_is_refused(steps: Any) -> None:
    with pytest.raises(InputError, match="identified_on: expected a date no later than today"):
        steps.identify(identified_on=date(2024, 6, 2))


def test_the_same_person_cannot_be_identified_twice(steps: Any, identified: Any) -> None:
    with pytest.raises(
        InputError,
        match="national_id: expected a person not already identified in this trial, "
        "got 'the national ID of participant 01-001'",
    ):
        steps.identify(national_id="110101 19900307-7777", name="Another Name")
    assert Participant.objects.count() == 1


def test_a_national_id_is_matched_whatever_its_spacing_and_case(steps: Any) -> None:
    steps.identify(national_id="11010119900307001X")
    with pytest.raises(InputError, match="already identified"):
        steps.identify(national_id=" 110101-19900307-001x ")


def test_identifiers_are_encrypted_at_rest(steps: Any, identified: Any) -> None:
    rows = _raw_rows("participants_personalidentifiers") + _raw_rows(
        "participants_historicalpersonalidentifiers"
    )
    assert len(rows) == 2
    stored = PersonalIdentifiers.objects.get()
    for plaintext in (NAME, "Xiaoming", "138 0013", NATIONAL_ID, "0013800"):
        assert all(plaintext not in row for row in rows)
    assert all(stored.name_token in row for row in rows)  # the ciphertext is what is stored
    # The duplicate check's hash is keyed: not the plain SHA-256 a guesser could compute.
    assert stored.national_id_hmac != hashlib.sha256(NATIONAL_ID.encode()).hexdigest()


def test_identifiers_never_reach_the_participant_tables_or_the_audit_export(
    steps: Any, identified: Any
) -> None:
    rows = _raw_rows("participants_participant") + _raw_rows("participants_historicalparticipant")
    stream = io.StringIO()
    audit_export(stream)
    for text in [*rows, stream.getvalue()]:
        for plaintext in (NAME, NATIONAL_ID, "138 0013"):
            assert plaintext not in text


@pytest.mark.parametrize("role", ["investigator", "coordinator"])
def test_site_staff_read_the_identifiers_and_each_read_is_audited(
    users: Any, identified: Any, role: str
) -> None:
    shown = personal_identifiers_get(user=users[role], participant_id=identified.pk)
    assert shown == {
        "study_id": "01-001",
        "name": NAME,
        "phone": PHONE,
        "national_id": NATIONAL_ID,
    }
    event = AccessEvent.objects.get(action="personal identifiers viewed")
    assert (event.username, event.detail) == (role, "01-001")
    assert audit_verify().ok


@pytest.mark.parametrize(
    "role", ["admin", "monitor", "statistician", "dsmb", "data_manager", "pharmacist"]
)
def test_other_roles_are_denied_the_identifiers(users: Any, identified: Any, role: str) -> None:
    with pytest.raises(AccessDeniedError, match=rf"participant\.pii\.view: .*got 'role {role}'"):
        personal_identifiers_get(user=users[role], participant_id=identified.pk)
    assert not AccessEvent.objects.filter(action="personal identifiers viewed").exists()


def test_site_staff_of_another_site_are_denied_the_identifiers(users: Any, identified: Any) -> None:
    _, coordinator02 = _other_site(users)
    with pytest.raises(AccessDeniedError, match="site: expected a participant of site 02"):
        personal_identifiers_get(user=coordinator02, participant_id=identified.pk)


@pytest.mark.parametrize("role", ["coordinator", "monitor", "statistician", "dsmb"])
def test_no_other_selector_shows_an_identifier(
    users: Any, steps: Any, screened: Any, role: str
) -> None:
    outputs = [
        participant_get(user=users[role], participant_id=screened.pk),
        participant_list(user=users[role]),
        screening_log(user=users[role]),
    ]
    text = repr(outputs)
    assert "01-001" in text
    for plaintext in (NAME, NATIONAL_ID, PHONE, "Xiaoming"):
        assert plaintext not in text


def test_identifiers_do_not_decrypt_under_another_key(
    users: Any, identified: Any, settings: Any
) -> None:
    from cryptography.fernet import Fernet

    settings.PII_KEY = Fernet.generate_key().decode()
    with pytest.raises(InputError, match="personal identifiers: expected ciphertext written under"):
        personal_identifiers_get(user=users["coordinator"], participant_id=identified.pk)


def test_a_new_phone_number_is_stored_encrypted_with_the_reason(
    users: Any, identified: Any
) -> None:
    stored = PersonalIdentifiers.objects.get()
    personal_identifiers_update(
        user=users["coordinator"],
        participant=identified,
        expected_version=stored.version,
        reason="participant changed phone number",
        phone="+86 139 1111 2222",
    )
    assert (
        personal_identifiers_get(user=users["coordinator"], participant_id=identified.pk)["phone"]
        == "+86 139 1111 2222"
    )
    assert all("1111 2222" not in row for row in _raw_rows("participants_personalidentifiers"))
    latest = PersonalIdentifiers.history.first()
    assert latest.history_change_reason == "participant changed phone number"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "name: expected the participant's full name, got nothing"),
        ("phone", "call me", "phone: expected a phone number of 5 to 20 digits"),
        ("phone", "123", "phone: expected a phone number of 5 to 20 digits"),
        ("national_id", "ab!", "national_id: expected a national ID number of 4 to 40"),
        ("national_id", None, "national_id: expected a national ID number .*, got nothing"),
    ],
)
def test_bad_identifiers_are_refused_without_echoing_them(
    steps: Any, field: str, value: Any, message: str
) -> None:
    with pytest.raises(InputError, match=message) as raised:
        steps.identify(**{field: value})
    if isinstance(value, str) and value.strip():
        assert value not in str(raised.value)
    assert not Participant.objects.exists()


def test_nobody_is_identified_once_the_study_is_locked(users: Any, steps: Any) -> None:
    study_lock(user=users["data_manager"], reason="final lock")
    with pytest.raises(StudyLockedError):
        steps.identify()
    assert not Participant.objects.exists()


@pytest.mark.parametrize("role", ["monitor", "pharmacist", "admin", "statistician"])
def test_only_site_staff_identify_candidates(users: Any, steps: Any, role: str) -> None:
    with pytest.raises(AccessDeniedError, match=r"participant\.identify"):
        steps.identify(user=users[role])
