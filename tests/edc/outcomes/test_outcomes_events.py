"""Decompensation events and liver transplants: recorded for randomized participants, dated
within follow-up, corrected with a reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hepatrial.design.workflow import Status
from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.core.services import record_create, record_update
from hepatrial.edc.outcomes.models import DecompensationEvent, LiverTransplant
from hepatrial.edc.outcomes.selectors import decompensation_list
from hepatrial.edc.outcomes.services import (
    decompensation_correct,
    decompensation_record,
    decompensation_void,
    liver_transplant_record,
)
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.study.models import Site
from hepatrial.edc.study.services import study_lock
from hepatrial.errors import (
    AccessDeniedError,
    ConflictError,
    InputError,
    StudyLockedError,
    WorkflowError,
)

IDENTIFIED = dt.date(2024, 1, 10)


def _participant(
    users: Any, site: Any, study_id: str = "01-001", status: Status = Status.IN_FOLLOW_UP
) -> Participant:
    return record_create(
        Participant,
        user=users["coordinator"],
        study_id=study_id,
        site=site,
        status=status.value,
        identified_on=IDENTIFIED,
        day0=dt.date(2024, 1, 20) if status == Status.IN_FOLLOW_UP else None,
    )


@pytest.fixture
def participant(users: Any, site: Any) -> Participant:
    return _participant(users, site)


def _bleed(users: Any, participant: Participant, **overrides: Any) -> DecompensationEvent:
    values: dict[str, Any] = {
        "event_type": "GI_BLEEDING",
        "onset_on": dt.date(2024, 3, 1),
        "severity": "severe",
        "hospitalized": True,
        "admitted_on": dt.date(2024, 3, 1),
        "discharged_on": dt.date(2024, 3, 9),
    } | overrides
    return decompensation_record(user=users["coordinator"], participant=participant, **values)


def test_a_decompensation_event_is_recorded_with_its_hospital_stay(
    users: Any, participant: Participant
) -> None:
    event = _bleed(users, participant)
    assert (event.event_type, event.onset_on, event.hospitalized) == (
        "GI_BLEEDING",
        dt.date(2024, 3, 1),
        True,
    )
    (row,) = decompensation_list(user=users["monitor"])
    assert (row.study_id, row.discharged_on) == ("01-001", dt.date(2024, 3, 9))
    assert audit_verify().ok


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"event_type": "JAUNDICE"}, "event_type: expected an event of the protocol "
         r"\(GI_BLEEDING, ASCITES, HEPATIC_ENCEPHALOPATHY\), got 'JAUNDICE'"),
        ({"onset_on": dt.date(2024, 1, 9)}, "onset_on: expected a date on or after identification "
         r"\(2024-01-10\), got 2024-01-09"),
        ({"onset_on": dt.date(2999, 1, 1)}, "onset_on: expected a date no later than today"),
        ({"onset_on": "2024-03-01"}, r"onset_on: expected a date \(YYYY-MM-DD\), got '2024-03-01'"),
        ({"severity": "grade 3"}, "severity: expected one of mild, moderate, severe"),
        ({"hospitalized": "yes"}, "hospitalized: expected yes or no, got 'yes'"),
        ({"admitted_on": None}, "admitted_on: expected a date"),
        ({"discharged_on": dt.date(2024, 2, 28)}, "discharged_on: expected a date on or after "
         r"admission \(2024-03-01\), got 2024-02-28"),
        ({"hospitalized": False}, "admitted_on: expected no date when not hospitalized"),
    ],
)  # fmt: skip
def test_a_bad_decompensation_entry_is_refused_naming_the_field(
    users: Any, participant: Participant, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        _bleed(users, participant, **overrides)
    assert not DecompensationEvent.objects.exists()


def test_the_same_event_entered_twice_is_refused(users: Any, participant: Participant) -> None:
    _bleed(users, participant)
    with pytest.raises(InputError, match="onset_on: expected one GI_BLEEDING event per onset"):
        _bleed(users, participant, severity="moderate")
    assert DecompensationEvent.objects.count() == 1


def test_an_event_needs_a_participant_who_was_randomized(users: Any, site: Any) -> None:
    eligible = _participant(users, site, "01-002", Status.ELIGIBLE)
    with pytest.raises(WorkflowError, match="expected a randomized participant"):
        _bleed(users, eligible)
    with pytest.raises(WorkflowError, match="expected a randomized participant"):
        liver_transplant_record(
            user=users["coordinator"], participant=eligible, transplanted_on=dt.date(2024, 3, 1)
        )


def test_a_participant_who_withdrew_after_randomization_can_still_have_earlier_events_entered(
    users: Any, participant: Participant
) -> None:
    record_update(
        Participant,
        participant.pk,
        user=users["coordinator"],
        expected_version=participant.version,
        reason="withdrew consent",
        changes={"status": Status.WITHDRAWN.value},
    )
    assert _bleed(users, participant).pk is not None


def test_site_staff_record_events_only_for_their_own_site(users: Any) -> None:
    other_site = record_create(
        Site, user=users["admin"], code="02", name="Second hospital", time_zone="Asia/Shanghai"
    )
    elsewhere = _participant(users, other_site, "02-001")
    with pytest.raises(AccessDeniedError, match="participant: expected a participant of site 01"):
        _bleed(users, elsewhere)
    with pytest.raises(AccessDeniedError, match=r"event\.record: expected a user with role"):
        _bleed({"coordinator": users["monitor"]}, elsewhere)


def test_a_correction_needs_a_reason_and_the_version_it_was_read_at(
    users: Any, participant: Participant
) -> None:
    event = _bleed(users, participant)
    with pytest.raises(InputError, match="reason: expected the reason for the change"):
        decompensation_correct(
            user=users["investigator"], event=event, expected_version=1, reason="",
            changes={"severity": "moderate"},
        )  # fmt: skip
    fixed = decompensation_correct(
        user=users["investigator"], event=event, expected_version=1,
        reason="source says moderate", changes={"severity": "moderate"},
    )  # fmt: skip
    assert (fixed.severity, fixed.version) == ("moderate", 2)
    with pytest.raises(ConflictError, match="expected version 1"):
        decompensation_correct(
            user=users["coordinator"], event=event, expected_version=1, reason="typo",
            changes={"severity": "mild"},
        )  # fmt: skip
    assert DecompensationEvent.objects.get(pk=event.pk).severity == "moderate"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"participant": None},
         r"changes: expected changes to event_type, .*, got \['participant'\]"),
        ({}, "changes: expected changes to .*, got 'no change'"),
        ({"hospitalized": False}, "admitted_on: expected no date when not hospitalized"),
        ({"onset_on": dt.date(2999, 1, 1)}, "onset_on: expected a date no later than today"),
    ],
)  # fmt: skip
def test_a_correction_is_checked_like_a_new_entry(
    users: Any, participant: Participant, changes: dict[str, Any], message: str
) -> None:
    event = _bleed(users, participant)
    with pytest.raises(InputError, match=message):
        decompensation_correct(
            user=users["investigator"], event=event, expected_version=1, reason="fix",
            changes=changes,
        )  # fmt: skip
    assert DecompensationEvent.objects.get(pk=event.pk).version == 1


def test_an_event_entered_in_error_is_voided_not_deleted(
    users: Any, participant: Participant
) -> None:
    event = _bleed(users, participant)
    decompensation_void(
        user=users["coordinator"], event=event, expected_version=1, reason="wrong participant"
    )
    assert DecompensationEvent.objects.filter(pk=event.pk, voided=True).exists()
    assert decompensation_list(user=users["monitor"]) == []
    assert _bleed(users, participant).pk != event.pk


def test_a_liver_transplant_is_recorded_and_follow_up_continues(
    users: Any, participant: Participant
) -> None:
    transplant = liver_transplant_record(
        user=users["investigator"], participant=participant, transplanted_on=dt.date(2024, 5, 2)
    )
    assert transplant.transplanted_on == dt.date(2024, 5, 2)
    participant.refresh_from_db()
    assert participant.status == Status.IN_FOLLOW_UP
    with pytest.raises(InputError, match="transplanted_on: expected a date without a recorded"):
        liver_transplant_record(
            user=users["investigator"], participant=participant,
            transplanted_on=dt.date(2024, 5, 2),
        )  # fmt: skip
    with pytest.raises(InputError, match="transplanted_on: expected a date no later than today"):
        liver_transplant_record(
            user=users["investigator"], participant=participant,
            transplanted_on=dt.date(2024, 5, 3), today=dt.date(2024, 5, 2),
        )  # fmt: skip
    assert LiverTransplant.objects.count() == 1


def test_no_event_is_recorded_once_the_study_is_locked(
    users: Any, participant: Participant
) -> None:
    study_lock(user=users["data_manager"], reason="final analysis")
    with pytest.raises(StudyLockedError):
        _bleed(users, participant)
    assert not DecompensationEvent.objects.exists()
