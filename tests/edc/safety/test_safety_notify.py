"""Notifications reach the roles that must act, only after the save commits, and never carry
anything that reveals the allocation."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from hepatrial.design.workflow import Status
from hepatrial.edc.accounts.services import user_create
from hepatrial.edc.core.notify import (
    OverdueVisit,
    notify_overdue_visits,
    notify_sae_reports_due,
    notify_unblinding,
)
from hepatrial.edc.core.services import record_create
from hepatrial.edc.participants.models import Participant
from hepatrial.edc.safety.services import adverse_event_record
from hepatrial.edc.study.models import Site
from hepatrial.errors import InputError
from hepatrial.protocol import ROLES, load_seed_protocol

PASSWORD = "Correct-Horse-42"
AWARE = dt.datetime(2024, 3, 2, 1, 30, tzinfo=dt.UTC)
ARM_WORDS = [a.code for a in load_seed_protocol().arms] + [
    a.label for a in load_seed_protocol().arms
]


@pytest.fixture
def team(users: Any) -> dict[str, Any]:
    """One mailable account per role at site 01 (site roles) or trial-wide, plus site 02 staff."""
    made = {}
    for role in ROLES:
        made[role] = user_create(
            actor=users["admin"], username=f"{role}.mail", full_name=role.title(), role=role,
            password=PASSWORD, email=f"{role}@trial.example",
            site_code="01" if role in ("investigator", "coordinator") else "",
        )  # fmt: skip
    for role in ("investigator", "coordinator"):
        made[f"{role}02"] = user_create(
            actor=users["admin"], username=f"{role}02.mail", full_name=f"{role} 02", role=role,
            password=PASSWORD, email=f"{role}02@trial.example", site_code="02",
        )  # fmt: skip
    return made


@pytest.fixture
def participant(users: Any, site: Any) -> Participant:
    return record_create(
        Participant,
        user=users["coordinator"],
        study_id="01-001",
        site=site,
        status=Status.IN_FOLLOW_UP.value,
        identified_on=dt.date(2024, 1, 10),
        day0=dt.date(2024, 1, 20),
    )


def _sae(users: Any, participant: Participant, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "term": "Upper GI haemorrhage",
        "onset_on": dt.date(2024, 3, 1),
        "grade": 3,
        "seriousness": ["hospitalization"],
        "relatedness": "unlikely",
        "action_taken": "not_applicable",
        "outcome": "recovering",
        "awareness_at": AWARE,
    } | overrides
    return adverse_event_record(user=users["investigator"], participant=participant, **values)


def _recipients() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


def _assert_no_arm(text: str) -> None:
    for word in ARM_WORDS:
        assert word not in text
    assert "cells/kg" not in text
    assert " mL" not in text


def test_a_new_sae_is_mailed_to_the_sites_investigator_monitor_dsmb_and_data_manager_on_commit(
    users: Any,
    team: dict[str, Any],
    participant: Participant,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _sae(users, participant)
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert _recipients() == {
        "investigator@trial.example",
        "monitor@trial.example",
        "dsmb@trial.example",
        "data_manager@trial.example",
    }
    message = mail.outbox[0]
    assert message.subject == "[NCT06167473] SAE: 01-001"
    assert "Upper GI haemorrhage" in message.body
    assert "Report to the sponsor due: 2024-03-03 01:30 UTC" in message.body
    _assert_no_arm(message.subject + message.body)


def test_no_mail_is_sent_for_a_save_that_failed_or_an_event_that_is_not_serious(
    users: Any,
    team: dict[str, Any],
    participant: Participant,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(InputError, match="resolved_on"):
            _sae(users, participant, resolved_on=dt.date(2024, 3, 2))
        _sae(users, participant, grade=1, seriousness=[])
    assert callbacks == []
    assert mail.outbox == []


def test_an_sae_mail_waits_for_the_outer_transaction_and_is_dropped_if_it_rolls_back(
    users: Any,
    team: dict[str, Any],
    participant: Participant,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.db import transaction

    def sae_then_a_failing_step() -> None:
        with transaction.atomic():
            _sae(users, participant)
            raise RuntimeError("later step failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="later step failed"),
    ):
        sae_then_a_failing_step()
    assert callbacks == []
    assert mail.outbox == []


def test_sae_reports_coming_due_are_digested_for_each_sites_investigator_coordinator_and_dm(
    users: Any,
    team: dict[str, Any],
    participant: Participant,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _sae(users, participant)
    _sae(users, participant, term="Hepatic coma", grade=4, seriousness=["life_threatening"],
         awareness_at=dt.datetime(2024, 3, 4, 1, tzinfo=dt.UTC))  # fmt: skip
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = notify_sae_reports_due(
            now=dt.datetime(2024, 3, 3, 3, tzinfo=dt.UTC), within=dt.timedelta(hours=6)
        )
    assert sent == 3
    assert _recipients() == {
        "investigator@trial.example",
        "coordinator@trial.example",
        "data_manager@trial.example",
    }
    body = mail.outbox[0].body
    assert "01-001 (site 01): Upper GI haemorrhage, grade 3; OVERDUE 2024-03-03 01:30 UTC" in body
    assert "Hepatic coma" not in body
    _assert_no_arm(body)


def test_overdue_visits_go_to_the_coordinators_of_each_site(
    team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    visits = [
        OverdueVisit("01-001", "01", "W4", dt.date(2024, 2, 17), dt.date(2024, 2, 24)),
        OverdueVisit("02-003", "02", "W8", dt.date(2024, 3, 16), dt.date(2024, 3, 23)),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_overdue_visits(visits=visits) == 2
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert set(by_recipient) == {"coordinator@trial.example", "coordinator02@trial.example"}
    assert (
        "01-001 W4: target 2024-02-17, window closes 2024-02-24"
        in by_recipient["coordinator@trial.example"]
    )
    assert "02-003" not in by_recipient["coordinator@trial.example"]


def test_an_emergency_unblinding_is_announced_without_the_arm(
    users: Any,
    team: dict[str, Any],
    participant: Participant,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from hepatrial.edc.randomization.models import UnblindingRequest

    request = record_create(
        UnblindingRequest,
        user=users["investigator"],
        participant=participant,
        requested_by=users["investigator"],
        requested_at=timezone.now(),
        reason="Anaphylaxis during infusion; treatment depends on the dose",
        revealed=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_unblinding(request=request)
    assert _recipients() == {
        "investigator@trial.example",
        "monitor@trial.example",
        "data_manager@trial.example",
    }
    message = mail.outbox[0]
    assert message.subject == "[NCT06167473] Emergency unblinding: 01-001"
    assert "Requested by: Investigator Person (investigator)" in message.body
    assert "Anaphylaxis during infusion" in message.body
    _assert_no_arm(message.subject + message.body)


def test_users_without_an_email_address_or_deactivated_are_skipped(
    users: Any, participant: Participant, django_capture_on_commit_callbacks: Any
) -> None:
    from hepatrial.edc.accounts.services import user_deactivate

    monitor = user_create(
        actor=users["admin"], username="monitor.mail", full_name="M", role="monitor",
        password=PASSWORD, email="monitor@trial.example",
    )  # fmt: skip
    user_deactivate(actor=users["admin"], user=monitor, reason="left the trial")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _sae(users, participant)
    assert callbacks == []
    assert mail.outbox == []


def test_site_02_saes_reach_site_02_investigators_only(
    users: Any, team: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    other = record_create(
        Site, user=users["admin"], code="02", name="Second hospital", time_zone="Asia/Shanghai"
    )
    participant = record_create(
        Participant, user=users["coordinator"], study_id="02-001", site=other,
        status=Status.IN_FOLLOW_UP.value, identified_on=dt.date(2024, 1, 10),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        adverse_event_record(
            user=team["investigator02"], participant=participant, term="Sepsis",
            onset_on=dt.date(2024, 3, 1), grade=4, seriousness=["life_threatening"],
            relatedness="not_related", action_taken="not_applicable", outcome="recovering",
            awareness_at=AWARE,
        )  # fmt: skip
    assert "investigator02@trial.example" in _recipients()
    assert "investigator@trial.example" not in _recipients()
