"""Screening: consent first, every fact checked by the clinical rules, eligibility decided once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from hepatrial.clinical import EligibilityStatus
from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.core.models import AuditEntry
from hepatrial.edc.participants import services_screening
from hepatrial.edc.participants.models import (
    CriterionAttestation,
    Disposition,
    EligibilityAnswer,
    Participant,
    ScreeningFactValue,
)
from hepatrial.edc.participants.services import (
    attestation_correct,
    participant_attest,
    participant_eligibility_confirm,
    participant_screening_record,
    screening_fact_correct,
)
from hepatrial.edc.study.services import study_lock
from hepatrial.errors import (
    AccessDeniedError,
    InputError,
    StudyLockedError,
    WorkflowError,
)


def _status(participant: Any) -> str:
    participant.refresh_from_db()
    return str(participant.status)


def _history_rows() -> int:
    return sum(
        model.history.count()
        for model in (Participant, ScreeningFactValue, CriterionAttestation, EligibilityAnswer)
    )


def test_a_candidate_goes_from_identified_through_consent_and_screening_to_eligible(
    steps: Any,
) -> None:
    participant = steps.identify()
    assert (participant.study_id, _status(participant)) == ("01-001", "identified")
    steps.consent(participant)
    assert _status(participant) == "consented"
    steps.screen(participant)
    assert _status(participant) == "screened"
    steps.attest(participant)

    result = steps.confirm(participant)

    assert result.status is EligibilityStatus.ELIGIBLE
    assert _status(participant) == "eligible"
    answers = EligibilityAnswer.objects.filter(participant=participant)
    assert sorted(a.criterion_code for a in answers) == sorted(o.code for o in result.outcomes)
    assert all(a.met for a in answers)
    age = answers.get(criterion_code="IN01")
    assert age.kind == "inclusion"
    assert "age 54 years" in age.reason
    assert audit_verify().ok


def test_the_consent_date_fact_comes_from_the_consent_record(steps: Any, eligible: Any) -> None:
    answer = EligibilityAnswer.objects.get(participant=eligible, criterion_code="IN03")
    assert answer.met
    assert "consent_date is recorded" in answer.reason
    assert not ScreeningFactValue.objects.filter(participant=eligible, code="consent_date")


def test_typing_the_consent_date_as_a_screening_fact_is_refused(steps: Any, consented: Any) -> None:
    with pytest.raises(InputError, match="consent_date: expected no consent date among the facts"):
        steps.screen(consented, {**steps.facts, "consent_date": date(2024, 5, 1)})
    assert _status(consented) == "consented"


def test_screening_before_consent_is_refused_and_records_nothing(
    steps: Any, identified: Any
) -> None:
    with pytest.raises(WorkflowError, match="screen: expected a participant who is consented"):
        steps.screen(identified)
    assert not ScreeningFactValue.objects.exists()
    assert _status(identified) == "identified"


def test_a_screening_procedure_dated_before_consent_is_refused(steps: Any, consented: Any) -> None:
    with pytest.raises(
        InputError,
        match=r"collected_on: expected a date on or after the consent date \(2024-05-21\), "
        r"got '2024-05-20'",
    ):
        steps.screen(consented, collected_on=date(2024, 5, 20))


def test_attestation_before_consent_is_refused(steps: Any, identified: Any) -> None:
    with pytest.raises(WorkflowError, match="attestation: expected a participant who is consented"):
        steps.attest(identified, {"IN02": True})
    assert not CriterionAttestation.objects.exists()


def test_confirming_eligibility_with_data_missing_names_what_is_missing_and_changes_nothing(
    steps: Any, consented: Any
) -> None:
    steps.screen(consented, {"birth_date": date(1970, 1, 15), "hiv_status": "negative"})
    steps.attest(consented, {"IN02": True, "EX01": False})
    before = _history_rows()

    with pytest.raises(WorkflowError) as raised:
        steps.confirm(consented)

    message = str(raised.value)
    assert message.startswith("eligibility: expected every screening fact and attestation")
    for missing in ("prior_liver_transplant", "EX03", "last_other_trial_date", "EX11"):
        assert missing in message
    assert "birth_date" not in message
    assert _status(consented) == "screened"
    assert not EligibilityAnswer.objects.exists()
    assert _history_rows() == before


def test_a_screen_failure_records_every_failed_criterion(steps: Any, consented: Any) -> None:
    facts = {**steps.facts, "birth_date": date(1940, 1, 1), "hiv_status": "positive"}
    steps.screen(consented, facts)
    steps.attest(consented, {**steps.attestations, "EX01": True})

    result = steps.confirm(consented)

    assert result.status is EligibilityStatus.NOT_ELIGIBLE
    assert _status(consented) == "screen failed"
    failed = EligibilityAnswer.objects.filter(participant=consented, met=False)
    assert sorted(a.criterion_code for a in failed) == ["EX01", "EX05", "IN01"]
    assert "age 84 years" in failed.get(criterion_code="IN01").reason
    disposition = Disposition.objects.get(participant=consented)
    assert (disposition.event, disposition.event_date) == ("screen failed", steps.today)
    assert disposition.reason == "criteria not met: IN01, EX01, EX05"


def test_a_candidate_clearly_ineligible_fails_screening_before_every_fact_is_in(
    steps: Any, consented: Any
) -> None:
    steps.screen(consented, {"prior_liver_transplant": True})

    result = steps.confirm(consented)

    assert result.status is EligibilityStatus.NOT_ELIGIBLE
    answers = {a.criterion_code: a.met for a in EligibilityAnswer.objects.all()}
    assert answers["EX02"] is False
    assert answers["IN02"] is None  # undecided, kept as such
    assert _status(consented) == "screen failed"


def test_eligibility_is_decided_once(steps: Any, eligible: Any) -> None:
    with pytest.raises(WorkflowError, match="eligibility: expected a participant who is consented"):
        steps.confirm(eligible)
    with pytest.raises(WorkflowError, match="got 'eligible'"):
        steps.attest(eligible, {"IN02": True})


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        ({"hiv_status": "maybe"}, "hiv_status: expected one of positive, negative, got 'maybe'"),
        ({"pregnant": "no"}, "pregnant: expected true or false, got 'no'"),
        ({"birth_date": "1970-13-01"}, r"birth_date: expected a date \(YYYY-MM-DD\), got"),
        ({"weight": 70}, "screening fact: expected one of birth_date, .*, got 'weight'"),
        ({"hiv_status": None}, "hiv_status: expected a value .*, got nothing"),
        ({}, "facts: expected a mapping of screening-fact codes to values"),
    ],
)
def test_a_bad_screening_fact_is_refused_with_field_expected_and_received(
    steps: Any, consented: Any, facts: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        steps.screen(consented, facts)


def test_an_invalid_fact_among_valid_ones_stores_nothing(steps: Any, consented: Any) -> None:
    before = (_history_rows(), AuditEntry.objects.count())
    with pytest.raises(InputError, match="last_other_trial_date"):
        steps.screen(consented, {**steps.facts, "last_other_trial_date": "last spring"})
    assert not ScreeningFactValue.objects.exists()
    assert (_history_rows(), AuditEntry.objects.count()) == before
    assert _status(consented) == "consented"


def test_a_failure_midway_through_screening_leaves_the_database_as_it_was(
    steps: Any, consented: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = services_screening.record_create
    calls = []

    def failing_third_write(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("code"))
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(services_screening, "record_create", failing_third_write)
    before = (_history_rows(), AuditEntry.objects.count())

    with pytest.raises(RuntimeError, match="disk full"):
        steps.screen(consented)

    assert len(calls) == 3  # two facts were written before the failure
    assert not ScreeningFactValue.objects.exists()
    assert (_history_rows(), AuditEntry.objects.count()) == before
    assert _status(consented) == "consented"
    assert audit_verify().ok


def test_facts_may_be_recorded_in_parts_but_not_twice(steps: Any, consented: Any) -> None:
    facts = steps.facts
    steps.screen(consented, {"birth_date": facts.pop("birth_date")})
    steps.screen(consented, facts)
    assert ScreeningFactValue.objects.filter(participant=consented).count() == 7
    with pytest.raises(InputError, match="hiv_status: expected a fact not yet recorded"):
        steps.screen(consented, {"hiv_status": "positive"})


def test_a_recorded_fact_is_corrected_with_a_reason_and_the_expected_version(
    users: Any, screened: Any
) -> None:
    stored = ScreeningFactValue.objects.get(participant=screened, code="hiv_status")
    with pytest.raises(InputError, match="reason: expected the reason for the change"):
        screening_fact_correct(
            user=users["coordinator"], participant=screened, code="hiv_status",
            value="positive", expected_version=1, reason="",
        )  # fmt: skip
    corrected = screening_fact_correct(
        user=users["coordinator"],
        participant=screened,
        code="hiv_status",
        value="positive",
        expected_version=stored.version,
        reason="lab report transcribed wrongly",
    )
    assert corrected.value == "positive"
    last = corrected.history.first()
    assert last.history_change_reason == "lab report transcribed wrongly"
    assert last.prev_record.value == "negative"


def test_an_attestation_is_corrected_with_a_reason(users: Any, steps: Any, screened: Any) -> None:
    steps.attest(screened, {"EX01": False})
    attestation = CriterionAttestation.objects.get(participant=screened, criterion_code="EX01")
    corrected = attestation_correct(
        user=users["investigator"],
        attestation=attestation,
        expected_version=attestation.version,
        reason="liver MRI reported a lesion",
        holds=True,
        source_document="liver MRI 2024-05-23",
    )
    assert corrected.holds
    assert corrected.history.first().history_change_reason == "liver MRI reported a lesion"


@pytest.mark.parametrize(
    ("code", "holds", "source", "message"),
    [
        ("IN01", True, "record", r"attestation: expected an attested criterion \(IN02, EX01"),
        ("EX01", True, "  ", "EX01.source_document: expected the source document"),
        ("EX01", "yes", "record", "holds: expected true or false, got 'yes'"),
    ],
)
def test_a_bad_attestation_is_refused(
    users: Any, consented: Any, code: str, holds: Any, source: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        participant_attest(
            user=users["investigator"], participant=consented, criterion_code=code,
            holds=holds, source_document=source,
        )  # fmt: skip
    assert not CriterionAttestation.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "monitor", "pharmacist", "admin", "dsmb"])
def test_only_the_investigator_attests_and_confirms_eligibility(
    users: Any, consented: Any, role: str
) -> None:
    with pytest.raises(AccessDeniedError, match="expected a user with role investigator"):
        participant_attest(
            user=users[role], participant=consented, criterion_code="IN02", holds=True,
            source_document="record",
        )  # fmt: skip
    with pytest.raises(AccessDeniedError, match=f"got 'role {role}'"):
        participant_eligibility_confirm(user=users[role], participant=consented)


@pytest.mark.parametrize(
    "role", ["monitor", "statistician", "dsmb", "data_manager", "pharmacist", "admin"]
)
def test_only_site_staff_record_screening_facts(
    users: Any, steps: Any, consented: Any, role: str
) -> None:
    with pytest.raises(AccessDeniedError, match=r"participant\.screen: expected a user with role"):
        participant_screening_record(user=users[role], participant=consented, facts=steps.facts)
    assert not ScreeningFactValue.objects.exists()


def test_nothing_is_screened_once_the_study_is_locked(
    users: Any, steps: Any, consented: Any
) -> None:
    study_lock(user=users["data_manager"], reason="database lock for the final analysis")
    with pytest.raises(StudyLockedError, match="study: expected an unlocked study database"):
        steps.screen(consented)
    with pytest.raises(StudyLockedError):
        steps.attest(consented, {"IN02": True})
    with pytest.raises(StudyLockedError):
        steps.confirm(consented)
    assert not ScreeningFactValue.objects.exists()
