"""Adverse events: CTCAE grade, seriousness derived from the ICH E2A criteria, and the 24-hour
SAE reporting clock from awareness."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from hepatrial.design.workflow import Status
from hepatrial.edc.core.audit import audit_verify
from hepatrial.edc.core.services import record_create
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.safety.models import AdverseEvent
from hepatrial.edc.safety.selectors import adverse_event_list, sae_reports_due
from hepatrial.edc.safety.services import (
    adverse_event_record,
    adverse_event_update,
    adverse_event_void,
    sae_report_mark_sent,
)
from hepatrial.edc.study.models import Site
from hepatrial.edc.study.services import study_lock
from hepatrial.errors import (
    AccessDeniedError,
    ConflictError,
    InputError,
    StudyLockedError,
    WorkflowError,
)

AWARE = dt.datetime(2024, 3, 2, 1, 30, tzinfo=dt.UTC)  # 09:30 on 2 March in Shenyang


def _participant(
    users: Any, site: Any, study_id: str = "01-001", status: Status = Status.IN_FOLLOW_UP
) -> Participant:
    return record_create(
        Participant,
        user=users["coordinator"],
        study_id=study_id,
        site=site,
        status=status.value,
        identified_on=dt.date(2024, 1, 10),
    )


@pytest.fixture
def participant(users: Any, site: Any) -> Participant:
    return _participant(users, site)


def _ae(users: Any, participant: Participant, **overrides: Any) -> AdverseEvent:
    values: dict[str, Any] = {
        "term": "Fever",
        "onset_on": dt.date(2024, 3, 1),
        "grade": 2,
        "relatedness": "possible",
        "action_taken": "not_applicable",
        "outcome": "recovered",
        "resolved_on": dt.date(2024, 3, 3),
        "awareness_at": AWARE,
    } | overrides
    user = values.pop("user", users["coordinator"])
    return adverse_event_record(user=user, participant=participant, **values)


def test_an_event_without_seriousness_criteria_is_not_serious_and_has_no_clock(
    users: Any, participant: Participant
) -> None:
    event = _ae(users, participant)
    assert (event.serious, event.seriousness, event.sae_report_due_at) == (False, (), None)


def test_a_serious_event_is_due_for_reporting_24_hours_after_the_site_became_aware(
    users: Any, participant: Participant
) -> None:
    event = _ae(users, participant, grade=3, seriousness=["hospitalization"])
    assert event.serious
    assert event.seriousness == ("hospitalization",)
    assert event.sae_report_due_at == dt.datetime(2024, 3, 3, 1, 30, tzinfo=dt.UTC)
    assert audit_verify().ok


def test_grade_5_means_death_so_the_event_is_serious(users: Any, participant: Participant) -> None:
    event = _ae(users, participant, grade=5, outcome="fatal", resolved_on=None)
    assert event.serious
    assert event.seriousness == ("death",)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"grade": 3, "seriousness": ["death"]},
         "grade: expected 5 when the event results in death .*, got 3"),
        ({"grade": 5, "outcome": "recovered"}, "outcome: expected a fatal outcome with grade 5"),
        ({"grade": 4, "outcome": "fatal", "resolved_on": None},
         "grade: expected a fatal outcome with grade 5, and grade 5 only with a fatal outcome"),
        ({"grade": 0}, "grade: expected a CTCAE grade from 1 to 5, got 0"),
        ({"grade": 6}, "grade: expected a CTCAE grade from 1 to 5, got 6"),
        ({"grade": True}, "grade: expected a CTCAE grade from 1 to 5, got True"),
        ({"grade": "3"}, "grade: expected a CTCAE grade from 1 to 5, got '3'"),
        ({"seriousness": "hospitalization"}, "seriousness: expected a list of criteria"),
        ({"seriousness": ["hospitalisation"]},
         r"seriousness: expected criteria from death, .*, got \['hospitalisation'\]"),
        ({"term": " "}, r"term: expected the event term \(at most 200 characters\)"),
        ({"relatedness": "likely"}, "relatedness: expected one of not_related, unlikely, possible"),
        ({"action_taken": "stopped"}, "action_taken: expected one of dose_not_changed"),
        ({"outcome": "better"}, "outcome: expected one of recovered, recovering"),
        ({"resolved_on": None}, r"resolved_on: expected a date \(YYYY-MM-DD\), got nothing"),
        ({"resolved_on": dt.date(2024, 2, 28)},
         r"resolved_on: expected a date on or after onset \(2024-03-01\)"),
        ({"outcome": "recovering"}, "resolved_on: expected no resolution date while the outcome"),
        ({"onset_on": dt.date(2024, 1, 1)}, "onset_on: expected a date on or after identification"),
        ({"onset_on": dt.date(2999, 1, 1)}, "onset_on: expected a date no later than today"),
        ({"awareness_at": dt.datetime(2024, 3, 2, 9)},
         "awareness_at: expected the aware date and time the site learned of the event"),
        ({"awareness_at": dt.datetime(2024, 2, 29, 15, tzinfo=dt.UTC)},
         r"awareness_at: expected a time on or after the onset date \(2024-03-01\) at the site"),
        ({"awareness_at": dt.datetime(2999, 1, 1, tzinfo=dt.UTC)},
         "awareness_at: expected a time no later than now"),
    ],
)  # fmt: skip
def test_a_bad_adverse_event_is_refused_naming_field_expected_and_received(
    users: Any, participant: Participant, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        _ae(users, participant, **overrides)
    assert not AdverseEvent.objects.exists()


def test_awareness_is_compared_with_onset_in_the_sites_own_date(
    users: Any, participant: Participant
) -> None:
    # 16:30 UTC on 29 February is 00:30 on 1 March in Shenyang: the day of onset.
    event = _ae(users, participant, awareness_at=dt.datetime(2024, 2, 29, 16, 30, tzinfo=dt.UTC))
    assert event.onset_on == dt.date(2024, 3, 1)


def test_adverse_events_are_collected_only_from_consent(users: Any, site: Any) -> None:
    identified = _participant(users, site, "01-002", Status.IDENTIFIED)
    with pytest.raises(WorkflowError, match="expected a participant who consented"):
        _ae(users, identified)
    screen_failed = _participant(users, site, "01-003", Status.SCREEN_FAILED)
    assert _ae(users, screen_failed).pk is not None


def test_an_event_that_becomes_serious_starts_the_clock_when_the_site_learns_it(
    users: Any, participant: Participant
) -> None:
    event = _ae(users, participant, outcome="not_recovered", resolved_on=None)
    with pytest.raises(InputError, match="awareness_at: expected the time the site learned"):
        adverse_event_update(
            user=users["investigator"], adverse_event=event, expected_version=1,
            reason="admitted to hospital", changes={"seriousness": ["hospitalization"]},
        )  # fmt: skip
    learned = dt.datetime(2024, 3, 5, 2, tzinfo=dt.UTC)
    event = adverse_event_update(
        user=users["investigator"], adverse_event=event, expected_version=1,
        reason="admitted to hospital",
        changes={"seriousness": ["hospitalization"], "grade": 3, "awareness_at": learned},
    )  # fmt: skip
    assert (event.serious, event.version) == (True, 2)
    assert event.sae_report_due_at == learned + dt.timedelta(hours=24)
    assert event.history.latest().history_change_reason == "admitted to hospital"


def test_an_update_needs_a_reason_the_current_version_and_known_fields(
    users: Any, participant: Participant
) -> None:
    event = _ae(users, participant)
    common = {"user": users["investigator"], "adverse_event": event}
    with pytest.raises(InputError, match="reason: expected the reason for the change"):
        adverse_event_update(**common, expected_version=1, reason=" ", changes={"grade": 1})
    with pytest.raises(
        InputError, match=r"changes: expected changes to term, .*, got \['serious'\]"
    ):
        adverse_event_update(**common, expected_version=1, reason="x", changes={"serious": True})
    adverse_event_update(**common, expected_version=1, reason="regraded", changes={"grade": 1})
    with pytest.raises(ConflictError, match="expected version 1"):
        adverse_event_update(**common, expected_version=1, reason="again", changes={"grade": 3})
    assert AdverseEvent.objects.get(pk=event.pk).grade == 1


def test_the_due_list_shows_unreported_saes_due_within_the_window_overdue_first(
    users: Any, site: Any, participant: Participant
) -> None:
    early = _ae(users, participant, term="Sepsis", grade=3, seriousness=["hospitalization"],
                awareness_at=dt.datetime(2024, 3, 2, 1, tzinfo=dt.UTC))  # fmt: skip
    _ae(users, participant, term="Bleeding", grade=4, seriousness=["life_threatening"],
        awareness_at=dt.datetime(2024, 3, 3, 1, tzinfo=dt.UTC))  # fmt: skip
    _ae(users, participant, term="Rash", grade=1)
    late = _ae(users, participant, term="Coma", grade=4, seriousness=["life_threatening"],
               awareness_at=dt.datetime(2024, 3, 6, 1, tzinfo=dt.UTC))  # fmt: skip
    now = dt.datetime(2024, 3, 3, 6, tzinfo=dt.UTC)

    due = sae_reports_due(now=now)
    assert [(row.term, row.overdue) for row in due] == [("Sepsis", True), ("Bleeding", False)]
    assert due[0].due_at == dt.datetime(2024, 3, 3, 1, tzinfo=dt.UTC)
    assert due[0].study_id == "01-001"
    assert [r.term for r in sae_reports_due(now=now, within=dt.timedelta(hours=100))] == [
        "Sepsis", "Bleeding", "Coma",
    ]  # fmt: skip

    sae_report_mark_sent(
        user=users["investigator"], adverse_event=early, expected_version=1,
        reported_at=dt.datetime(2024, 3, 3, 5, tzinfo=dt.UTC),
    )  # fmt: skip
    adverse_event_void(
        user=users["coordinator"], adverse_event=late, expected_version=1, reason="duplicate"
    )
    assert [r.term for r in sae_reports_due(now=now, within=dt.timedelta(hours=100))] == [
        "Bleeding"
    ]
    with pytest.raises(InputError, match="now: expected an aware date and time"):
        sae_reports_due(now=dt.datetime(2024, 3, 3, 6))


def test_an_sae_report_is_marked_sent_once_and_only_for_a_serious_event(
    users: Any, participant: Participant
) -> None:
    plain = _ae(users, participant, term="Rash", grade=1)
    with pytest.raises(WorkflowError, match="adverse event: expected a serious adverse event"):
        sae_report_mark_sent(
            user=users["investigator"], adverse_event=plain, expected_version=1, reported_at=AWARE
        )
    sae = _ae(users, participant, grade=3, seriousness=["hospitalization"])
    with pytest.raises(InputError, match="reported_at: expected a time between awareness"):
        sae_report_mark_sent(
            user=users["investigator"], adverse_event=sae, expected_version=1,
            reported_at=AWARE - dt.timedelta(minutes=1),
        )  # fmt: skip
    with pytest.raises(AccessDeniedError, match=r"sae\.report: expected a user with role"):
        sae_report_mark_sent(
            user=users["monitor"], adverse_event=sae, expected_version=1, reported_at=AWARE
        )
    sent = sae_report_mark_sent(
        user=users["investigator"], adverse_event=sae, expected_version=1,
        reported_at=AWARE + dt.timedelta(hours=3),
    )  # fmt: skip
    assert sent.reported_at == AWARE + dt.timedelta(hours=3)
    with pytest.raises(WorkflowError, match="reported_at: expected an SAE whose report is not yet"):
        sae_report_mark_sent(
            user=users["investigator"], adverse_event=sent, expected_version=2, reported_at=AWARE
        )


def test_the_adverse_event_list_shows_site_staff_only_their_site(
    users: Any, participant: Participant
) -> None:
    from hepatrial.edc.accounts.services import user_create

    other_site = record_create(
        Site, user=users["admin"], code="02", name="Second hospital", time_zone="Asia/Shanghai"
    )
    elsewhere = _participant(users, other_site, "02-001")
    coordinator02 = user_create(
        actor=users["admin"], username="coordinator02", full_name="Second Coordinator",
        role="coordinator", password="Correct-Horse-42", site_code="02",
    )  # fmt: skip
    _ae(users, participant, grade=3, seriousness=["hospitalization"])
    _ae(users, elsewhere, term="Nausea", user=coordinator02)
    with pytest.raises(AccessDeniedError, match="participant: expected a participant of site 01"):
        _ae(users, elsewhere)

    assert [r.study_id for r in adverse_event_list(user=users["dsmb"])] == ["01-001", "02-001"]
    assert [r.term for r in adverse_event_list(user=coordinator02)] == ["Nausea"]
    assert [r.study_id for r in adverse_event_list(user=users["monitor"], serious=True)] == [
        "01-001"
    ]
    with pytest.raises(AccessDeniedError):
        adverse_event_list(user=users["statistician"])


def test_a_failure_midway_leaves_no_adverse_event_behind(
    users: Any, participant: Participant, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hepatrial.edc.safety import services

    def broken(event: Any) -> None:
        raise RuntimeError("mail queue unavailable")

    monkeypatch.setattr(services, "notify_sae", broken)
    with pytest.raises(RuntimeError, match="mail queue unavailable"):
        _ae(users, participant, grade=3, seriousness=["hospitalization"])
    assert not AdverseEvent.objects.exists()
    assert not AdverseEvent.history.exists()
    assert audit_verify().ok


def test_no_adverse_event_is_recorded_once_the_study_is_locked(
    users: Any, participant: Participant
) -> None:
    study_lock(user=users["data_manager"], reason="final analysis")
    with pytest.raises(StudyLockedError):
        _ae(users, participant)
