"""How a participant's path ends: withdrawn, lost, completed or died, each dated and recorded."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.core.services import record_create
from hepatrial.edc.participants.models import Disposition, Participant
from hepatrial.edc.participants.services import (
    participant_complete,
    participant_lose_to_follow_up,
    participant_status_set_died,
    participant_withdraw,
)
from hepatrial.edc.study.services import study_lock
from hepatrial.errors import AccessDeniedError, InputError, StudyLockedError, WorkflowError

TODAY = date(2025, 6, 1)
DAY0 = date(2024, 6, 10)


@pytest.fixture
def on_study(users: Any, site: Any) -> Participant:
    """A participant in follow-up since day 0 (set up directly; other apps move them there)."""
    return record_create(
        Participant,
        user=users["coordinator"],
        study_id="01-007",
        site=site,
        status="in follow-up",
        identified_on=date(2024, 5, 20),
        day0=DAY0,
    )


def _status(participant: Any) -> str:
    participant.refresh_from_db()
    return str(participant.status)


def test_a_withdrawal_is_recorded_with_its_date_and_reason(
    users: Any, steps: Any, consented: Any
) -> None:
    participant_withdraw(
        user=users["investigator"], participant=consented, withdrawn_on=date(2024, 5, 25),
        reason="participant withdrew consent", today=steps.today,
    )  # fmt: skip
    assert _status(consented) == "withdrawn"
    assert consented.history.first().history_change_reason == "withdrawn on 2024-05-25"
    disposition = Disposition.objects.get(participant=consented)
    assert (disposition.event, disposition.event_date, disposition.reason) == (
        "withdrawn",
        date(2024, 5, 25),
        "participant withdrew consent",
    )
    assert audit_verify().ok


def test_a_withdrawal_needs_a_reason_and_a_date_after_consent(
    users: Any, steps: Any, consented: Any
) -> None:
    with pytest.raises(InputError, match="reason: expected the reason for the change"):
        participant_withdraw(
            user=users["coordinator"], participant=consented, withdrawn_on=date(2024, 5, 25),
            reason="", today=steps.today,
        )  # fmt: skip
    with pytest.raises(
        InputError,
        match=r"withdrawn_on: expected a date on or after the consent date \(2024-05-21\)",
    ):
        participant_withdraw(
            user=users["coordinator"], participant=consented, withdrawn_on=date(2024, 5, 20),
            reason="withdrew", today=steps.today,
        )  # fmt: skip
    assert _status(consented) == "consented"
    assert not Disposition.objects.exists()


def test_a_candidate_who_never_consented_cannot_be_withdrawn(
    users: Any, steps: Any, identified: Any
) -> None:
    with pytest.raises(WorkflowError, match="withdraw: expected a participant who is consented"):
        participant_withdraw(
            user=users["coordinator"], participant=identified, withdrawn_on=steps.today,
            reason="changed mind", today=steps.today,
        )  # fmt: skip


def test_a_participant_on_study_is_lost_to_follow_up_after_day_0(
    users: Any, on_study: Participant
) -> None:
    with pytest.raises(
        InputError, match=r"last_contact_on: expected a date on or after the day 0 \(2024-06-10\)"
    ):
        participant_lose_to_follow_up(
            user=users["coordinator"], participant=on_study, last_contact_on=date(2024, 6, 1),
            reason="no answer to calls", today=TODAY,
        )  # fmt: skip
    participant_lose_to_follow_up(
        user=users["coordinator"], participant=on_study, last_contact_on=date(2024, 12, 1),
        reason="no answer to calls or letters since December", today=TODAY,
    )  # fmt: skip
    assert _status(on_study) == "lost to follow-up"
    assert Disposition.objects.get().event_date == date(2024, 12, 1)


def test_a_candidate_still_in_screening_cannot_be_lost_to_follow_up(
    users: Any, steps: Any, consented: Any
) -> None:
    with pytest.raises(WorkflowError, match="lose to follow-up: expected a participant who is"):
        participant_lose_to_follow_up(
            user=users["coordinator"], participant=consented, last_contact_on=steps.today,
            reason="no answer", today=steps.today,
        )  # fmt: skip


def test_a_participant_completes_follow_up(users: Any, on_study: Participant) -> None:
    participant_complete(
        user=users["coordinator"], participant=on_study, completed_on=date(2025, 5, 15),
        today=TODAY,
    )  # fmt: skip
    assert _status(on_study) == "completed"
    assert Disposition.objects.get().event == "completed"


def test_a_death_is_recorded_once_and_ends_the_path(users: Any, on_study: Participant) -> None:
    participant_status_set_died(
        user=users["investigator"], participant=on_study, died_on=date(2024, 9, 3), today=TODAY
    )
    assert _status(on_study) == "died"
    assert Disposition.objects.get().event_date == date(2024, 9, 3)
    with pytest.raises(WorkflowError, match=r"die: expected a participant who is .*, got 'died'"):
        participant_status_set_died(
            user=users["investigator"], participant=on_study, died_on=date(2024, 9, 3),
            today=TODAY,
        )  # fmt: skip
    with pytest.raises(WorkflowError, match=r"complete: expected .*, got 'died'"):
        participant_complete(
            user=users["coordinator"], participant=on_study, completed_on=TODAY, today=TODAY
        )


def test_a_death_in_the_future_or_before_identification_is_refused(
    users: Any, on_study: Participant
) -> None:
    with pytest.raises(InputError, match=r"died_on: expected a date no later than today"):
        participant_status_set_died(
            user=users["investigator"], participant=on_study, died_on=date(2025, 6, 2),
            today=TODAY,
        )  # fmt: skip
    with pytest.raises(
        InputError, match=r"died_on: expected a date on or after the identification"
    ):
        participant_status_set_died(
            user=users["investigator"], participant=on_study, died_on=date(2024, 5, 1),
            today=TODAY,
        )  # fmt: skip
    assert _status(on_study) == "in follow-up"


@pytest.mark.parametrize("role", ["monitor", "pharmacist", "statistician", "admin"])
def test_only_site_staff_record_how_a_path_ends(
    users: Any, on_study: Participant, role: str
) -> None:
    with pytest.raises(AccessDeniedError, match=r"participant\.status"):
        participant_complete(
            user=users[role], participant=on_study, completed_on=TODAY, today=TODAY
        )


def test_no_ending_is_recorded_once_the_study_is_locked(users: Any, on_study: Participant) -> None:
    study_lock(user=users["data_manager"], reason="final lock")
    with pytest.raises(StudyLockedError):
        participant_status_set_died(
            user=users["investigator"], participant=on_study, died_on=date(2024, 9, 3),
            today=TODAY,
        )  # fmt: skip
    assert _status(on_study) == "in follow-up"
