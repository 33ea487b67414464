"""Masking of allocations for every role, and emergency unblinding."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from hepatrial.edc.core.audit import audit_export, audit_verify
from hepatrial.edc.core.masking import MASKED
from hepatrial.edc.randomization.models import UnblindingRequest
from hepatrial.edc.randomization.selectors import (
    allocation_get,
    unblinding_granted,
    unblinding_list,
)
from hepatrial.edc.randomization.services import participant_randomize, unblinding_request
from hepatrial.edc.study.services import study_lock
from hepatrial.errors import AccessDeniedError, InputError, WorkflowError
from hepatrial.protocol import ROLES

MASKED_ROLES = ("admin", "investigator", "coordinator", "monitor", "statistician", "data_manager")
UNBLINDED_ROLES = ("pharmacist", "dsmb")
ARM_WORDS = ("LOW", "MIDHIGH", "Low dose", "Medium-high dose")


def leaks(value: Any) -> list[str]:
    """Every arm code or label found anywhere in ``value``."""
    text = repr(value)
    return [word for word in ARM_WORDS if word in text]


@pytest.fixture
def randomized(allocation_record: Any, users: Any, make_participant: Any) -> list[Any]:
    participants = [make_participant() for _ in range(4)]
    for participant in participants:
        participant_randomize(user=users["coordinator"], participant=participant)
        participant.refresh_from_db()
    return participants


def test_masking_covers_every_role() -> None:
    assert set(MASKED_ROLES) | set(UNBLINDED_ROLES) == set(ROLES)


@pytest.mark.parametrize("role", MASKED_ROLES)
def test_a_masked_role_sees_that_a_participant_was_randomized_but_no_arm(
    randomized: list[Any], users: Any, role: str
) -> None:
    for participant in randomized:
        row = allocation_get(user=users[role], participant_id=participant.pk)
        assert row["randomized"] is True
        assert row["arm"] == MASKED
        assert row["arm_label"] == MASKED
        assert leaks(row) == []


@pytest.mark.parametrize("role", UNBLINDED_ROLES)
def test_an_unblinded_role_sees_the_arm(randomized: list[Any], users: Any, role: str) -> None:
    for participant in randomized:
        row = allocation_get(user=users[role], participant_id=participant.pk)
        assert row["arm"] == participant.allocation.arm
        assert row["arm_label"] in (
            "Low dose (1×10^6 cells/kg)",
            "Medium-high dose (3×10^6 cells/kg)",
        )


def test_the_statistician_sees_arms_once_the_study_is_locked(
    randomized: list[Any], users: Any
) -> None:
    participant = randomized[0]
    assert (
        allocation_get(user=users["statistician"], participant_id=participant.pk)["arm"] == MASKED
    )
    study_lock(user=users["data_manager"], reason="final analysis")
    row = allocation_get(user=users["statistician"], participant_id=participant.pk)
    assert row["arm"] == participant.allocation.arm
    assert allocation_get(user=users["monitor"], participant_id=participant.pk)["arm"] == MASKED


def test_a_participant_not_yet_randomized_reads_as_such(
    allocation_record: Any, users: Any, make_participant: Any
) -> None:
    participant = make_participant()
    row = allocation_get(user=users["pharmacist"], participant_id=participant.pk)
    assert row["randomized"] is False
    assert row["arm"] is None


def test_emergency_unblinding_reveals_one_participant_to_one_investigator(
    randomized: list[Any], users: Any
) -> None:
    first, second = randomized[:2]
    investigator = users["investigator"]
    arm = unblinding_request(
        user=investigator, participant=first, reason="anaphylaxis; treating physician needs arm"
    )
    assert arm == first.allocation.arm
    assert allocation_get(user=investigator, participant_id=first.pk)["arm"] == arm
    assert unblinding_granted(user=investigator, participant_id=first.pk)
    # Nobody else, and nothing else, is unblinded.
    assert allocation_get(user=investigator, participant_id=second.pk)["arm"] == MASKED
    assert not unblinding_granted(user=investigator, participant_id=second.pk)
    for role in ("coordinator", "monitor", "admin"):
        assert allocation_get(user=users[role], participant_id=first.pk)["arm"] == MASKED
    request = UnblindingRequest.objects.get()
    assert request.revealed is True
    assert request.requested_by == investigator


def test_the_unblinding_is_audited_and_visible_to_the_team_without_the_arm(
    randomized: list[Any], users: Any
) -> None:
    participant = randomized[0]
    unblinding_request(
        user=users["investigator"], participant=participant, reason="suspected SUSAR"
    )
    stream = io.StringIO()
    audit_export(stream)
    trail = [
        r for r in csv.DictReader(io.StringIO(stream.getvalue()))
        if r["model"] == "randomization.UnblindingRequest"
    ]  # fmt: skip
    assert {(r["user"], r["field"], r["new"]) for r in trail} >= {
        ("investigator", "reason", "suspected SUSAR")
    }
    assert audit_verify().ok
    for role in ROLES:
        rows = unblinding_list(user=users[role])
        assert len(rows) == 1
        row = rows[0]
        assert (row["study_id"], row["requested_by"], row["reason"]) == (
            participant.study_id,
            "investigator",
            "suspected SUSAR",
        )
        assert row["requested_at"] is not None
        if role in MASKED_ROLES and role != "investigator":
            assert row["arm"] == MASKED
            assert leaks(row) == []
        else:
            assert row["arm"] == participant.allocation.arm


def test_the_team_is_emailed_about_an_unblinding_without_the_arm(
    randomized: list[Any], users: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    from hepatrial.edc.accounts.models import User

    User.objects.filter(username="monitor").update(email="monitor@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        unblinding_request(
            user=users["investigator"], participant=randomized[0], reason="suspected SUSAR"
        )
    assert [m.to for m in mailoutbox] == [["monitor@example.org"]]
    body = mailoutbox[0].body
    assert randomized[0].study_id in body
    assert "suspected SUSAR" in body
    assert leaks(body) == []


@pytest.mark.parametrize("role", [r for r in ROLES if r != "investigator"])
def test_only_an_investigator_requests_emergency_unblinding(
    randomized: list[Any], users: Any, role: str
) -> None:
    with pytest.raises(AccessDeniedError, match=r"unblinding\.request: expected a user with role"):
        unblinding_request(user=users[role], participant=randomized[0], reason="curious")
    assert not UnblindingRequest.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_unblinding_needs_a_reason(randomized: list[Any], users: Any, reason: str) -> None:
    with pytest.raises(InputError, match="reason: expected the reason"):
        unblinding_request(user=users["investigator"], participant=randomized[0], reason=reason)
    assert not UnblindingRequest.objects.exists()


def test_a_participant_not_randomized_cannot_be_unblinded(
    allocation_record: Any, users: Any, make_participant: Any
) -> None:
    participant = make_participant()
    with pytest.raises(WorkflowError) as error:
        unblinding_request(user=users["investigator"], participant=participant, reason="SAE")
    assert error.value.expected == "a randomized participant"
    assert participant.study_id in str(error.value.received)
