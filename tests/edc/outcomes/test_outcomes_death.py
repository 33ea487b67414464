"""A death: recorded once, dated within the participant's time in the trial, ends follow-up, and
no event may be dated after it."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest

from hepatrial.design.workflow import Status
from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.core.services import record_create
from hepatrial.edc.outcomes.models import Death
from hepatrial.edc.outcomes.selectors import death_on
from hepatrial.edc.outcomes.services import (
    death_record,
    decompensation_record,
    liver_transplant_record,
)
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.safety.services import adverse_event_record
from hepatrial.errors import InputError, WorkflowError

DIED = dt.date(2024, 4, 1)


def _participant(users: Any, site: Any, status: Status = Status.IN_FOLLOW_UP) -> Participant:
    return record_create(
        Participant,
        user=users["coordinator"],
        study_id="01-001",
        site=site,
        status=status.value,
        identified_on=dt.date(2024, 1, 10),
        day0=dt.date(2024, 1, 20) if status == Status.IN_FOLLOW_UP else None,
    )


@pytest.fixture
def participant(users: Any, site: Any) -> Participant:
    return _participant(users, site)


@pytest.fixture
def ended_visits(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Calls the death service makes to the visits app to end the schedule."""
    calls: list[dict[str, Any]] = []
    visits = importlib.import_module("hepatrial.edc.visits.services")
    monkeypatch.setattr(visits, "visits_end_after_death", lambda **kw: calls.append(kw))
    return calls


def _die(users: Any, participant: Participant, died_on: Any = DIED, **extra: Any) -> Death:
    return death_record(
        user=users["investigator"],
        participant=participant,
        died_on=died_on,
        cause=extra.pop("cause", "Variceal bleeding"),
        source=extra.pop("source", "medical record"),
        **extra,
    )


def test_a_death_sets_the_status_to_died_and_ends_the_scheduled_visits(
    users: Any, participant: Participant, ended_visits: list[dict[str, Any]]
) -> None:
    death = _die(users, participant)
    participant.refresh_from_db()
    assert participant.status == Status.DIED
    assert (death.died_on, death.cause, death.source) == (
        DIED,
        "Variceal bleeding",
        "medical record",
    )
    assert death_on(participant_id=participant.pk) == DIED
    assert ended_visits == [
        {
            "participant": ended_visits[0]["participant"],
            "died_on": DIED,
            "user": users["investigator"],
        }
    ]
    assert ended_visits[0]["participant"].pk == participant.pk
    assert audit_verify().ok


def test_a_death_before_the_infusion_is_recorded(users: Any, site: Any) -> None:
    consented = _participant(users, site, Status.CONSENTED)
    _die(users, consented, dt.date(2024, 1, 12))
    consented.refresh_from_db()
    assert consented.status == Status.DIED


def test_no_event_may_be_dated_after_the_death(users: Any, participant: Participant) -> None:
    _die(users, participant)
    after = "expected a date no later than the participant's death \\(2024-04-01\\)"
    with pytest.raises(InputError, match=f"onset_on: {after}"):
        decompensation_record(
            user=users["coordinator"], participant=participant, event_type="ASCITES",
            onset_on=dt.date(2024, 4, 2), severity="moderate", hospitalized=False,
        )  # fmt: skip
    with pytest.raises(InputError, match=f"transplanted_on: {after}"):
        liver_transplant_record(
            user=users["coordinator"], participant=participant,
            transplanted_on=dt.date(2024, 4, 5),
        )  # fmt: skip
    with pytest.raises(InputError, match=f"onset_on: {after}"):
        adverse_event_record(
            user=users["coordinator"], participant=participant, term="Sepsis",
            onset_on=dt.date(2024, 4, 3), grade=3, relatedness="unlikely",
            action_taken="not_applicable", outcome="not_recovered",
            awareness_at=dt.datetime(2024, 4, 3, 2, tzinfo=dt.UTC),
        )  # fmt: skip
    late_entry = decompensation_record(
        user=users["coordinator"], participant=participant, event_type="ASCITES",
        onset_on=DIED, severity="severe", hospitalized=False,
    )  # fmt: skip
    assert late_entry.onset_on == DIED


def test_a_death_dated_before_a_recorded_event_is_refused(
    users: Any, participant: Participant
) -> None:
    decompensation_record(
        user=users["coordinator"], participant=participant, event_type="GI_BLEEDING",
        onset_on=dt.date(2024, 3, 28), severity="severe", hospitalized=True,
        admitted_on=dt.date(2024, 3, 28), discharged_on=dt.date(2024, 4, 4),
    )  # fmt: skip
    message = r"died_on: expected a date on or after every recorded event .* \(before discharge"
    with pytest.raises(InputError, match=message + r" after GI_BLEEDING on 2024-04-04\)"):
        _die(users, participant)
    participant.refresh_from_db()
    assert participant.status == Status.IN_FOLLOW_UP
    assert not Death.objects.exists()


@pytest.mark.parametrize(
    ("died_on", "extra", "error", "message"),
    [
        (dt.date(2024, 1, 9), {}, InputError,
         r"died_on: expected a date on or after identification \(2024-01-10\), got 2024-01-09"),
        (dt.date(2024, 4, 2), {"today": dt.date(2024, 4, 1)}, InputError,
         r"died_on: expected a date no later than today \(2024-04-01\)"),
        (None, {}, InputError, "died_on: expected a date"),
        (DIED, {"cause": " "}, InputError, "cause: expected the cause of death"),
        (DIED, {"source": "rumour"}, InputError, "source: expected one of medical record"),
    ],
)  # fmt: skip
def test_a_bad_death_entry_is_refused_naming_the_field(
    users: Any,
    participant: Participant,
    died_on: Any,
    extra: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        _die(users, participant, died_on, **extra)
    participant.refresh_from_db()
    assert participant.status == Status.IN_FOLLOW_UP
    assert not Death.objects.exists()


def test_a_death_is_recorded_once(users: Any, participant: Participant) -> None:
    _die(users, participant)
    with pytest.raises(WorkflowError, match="expected a participant who is"):
        _die(users, participant, dt.date(2024, 4, 2))
    assert Death.objects.count() == 1


def test_a_participant_who_completed_follow_up_cannot_be_recorded_as_died_in_the_trial(
    users: Any, site: Any
) -> None:
    completed = _participant(users, site, Status.COMPLETED)
    with pytest.raises(WorkflowError, match="die: expected a participant who is identified"):
        _die(users, completed)


def test_a_failure_while_ending_the_visits_leaves_the_participant_alive_in_the_database(
    users: Any, participant: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(**kwargs: Any) -> None:
        raise InputError(field="died_on", expected="a date after the last visit", received=DIED)

    visits = importlib.import_module("hepatrial.edc.visits.services")
    monkeypatch.setattr(visits, "visits_end_after_death", refuse)
    history_before = participant.history.count()
    with pytest.raises(InputError, match="after the last visit"):
        _die(users, participant)
    participant.refresh_from_db()
    assert participant.status == Status.IN_FOLLOW_UP
    assert participant.history.count() == history_before
    assert not Death.objects.exists()
    assert audit_verify().ok
