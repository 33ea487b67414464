"""Informed consent: dated, versioned, attributed, first of all, corrected with a reason."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest

from hepatrial.edc.core.audit import audit_export, audit_verify
from hepatrial.edc.participants.models import Consent, EligibilityAnswer
from hepatrial.edc.participants.services import consent_correct
from hepatrial.edc.study.services import study_lock
from hepatrial.errors import (
    AccessDeniedError,
    ConflictError,
    InputError,
    StudyLockedError,
    WorkflowError,
)


def _status(participant: Any) -> str:
    participant.refresh_from_db()
    return str(participant.status)


def test_consent_records_the_form_version_date_and_who_obtained_it(
    users: Any, steps: Any, identified: Any
) -> None:
    consent = steps.consent(identified, obtained_by=users["investigator"])
    assert (consent.consent_version, consent.consent_date) == ("1.0", steps.consent_date)
    assert consent.obtained_by == users["investigator"]
    assert consent.created_by == users["coordinator"]
    assert consent.signed_by_participant
    assert _status(identified) == "consented"
    change = identified.history.first()
    assert change.history_change_reason == "informed consent (form 1.0) signed 2024-05-21"


def test_a_consent_dated_in_the_future_is_refused(steps: Any, identified: Any) -> None:
    with pytest.raises(
        InputError,
        match=r"consent_date: expected a date no later than today \(2024-06-01\), "
        r"got '2024-06-02'",
    ):
        steps.consent(identified, consent_date=date(2024, 6, 2))
    assert not Consent.objects.exists()
    assert _status(identified) == "identified"


def test_a_consent_dated_before_identification_is_refused(steps: Any, identified: Any) -> None:
    with pytest.raises(
        InputError,
        match=r"consent_date: expected a date on or after the identification date \(2024-05-20\)",
    ):
        steps.consent(identified, consent_date=date(2024, 5, 19))


def test_today_defaults_to_the_date_at_the_site(steps: Any, identified: Any) -> None:
    # A consent dated far in the future is refused without passing `today`.
    with pytest.raises(InputError, match="consent_date: expected a date no later than today"):
        steps.consent(identified, consent_date=date(2999, 1, 1), today=None)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent_version": "  "}, "consent_version: expected the version of the consent form"),
        ({"consent_date": "2024-05-21"}, "consent_date: expected a date, got '2024-05-21'"),
        ({"signed_by_participant": "yes"}, "signed_by_participant: expected true or false"),
        (
            {"signed_by_participant": False},
            "representative_relationship: expected the representative's relationship",
        ),
    ],
)
def test_bad_consent_input_is_refused_with_field_expected_and_received(
    steps: Any, identified: Any, changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        steps.consent(identified, **changes)
    assert not Consent.objects.exists()


def test_a_representative_may_sign_when_their_relationship_is_recorded(
    steps: Any, identified: Any
) -> None:
    consent = steps.consent(
        identified, signed_by_participant=False, representative_relationship="spouse"
    )
    assert (consent.signed_by_participant, consent.representative_relationship) == (
        False,
        "spouse",
    )


def test_consent_must_be_obtained_by_site_staff(users: Any, steps: Any, identified: Any) -> None:
    with pytest.raises(InputError, match="obtained_by: expected an active site investigator"):
        steps.consent(identified, obtained_by=users["monitor"])


def test_a_participant_consents_once(steps: Any, consented: Any) -> None:
    with pytest.raises(WorkflowError, match="consent: expected a participant who is identified"):
        steps.consent(consented)
    assert Consent.objects.count() == 1


@pytest.mark.parametrize("role", ["monitor", "data_manager", "pharmacist", "admin", "dsmb"])
def test_only_site_staff_record_consent(users: Any, steps: Any, identified: Any, role: str) -> None:
    with pytest.raises(AccessDeniedError, match=r"participant\.consent"):
        steps.consent(identified, user=users[role])
    assert _status(identified) == "identified"


def test_no_consent_is_recorded_once_the_study_is_locked(
    users: Any, steps: Any, identified: Any
) -> None:
    study_lock(user=users["data_manager"], reason="final lock")
    with pytest.raises(StudyLockedError):
        steps.consent(identified)
    assert not Consent.objects.exists()


def test_a_consent_correction_records_old_new_and_reason_in_the_trail(
    users: Any, steps: Any, eligible: Any
) -> None:
    consent = Consent.objects.get()
    corrected = consent_correct(
        user=users["coordinator"],
        consent=consent,
        expected_version=consent.version,
        reason="date misread from the signed form",
        consent_date=date(2024, 5, 20),
    )
    assert corrected.consent_date == date(2024, 5, 20)
    stream = io.StringIO()
    audit_export(stream)
    rows = [
        row
        for row in csv.DictReader(io.StringIO(stream.getvalue()))
        if row["model"] == "participants.Consent" and row["field"] == "consent_date"
    ]
    assert [(r["action"], r["old"], r["new"], r["reason"], r["user"]) for r in rows[-1:]] == [
        ("changed", "2024-05-21", "2024-05-20", "date misread from the signed form", "coordinator")
    ]
    assert audit_verify().ok


def test_a_consent_correction_without_a_reason_or_from_a_stale_version_is_refused(
    users: Any, consented: Any
) -> None:
    consent = Consent.objects.get()
    with pytest.raises(InputError, match="reason: expected the reason for the change"):
        consent_correct(
            user=users["coordinator"], consent=consent, expected_version=1, reason=" ",
            consent_version="1.1",
        )  # fmt: skip
    consent_correct(
        user=users["coordinator"], consent=consent, expected_version=1, reason="typo",
        consent_version="1.1",
    )  # fmt: skip
    with pytest.raises(ConflictError, match=r"expected version 1 .* got version 2"):
        consent_correct(
            user=users["investigator"], consent=consent, expected_version=1, reason="typo",
            consent_version="1.2",
        )  # fmt: skip
    consent.refresh_from_db()
    assert consent.consent_version == "1.1"


def test_a_corrected_consent_date_may_not_follow_the_first_screening_procedure(
    users: Any, steps: Any, screened: Any
) -> None:
    consent = Consent.objects.get()
    with pytest.raises(
        InputError,
        match=r"consent_date: expected a date no later than the first screening procedure "
        r"\(2024-05-22\), got '2024-05-23'",
    ):
        consent_correct(
            user=users["coordinator"], consent=consent, expected_version=consent.version,
            reason="typo", consent_date=date(2024, 5, 23), today=steps.today,
        )  # fmt: skip


def test_a_consent_correction_that_would_reverse_eligibility_is_refused(
    users: Any, steps: Any, consented: Any
) -> None:
    # Born 2006-05-21: 18 on the recorded consent date, 17 the day before.
    steps.screen(consented, {**steps.facts, "birth_date": date(2006, 5, 21)})
    steps.attest(consented)
    steps.confirm(consented)
    consent = Consent.objects.get()
    with pytest.raises(
        WorkflowError,
        match=r"consent_date: expected a correction that leaves the eligibility decision "
        r"\(eligible\) unchanged, got 'one that makes the participant not eligible \(fails IN01\)'",
    ):
        consent_correct(
            user=users["coordinator"], consent=consent, expected_version=consent.version,
            reason="date misread", consent_date=date(2024, 5, 20),
        )  # fmt: skip
    consent.refresh_from_db()
    assert consent.consent_date == steps.consent_date
    assert _status(consented) == "eligible"


def test_a_consent_correction_after_the_decision_rederives_the_stored_answers(
    users: Any, steps: Any, consented: Any
) -> None:
    facts = {**steps.facts, "last_interferon_or_glucocorticoid_date": date(2023, 1, 1)}
    steps.screen(consented, facts)
    steps.attest(consented)
    steps.confirm(consented)
    before = EligibilityAnswer.objects.get(criterion_code="EX06")
    assert "is 506 days before consent_date" in before.reason
    consent = Consent.objects.get()

    consent_correct(
        user=users["coordinator"], consent=consent, expected_version=consent.version,
        reason="date misread", consent_date=date(2024, 5, 20),
    )  # fmt: skip

    after = EligibilityAnswer.objects.get(criterion_code="EX06")
    assert after.met
    assert "is 505 days before consent_date" in after.reason
    assert after.history.first().history_change_reason == "date misread"
    assert EligibilityAnswer.objects.get(criterion_code="IN01").version == 1  # age unchanged
    assert _status(consented) == "eligible"
